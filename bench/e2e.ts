// Benchmark 1: end to end on the embedded default. 100k messages accepted in bulk, sent over SMPP
// to the simulator SMSC running in its own process (two binds), a receipt for every message, until
// every reservation is settled. Target: ≥ 10,000 msg/s.
//   npx tsx bench/e2e.ts [messages=100000] [binds=2]
import { freshChapar, machine, numbers, peakRssMb, profileQueries, startSimulatorProcess } from './common.ts';

const total = Number(process.argv[2] ?? 100_000);
const binds = Number(process.argv[3] ?? 2);
const sim = await startSimulatorProcess();
const c = await freshChapar({ engineOptions: { dispatcher: { claimSize: 5000, idleMs: 20 } } });
for (let i = 0; i < binds; i++) {
  const con = await c.call(c.admin, 'POST', '/api/v1/connectors', { name: `operator-${i}`, kind: 'smpp', settings: { host: '127.0.0.1', port: sim.port, systemId: `bench${i}`, password: 'x', window: 500, submitTimeoutMs: 120000, maxQueue: 1000000 } });
  await c.call(c.admin, 'POST', '/api/v1/routes', { priority: 1, connectorId: con.id });
}

// BENCH_PROFILE_QUERIES=1 also lists the statements that took the most time.
const profile = process.env.BENCH_PROFILE_QUERIES ? profileQueries(c.chapar.services.db) : null;
const started = performance.now();
const chunk = 10_000;
const batches: string[] = [];
for (let i = 0; i < total; i += chunk) {
  const r = await c.call(c.token, 'POST', '/api/v1/messages', { to: numbers(Math.min(chunk, total - i), i), text: 'Your order has shipped. Track it in the app.', class: 'service' });
  batches.push(r.batchId);
}
const accepted = performance.now();

const db = c.chapar.services.db;
// a batch is done once every one of its messages is settled (none left in a chunk either)
for (;;) {
  const { rows } = await db.query<{ open: number }>("SELECT count(*)::int AS open FROM batches WHERE id = ANY($1) AND status <> 'done'", [batches]);
  if (rows[0].open === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
const done = performance.now();
const { rows: counts } = await db.query('SELECT status, count(*)::int AS n FROM messages GROUP BY status');
const { rows: open } = await db.query('SELECT coalesce(sum(count - settled - released), 0)::int AS open FROM reservation_lines');
const reconcile = await c.chapar.services.billing.reconcile();

console.log(`machine: ${machine()}`);
console.log(`messages: ${total} in ${batches.length} sends of ${chunk}, ${binds} SMPP binds to the simulator in its own process`);
console.log(`accepted: ${((accepted - started) / 1000).toFixed(2)} s (${Math.round(total / ((accepted - started) / 1000))} msg/s)`);
console.log(`end to end (accept → submit → receipt → settled): ${((done - started) / 1000).toFixed(2)} s = ${Math.round(total / ((done - started) / 1000))} msg/s`);
console.log(`final statuses: ${counts.map((r) => `${r.status} ${r.n}`).join(', ')}; open reservation lines: ${open[0].open}; ledger reconciles: ${reconcile.wallets.length === 0 && reconcile.unbalancedTransactions.length === 0 && reconcile.unbackedCredit.length === 0}`);
console.log(`peak RSS: ${peakRssMb()} MB`);
if (profile) for (const line of profile.top(20)) console.log(line);
await c.chapar.stop();
sim.child.kill();
process.exit(0);
