// The dashboard and the alert rules under ops/ name only metrics Chapar exports: every metric in
// their expressions is looked up in a real /metrics scrape, so renaming a metric without them fails.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChapar, type TestChapar } from '../helpers/app.ts';
import { parseMetrics } from '../helpers/metrics.ts';
import { parseYamlLite } from '../helpers/yaml-lite.ts';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

// PromQL's own words: functions, aggregations, operators, modifiers.
const promql = new Set([
  'sum', 'avg', 'min', 'max', 'count', 'rate', 'irate', 'increase', 'delta', 'deriv', 'predict_linear', 'histogram_quantile', 'absent',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'label_values', 'topk', 'bottomk', 'clamp_min',
]);
/** Series Prometheus makes itself for every target. */
const fromPrometheus = new Set(['up']);

/** The metric names an expression reads (label matchers, groupings, ranges and strings removed). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)/g, ' $1 ')
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?[smhdwy]*\b/gi, ' ');
  const names = [...bare.matchAll(/[a-zA-Z_:][\w:]*/g)].map((m) => m[0]).filter((w) => !promql.has(w));
  return [...new Set(names)];
}

/** A histogram's or summary's series name back to its family. */
const family = (name: string, families: Map<string, string>) => {
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return families.has(name) ? name : families.get(base) === 'histogram' || families.get(base) === 'summary' ? base : name;
};

describe('ops files', () => {
  let t: TestChapar;
  let families: Map<string, string>;
  beforeAll(async () => {
    // every family is declared whether or not anything was counted yet
    t = await testChapar({ env: { CHAPAR_METRICS_TOKEN: 'metrics-token-0123456789' } });
    const res = await t.api({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });
    families = parseMetrics(res.body as string).families;
  });
  afterAll(() => t.close());

  it('reads a metric name out of an expression and nothing else', () => {
    expect(metricNames('sum by (connector) (rate(chapar_messages_total{event=~"a|b"}[5m])) > 0.5 * sum(up{job="x"}) and chapar_data_size_bytes offset 1d > 5e9')).toEqual(['chapar_messages_total', 'up', 'chapar_data_size_bytes']);
    expect(metricNames('histogram_quantile(0.99, sum by (connector, le) (rate(chapar_submit_duration_seconds_bucket{connector=~"$connector"}[$__rate_interval])))')).toEqual(['chapar_submit_duration_seconds_bucket']);
    expect(metricNames('label_values(chapar_connector_up, connector)')).toEqual(['chapar_connector_up']);
    expect(metricNames('chapr_outbox_messages > 1')).toEqual(['chapr_outbox_messages']);
  });

  it('has well-formed alert rules, each naming only metrics Chapar exports', () => {
    const doc = parseYamlLite(read('ops/prometheus/alerts.yml')) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    // the alerts docs/operations.md explains
    expect(names).toEqual(expect.arrayContaining(['ChaparConnectorDown', 'ChaparOutboxOldestHigh', 'ChaparReceiptRateDrop', 'ChaparUnmatchedReceipts', 'ChaparWebhookFailures', 'ChaparDataGrowth']));
    const docs = read('docs/operations.md');
    for (const r of rules) {
      expect(typeof r.expr).toBe('string');
      expect(r.labels).toMatchObject({ severity: expect.stringMatching(/^(page|ticket)$/) });
      expect(docs).toContain(r.alert as string);
      const unknown = metricNames(r.expr as string).filter((n) => !fromPrometheus.has(n) && !families.has(family(n, families)));
      expect({ alert: r.alert, unknown }).toEqual({ alert: r.alert, unknown: [] });
    }
  });

  it('has a Grafana dashboard whose every query names only metrics Chapar exports', () => {
    const dash = JSON.parse(read('ops/grafana/chapar.json')) as { panels: { title: string; targets?: { expr: string }[] }[]; templating: { list: { query: unknown }[] } };
    const exprs = [
      ...dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
      ...dash.templating.list.filter((v) => typeof v.query === 'string' && v.query.includes('(')).map((v) => ({ where: 'variable', expr: v.query as string })),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      const unknown = metricNames(expr).filter((n) => {
        used.add(family(n, families));
        return !families.has(family(n, families));
      });
      expect({ where, unknown }).toEqual({ where, unknown: [] });
    }
    // every family this change added has a panel
    for (const f of [...families.keys()].filter((n) => /^chapar_(messages|submit|receipt|outbox|ledger|data|connector|webhook|accept)_/.test(n))) expect(used).toContain(f);
  });
});
