// PostgreSQL's text cannot hold the NUL character (U+0000): a string carrying one fails its
// statement, whichever column it was meant for. Every request's parsed input (body, query string,
// path parameters, headers) is searched for it before the route's schema sees it, here for small
// bodies and on the big-body worker for big ones, so the answer is a VALIDATION_FAILED naming the
// field rather than a 500 from the database.

/** A zod issue as `ctx.addIssue` takes it; `params.reason` is what validation-messages.ts names. */
export type NulIssue = { code: 'custom'; path: (string | number)[]; message: string; params: { reason: 'nul_character' } };

const MAX_ISSUES = 20;

/** Where a value sits: its parent's place and its key there. A path is built only for an issue,
 * so a deep or long input costs no copies of paths. */
type Place = { up: Place | null; key: string | number } | null;

function pathOf(place: Place): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p = place; p; p = p.up) path.push(p.key);
  return path.reverse();
}

/** The paths of the strings (values or keys) in `value` that contain U+0000, the first 20. */
export function nulIssues(value: unknown): NulIssue[] {
  const found: NulIssue[] = [];
  const issue = (place: Place): NulIssue => ({ code: 'custom', path: pathOf(place), message: 'contains a NUL character (U+0000)', params: { reason: 'nul_character' } });
  const stack: { v: object; at: Place }[] = [];
  const visit = (v: unknown, at: Place) => {
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push(issue(at));
    } else if (typeof v === 'object' && v !== null) stack.push({ v, at });
  };
  visit(value, null);
  while (stack.length && found.length < MAX_ISSUES) {
    const { v, at } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && found.length < MAX_ISSUES; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string' ? x.includes('\u0000') : typeof x === 'object' && x !== null) visit(x, { up: at, key: i });
      }
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\u0000')) found.push(issue({ up: at, key: k.replaceAll('\u0000', '\\u0000') }));
      else visit(x, { up: at, key: k });
    }
  }
  return found;
}
