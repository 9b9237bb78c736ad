// Benchmark 2: accepting one send to 1,000,000 recipients on the embedded default: parse and
// normalise every number, compliance checks in bulk, price, reserve credit at every level, and
// write every message — one transaction, acknowledged only after it commits.
// Target: ≤ 5 s and ≤ 1 GB RSS.   npx tsx bench/accept-1m.ts [recipients=1000000]
import { freshChapar, machine, numbers, peakRssMb, rssMb } from './common.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const c = await freshChapar({ engine: false });
const to = numbers(n);
const body = JSON.stringify({ to, text: 'جشنواره پاییزه: ۲۰٪ تخفیف همه کالاها', class: 'service' });
const before = rssMb();
const started = performance.now();
const res = await fetch(`${c.base}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body });
const answer = (await res.json()) as { accepted: number; cost: string; parts: number };
const elapsed = (performance.now() - started) / 1000;
const { rows } = await c.chapar.services.db.query('SELECT count(*)::int AS n FROM outbox_messages');

console.log(`machine: ${machine()}`);
console.log(`recipients: ${n} (${(body.length / 2 ** 20).toFixed(1)} MB of JSON), HTTP ${res.status}`);
console.log(`accepted ${answer.accepted} recipients, ${answer.parts} part(s) each, cost ${answer.cost} rials: ${elapsed.toFixed(2)} s from request to acknowledgement`);
console.log(`messages in the outbox: ${rows[0].n}`);
console.log(`RSS before: ${before} MB, peak RSS: ${peakRssMb()} MB (server, PGlite and the client in one process)`);
await c.chapar.stop();
process.exit(0);
