import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startDns } from '../helpers/dns.ts';
import { fixtures } from '../helpers/multipart.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const HOST = 'sms.payam.test';

describe('agency branding and domains', () => {
  let t: TestChapar;
  let dns: Awaited<ReturnType<typeof startDns>>;
  let admin: string;
  let agency: Child;
  let other: Child;

  const ask = async (domain: string) => (await t.app.inject({ url: `/internal/tls/ask?domain=${encodeURIComponent(domain)}`, headers: { host: '10.0.0.5:3000' } })).statusCode;

  beforeAll(async () => {
    dns = await startDns();
    t = await testChapar({ env: { CHAPAR_DNS_SERVERS: dns.server, CHAPAR_CANONICAL_HOST: 'edge.chapar.test', CHAPAR_PUBLIC_IPS: '203.0.113.10,203.0.113.11' } });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'payamresan', kind: 'agency' });
    other = await createChild(t, admin, { username: 'rival', kind: 'agency' });
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  it('saves the brand: names, colours, sign-in texts, contact details and an image checked by its bytes', async () => {
    const res = await t.api({
      method: 'PUT', url: '/api/v1/branding', token: agency.token,
      body: { nameFa: 'پیام‌رسان', nameEn: 'Payamresan', settings: { primaryColor: '#0a7d5a', signInTextFa: 'به پنل پیام‌رسان خوش آمدید', supportPhone: '02112345678', footerFa: 'همهٔ حقوق محفوظ است', smsSignatureFa: 'پیام‌رسان' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ primaryColor: '#0a7d5a', supportPhone: '02112345678' });
    expect((await t.api({ method: 'PUT', url: '/api/v1/branding', token: agency.token, body: { settings: { primaryColor: 'red' } } })).status).toBe(400);
    const exe = await t.api({ method: 'PUT', url: '/api/v1/branding/logo', token: agency.token, body: { data: fixtures.exe.toString('base64') } });
    expect(exe.status).toBe(415);
    const svg = await t.api({ method: 'PUT', url: '/api/v1/branding/logo', token: agency.token, body: { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64') } });
    expect(svg.status).toBe(415);
    const logo = await t.api({ method: 'PUT', url: '/api/v1/branding/logo', token: agency.token, body: { data: fixtures.png.toString('base64') } });
    expect(logo.status).toBe(200);
    expect(logo.body.settings.logoUrl).toMatch(/^\/api\/v1\/brand\/logo\?v=[0-9a-f]{12}$/);
    expect((await t.api({ method: 'PUT', url: '/api/v1/branding', token: (await createChild(t, agency.token, { username: 'plainuser', kind: 'user' })).token, body: { nameFa: 'x' } })).status).toBe(403);
  });

  it('adds a domain and shows the exact DNS records: CNAME to the canonical host or A records, plus the TXT token', async () => {
    const res = await t.api({ url: '/api/v1/domains', token: agency.token, body: { host: 'SMS.Payam.test' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ host: HOST, status: 'pending', lastError: 'txt_missing' });
    expect(res.body.records.options).toEqual([
      [{ type: 'CNAME', name: HOST, value: 'edge.chapar.test.', purpose: 'point' }],
      [{ type: 'A', name: HOST, value: '203.0.113.10', purpose: 'point' }, { type: 'A', name: HOST, value: '203.0.113.11', purpose: 'point' }],
    ]);
    expect(res.body.records.ownership).toMatchObject({ type: 'TXT', name: `_chapar-verify.${HOST}`, value: expect.stringMatching(/^chapar-verify_/) });
    expect(res.body.records.targetReachable).toBe(true);
    expect((await t.api({ url: '/api/v1/domains', token: other.token, body: { host: HOST } })).status).toBe(409);
    expect((await t.api({ url: '/api/v1/domains', token: other.token, body: { host: 'platform.test' } })).status).toBe(400);
    expect((await t.api({ url: '/api/v1/domains', token: other.token, body: { host: 'not a domain' } })).status).toBe(400);
    expect((await t.api({ url: `/api/v1/domains/${HOST}/check`, token: other.token, body: {} })).status).toBe(404);
  });

  it('serves the brand on the domain as soon as DNS answers: pending → verified → active', async () => {
    const before = await t.api({ url: '/api/v1/brand', host: HOST });
    expect(before.status).toBe(404);
    expect(await ask(HOST)).toBe(404);
    const { body: d } = await t.api({ url: `/api/v1/domains/${HOST}`, token: agency.token });
    dns.zone.set(`_chapar-verify.${HOST}`, { TXT: [d.records.ownership.value] });
    const verified = await t.api({ url: `/api/v1/domains/${HOST}/check`, token: agency.token, body: {} });
    expect(verified.body).toMatchObject({ status: 'verified', lastError: 'not_pointing' });
    expect((await t.api({ url: '/api/v1/brand', host: HOST })).status).toBe(404);
    dns.zone.set(HOST, { CNAME: 'edge.chapar.test' });
    const active = await t.api({ url: `/api/v1/domains/${HOST}/check`, token: agency.token, body: {} });
    expect(active.body).toMatchObject({ status: 'active', lastError: null, activatedAt: expect.any(String) });
    // No waiting for the 5-second host cache: activation drops the cached "no brand".
    const brand = await t.api({ url: '/api/v1/brand', host: HOST, lang: 'fa' });
    expect(brand.status).toBe(200);
    expect(brand.body).toMatchObject({ name: 'پیام‌رسان', nameEn: 'Payamresan', isPlatform: false, notice: null, settings: { signInTextFa: 'به پنل پیام‌رسان خوش آمدید', primaryColor: '#0a7d5a' } });
    const logo = await t.app.inject({ url: brand.body.settings.logoUrl, headers: { host: HOST } });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.rawPayload.equals(fixtures.png)).toBe(true);
    expect(await ask(HOST)).toBe(200);
    expect(await ask('platform.test')).toBe(200);
    expect(await ask('evil.example.com')).toBe(404);
    expect(await ask('')).toBe(404);
  });

  it('lets the agency’s users sign in on its domain and nobody else’s', async () => {
    const user = await createChild(t, agency.token, { username: 'shopper', kind: 'user', host: HOST });
    const me = await t.api({ url: '/api/v1/me', token: user.token, host: HOST });
    expect(me.body.brand.nameEn).toBe('Payamresan');
    const stranger = await createChild(t, other.token, { username: 'elsewhere', kind: 'user' });
    const login = await t.api({ url: '/api/v1/auth/login', host: HOST, body: { username: stranger.username, password: stranger.password } });
    expect(login.status).toBe(401);
  });

  it('points the welcome SMS of a user made on the platform’s host at the agency’s own domain', async () => {
    const res = await t.api({ url: '/api/v1/users', token: agency.token, body: { username: 'welcomed', mobile: '09125550001' } });
    expect(res.status).toBe(201);
    const [sms] = await t.services.notifications.listForRecipient('sms', '+989125550001', 1);
    expect(sms.body).toContain(`http://${HOST}/`);
    expect(sms.body).not.toContain('platform.test');
  });

  it('accepts A records to the configured addresses for an apex domain', async () => {
    const res = await t.api({ url: '/api/v1/domains', token: other.token, body: { host: 'rival.test' } });
    expect(res.body.records.options).toEqual([[{ type: 'A', name: 'rival.test', value: '203.0.113.10', purpose: 'point' }, { type: 'A', name: 'rival.test', value: '203.0.113.11', purpose: 'point' }]]);
    dns.zone.set('rival.test', { A: ['198.51.100.1'] });
    dns.zone.set('_chapar-verify.rival.test', { TXT: [res.body.records.ownership.value] });
    expect((await t.api({ url: '/api/v1/domains/rival.test/check', token: other.token, body: {} })).body.status).toBe('verified');
    dns.zone.set('rival.test', { A: ['203.0.113.10'] });
    expect((await t.api({ url: '/api/v1/domains/rival.test/check', token: other.token, body: {} })).body.status).toBe('active');
  });

  it('re-checks periodically and stops serving a domain that no longer points at us', async () => {
    dns.zone.delete(HOST);
    for (let i = 0; i < 2; i++) await t.services.domains.checkAll();
    expect((await t.api({ url: `/api/v1/domains/${HOST}`, token: agency.token })).body.status).toBe('active');
    await t.services.domains.checkAll();
    expect((await t.api({ url: `/api/v1/domains/${HOST}`, token: agency.token })).body).toMatchObject({ status: 'failed', lastError: 'not_pointing' });
    expect((await t.api({ url: '/api/v1/brand', host: HOST })).status).toBe(404);
    expect(await ask(HOST)).toBe(404);
    expect((await t.api({ url: '/api/v1/domains/rival.test', token: other.token })).body.status).toBe('active');
  });
});

describe('a fresh install without a public host name', () => {
  it('says that the records cannot point a domain here until the operator sets one', async () => {
    const t = await testChapar({ env: { CHAPAR_CANONICAL_HOST: 'localhost' } });
    try {
      const agency = await createChild(t, await t.adminToken(), { username: 'earlyagency', kind: 'agency' });
      const res = await t.api({ url: '/api/v1/domains', token: agency.token, body: { host: 'sms.early.test' } });
      expect(res.status).toBe(201);
      expect(res.body.records).toMatchObject({ options: [[{ type: 'CNAME', value: 'localhost.' }]], targetReachable: false });
    } finally {
      await t.close();
    }
  });
});
