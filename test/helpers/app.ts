// A whole Chapar on a fresh database, driven through real HTTP (app.inject).
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { parseConfig, type Config } from '../../src/config.ts';
import { fakeClock, type FakeClock } from '../../src/lib/clock.ts';
import { startChapar, type Chapar } from '../../src/server.ts';
import type { Services } from '../../src/services.ts';
import type { EngineOptions } from '../../src/modules/messages/engine.ts';
import { freshDb, type TestDb } from './db.ts';

export const PLATFORM_HOST = 'platform.test';
export const ADMIN = { username: 'admin', password: 'admin-pass-123' };

export type TestChapar = {
  app: FastifyInstance;
  services: Services;
  db: TestDb;
  clock: FakeClock;
  config: Config;
  chapar: Chapar;
  close(): Promise<void>;
  /** Real HTTP through Fastify's inject; returns status, parsed JSON body and headers. */
  api(req: { method?: string; url: string; token?: string; body?: unknown; host?: string; lang?: string; headers?: Record<string, string>; remoteAddress?: string }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  login(username: string, password: string, host?: string, otp?: string): Promise<string>;
  adminToken(): Promise<string>;
};

/** `db`: another instance's database, shared as a second process would share it (closed by its owner). */
export async function testChapar(opts: { env?: Record<string, string>; jobs?: boolean; engine?: boolean; engineOptions?: EngineOptions; clockStart?: string; db?: TestDb } = {}): Promise<TestChapar> {
  const db = opts.db ?? (await freshDb({ migrate: false }));
  const config = parseConfig({
    NODE_ENV: 'test',
    CHAPAR_PLATFORM_HOSTS: `${PLATFORM_HOST},localhost`,
    CHAPAR_ADMIN_USERNAME: ADMIN.username,
    CHAPAR_ADMIN_PASSWORD: ADMIN.password,
    DATABASE_URL: db.url,
    ...opts.env,
  });
  const clock = fakeClock(opts.clockStart ?? new Date().toISOString());
  const chapar = await startChapar(config, { db, clock, jobs: opts.jobs ?? false, engine: opts.engine ?? false, engineOptions: opts.engineOptions, logger: pino({ level: 'silent' }) });
  const app = chapar.app;
  let adminTok: string | null = null;

  const api: TestChapar['api'] = async (req) => {
    const res = await app.inject({
      method: (req.method ?? (req.body === undefined ? 'GET' : 'POST')) as 'GET',
      url: req.url,
      headers: {
        host: req.host ?? PLATFORM_HOST,
        'accept-language': req.lang ?? 'en',
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...req.headers,
      },
      payload: req.body === undefined ? undefined : JSON.stringify(req.body),
      ...(req.remoteAddress ? { remoteAddress: req.remoteAddress } : {}),
    });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.statusCode, body, headers: res.headers };
  };

  const login: TestChapar['login'] = async (username, password, host = PLATFORM_HOST, otp) => {
    const res = await api({ url: '/api/v1/auth/login', body: { username, password, ...(otp ? { otp } : {}) }, host });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };

  return {
    app,
    services: chapar.services,
    db,
    clock,
    config,
    chapar,
    api,
    login,
    async adminToken() {
      adminTok ??= await login(ADMIN.username, ADMIN.password);
      return adminTok;
    },
    async close() {
      await chapar.stop();
      if (!opts.db) await db.close();
    },
  };
}

/** Creates a child account through the API and returns it with a signed-in token. */
export async function createChild(
  t: TestChapar,
  parentToken: string,
  c: { username: string; kind: 'user' | 'agency'; password?: string; mobile?: string; host?: string },
): Promise<{ id: string; username: string; password: string; token: string }> {
  const password = c.password ?? `${c.username}-pass-1`;
  const mobile = c.mobile ?? `0912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const res = await t.api({ url: '/api/v1/accounts', token: parentToken, body: { username: c.username, password, mobile, kind: c.kind }, host: c.host });
  if (res.status !== 201) throw new Error(`create ${c.username}: ${res.status} ${JSON.stringify(res.body)}`);
  const token = await t.login(c.username, password, c.host);
  return { id: res.body.id, username: c.username, password, token };
}

/**
 * A user of the platform that may send at once: the platform's policy asks no KYC for it and
 * holds nothing for moderation, and the user has `credit` rials from the platform.
 */
export async function openSender(t: TestChapar, username: string, credit: string): Promise<Awaited<ReturnType<typeof createChild>>> {
  const admin = await t.adminToken();
  await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
  const user = await createChild(t, admin, { username, kind: 'user' });
  const res = await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: credit, note: '' } });
  if (res.status !== 200) throw new Error(`credit ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}
