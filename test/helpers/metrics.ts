// Reads Prometheus's text format: every sample with its labels, and the families it declares.
export type Sample = { name: string; labels: Record<string, string>; value: number };

export type Samples = {
  /** Every family named by a `# TYPE` line, with its type. */
  families: Map<string, string>;
  all(name: string): Sample[];
  /** The sum of the samples of `name` whose labels include `labels` (0 when none does). */
  value(name: string, labels?: Record<string, string>): number;
  /** value() now minus value() in an earlier scrape. */
  delta(before: Samples, name: string, labels?: Record<string, string>): number;
};

export function parseMetrics(text: string): Samples {
  const samples: Sample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      families.set(name, type);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  return {
    families,
    all: (name) => samples.filter((s) => s.name === name),
    value,
    delta: (before, name, labels) => value(name, labels) - before.value(name, labels),
  };
}
