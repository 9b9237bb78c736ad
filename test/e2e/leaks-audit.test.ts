import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
type Event = { action: string; actor: { id: string | null; username: string | null; role: string } | null; subject: { id: string } | null; ip: string | null; details: Record<string, unknown> };

describe('the audit log never shows a child who above it acted, nor from where', () => {
  let t: TestChapar;
  let top: Child;
  let mid: Child;
  let shop: Child;
  const topIp = '198.51.100.11';
  const midIp = '198.51.100.22';
  const shopIp = '198.51.100.33';

  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    top = await createChild(t, admin, { username: 'top-agency', kind: 'agency' });
    mid = await createChild(t, top.token, { username: 'mid-agency', kind: 'agency' });
    expect((await t.api({ url: `/api/v1/accounts/${top.id}/credit`, token: admin, body: { amount: '100000', note: '' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${mid.id}/credit`, token: top.token, body: { amount: '5000', note: '' }, remoteAddress: topIp })).status).toBe(200);
    shop = await createChild(t, mid.token, { username: 'the-shop', kind: 'user' });
    expect((await t.api({ method: 'PATCH', url: `/api/v1/users/${shop.id}`, token: mid.token, body: { displayName: 'Shop' }, remoteAddress: midIp })).status).toBe(200);
    for (const status of ['suspended', 'active']) expect((await t.api({ url: `/api/v1/accounts/${shop.id}/status`, token: top.token, body: { status }, remoteAddress: topIp })).status).toBe(200);
    const signedIn = await t.api({ url: '/api/v1/auth/login', body: { username: shop.username, password: shop.password }, remoteAddress: shopIp });
    shop.token = signedIn.body.token;
  });
  afterAll(() => t.close());

  const log = async (token: string, query = '') => {
    const res = await t.api({ url: `/api/v1/audit${query}`, token });
    expect(res.status).toBe(200);
    return res.body as { items: Event[]; total: number };
  };

  it('a sub-agency sees that its agency acted on it, but not its username, id or IP', async () => {
    const body = await log(mid.token);
    const credit = body.items.find((e) => e.action === 'billing.credit_transferred');
    expect(credit).toMatchObject({ subject: { id: mid.id }, actor: { id: null, username: null, role: 'provider' }, ip: null });
    const text = JSON.stringify(body);
    for (const leak of ['top-agency', top.id, topIp, 'admin']) expect(text).not.toContain(leak);
    // what the sub-agency itself did to its user is shown in full
    const own = body.items.find((e) => e.action === 'account.updated' && e.actor?.id === mid.id);
    expect(own).toMatchObject({ actor: { id: mid.id, username: 'mid-agency', role: 'subtree' }, ip: midIp });
  });

  it('a user sees its own actions in full and its providers’ as “your agency”', async () => {
    const body = await log(shop.token);
    const resets = body.items.filter((e) => e.action === 'account.updated' || e.action === 'account.status_changed');
    expect(resets).toHaveLength(3);
    expect(resets.every((e) => e.actor?.role === 'provider' && e.actor.id === null && e.actor.username === null && e.ip === null)).toBe(true);
    expect(body.items.find((e) => e.action === 'auth.sign_in' && e.ip === shopIp)).toMatchObject({ actor: { username: 'the-shop', role: 'subtree' }, ip: shopIp });
    const text = JSON.stringify(body);
    for (const leak of ['mid-agency', 'top-agency', mid.id, top.id, midIp, topIp]) expect(text).not.toContain(leak);
  });

  it('a user told that support signed in as it is not told who, nor from where', async () => {
    expect((await t.api({ url: `/api/v1/users/${shop.id}/impersonate`, token: mid.token, body: {}, remoteAddress: midIp })).status).toBe(200);
    const seen = await t.api({ url: '/api/v1/me/impersonations', token: shop.token });
    expect(seen.status).toBe(200);
    expect(seen.body.items).toHaveLength(1);
    expect(seen.body.items[0]).toMatchObject({ by: 'provider', createdAt: expect.any(String) });
    const text = JSON.stringify(seen.body);
    for (const leak of ['mid-agency', mid.id, midIp]) expect(text).not.toContain(leak);
  });

  it('a child cannot search by an ancestor as actor', async () => {
    expect((await log(shop.token, `?actorId=${mid.id}`)).total).toBe(0);
    expect((await log(mid.token, `?actorId=${top.id}`)).total).toBe(0);
    expect((await log(top.token, `?actorId=${mid.id}`)).total).toBeGreaterThan(0);
  });

  it('an agency sees everyone in its subtree as they are', async () => {
    const body = await log(top.token);
    expect(body.items.find((e) => e.action === 'account.updated' && e.actor?.id === mid.id)).toMatchObject({ actor: { username: 'mid-agency' }, ip: midIp });
    expect(body.items.find((e) => e.action === 'billing.credit_transferred' && e.subject?.id === mid.id)).toMatchObject({ actor: { id: top.id, username: 'top-agency' }, ip: topIp });
  });
});
