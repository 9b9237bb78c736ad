// What an agency does while signed in as a user of its subtree is its own act: the audit log
// names the agency as the actor (the user as onBehalfOf), so the user and any sub-agency in
// between read it as their provider's, without its id, username or IP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
type Event = {
  action: string;
  actor: { id: string | null; username: string | null; role: string } | null;
  ip: string | null;
  details: Record<string, unknown>;
};

describe('audit of acts done through an impersonation session', () => {
  let t: TestChapar;
  let top: Child;
  let mid: Child;
  let shop: Child;
  const topIp = '198.51.100.11';

  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    top = await createChild(t, admin, { username: 'imp-top', kind: 'agency' });
    mid = await createChild(t, top.token, { username: 'imp-mid', kind: 'agency' });
    shop = await createChild(t, mid.token, { username: 'imp-shop', kind: 'user' });
  });
  afterAll(() => t.close());

  const keyEvent = async (token: string) => {
    const log = await t.api({ url: '/api/v1/audit?action=api_key.*', token });
    expect(log.status).toBe(200);
    return { body: JSON.stringify(log.body), event: (log.body.items as Event[]).find((e) => e.action === 'api_key.created') };
  };

  it('records the impersonator as the actor, so the user and the sub-agency never see its IP', async () => {
    const imp = await t.api({ url: `/api/v1/users/${shop.id}/impersonate`, token: top.token, body: {}, remoteAddress: topIp });
    expect(imp.status).toBe(200);
    const key = await t.api({ url: '/api/v1/api-keys', token: imp.body.token, body: { name: 'made by support' }, remoteAddress: topIp });
    expect(key.status).toBe(201);
    for (const reader of [shop, mid]) {
      const { body, event } = await keyEvent(reader.token);
      expect(event?.actor).toEqual({ id: null, username: null, role: 'provider' });
      expect(event?.ip).toBeNull();
      expect(body).not.toContain(topIp);
    }
    const own = await keyEvent(top.token);
    expect(own.event?.actor).toMatchObject({ id: top.id, role: 'subtree' });
    expect(own.event?.ip).toBe(topIp);
    expect(own.event?.details.onBehalfOf).toBe(shop.id);
  });

  it('records the user’s own session as the user’s act', async () => {
    const key = await t.api({ url: '/api/v1/api-keys', token: shop.token, body: { name: 'mine' }, remoteAddress: '203.0.113.7' });
    expect(key.status).toBe(201);
    const log = await t.api({ url: '/api/v1/audit?action=api_key.*', token: shop.token });
    const mine = (log.body.items as Event[]).find((e) => e.ip === '203.0.113.7');
    expect(mine?.actor).toMatchObject({ id: shop.id, role: 'subtree' });
    expect(mine?.details.onBehalfOf).toBeUndefined();
  });
});
