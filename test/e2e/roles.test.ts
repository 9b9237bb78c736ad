// The topology of ops/compose.yaml without Docker: two API processes and one dispatcher, each
// `node --import tsx src/main.ts` with its role's environment, on one fresh PostgreSQL database.
// A send through one API process is delivered by the dispatcher's built-in simulator and its
// status is read through the other; the API processes bind no connector.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmsc, type Smsc } from '../../src/upstreams/simulator/smsc.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

const ADMIN_PASSWORD = 'roles-admin-pass';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

function startRole(env: Record<string, string>): { child: ChildProcess; base: string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, base: `http://127.0.0.1:${env.PORT}`, exited };
}

async function call(base: string, token: string | null, method: string, url: string, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: json };
}

const ready = (base: string) => until(`${base}/readyz`, () => call(base, null, 'GET', '/readyz').catch(() => ({ status: 0, body: null })), (r) => r.status === 200, 120_000);

describe('a role other than all', () => {
  it('is refused on the embedded database, with the configuration exit code', async () => {
    const p = startRole({ PORT: String(await freePort()), CHAPAR_ROLE: 'api', DATABASE_URL: '', CHAPAR_DATA_DIR: '/nonexistent' });
    expect(await p.exited).toBe(78);
  }, 60_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('several processes by role on one PostgreSQL (ops/compose.yaml)', () => {
  let db: TestDb | null = null;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await db?.close();
  });

  it('sends through one API process, delivers from the dispatcher, and shows the status through the other', async () => {
    db = await freshDb({ migrate: false });
    const common = { NODE_ENV: 'test', DATABASE_URL: db.url!, HOST: '127.0.0.1', CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: ADMIN_PASSWORD, CHAPAR_LOG_LEVEL: 'warn' };
    // all three start at once on the empty database, as `docker compose up` starts them
    const [api1, api2, dispatcher] = [
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'api' }),
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'api' }),
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'dispatcher' }),
    ];
    children.push(api1.child, api2.child, dispatcher.child);
    await Promise.all([ready(api1.base), ready(api2.base), ready(dispatcher.base)]);

    // one platform admin, one simulator connector, whoever started first
    const admin = (await call(api1.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
    const connectors = await call(api2.base, admin, 'GET', '/api/v1/connectors');
    expect(connectors.body.items ?? connectors.body).toMatchObject([{ kind: 'simulator', stats: null }]);
    // the dispatcher's port has health only
    expect((await call(dispatcher.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(404);
    expect((await call(dispatcher.base, null, 'GET', '/healthz')).status).toBe(200);

    expect((await call(api1.base, admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
    const groups = (await call(api1.base, admin, 'GET', '/api/v1/billing/groups')).body.items;
    await call(api1.base, admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: '700' });
    const user = (await call(api1.base, admin, 'POST', '/api/v1/accounts', { username: 'multi', password: 'multi-pass-1', mobile: '09120000077', kind: 'user' })).body;
    expect((await call(api1.base, admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '1000000', note: 'roles test' })).status).toBe(200);
    const token = (await call(api1.base, null, 'POST', '/api/v1/auth/login', { username: 'multi', password: 'multi-pass-1' })).body.token;

    const sent = await call(api1.base, token, 'POST', '/api/v1/messages', { to: ['09121234567', '09351234567'], text: 'from api one', class: 'service' });
    expect(sent.status).toBe(202);
    const done = await until('delivered', () => call(api2.base, token, 'GET', `/api/v1/messages/${sent.body.batchId}`), (r) => r.body.status === 'done', 60_000);
    expect(done.body.counts).toEqual({ delivered: 2 });
    expect((await call(api2.base, token, 'GET', '/api/v1/balance')).body).toMatchObject({ balance: String(1_000_000 - 2 * 700), reserved: '0' });

    // a system SMS an API process makes (a reset code) goes out through the dispatcher too
    expect((await call(api2.base, null, 'POST', '/api/v1/auth/password/forgot', { username: 'multi' })).status).toBe(200);
    const code = await until('reset code sent', () => call(api1.base, admin, 'GET', '/api/v1/system/outbox?channel=sms&recipient=%2B989120000077'), (r) => r.body.items?.some((n: { kind: string; status: string }) => n.kind.startsWith('code.') && n.status === 'sent'), 60_000);
    expect(code.status).toBe(200);
  }, 300_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two whole processes and a dispatcher on one PostgreSQL, changed through one', () => {
  let db: TestDb | null = null;
  let smsc: Smsc | null = null;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await smsc?.stop();
    await db?.close();
  });

  it('follows connectors and routes changed through one, never holding more binds than the connector has', async () => {
    db = await freshDb({ migrate: false });
    const common = { NODE_ENV: 'test', DATABASE_URL: db.url!, HOST: '127.0.0.1', CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: ADMIN_PASSWORD, CHAPAR_LOG_LEVEL: 'warn' };
    const [a, b, dispatcher] = [
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'all' }),
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'all' }),
      startRole({ ...common, PORT: String(await freePort()), CHAPAR_ROLE: 'dispatcher' }),
    ];
    children.push(a.child, b.child, dispatcher.child);
    await Promise.all([ready(a.base), ready(b.base), ready(dispatcher.base)]);
    smsc = createSmsc({ accounts: [{ systemId: 'chapar', password: 'first' }], deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, record: true });
    await smsc.start();
    // sessions bound at the operator's SMSC, sampled throughout
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, smsc!.stats().bound)), 5);
    try {
      const admin = (await call(a.base, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
      const sim = (await call(a.base, admin, 'GET', '/api/v1/connectors')).body.items[0].id;
      const settings = (password: string) => ({ host: '127.0.0.1', port: smsc!.port, systemId: 'chapar', password, reconnectMinMs: 50, reconnectMaxMs: 200 });
      const followed: Record<string, number> = {};
      // from the change's request to the SMSC seeing every process follow it
      const follow = async (what: string, change: () => Promise<{ status: number }>, done: () => boolean) => {
        const t0 = performance.now();
        expect((await change()).status).toBeLessThan(300);
        await until(what, () => Promise.resolve(done()), (ok) => ok, 30_000);
        followed[what] = Math.round(performance.now() - t0);
      };

      // a connector with two binds, a route to it and the simulator off: all through process a
      let con = '';
      await follow('two binds among three processes', async () => {
        const created = await call(a.base, admin, 'POST', '/api/v1/connectors', { name: 'operator', kind: 'smpp', binds: 2, settings: settings('first') });
        con = created.body.id;
        return created;
      }, () => smsc!.stats().bound === 2);
      expect((await call(a.base, admin, 'POST', '/api/v1/routes', { priority: 1, connectorId: con })).status).toBe(201);
      expect((await call(a.base, admin, 'PATCH', `/api/v1/connectors/${sim}`, { enabled: false })).status).toBe(200);

      // a send through process b goes out through the new connector, not the disabled simulator
      expect((await call(b.base, admin, 'PUT', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
      const groups = (await call(b.base, admin, 'GET', '/api/v1/billing/groups')).body.items;
      await call(b.base, admin, 'PATCH', `/api/v1/billing/groups/${groups[0].id}`, { basePrice: '700' });
      const user = (await call(b.base, admin, 'POST', '/api/v1/accounts', { username: 'pair', password: 'pair-pass-1', mobile: '09120000078', kind: 'user' })).body;
      await call(b.base, admin, 'POST', `/api/v1/accounts/${user.id}/credit`, { amount: '1000000', note: 'roles test' });
      const token = (await call(b.base, null, 'POST', '/api/v1/auth/login', { username: 'pair', password: 'pair-pass-1' })).body.token;
      const to = ['09121234567', '09351234567', '09201234567', '09131234567'];
      for (const p of [a, b]) {
        const sent = await call(p.base, token, 'POST', '/api/v1/messages', { to, text: 'hello', class: 'service' });
        expect(sent.status).toBe(202);
        const done = await until('delivered', () => call(p.base, token, 'GET', `/api/v1/messages/${sent.body.batchId}`), (r) => r.body.status === 'done', 60_000);
        expect(done.body.counts).toEqual({ delivered: 4 });
      }
      expect(smsc.received.length).toBe(8);

      // a new password, changed through process b, reaches every session whichever process holds it
      smsc.update({ accounts: [{ systemId: 'chapar', password: 'second' }] });
      smsc.dropConnections();
      await until('refused with the old password', () => Promise.resolve(smsc!.stats().bound), (n) => n === 0);
      await follow('rebound with the new password', () => call(b.base, admin, 'PATCH', `/api/v1/connectors/${con}`, { settings: settings('second') }), () => smsc!.stats().bound === 2);
      // one bind fewer, changed through process a
      await follow('down to one bind', () => call(a.base, admin, 'PATCH', `/api/v1/connectors/${con}`, { binds: 1 }), () => smsc!.stats().bound === 1);
      // disabled through process b: every process lets go
      await follow('no bind once disabled', () => call(b.base, admin, 'PATCH', `/api/v1/connectors/${con}`, { enabled: false }), () => smsc!.stats().bound === 0);
      expect(most).toBe(2);
      console.log(`processes followed a change in (ms): ${JSON.stringify(followed)}`);
    } finally {
      clearInterval(sampler);
    }
  }, 300_000);
});
