// Benchmark 3: single-message API calls (POST /api/v1/messages with one recipient and an API
// key) from 64 keep-alive connections for a fixed time. Target: ≥ 5,000 req/s, p99 ≤ 25 ms.
// The load comes from a child process (the second core), so the client does not eat the
// server's event loop.
//   npx tsx bench/api-single.ts [seconds=10] [connections=64]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/api-single.ts
import { fork } from 'node:child_process';
import http from 'node:http';
import { freshChapar, machine, numbers, profileQueries } from './common.ts';

type Load = { base: string; key: string; seconds: number; connections: number };
type Result = { latencies: number[]; errors: number; elapsed: number };

async function generateLoad({ base, key, seconds, connections }: Load): Promise<Result> {
  const url = new URL(`${base}/api/v1/messages`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const to = numbers(100_000);
  const post = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ to: [to[i % to.length]], text: 'کد تأیید شما: 48213', class: 'otp' });
      const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const status = await post(next++);
        latencies.push(performance.now() - t0);
        if (status !== 202) errors++;
      }
    }),
  );
  agent.destroy();
  return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
}

if (process.env.CHAPAR_BENCH_LOAD) {
  // exit only once the result has gone: a large one is still being written when send() returns
  process.send!(await generateLoad(JSON.parse(process.env.CHAPAR_BENCH_LOAD) as Load), () => process.exit(0));
}

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);
const c = await freshChapar({ engine: false });
const key = (await c.call(c.token, 'POST', '/api/v1/api-keys', { name: 'bench' })).key as string;
// BENCH_PROFILE_QUERIES=1 also lists the statements that took the most time.
const profile = process.env.BENCH_PROFILE_QUERIES ? profileQueries(c.chapar.services.db) : null;
const child = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CHAPAR_BENCH_LOAD: JSON.stringify({ base: c.base, key, seconds, connections }) } });
const { latencies, errors, elapsed } = await new Promise<Result>((resolve, reject) => {
  child.once('message', (m) => resolve(m as Result));
  child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it answered`)));
});
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
if (profile) console.log(profile.top(25).join('\n'));
const { rows } = await c.chapar.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');

console.log(`machine: ${machine()}`);
console.log(`${connections} connections for ${seconds} s from a load generator in its own process, ${c.database}`);
console.log(`requests: ${latencies.length}, non-202: ${errors}, throughput: ${Math.round(latencies.length / elapsed)} req/s; messages in the outbox: ${rows[0].n}`);
console.log(`latency ms: p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}, max ${latencies.at(-1)!.toFixed(1)}`);
await c.chapar.stop();
process.exit(0);
