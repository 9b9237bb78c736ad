// Shared by the benchmarks: the machine they ran on, a Chapar on a fresh embedded database, and
// a simulator SMSC in its own process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../src/config.ts';
import type { Db } from '../src/db/driver.ts';
import { startChapar, type StartOptions } from '../src/server.ts';

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** BENCH_DATABASE_URL=postgres://… runs on a fresh database of that server instead of PGlite. */
async function databaseUrl(): Promise<string | undefined> {
  const server = process.env.BENCH_DATABASE_URL;
  if (!server) return undefined;
  const name = `chapar_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * `initialised`: the data folder is made (initdb) by another process first, so this one measures
 * a server as it runs on every start after its first (initdb's own memory is not in its RSS).
 */
export async function freshChapar(opts: StartOptions & { initialised?: boolean; env?: Record<string, string> } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chapar-bench-'));
  // the data folder goes with the process: each run would otherwise leave hundreds of MB in /tmp
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const { initialised, env, ...start } = opts;
  if (initialised && !process.env.BENCH_DATABASE_URL) {
    execFileSync(process.execPath, ['-e', `import('@electric-sql/pglite').then(async ({ PGlite }) => (await PGlite.create({ dataDir: ${JSON.stringify(path.join(dir, 'pgdata'))} })).close())`], { stdio: 'inherit' });
  }
  const url = await databaseUrl();
  const config = parseConfig({ ...(url ? { DATABASE_URL: url } : {}), CHAPAR_DATA_DIR: dir, CHAPAR_PGLITE_SHARED_BUFFERS_MB: process.env.CHAPAR_PGLITE_SHARED_BUFFERS_MB, CHAPAR_ADMIN_PASSWORD: 'bench-admin-pass', CHAPAR_PLATFORM_HOSTS: '127.0.0.1,localhost', NODE_ENV: 'production', CHAPAR_LOG_LEVEL: 'warn', ...env });
  const chapar = await startChapar(config, { logger: pino({ level: 'warn' }), jobs: false, ...start });
  await chapar.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(chapar.app.server.address() as { port: number }).port}`;
  const call = async (token: string | null, method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const admin = (await call(null, 'POST', '/api/v1/auth/login', { username: 'admin', password: 'bench-admin-pass' })).token as string;
  await call(admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false });
  const groups = (await call(admin, 'GET', '/api/v1/billing/groups')).items;
  await call(admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: '500' });
  const user = await call(admin, 'POST', '/api/v1/accounts', { username: 'bench', password: 'bench-pass-1', mobile: '09120000001', kind: 'user' });
  await call(admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '100000000000', note: 'benchmark' });
  const token = (await call(null, 'POST', '/api/v1/auth/login', { username: 'bench', password: 'bench-pass-1' })).token as string;
  return { chapar, base, call, admin, token, userId: user.id as string, dir, database: url ? 'PostgreSQL' : 'embedded PGlite' };
}

export function startSimulatorProcess(args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/upstreams/simulator/main.ts', '--port', '0', '--latency-min', '5', '--latency-max', '50', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on [\d.]+:(\d+)/);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/** n distinct valid Iranian mobiles spread over the three big operators. */
export function numbers(n: number, offset = 0): string[] {
  const prefixes = ['0912', '0935', '0921'];
  return Array.from({ length: n }, (_, i) => `${prefixes[(i + offset) % 3]}${String(1_000_000 + i + offset).padStart(7, '0')}`);
}

export const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * Times every query of `db` from now on, those inside its transactions too (each is awaited
 * before the next, so a query's time is its own). `top(n, per)` lists the costliest statements,
 * their time and count divided by `per` (1 for totals).
 */
export function profileQueries(db: Db) {
  const stats = new Map<string, { count: number; ms: number }>();
  const timed = (q: Db['query']): Db['query'] =>
    (async (sql: string, params?: readonly unknown[]) => {
      const t0 = performance.now();
      try {
        return await q(sql, params);
      } finally {
        const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
        const s = stats.get(key) ?? { count: 0, ms: 0 };
        s.count++;
        s.ms += performance.now() - t0;
        stats.set(key, s);
      }
    }) as Db['query'];
  const wrap = (d: Db): Db => ({ ...d, query: timed(d.query.bind(d)), transaction: (fn) => d.transaction((tx) => fn(wrap(tx))) });
  const transaction = db.transaction.bind(db);
  (db as { query: Db['query'] }).query = timed(db.query.bind(db));
  (db as { transaction: Db['transaction'] }).transaction = (fn) => transaction((tx) => fn(wrap(tx)));
  return {
    reset: () => stats.clear(),
    count: () => [...stats.values()].reduce((s, x) => s + x.count, 0),
    top: (n: number, per = 1) =>
      [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, n).map(([k, v]) => `${(v.ms / per).toFixed(2)} ms  ×${(v.count / per).toFixed(1)}  ${k}`),
  };
}
