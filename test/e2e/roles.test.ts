// The topology of ops/compose.yaml without Docker: two API processes and one dispatcher, each
// `node --import tsx src/main.ts` with its role's environment, on one fresh PostgreSQL database.
// A send through one API process is delivered by the dispatcher's built-in simulator and its
// status is read through the other; the API processes bind no connector.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
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
