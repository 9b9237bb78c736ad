// An installation first started in development keeps its sandbox gateway enabled; the sandbox
// verifies every payment. In production it is refused (no new payment, a callback credits nothing)
// unless the operator allows it, and the start says which.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startChapar, type Chapar } from '../../src/server.ts';
import { ADMIN, PLATFORM_HOST } from '../helpers/app.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';

type Run = { chapar: Chapar; logs: string[]; api(req: { url: string; token?: string; body?: unknown; lang?: string }): Promise<{ status: number; body: any }> };

async function run(db: TestDb, env: Record<string, string>): Promise<Run> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = parseConfig({ CHAPAR_PLATFORM_HOSTS: PLATFORM_HOST, CHAPAR_ADMIN_USERNAME: ADMIN.username, CHAPAR_ADMIN_PASSWORD: ADMIN.password, DATABASE_URL: db.url, ...env });
  const chapar = await startChapar(config, { db, jobs: false, engine: false, logger: pino({ level: 'warn' }, sink) });
  const api: Run['api'] = async (req) => {
    const res = await chapar.app.inject({
      method: req.body === undefined ? 'GET' : 'POST', url: req.url,
      headers: { host: PLATFORM_HOST, 'accept-language': req.lang ?? 'en', ...(req.token ? { authorization: `Bearer ${req.token}` } : {}), ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      // HTML pages
    }
    return { status: res.statusCode, body };
  };
  return { chapar, logs, api };
}

const login = async (r: Run, username: string, password: string) => (await r.api({ url: '/api/v1/auth/login', body: { username, password } })).body.token as string;
const balance = async (r: Run, token: string) => (await r.api({ url: '/api/v1/balance', token })).body.balance as string;

describe('the sandbox gateway in production', () => {
  let db: TestDb;
  let pending: { id: string; authority: string };
  let sandboxId: string;

  beforeAll(async () => {
    db = await freshDb({ migrate: false });
    // First start in development: the platform's sandbox gateway is created enabled.
    const dev = await run(db, { NODE_ENV: 'development' });
    const admin = await login(dev, ADMIN.username, ADMIN.password);
    const agency = await dev.api({ url: '/api/v1/accounts', token: admin, body: { username: 'agency-s', password: 'agency-s-pass-1', mobile: '09121110000', kind: 'agency' } });
    expect(agency.status).toBe(201);
    const token = await login(dev, 'agency-s', 'agency-s-pass-1');
    sandboxId = (await dev.api({ url: '/api/v1/billing/topup-options', token })).body.gateways.find((g: { kind: string }) => g.kind === 'sandbox').id;
    const start = await dev.api({ url: '/api/v1/billing/payments', token, body: { gatewayId: sandboxId, amount: '50000' } });
    expect(start.status).toBe(201);
    pending = { id: start.body.id, authority: new URL(start.body.redirectUrl).searchParams.get('authority')! };
    expect(dev.logs.join('')).not.toContain('sandbox payment gateway');
    await dev.chapar.stop();
  });
  afterAll(() => db.close());

  it('refuses new payments and credits nothing on a callback, and says so at start', async () => {
    const prod = await run(db, { NODE_ENV: 'production' });
    try {
      const token = await login(prod, 'agency-s', 'agency-s-pass-1');
      const before = await balance(prod, token);
      // the payment started in development comes back "paid"
      await prod.api({ url: `/pay/callback/${pending.id}?Authority=${pending.authority}&Status=OK` });
      expect(await balance(prod, token)).toBe(before);
      expect((await prod.api({ url: `/api/v1/billing/payments/${pending.id}`, token })).body).toMatchObject({ status: 'failed', credited: false });
      expect((await prod.api({ url: '/api/v1/billing/topup-options', token })).body.gateways).toEqual([]);
      const refused = await prod.api({ url: '/api/v1/billing/payments', token, body: { gatewayId: sandboxId, amount: '50000' } });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('SANDBOX_GATEWAY_REFUSED');
      expect((await prod.api({ url: '/api/v1/billing/payments', token, body: { gatewayId: sandboxId, amount: '50000' }, lang: 'fa' })).body.error.message).toMatch(/آزمایشی/);
      expect(prod.logs.join('')).toContain('sandbox payment gateway enabled in production: refused');
    } finally {
      await prod.chapar.stop();
    }
  });

  it('takes payments when the operator allows the sandbox explicitly, and warns at start', async () => {
    const prod = await run(db, { NODE_ENV: 'production', CHAPAR_ALLOW_SANDBOX_GATEWAY: 'true' });
    try {
      expect(prod.logs.join('')).toContain('sandbox payment gateway ALLOWED in production');
      const token = await login(prod, 'agency-s', 'agency-s-pass-1');
      const start = await prod.api({ url: '/api/v1/billing/payments', token, body: { gatewayId: sandboxId, amount: '50000' } });
      expect(start.status).toBe(201);
    } finally {
      await prod.chapar.stop();
    }
  });
});
