// A Chapar killed while a keyed send is in flight: whatever the kill interrupted (before the claim,
// between claim and commit, between commit and answer), the retry with the same Idempotency-Key
// after a restart is answered (not 409 for hours) with one batch, charged once.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callProcess as call, startProcess } from '../helpers/chapar-process.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';

const ADMIN_PASSWORD = 'crash-admin-pass';

describe('a Chapar killed while answering a keyed send', () => {
  let db: TestDb | null = null;
  let child: ChildProcess | null = null;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.close();
  });

  it('answers the retry after the restart with one batch, charged once', async () => {
    const env: Record<string, string> = { NODE_ENV: 'test', CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: ADMIN_PASSWORD, CHAPAR_LOG_LEVEL: 'warn' };
    if (process.env.TEST_DATABASE_URL) {
      db = await freshDb({ migrate: false });
      env.DATABASE_URL = db.url!;
    } else {
      env.CHAPAR_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'chapar-crash-idem-'));
    }
    let run = await startProcess(env);
    child = run.child;
    const admin = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    await call(run.base, admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false });
    const groups = (await call(run.base, admin, 'GET', '/api/v1/billing/groups')).body.items;
    await call(run.base, admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: '700' });
    const user = (await call(run.base, admin, 'POST', '/api/v1/accounts', { username: 'keyed', password: 'keyed-pass-1', mobile: '09120000002', kind: 'user' })).body;
    await call(run.base, admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '10000000', note: 'crash test' });
    const login = () => call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'keyed', password: 'keyed-pass-1' });
    const token = (await login()).body.token;
    const to = Array.from({ length: 2000 }, (_, i) => `0912${String(2_000_000 + i).padStart(7, '0')}`);
    const body = { to, text: 'keyed and killed', class: 'service' };
    const headers = { 'idempotency-key': 'killed-send' };

    const inFlight = call(run.base, token, 'POST', '/api/v1/messages', body, headers).catch(() => null);
    await new Promise((r) => setTimeout(r, 40));
    run.child.kill('SIGKILL');
    await new Promise((r) => run.child.once('exit', r));
    const first = await inFlight;
    console.log(`the kill left the first request ${first ? `answered ${first.status}` : 'unanswered'}`);

    run = await startProcess(env);
    child = run.child;
    const token2 = (await login()).body.token;
    // On PostgreSQL the dead process's lease runs out within seconds; on PGlite it is gone at once.
    let retry = await call(run.base, token2, 'POST', '/api/v1/messages', body, headers);
    for (let i = 0; retry.status === 409 && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      retry = await call(run.base, token2, 'POST', '/api/v1/messages', body, headers);
    }
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    if (first?.status === 202) expect(retry.body.batchId).toBe(first.body.batchId);
    const batches = (await call(run.base, token2, 'GET', '/api/v1/messages')).body.items;
    expect(batches.map((b: { id: string }) => b.id)).toEqual([retry.body.batchId]);
    const balance = (await call(run.base, token2, 'GET', '/api/v1/balance')).body;
    // charged once: the balance is down by one send's price (reserved or settled)
    expect(10_000_000n - BigInt(balance.balance)).toBe(2000n * 700n);
    expect(retry.body.cost).toBe(String(2000 * 700));
  }, 120_000);
});
