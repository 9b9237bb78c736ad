import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';

const HOST_A = 'panel.agency-a.test';
const HOST_B = 'sms.agency-b.test';

describe('the account tree and brands by host name', () => {
  let t: TestChapar;
  let admin: string;
  let agencyA: Awaited<ReturnType<typeof createChild>>;
  let agencyB: Awaited<ReturnType<typeof createChild>>;
  let userA: Awaited<ReturnType<typeof createChild>>;
  let subA: Awaited<ReturnType<typeof createChild>>;
  let userSubA: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    agencyA = await createChild(t, admin, { username: 'agency-a', kind: 'agency' });
    agencyB = await createChild(t, admin, { username: 'agency-b', kind: 'agency' });
    userA = await createChild(t, agencyA.token, { username: 'user-a', kind: 'user' });
    subA = await createChild(t, agencyA.token, { username: 'sub-a', kind: 'agency' });
    userSubA = await createChild(t, subA.token, { username: 'user-sub-a', kind: 'user' });
    const brandA = await t.services.brands.findByAccount(agencyA.id);
    const brandB = await t.services.brands.findByAccount(agencyB.id);
    await t.services.brands.addActiveHost(brandA!.id, HOST_A);
    await t.services.brands.addActiveHost(brandB!.id, HOST_B);
  });
  afterAll(() => t.close());

  it('lets an agency list its whole subtree at any depth, and nothing else', async () => {
    const res = await t.api({ url: '/api/v1/accounts', token: agencyA.token });
    expect(res.body.items.map((a: { username: string }) => a.username).sort()).toEqual(['sub-a', 'user-a', 'user-sub-a']);
    const direct = await t.api({ url: `/api/v1/accounts?parentId=${agencyA.id}`, token: agencyA.token });
    expect(direct.body.items.map((a: { username: string }) => a.username).sort()).toEqual(['sub-a', 'user-a']);
    const platform = await t.api({ url: '/api/v1/accounts?kind=agency', token: admin });
    expect(platform.body.total).toBe(3);
  });

  it('never shows a sibling’s accounts through any endpoint', async () => {
    const list = await t.api({ url: '/api/v1/accounts', token: agencyB.token });
    expect(list.body.items).toEqual([]);
    const search = await t.api({ url: '/api/v1/accounts?q=user', token: agencyB.token });
    expect(search.body.total).toBe(0);
    const byParent = await t.api({ url: `/api/v1/accounts?parentId=${agencyA.id}`, token: agencyB.token });
    expect(byParent.body.items).toEqual([]);
    for (const id of [userA.id, agencyA.id, userSubA.id]) {
      expect((await t.api({ url: `/api/v1/accounts/${id}`, token: agencyB.token })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/accounts/${id}/status`, token: agencyB.token, body: { status: 'suspended' } })).status).toBe(404);
    }
    // A sub-agency cannot see up or sideways either.
    expect((await t.api({ url: `/api/v1/accounts/${userA.id}`, token: subA.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/accounts/${agencyA.id}`, token: subA.token })).status).toBe(404);
  });

  it('does not let a user create or list accounts', async () => {
    const create = await t.api({ url: '/api/v1/accounts', token: userA.token, body: { username: 'child-of-user', password: 'child-pass-1', mobile: '09120001111', kind: 'user' } });
    expect(create.status).toBe(403);
    expect((await t.api({ url: '/api/v1/accounts', token: userA.token })).body.items).toEqual([]);
  });

  it('signs a user in through its agency’s host and the platform host only', async () => {
    const onOwn = await t.api({ url: '/api/v1/auth/login', host: HOST_A, body: { username: 'user-a', password: userA.password } });
    expect(onOwn.status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/login', host: PLATFORM_HOST, body: { username: 'user-a', password: userA.password } })).status).toBe(200);
    const onOther = await t.api({ url: '/api/v1/auth/login', host: HOST_B, body: { username: 'user-a', password: userA.password } });
    const wrongPassword = await t.api({ url: '/api/v1/auth/login', host: HOST_B, body: { username: 'agency-b', password: 'not-the-password' } });
    expect(onOther.status).toBe(401);
    expect(onOther.body).toEqual(wrongPassword.body);
    // The sub-agency's user belongs to the sub-agency's brand, not to agency A's.
    expect((await t.api({ url: '/api/v1/auth/login', host: HOST_A, body: { username: 'user-sub-a', password: userSubA.password } })).status).toBe(401);
    // An agency signs in on its own host too.
    expect((await t.api({ url: '/api/v1/auth/login', host: HOST_A, body: { username: 'agency-a', password: agencyA.password } })).status).toBe(200);
  });

  it('answers a host that no brand owns with a plain 404, never the platform', async () => {
    const api = await t.api({ url: '/api/v1/auth/login', host: 'nobody.example', body: { username: 'user-a', password: userA.password } });
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('UNKNOWN_HOST');
    const page = await t.api({ url: '/', host: 'nobody.example', headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.body).toContain('This domain is not connected');
    expect(page.body).not.toContain('Chapar');
  });

  it('treats a token used on another brand’s host as no token', async () => {
    expect((await t.api({ url: '/api/v1/me', token: userA.token, host: HOST_A })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/me', token: userA.token, host: HOST_B })).status).toBe(401);
  });

  it('shows each host its own brand, and signs up new users under that brand’s agency', async () => {
    expect((await t.api({ url: '/api/v1/brand', host: HOST_A })).body).toMatchObject({ nameEn: 'agency-a', isPlatform: false });
    expect((await t.api({ url: '/api/v1/brand', host: PLATFORM_HOST })).body).toMatchObject({ nameEn: 'Chapar', isPlatform: true });
    const start = await t.api({ url: '/api/v1/auth/signup', host: HOST_A, body: { username: 'walkin', password: 'walkin-pass-1', mobile: '09351234567' } });
    const [sms] = await t.services.notifications.listForRecipient('sms', '+989351234567', 1);
    expect(sms.body).toContain('agency-a');
    const done = await t.api({ url: '/api/v1/auth/signup/verify', host: HOST_A, body: { verificationId: start.body.verificationId, code: sms.body.match(/\d{6}/)![0] } });
    const me = await t.api({ url: '/api/v1/me', host: HOST_A, token: done.body.token });
    expect(me.body.parentId).toBe(agencyA.id);
    expect(me.body.brand.nameEn).toBe('agency-a');
    // A code issued on one brand's host cannot be redeemed on another's.
    const s2 = await t.api({ url: '/api/v1/auth/signup', host: HOST_A, body: { username: 'walkin2', password: 'walkin-pass-2', mobile: '09351234568' } });
    const [sms2] = await t.services.notifications.listForRecipient('sms', '+989351234568', 1);
    const cross = await t.api({ url: '/api/v1/auth/signup/verify', host: HOST_B, body: { verificationId: s2.body.verificationId, code: sms2.body.match(/\d{6}/)![0] } });
    expect(cross.body.error.code).toBe('CODE_INVALID');
  });

  it('refuses a suspended account and lets its parent reactivate it', async () => {
    const child = await createChild(t, agencyB.token, { username: 'to-suspend', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${child.id}/status`, token: agencyB.token, body: { status: 'suspended' } })).body.status).toBe('suspended');
    expect((await t.api({ url: '/api/v1/me', token: child.token })).body.error.code).toBe('ACCOUNT_SUSPENDED');
    expect((await t.api({ url: '/api/v1/auth/login', body: { username: 'to-suspend', password: child.password } })).body.error.code).toBe('ACCOUNT_SUSPENDED');
    await t.api({ url: `/api/v1/accounts/${child.id}/status`, token: agencyB.token, body: { status: 'active' } });
    expect((await t.api({ url: '/api/v1/me', token: child.token })).status).toBe(200);
  });
});

describe('API keys', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('are shown once, stored hashed, limited to IP ranges and revocable', async () => {
    const user = await createChild(t, await t.adminToken(), { username: 'api-user', kind: 'user' });
    const created = await t.api({ url: '/api/v1/api-keys', token: user.token, body: { name: 'shop', allowedIps: ['10.1.0.0/16', '2001:db8::/32'] } });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^chk_/);
    const { rows } = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
    expect(rows.map((r) => r.key_hash)).not.toContain(key);
    const listed = await t.api({ url: '/api/v1/api-keys', token: user.token });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    expect((await t.api({ url: '/api/v1/me', token: key, remoteAddress: '10.1.200.3' })).body.username).toBe('api-user');
    expect((await t.api({ url: '/api/v1/me', token: key, remoteAddress: '2001:db8::7' })).status).toBe(200);
    const outside = await t.api({ url: '/api/v1/me', token: key, remoteAddress: '10.2.0.1' });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('IP_NOT_ALLOWED');

    await t.api({ method: 'DELETE', url: `/api/v1/api-keys/${created.body.id}`, token: user.token });
    expect((await t.api({ url: '/api/v1/me', token: key, remoteAddress: '10.1.200.3' })).status).toBe(401);
  });

  it('without an allow-list work from anywhere, and refuse bad ranges', async () => {
    const token = await t.adminToken();
    const bad = await t.api({ url: '/api/v1/api-keys', token, body: { name: 'x', allowedIps: ['10.0.0.0/40', 'not-an-ip'] } });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const open = await t.api({ url: '/api/v1/api-keys', token, body: { name: 'open' } });
    expect((await t.api({ url: '/api/v1/me', token: open.body.key, remoteAddress: '203.0.113.9' })).status).toBe(200);
  });

  it('cannot revoke another account’s key', async () => {
    const a = await createChild(t, await t.adminToken(), { username: 'key-owner', kind: 'user' });
    const b = await createChild(t, await t.adminToken(), { username: 'key-thief', kind: 'user' });
    const k = await t.api({ url: '/api/v1/api-keys', token: a.token, body: { name: 'mine' } });
    expect((await t.api({ method: 'DELETE', url: `/api/v1/api-keys/${k.body.id}`, token: b.token })).status).toBe(404);
    expect((await t.api({ url: '/api/v1/me', token: k.body.key })).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('returns the first answer for the same key and body, and refuses another body', async () => {
    const token = await t.adminToken();
    const body = { username: 'once-only', password: 'once-pass-1', mobile: '09120002222', kind: 'user' };
    const first = await t.api({ url: '/api/v1/accounts', token, body, headers: { 'idempotency-key': 'k-1' } });
    const second = await t.api({ url: '/api/v1/accounts', token, body, headers: { 'idempotency-key': 'k-1' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const other = await t.api({ url: '/api/v1/accounts', token, body: { ...body, username: 'twice' }, headers: { 'idempotency-key': 'k-1' } });
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const { rows } = await t.db.query("SELECT 1 FROM accounts WHERE username IN ('once-only', 'twice')");
    expect(rows).toHaveLength(1);
  });
});
