// Metrics and /internal/* are not brand pages: metrics answer only on a platform host to the
// scraper's token or a platform admin, Caddy's `ask` only to a direct call from this machine, and an
// HTTP provider's receipt callback proves itself without putting its token in the URL.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startChapar } from '../../src/server.ts';
import { createChild, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';
import { freshDb } from '../helpers/db.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';
const CALLBACK_TOKEN = 'callback-token-0123456789';
const AGENCY_HOST = 'panel.agency-m.test';

describe('internal surfaces', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let connectorId: string;

  beforeAll(async () => {
    t = await testChapar({ engine: true, env: { CHAPAR_METRICS_TOKEN: METRICS_TOKEN } });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency-m', kind: 'agency' });
    const brand = await t.services.brands.findByAccount(agency.id);
    await t.services.brands.addActiveHost(brand!.id, AGENCY_HOST);
    const settings = {
      url: 'http://127.0.0.1:9/send', response: { idPath: 'id' }, callbackToken: CALLBACK_TOKEN,
      receipt: { idPath: 'id', statusPath: 'status', statusMap: { ok: 'delivered' } },
    };
    const created = await t.api({ url: '/api/v1/connectors', token: admin, body: { name: 'provider', kind: 'http', settings, enabled: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectorId = created.body.id;
  });
  afterAll(() => t.close());

  it('serves metrics on a platform host to the metrics token or a platform admin, and to nobody else', async () => {
    expect((await t.api({ url: '/metrics', host: AGENCY_HOST, headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    expect((await t.api({ url: '/metrics', host: 'anything.example' })).status).toBe(404);
    const anonymous = await t.api({ url: '/metrics' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect((await t.api({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-wrong-56789' } })).status).toBe(401);
    expect((await t.api({ url: '/metrics', token: agency.token })).status).toBe(401);
    const scraped = await t.api({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('chapar_http_request_duration_seconds');
    expect((await t.api({ url: '/metrics', token: admin })).status).toBe(200);
  });

  it('answers Caddy’s ask only to a direct call from this machine', async () => {
    // refused before the route looks the domain up: a JSON NOT_FOUND, not the route's own answer
    const refused = async (remoteAddress: string, headers: Record<string, string> = {}) => {
      const res = await t.app.inject({ url: '/internal/tls/ask?domain=nothing.example', headers: { host: AGENCY_HOST, ...headers }, remoteAddress });
      return res.statusCode === 404 && res.body !== 'unknown domain' && JSON.parse(res.body).error.code === 'NOT_FOUND';
    };
    expect(await refused('203.0.113.7')).toBe(true);
    // through a reverse proxy on this machine: the socket is loopback, the proxy says who asked
    expect(await refused('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).toBe(true);
    expect(await refused('127.0.0.1', { forwarded: 'for=203.0.113.7' })).toBe(true);
    expect(await refused('::1', { 'x-real-ip': '203.0.113.7' })).toBe(true);
    expect(await refused('127.0.0.1')).toBe(false);
    const direct = await t.app.inject({ url: '/internal/tls/ask?domain=nothing.example', remoteAddress: '127.0.0.1' });
    expect(direct.body).toBe('unknown domain');
  });

  it('takes a receipt callback with the token in a header or a signed path, never in the query string', async () => {
    const url = `/internal/upstreams/${connectorId}/receipts`;
    const inQuery = await t.api({ url: `${url}?token=${CALLBACK_TOKEN}`, body: { id: '1', status: 'ok' } });
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.error.code).toBe('CALLBACK_TOKEN_IN_URL');
    const fa = await t.api({ url: `${url}?token=${CALLBACK_TOKEN}`, body: { id: '1', status: 'ok' }, lang: 'fa' });
    expect(fa.body.error.message).toMatch(/توکن/);

    const header = { 'x-chapar-callback-token': CALLBACK_TOKEN };
    expect((await t.api({ url, body: { id: '1', status: 'ok' }, headers: header })).body).toEqual({ ok: true });
    expect((await t.api({ url, body: { id: '1', status: 'ok' }, headers: { 'x-chapar-callback-token': 'callback-token-wrong-56789' } })).status).toBe(404);
    expect((await t.api({ url, body: { id: '1', status: 'ok' } })).status).toBe(404);
    expect((await t.api({ url, body: { id: '1', status: 'ok' }, headers: header, host: AGENCY_HOST })).status).toBe(404);

    const listed = await t.api({ url: '/api/v1/connectors', token: admin });
    const signedPath = listed.body.items.find((c: { id: string }) => c.id === connectorId).receiptCallbackPath as string;
    expect(signedPath).toMatch(new RegExp(`^${url}/[A-Za-z0-9_-]{43}$`));
    expect(signedPath).not.toContain(CALLBACK_TOKEN);
    expect((await t.api({ url: signedPath, body: { id: '2', status: 'ok' } })).body).toEqual({ ok: true });
    expect((await t.api({ url: `${url}/${'A'.repeat(43)}`, body: { id: '2', status: 'ok' } })).status).toBe(404);
  });
});

describe('request logs', () => {
  it('never write a token given in a query string', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const db = await freshDb({ migrate: false });
    const config = parseConfig({ NODE_ENV: 'test', CHAPAR_PLATFORM_HOSTS: PLATFORM_HOST, CHAPAR_ADMIN_PASSWORD: 'admin-pass-123', DATABASE_URL: db.url });
    const chapar = await startChapar(config, { db, jobs: false, engine: false, logger: pino({ level: 'info' }, sink) });
    try {
      const secret = 'leaky-secret-value-0123456789';
      await chapar.app.inject({ method: 'POST', url: `/internal/upstreams/con_x/receipts?token=${secret}&id=5`, headers: { host: PLATFORM_HOST }, payload: {} });
      await chapar.app.inject({ url: `/api/v1/brand?api_key=${secret}`, headers: { host: PLATFORM_HOST } });
      const text = lines.join('');
      expect(text).toContain('/internal/upstreams/con_x/receipts?token=[redacted]&id=5');
      expect(text).not.toContain(secret);
    } finally {
      await chapar.stop();
      await db.close();
    }
  });
});
