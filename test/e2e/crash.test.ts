import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callProcess as call, startProcess, startSmscProcess } from '../helpers/chapar-process.ts';
import { until as untilWithin } from '../helpers/until.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';

const ADMIN_PASSWORD = 'crash-admin-pass';

/** A process restarting is slow on a busy machine: a minute by default. */
const until = <T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 60_000) => untilWithin(what, get, done, ms);

describe('a Chapar killed in the middle of dispatching', () => {
  let db: TestDb | null = null;
  let child: ChildProcess | null = null;
  let smsc: ChildProcess | null = null;
  afterAll(async () => {
    child?.kill('SIGKILL');
    smsc?.kill('SIGKILL');
    await db?.close();
  });

  it('loses no message and charges none twice after a restart', async () => {
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      CHAPAR_PLATFORM_HOSTS: '127.0.0.1',
      CHAPAR_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CHAPAR_LOG_LEVEL: 'warn',
    };
    const sim = await startSmscProcess(['--throttle', '400', '--latency-min', '1', '--latency-max', '30']);
    smsc = sim.child;
    if (process.env.TEST_DATABASE_URL) {
      db = await freshDb({ migrate: false });
      env.DATABASE_URL = db.url!;
    } else {
      env.CHAPAR_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'chapar-crash-'));
    }
    let run = await startProcess(env);
    child = run.child;
    const admin = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    expect((await call(run.base, admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
    // Route everything to the external SMSC over a real SMPP connector, ahead of the built-in simulator.
    const connector = await call(run.base, admin, 'POST', '/api/v1/connectors', { name: 'operator', kind: 'smpp', settings: { host: '127.0.0.1', port: sim.port, systemId: 'chapar', password: 'x', window: 20, reconnectMinMs: 100 } });
    expect(connector.status).toBe(201);
    expect((await call(run.base, admin, 'POST', '/api/v1/routes', { priority: 1, connectorId: connector.body.id })).status).toBe(201);
    const groups = (await call(run.base, admin, 'GET', '/api/v1/billing/groups')).body.items;
    await call(run.base, admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: '700' });
    const user = (await call(run.base, admin, 'POST', '/api/v1/accounts', { username: 'bulk', password: 'bulk-pass-1', mobile: '09120000001', kind: 'user' })).body;
    await call(run.base, admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '10000000', note: 'crash test' });
    const token = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'bulk', password: 'bulk-pass-1' })).body.token;
    const to = Array.from({ length: 3000 }, (_, i) => `0912${String(1_000_000 + i).padStart(7, '0')}`);
    const sent = await call(run.base, token, 'POST', '/api/v1/messages', { to, text: 'Your code is ready', class: 'service' });
    expect(sent.status).toBe(202);
    expect(sent.body.cost).toBe(String(3000 * 700));
    const batchId = sent.body.batchId;

    await until('some deliveries', () => call(run.base, token, 'GET', `/api/v1/messages/${batchId}`), (r) => (r.body.counts?.delivered ?? 0) >= 300);
    run.child.kill('SIGKILL');
    await new Promise((r) => run.child.once('exit', r));

    run = await startProcess(env);
    child = run.child;
    const token2 = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'bulk', password: 'bulk-pass-1' })).body.token;
    const done = await until('every message final', () => call(run.base, token2, 'GET', `/api/v1/messages/${batchId}`), (r) => r.body.status === 'done', 120_000);
    expect(done.body.counts).toEqual({ delivered: 3000 });
    const balance = (await call(run.base, token2, 'GET', '/api/v1/balance')).body;
    expect(balance).toMatchObject({ balance: String(10_000_000 - 3000 * 700), reserved: '0' });
    const admin2 = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    const reconcile = await call(run.base, admin2, 'GET', '/api/v1/billing/reconcile');
    expect(reconcile.status).toBe(200);
    expect(reconcile.body).toMatchObject({ ok: true, wallets: [] });
  }, 240_000);
});
