// Chapar killed with SIGKILL at random points of a big send, several times, against an SMSC that
// runs in a process of its own and counts the parts it accepted per destination. After the last
// restart: nothing lost, nothing charged twice (the ledger reconciles), no Idempotency-Key stuck,
// and each kill cost at most the documented number of duplicates (docs/operations.md, "Crashes").
// The kill points come from a seed printed at the start: CHAPAR_KILL_SEED=<seed> runs it again.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callProcess as call, startProcess, startSmscProcess, type SmscCounts } from '../helpers/chapar-process.ts';
import { until as untilWithin } from '../helpers/until.ts';
import { prng } from '../../src/upstreams/simulator/smsc.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';

const ADMIN_PASSWORD = 'crash-admin-pass';
const WINDOW = 20;
const KILLS = 4;
// the big send's recipients: CHAPAR_KILL_BIG=96000 makes the whole send the 100k
const BIG = Math.min(99_000, Number(process.env.CHAPAR_KILL_BIG ?? 16_000));
const PRICE = 700n;

/** A process restarting is slow on a busy machine: a minute by default. */
const until = <T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 60_000) => untilWithin(what, get, done, ms);

const numbers = (from: number, n: number) => Array.from({ length: n }, (_, i) => `0912${String(from + i).padStart(7, '0')}`);
/** As the SMSC sees the destination: international, without the plus. */
const wire = (national: string) => `98${national.slice(1)}`;

describe('a Chapar killed again and again in the middle of a big send', () => {
  let db: TestDb | null = null;
  let child: ChildProcess | null = null;
  let smsc: ChildProcess | null = null;
  afterAll(async () => {
    child?.kill('SIGKILL');
    smsc?.kill('SIGKILL');
    await db?.close();
  });

  it('loses nothing, charges nothing twice, and sends at most the documented duplicates per kill', async () => {
    const seed = Number(process.env.CHAPAR_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = prng(seed);
    console.log(`kill test seed ${seed} (CHAPAR_KILL_SEED=${seed} runs these kill points again)`);
    const env: Record<string, string> = { NODE_ENV: 'test', CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: ADMIN_PASSWORD, CHAPAR_LOG_LEVEL: 'warn', CHAPAR_IN_DOUBT_GRACE_SECONDS: '5' };
    const sim = await startSmscProcess(['--latency-min', '5', '--latency-max', '200', '--count-destinations']);
    smsc = sim.child;
    if (process.env.TEST_DATABASE_URL) {
      db = await freshDb({ migrate: false });
      env.DATABASE_URL = db.url!;
    } else {
      env.CHAPAR_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'chapar-kills-'));
    }
    let run = await startProcess(env);
    child = run.child;
    const admin = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    expect((await call(run.base, admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
    const connector = await call(run.base, admin, 'POST', '/api/v1/connectors', { name: 'operator', kind: 'smpp', settings: { host: '127.0.0.1', port: sim.port, systemId: 'chapar', password: 'x', window: WINDOW, reconnectMinMs: 100 } });
    expect(connector.status).toBe(201);
    expect((await call(run.base, admin, 'POST', '/api/v1/routes', { priority: 1, connectorId: connector.body.id })).status).toBe(201);
    // only the external SMSC: a restart must not deliver through the built-in simulator while it binds
    for (const c of (await call(run.base, admin, 'GET', '/api/v1/connectors')).body.items) {
      if (c.id !== connector.body.id) expect((await call(run.base, admin, 'PATCH', `/api/v1/connectors/${c.id}`, { enabled: false })).status).toBe(200);
    }
    const groups = (await call(run.base, admin, 'GET', '/api/v1/billing/groups')).body.items;
    await call(run.base, admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: String(PRICE) });
    const user = (await call(run.base, admin, 'POST', '/api/v1/accounts', { username: 'bulk', password: 'bulk-pass-1', mobile: '09120000001', kind: 'user' })).body;
    const credit = 100_000_000n;
    await call(run.base, admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: String(credit), note: 'kill test' });
    const login = async () => (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'bulk', password: 'bulk-pass-1' })).body.token as string;
    let token = await login();

    // parts each destination should get exactly once: a big send kept in chunks, sends with a row
    // per recipient (one of them two parts long), and a small keyed send fired at each kill
    const expected = new Map<string, number>();
    const batches: string[] = [];
    let cost = 0n;
    const send = async (to: string[], text: string, parts: number, key: string) => {
      const r = await call(run.base, token, 'POST', '/api/v1/messages', { to, text, class: 'service' }, { 'idempotency-key': key });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      for (const n of to) expected.set(wire(n), parts);
      batches.push(r.body.batchId);
      cost += BigInt(r.body.cost);
      return r.body;
    };
    await send(numbers(1_000_000, BIG), 'kill test: a big send', 1, 'big');
    for (let i = 0; i < 4; i++) await send(numbers(1_100_000 + i * 1000, 900), `kill test: rows ${i}`, 1, `rows-${i}`);
    await send(numbers(1_200_000, 400), `kill test: two parts ${'x'.repeat(170)}`, 2, 'two-parts');

    const dupParts = (c: SmscCounts) => Object.entries(c.repeats).reduce((s, [to, n]) => s + Math.max(0, n - (expected.get(to) ?? 1)), 0);
    const perKill: number[] = [];
    const restarts: number[] = [];
    let before = await sim.counts();
    let dupsBefore = 0;
    for (let k = 0; k < KILLS; k++) {
      // a random point of the send: after this many more parts have reached the SMSC
      const more = 300 + Math.floor(random() * ((BIG + 4400) * 0.7) / KILLS);
      const at = before.parts + more;
      await until(`${more} more parts at the SMSC`, () => sim.counts(), (c) => c.parts >= at, 90_000);
      // a keyed send in flight at the kill: after the restart its key answers (not 409 for hours)
      const keyed = numbers(1_300_000 + k * 10, 10);
      const keyedBody = { to: keyed, text: `kill test: keyed ${k}`, class: 'service' };
      const inFlight = call(run.base, token, 'POST', '/api/v1/messages', keyedBody, { 'idempotency-key': `keyed-${k}` }).catch(() => null);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 30)));
      const atKill = await sim.counts();
      run.child.kill('SIGKILL');
      await new Promise((r) => run.child.once('exit', r));
      await inFlight;
      const dupsNow = dupParts(atKill);
      if (k > 0) perKill.push(dupsNow - dupsBefore);
      console.log(`kill ${k + 1} at ${atKill.parts} parts; duplicates so far ${dupsNow}`);
      dupsBefore = dupsNow;

      run = await startProcess(env);
      child = run.child;
      restarts.push(await run.firstAnswerMs);
      token = await login();
      const retry = await until('the keyed send answered', () => call(run.base, token, 'POST', '/api/v1/messages', keyedBody, { 'idempotency-key': `keyed-${k}` }), (r) => r.status !== 409, 30_000);
      expect(retry.status, JSON.stringify(retry.body)).toBe(202);
      for (const n of keyed) expected.set(wire(n), 1);
      batches.push(retry.body.batchId);
      cost += BigInt(retry.body.cost);
      before = await sim.counts();
    }

    await new Promise((r) => setTimeout(r, 8000));
    console.log(`after the last kill and its grace: duplicates ${dupParts(await sim.counts())}`);
    for (const b of batches) await until(`batch ${b} done`, () => call(run.base, token, 'GET', `/api/v1/messages/${b}`), (r) => r.body.status === 'done', 120_000 + BIG * 3);
    const end = await sim.counts();
    perKill.push(dupParts(end) - dupsBefore);
    const bound = 2 * WINDOW;
    console.log(`kill test (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, seed ${seed}): ${end.parts} parts to ${end.destinations} destinations, duplicates per kill ${JSON.stringify(perKill)} (bound ${bound}), spawn to first HTTP answer ${JSON.stringify(restarts)} ms`);

    // nothing lost: every destination got its parts, every message delivered
    const missing = [...expected].filter(([to, n]) => !end.repeats[to] && n > 1);
    expect(missing.length).toBe(0);
    expect(end.destinations).toBe(expected.size);
    let delivered = 0;
    for (const b of batches) {
      const counts = (await call(run.base, token, 'GET', `/api/v1/messages/${b}`)).body.counts;
      if (Object.keys(counts).some((k) => k !== 'delivered')) console.log(`batch ${b}: ${JSON.stringify(counts)}`);
      delivered += counts.delivered ?? 0;
    }
    expect(delivered).toBe(expected.size);
    // charged once: the balance is down by exactly what the sends cost, nothing reserved
    const balance = (await call(run.base, token, 'GET', '/api/v1/balance')).body;
    expect(balance).toMatchObject({ balance: String(credit - cost), reserved: '0' });
    const admin2 = (await call(run.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    expect((await call(run.base, admin2, 'GET', '/api/v1/billing/reconcile')).body).toMatchObject({ ok: true, wallets: [] });
    for (const d of perKill) expect(d).toBeLessThanOrEqual(bound);
  }, 300_000 + BIG * 5);
});
