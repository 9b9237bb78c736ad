// Tenants' URLs (webhooks, forwarding, payment gateways) never reach inside: refused when saved,
// refused again when sent (DNS may have changed), and the attempts log gives nothing away.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startDns } from '../helpers/dns.ts';
import { until } from '../helpers/until.ts';
import { startFakeZarinpal } from '../../src/payments/zarinpal/fake-server.ts';

const PUBLIC_IP = '93.184.216.34';

type Sink = { server: Server; port: number; hits: { url: string; body: string }[] };
async function startSink(): Promise<Sink> {
  const hits: Sink['hits'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ url: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

describe('outbound URLs stay outside the private network', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let sink: Sink;
  let dns: Awaited<ReturnType<typeof startDns>>;
  let zp: Awaited<ReturnType<typeof startFakeZarinpal>>;

  beforeAll(async () => {
    dns = await startDns(new Map([['hooks.example', { A: [PUBLIC_IP] }], ['inside.example', { A: ['10.0.0.7'] }]]));
    sink = await startSink();
    zp = await startFakeZarinpal({ merchantId: 'merchant-ssrf' });
    t = await testChapar({ engine: true, jobs: true, env: { CHAPAR_DNS_SERVERS: dns.server } });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency', kind: 'agency' });
  });
  afterAll(async () => {
    await t.close();
    sink.server.close();
    await zp.close();
    await dns.close();
  });

  const addWebhook = (url: string, lang = 'en') => t.api({ url: '/api/v1/webhooks', token: agency.token, body: { url }, lang });
  /** An endpoint stored as it was before this rule, or whose name has since moved: only the send-time check stands. */
  async function storedEndpoint(url: string, account: string): Promise<string> {
    const id = `whk_${Math.random().toString(36).slice(2, 12)}`;
    await t.db.query("INSERT INTO webhook_endpoints (id, account_id, url, secret, events) VALUES ($1, $2, $3, 'whsec_x', '{inbound}')", [id, account, url]);
    return id;
  }
  const inbound = (text: string) => t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09127654321', to: '30001000', text } });
  const attemptsOf = (id: string, token: string) =>
    until('an attempt', () => t.api({ url: `/api/v1/webhooks/${id}/attempts`, token }), (r) => r.body.items?.length > 0, 30_000);

  it('refuses a webhook at a loopback, private or link-local address in every spelling, in Persian and English', async () => {
    const p = sink.port;
    const refused = [
      `http://127.0.0.1:${p}/`, `http://2130706433:${p}/`, `http://0x7f.1:${p}/`, `http://0177.0.0.1:${p}/`, `http://127.1:${p}/`,
      `http://[::1]:${p}/`, `http://[::ffff:127.0.0.1]:${p}/`, `http://[::ffff:7f00:1]:${p}/`, `http://0.0.0.0:${p}/`, `http://[::]:${p}/`,
      `http://localhost:${p}/`, `http://localhost.:${p}/`, `http://app.localhost:${p}/`, 'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/', 'http://172.16.0.1/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://[fd00::1]/', 'http://[fe80::1]/',
      'http://[64:ff9b::a00:1]/', 'http://[2002:7f00:1::]/', 'http://224.0.0.1/', 'http://255.255.255.255/', `http://inside.example:${p}/`,
    ];
    for (const url of refused) {
      const res = await addWebhook(url);
      expect([url, res.status, res.body.error?.code]).toEqual([url, 422, 'URL_NOT_ALLOWED']);
    }
    const fa = await addWebhook(`http://127.0.0.1:${p}/`, 'fa');
    expect(fa.body.error.message).toMatch(/[\u0600-\u06FF]/);
    expect((await addWebhook(`http://127.0.0.1:${p}/`)).body.error.message).toMatch(/not allowed/i);
    expect(JSON.stringify((await t.api({ url: '/api/v1/webhooks', token: agency.token })).body.items)).not.toContain('127.0.0.1');
  });

  it('refuses other schemes and denied ports, and accepts a public address', async () => {
    expect((await addWebhook('ftp://hooks.example/x')).body.error.code).toBe('URL_NOT_ALLOWED');
    expect((await addWebhook(`http://${PUBLIC_IP}:6379/`)).body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { reason: 'port' } });
    expect((await addWebhook(`http://${PUBLIC_IP}:22/`)).body.error.code).toBe('URL_NOT_ALLOWED');
    expect((await addWebhook(`https://${PUBLIC_IP}/hook`)).status).toBe(201);
    expect((await addWebhook('https://hooks.example/hook')).status).toBe(201);
  });

  it('refuses a forwarding URL at loopback', async () => {
    const res = await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: admin, body: { kind: 'url', target: `http://localhost:${sink.port}/forward` }, lang: 'fa' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('URL_NOT_ALLOWED');
    expect((await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: admin })).body.items).toEqual([]);
  });

  it('never posts to a loopback sink from an endpoint stored before the rule, and logs a generic refusal without timing', async () => {
    const adminId = (await t.api({ url: '/api/v1/me', token: admin })).body.id as string;
    const id = await storedEndpoint(`http://127.0.0.1:${sink.port}/stored`, adminId);
    expect((await inbound('یک')).status).toBe(200);
    const attempts = await attemptsOf(id, admin);
    expect(attempts.body.items[0]).toMatchObject({ statusCode: null, error: 'destination_not_allowed', durationMs: null });
    expect(sink.hits).toEqual([]);
  });

  it('checks the address again at send time: a name that moved to loopback after it was saved gets nothing', async () => {
    const hook = await t.api({ url: '/api/v1/webhooks', token: admin, body: { url: `http://hooks.example:${sink.port}/moved`, events: ['inbound'] } });
    expect(hook.status).toBe(201);
    dns.zone.set('hooks.example', { A: ['127.0.0.1'] });
    await inbound('دو');
    const attempts = await attemptsOf(hook.body.id, admin);
    expect(attempts.body.items[0]).toMatchObject({ statusCode: null, error: 'destination_not_allowed', durationMs: null });
    expect(sink.hits).toEqual([]);
  });

  it('lets an agency’s gateway talk only to its provider’s hosts', async () => {
    const gw = (baseUrl: string) =>
      t.api({ url: '/api/v1/billing/gateways', token: agency.token, body: { kind: 'zarinpal', name: 'zp', settings: { merchantId: 'merchant-ssrf', baseUrl } }, lang: 'fa' });
    const local = await gw(zp.baseUrl);
    expect(local.status).toBe(422);
    expect(local.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { reason: 'gateway_host' } });
    expect((await gw(`http://${PUBLIC_IP}/`)).body.error.code).toBe('URL_NOT_ALLOWED');
    expect((await gw('https://sandbox.zarinpal.com')).status).toBe(201);
  });

  it('never lets a gateway stored with a custom address make the server post there', async () => {
    const user = await createChild(t, agency.token, { username: 'payer', kind: 'user' });
    const gw = await t.api({ url: '/api/v1/billing/gateways', token: agency.token, body: { kind: 'zarinpal', name: 'zp2', settings: { merchantId: 'merchant-ssrf' } } });
    expect(gw.status).toBe(201);
    await t.db.query("UPDATE payment_gateways SET settings = settings || jsonb_build_object('baseUrl', $2::text) WHERE id = $1", [gw.body.id, zp.baseUrl]);
    await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: 'seed' } });
    const pay = await t.api({ url: '/api/v1/billing/payments', token: user.token, body: { gatewayId: gw.body.id, amount: '50000' } });
    expect(pay.status).toBe(502);
    expect(pay.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    expect(zp.calls).toEqual([]);
  });
});

describe('an installation in production that allows one private address', () => {
  let t: TestChapar;
  let admin: string;
  let sink: Sink;
  let redirector: Server;
  let redirectorPort: number;

  beforeAll(async () => {
    sink = await startSink();
    // The operator allows 127.0.0.2 (say, the company's own CRM); it answers by redirecting inside.
    redirector = createServer((_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${sink.port}/stolen` }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.2', r));
    redirectorPort = (redirector.address() as AddressInfo).port;
    t = await testChapar({ engine: true, jobs: true, env: { NODE_ENV: 'production', CHAPAR_OUTBOUND_ALLOW_PRIVATE: '127.0.0.2' } });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
    sink.server.close();
    redirector.close();
  });

  it('posts to the allowed address but does not follow its redirect to loopback', async () => {
    expect((await t.api({ url: '/api/v1/webhooks', token: admin, body: { url: `http://127.0.0.1:${sink.port}/` } })).body.error.code).toBe('URL_NOT_ALLOWED');
    const hook = await t.api({ url: '/api/v1/webhooks', token: admin, body: { url: `http://127.0.0.2:${redirectorPort}/hook`, events: ['inbound'] } });
    expect(hook.status).toBe(201);
    await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09127654321', to: '30001000', text: 'سه' } });
    const attempts = await until('an attempt', () => t.api({ url: `/api/v1/webhooks/${hook.body.id}/attempts`, token: admin }), (r) => r.body.items?.length > 0, 30_000);
    expect(attempts.body.items[0]).toMatchObject({ statusCode: 307, error: null });
    expect(sink.hits).toEqual([]);
  });

  it('refuses a custom gateway address even for the platform', async () => {
    const res = await t.api({ url: '/api/v1/billing/gateways', token: admin, body: { kind: 'zarinpal', name: 'zp', settings: { merchantId: 'm-1', baseUrl: `http://127.0.0.2:${redirectorPort}` } } });
    expect(res.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { reason: 'gateway_host' } });
    expect((await t.api({ url: '/api/v1/billing/gateways', token: admin, body: { kind: 'zarinpal', name: 'zp', settings: { merchantId: 'm-1', baseUrl: 'https://payment.zarinpal.com' } } })).status).toBe(201);
  });
});

describe('outbound configuration', () => {
  it('reads the allow-private setting and the denied ports, and refuses nonsense', () => {
    expect(parseConfig({}).outbound).toMatchObject({ allowPrivate: false, deniedPorts: expect.arrayContaining([22, 25, 5432, 6379]) });
    expect(parseConfig({ CHAPAR_OUTBOUND_ALLOW_PRIVATE: 'true' }).outbound.allowPrivate).toBe(true);
    expect(parseConfig({ CHAPAR_OUTBOUND_ALLOW_PRIVATE: '10.1.0.0/16, 127.0.0.2' }).outbound.allowPrivate).toEqual(['10.1.0.0/16', '127.0.0.2']);
    expect(parseConfig({ CHAPAR_OUTBOUND_DENY_PORTS: '22,6379' }).outbound.deniedPorts).toEqual([22, 6379]);
    expect(() => parseConfig({ CHAPAR_OUTBOUND_ALLOW_PRIVATE: 'yes' })).toThrow(/CHAPAR_OUTBOUND_ALLOW_PRIVATE/);
    expect(() => parseConfig({ CHAPAR_OUTBOUND_DENY_PORTS: '22,ssh' })).toThrow(/CHAPAR_OUTBOUND_DENY_PORTS/);
  });
});
