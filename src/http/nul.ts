// PostgreSQL's text cannot hold the NUL character (U+0000): a string carrying one fails its
// statement, whichever column it was meant for. Every request's parsed input (body, query string,
// path parameters, headers) is searched for it before the route's schema sees it, here for small
// bodies and on the big-body worker for big ones, so the answer is a VALIDATION_FAILED naming the
// field rather than a 500 from the database.

/** A zod issue as `ctx.addIssue` takes it; `params.reason` is what validation-messages.ts names. */
export type NulIssue = { code: 'custom'; path: (string | number)[]; message: string; params: { reason: 'nul_character' } };

const MAX_ISSUES = 20;

/** The paths of the strings (values or keys) in `value` that contain U+0000, the first 20. */
export function nulIssues(value: unknown): NulIssue[] {
  const found: NulIssue[] = [];
  const issue = (path: (string | number)[]): NulIssue => ({ code: 'custom', path, message: 'contains a NUL character (U+0000)', params: { reason: 'nul_character' } });
  const visit = (v: unknown, path: () => (string | number)[]) => {
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push(issue(path()));
    } else if (typeof v === 'object' && v !== null) stack.push({ v, path: path() });
  };
  const stack: { v: object; path: (string | number)[] }[] = [];
  visit(value, () => []);
  while (stack.length && found.length < MAX_ISSUES) {
    const { v, path } = stack.pop()!;
    // A path is built only for what is reported or searched further: a million numbers cost no arrays.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && found.length < MAX_ISSUES; i++) visit(v[i], () => [...path, i]);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\u0000')) found.push(issue([...path, k.replaceAll('\u0000', '\\u0000')]));
      else visit(x, () => [...path, k]);
    }
  }
  return found;
}
