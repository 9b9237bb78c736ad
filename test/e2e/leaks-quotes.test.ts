import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

async function setDefaultGroupPrice(t: TestChapar, token: string, basePrice: string) {
  const groups = await t.api({ url: '/api/v1/billing/groups', token });
  const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
  expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token, body: { basePrice } })).status).toBe(200);
}

describe('a quote shows the caller its own price, never the levels above it', () => {
  let t: TestChapar;
  let agency: Child;
  let user: Child;
  const body = { to: ['09121234567', '09351234567'], text: 'سفارش شما ارسال شد.', class: 'service' };

  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    await setDefaultGroupPrice(t, admin, '1000');
    agency = await createChild(t, admin, { username: 'wholesale', kind: 'agency' });
    await setDefaultGroupPrice(t, agency.token, '1500');
    user = await createChild(t, agency.token, { username: 'retail', kind: 'user' });
  });
  afterAll(() => t.close());

  const leaks = (answer: unknown, ...secrets: string[]) => secrets.filter((s) => JSON.stringify(answer).includes(s));

  it('a user quoting a send sees only its own price: no agency id, no wholesale price', async () => {
    const q = await t.api({ url: '/api/v1/messages/quote', token: user.token, body });
    expect(q.status).toBe(200);
    expect(q.body.cost).toBe('3000');
    expect(q.body.levels).toEqual([{ accountId: user.id, kind: 'user', amount: '3000' }]);
    expect(leaks(q.body, agency.id, '2000')).toEqual([]);
  });

  it('a user quoting a campaign sees only its own price', async () => {
    const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'customers' } });
    expect(group.status).toBe(201);
    for (const mobile of body.to) await t.api({ url: `/api/v1/phonebook/groups/${group.body.id}/contacts`, token: user.token, body: { mobile } });
    const q = await t.api({ url: '/api/v1/campaigns/quote', token: user.token, body: { groupIds: [group.body.id], text: body.text, class: 'service' } });
    expect(q.status).toBe(200);
    expect(q.body.cost).toBe('3000');
    expect(q.body.levels).toEqual([{ accountId: user.id, kind: 'user', amount: '3000' }]);
    expect(leaks(q.body, agency.id, '2000')).toEqual([]);
  });

  it('an agency quoting for itself sees its own cost at its own level only', async () => {
    const q = await t.api({ url: '/api/v1/messages/quote', token: agency.token, body });
    expect(q.status).toBe(200);
    expect(q.body.levels).toEqual([{ accountId: agency.id, kind: 'agency', amount: '2000' }]);
  });

  it('an agency previewing its user still sees the levels at and below itself', async () => {
    const p = await t.api({ url: '/api/v1/billing/preview', token: agency.token, body: { accountId: user.id, lineType: 'public', class: 'service', counts: [{ operator: 'mci', alphabet: 'ucs2', parts: 1, count: 2 }] } });
    expect(p.status).toBe(200);
    expect(p.body.levels.map((l: { accountId: string; amount: string }) => [l.accountId, l.amount])).toEqual([[user.id, '3000'], [agency.id, '2000']]);
  });
});
