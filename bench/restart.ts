// How soon Chapar answers again after it is killed in the middle of a big send, on the embedded
// database: a process accepts `n` recipients (sends of 20,000), claims `claimed` of them as a
// dispatcher would, and is killed (SIGKILL); then `src/main.ts` starts on the same data folder
// and this script polls it every 50 ms from the moment it is spawned. Prints when /healthz, a
// sign-in and /readyz first answered, and the time of each start step (the "started" log line).
//
//   npx tsx bench/restart.ts [n=200000] [claimed=100000]
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { freshChapar, machine, numbers } from './common.ts';
import { messageRepo } from '../src/modules/messages/repo.ts';

const [n = 200_000, claimed = 100_000] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);

if (process.argv.includes('--setup')) {
  // the doomed process: its data folder, a big outbox, claims in flight, then it waits to be killed
  const { chapar, call, token, dir } = await freshChapar({ engine: false });
  for (let sent = 0; sent < n; sent += 20_000) {
    await call(token, 'POST', '/api/v1/messages', { to: numbers(Math.min(20_000, n - sent), sent), text: 'restart bench', class: 'service' });
  }
  const repo = messageRepo(chapar.services.db);
  for (let got = 0; got < claimed; ) {
    const c = await repo.claim(Math.min(2000, claimed - got), new Date(), 'bench');
    if (!c.length) break;
    got += c.length;
  }
  console.log(`READY ${dir}`);
  await new Promise(() => {});
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

console.log(`machine: ${machine()}`);
const setup = spawn(process.execPath, ['--import', 'tsx', 'bench/restart.ts', '--setup', String(n), String(claimed)], { stdio: ['ignore', 'pipe', 'inherit'] });
const dir = await new Promise<string>((resolve, reject) => {
  let out = '';
  setup.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = out.match(/READY (\S+)/);
    if (m) resolve(m[1]);
  });
  setup.on('exit', (code) => reject(new Error(`setup exited with ${code}`)));
});
setup.kill('SIGKILL');
await new Promise((r) => setup.once('exit', r));
console.log(`${n} recipients accepted, ${claimed} claimed, process killed; restarting on ${dir}`);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const t0 = performance.now();
const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CHAPAR_DATA_DIR: dir, CHAPAR_ADMIN_PASSWORD: 'bench-admin-pass', CHAPAR_PLATFORM_HOSTS: '127.0.0.1,localhost', NODE_ENV: 'production', CHAPAR_LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let steps = '';
let log = '';
server.stdout!.on('data', (d: Buffer) => {
  log += d.toString();
  const m = log.match(/"steps":(\{[^}]*\})/);
  if (m) steps = m[1];
});
const at: Record<string, number> = {};
const seconds = () => ((performance.now() - t0) / 1000).toFixed(2);
while (!(at.healthz && at.signIn && at.readyz)) {
  const probe = async (name: string, f: () => Promise<Response>) => {
    if (at[name]) return;
    const res = await f().catch(() => null);
    if (res?.ok) at[name] = Number(seconds());
  };
  await probe('healthz', () => fetch(`${base}/healthz`));
  await probe('signIn', () => fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-pass-1' }) }));
  await probe('readyz', () => fetch(`${base}/readyz`));
  if (performance.now() - t0 > 300_000) throw new Error('not ready after 300 s');
  await new Promise((r) => setTimeout(r, 50));
}
while (!steps && performance.now() - t0 < 310_000) await new Promise((r) => setTimeout(r, 50));
console.log(`after the spawn: /healthz ${at.healthz} s (the port answers; the API says NOT_READY until it is built), sign-in ${at.signIn} s, /readyz ${at.readyz} s`);
console.log(`start steps (ms): ${steps}`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });
