// Benchmark 3: single-message API calls (POST /api/v1/messages with one recipient and an API
// key) from 64 keep-alive connections for a fixed time. Target: ≥ 5,000 req/s, p99 ≤ 25 ms.
// The load comes from a child process (the second core), so the client does not eat the
// server's event loop. First the same load runs against a bare Fastify route that answers 202
// without any work: this machine's ceiling for the measurement, whatever the server does.
//   npx tsx bench/api-single.ts [seconds=10] [connections=64]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/api-single.ts
import { fork } from 'node:child_process';
import http from 'node:http';
import Fastify from 'fastify';
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
  // exit only once the result has gone (a large one is still being written when send() returns);
  // until then this process must not go on to the server part below
  const result = await generateLoad(JSON.parse(process.env.CHAPAR_BENCH_LOAD) as Load);
  await new Promise(() => process.send!(result, () => process.exit(0)));
}

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);

/** The load against `base` from a child process, and the CPU this process (the server) spent meanwhile. */
async function measure(base: string, key: string) {
  const child = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CHAPAR_BENCH_LOAD: JSON.stringify({ base, key, seconds, connections }) } });
  const cpu0 = process.cpuUsage();
  const r = await new Promise<Result>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Result));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code} before it answered`)));
  });
  const cpu = process.cpuUsage(cpu0);
  r.latencies.sort((a, b) => a - b);
  const pct = (p: number) => r.latencies[Math.min(r.latencies.length - 1, Math.floor((p / 100) * r.latencies.length))].toFixed(1);
  return {
    ...r,
    line: `${Math.round(r.latencies.length / r.elapsed)} req/s, p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${r.latencies.at(-1)!.toFixed(1)} ms; server CPU ${Math.round((cpu.user + cpu.system) / r.latencies.length)} µs a request`,
  };
}

const bare = Fastify();
bare.post('/api/v1/messages', async (_req, reply) => reply.code(202).send({ batchId: 'bat_0', accepted: 1, parts: 1, cost: '0' }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const ceiling = await measure(`http://127.0.0.1:${(bare.server.address() as { port: number }).port}`, 'none');
await bare.close();

const c = await freshChapar({ engine: false });
const key = (await c.call(c.token, 'POST', '/api/v1/api-keys', { name: 'bench' })).key as string;
// BENCH_PROFILE_QUERIES=1 also lists the statements that took the most time.
const profile = process.env.BENCH_PROFILE_QUERIES ? profileQueries(c.chapar.services.db) : null;
const run = await measure(c.base, key);
if (profile) console.log(profile.top(25).join('\n'));
const { rows } = await c.chapar.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');

console.log(`machine: ${machine()}`);
console.log(`${connections} connections for ${seconds} s from a load generator in its own process`);
console.log(`ceiling, a bare Fastify route answering 202 with no work: ${ceiling.line}`);
console.log(`Chapar, ${c.database}: ${run.line}`);
console.log(`requests: ${run.latencies.length}, non-202: ${run.errors}; messages in the outbox: ${rows[0].n}; groups: ${JSON.stringify(c.chapar.services.engine.accept.groupStats())}`);
await c.chapar.stop();
process.exit(0);
