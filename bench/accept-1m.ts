// Benchmark 2: accepting one send to 1,000,000 recipients on the embedded default: parse and
// normalise every number, compliance checks in bulk, price, reserve credit at every level, and
// store every recipient — one transaction, acknowledged only after it commits.
// Target: ≤ 5 s and ≤ 1 GB RSS.   npx tsx bench/accept-1m.ts [recipients=1000000]
// The client runs in its own process (its copy of the million numbers is not the server's memory),
// and the data folder is made before the server starts, as on any start after the first.
import { spawn } from 'node:child_process';
import { freshChapar, machine, numbers, peakRssMb, rssMb } from './common.ts';

type Answer = { status: number; seconds: number; bytes: number; body: { accepted: number; cost: string; parts: number } };

if (process.argv[2] === '--client') {
  const [, , , base, token, count] = process.argv;
  const body = JSON.stringify({ to: numbers(Number(count)), text: 'جشنواره پاییزه: ۲۰٪ تخفیف همه کالاها', class: 'service' });
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const answer: Answer = { status: res.status, body: await res.json(), seconds: (performance.now() - started) / 1000, bytes: Buffer.byteLength(body) };
  process.stdout.write(JSON.stringify(answer));
  process.exit(0);
}

const n = Number(process.argv[2] ?? 1_000_000);
const c = await freshChapar({ engine: false, initialised: true });
const before = rssMb();
const client = spawn(process.execPath, ['--import', 'tsx', 'bench/accept-1m.ts', '--client', c.base, c.token, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
client.stdout.on('data', (d: Buffer) => (out += d.toString()));
await new Promise((resolve) => client.on('exit', resolve));
const answer = JSON.parse(out) as Answer;
const { rows } = await c.chapar.services.db.query('SELECT count(*)::int AS n FROM outbox_messages');

console.log(`machine: ${machine()}`);
console.log(`recipients: ${n} (${(answer.bytes / 2 ** 20).toFixed(1)} MB of JSON), HTTP ${answer.status}`);
console.log(`accepted ${answer.body.accepted} recipients, ${answer.body.parts} part(s) each, cost ${answer.body.cost} rials: ${answer.seconds.toFixed(2)} s from request to acknowledgement`);
console.log(`recipients in the outbox: ${rows[0].n}`);
console.log(`server RSS before: ${before} MB, peak: ${peakRssMb()} MB (Chapar and PGlite in one process; the client in its own)`);
await c.chapar.stop();
process.exit(0);
