// Reads the small part of YAML our ops files use (ops/prometheus/alerts.yml): block mappings and
// sequences, plain and quoted scalars, folded (>-) and literal (|) block scalars. Anything else
// throws, so a file this cannot read is one to look at, not one to trust.
type Value = string | Value[] | { [k: string]: Value };
type Line = { indent: number; text: string; no: number };

export function parseYamlLite(source: string): Value {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    if (/^\t| \t/.test(raw)) throw new Error(`line ${i + 1}: tab in indentation`);
    lines.push({ indent: raw.length - raw.trimStart().length, text: raw.trim(), no: i + 1 });
  });
  let pos = 0;
  const fail = (l: Line, why: string): never => {
    throw new Error(`line ${l.no}: ${why}: ${l.text}`);
  };

  function scalar(s: string, l: Line): string {
    if (s.startsWith('"')) {
      if (!/^"(?:[^"\\]|\\.)*"$/.test(s)) fail(l, 'unterminated double-quoted string');
      return JSON.parse(s.replace(/\\'/g, "'"));
    }
    if (s.startsWith("'")) {
      if (!/^'(?:[^']|'')*'$/.test(s)) fail(l, 'unterminated single-quoted string');
      return s.slice(1, -1).replace(/''/g, "'");
    }
    if (/^[[{&*!|>%@`]/.test(s) || / #/.test(s) || /: /.test(s)) fail(l, 'unsupported or ambiguous scalar');
    return s;
  }

  function blockScalar(style: string, parentIndent: number): string {
    const body: Line[] = [];
    while (pos < lines.length && lines[pos].indent > parentIndent) body.push(lines[pos++]);
    if (!body.length) throw new Error(`empty block scalar after line ${lines[pos - 1]?.no}`);
    return body.map((b) => b.text).join(style.startsWith('>') ? ' ' : '\n');
  }

  /** `key: value` text at `indent`, its nested block (if any) read from the following lines. */
  function entry(text: string, indent: number, l: Line, into: Record<string, Value>) {
    const m = /^([A-Za-z_][\w.-]*):(?: (.*))?$/.exec(text);
    if (!m) fail(l, 'expected "key: value"');
    const [, key, rest] = m!;
    if (key in into) fail(l, `duplicate key ${key}`);
    if (rest === undefined || rest === '') into[key] = pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : fail(l, 'empty value');
    else if (/^[|>]-?$/.test(rest)) into[key] = blockScalar(rest, indent);
    else into[key] = scalar(rest, l);
  }

  function block(indent: number): Value {
    const first = lines[pos];
    if (first.text.startsWith('- ')) {
      const list: Value[] = [];
      while (pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith('- ')) {
        const l = lines[pos++];
        const item: Record<string, Value> = {};
        const inner = indent + 2;
        entry(l.text.slice(2), inner, l, item);
        while (pos < lines.length && lines[pos].indent === inner && !lines[pos].text.startsWith('- ')) {
          const e = lines[pos++];
          entry(e.text, inner, e, item);
        }
        list.push(item);
      }
      return list;
    }
    const map: Record<string, Value> = {};
    while (pos < lines.length && lines[pos].indent === indent) {
      const l = lines[pos++];
      if (l.text.startsWith('- ')) fail(l, 'a list item among mapping keys');
      entry(l.text, indent, l, map);
    }
    return map;
  }

  if (!lines.length) throw new Error('empty document');
  const doc = block(lines[0].indent);
  if (pos < lines.length) fail(lines[pos], 'unexpected indentation');
  return doc;
}
