import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('money over the public API', () => {
  let t: TestChapar;
  let admin: string;
  let agencyA: Child;
  let agencyB: Child;
  let userA: Child;
  let userB: Child;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    agencyA = await createChild(t, admin, { username: 'agency-a', kind: 'agency' });
    agencyB = await createChild(t, admin, { username: 'agency-b', kind: 'agency' });
    userA = await createChild(t, agencyA.token, { username: 'user-a', kind: 'user' });
    userB = await createChild(t, agencyB.token, { username: 'user-b', kind: 'user' });
  });
  afterEach(async () => expect(await ledgerProblems(t.db)).toEqual([]));
  afterAll(() => t.close());

  it('moves credit down the tree and shows balances as strings of rials', async () => {
    const first = await t.api({ url: `/api/v1/accounts/${agencyA.id}/credit`, token: admin, body: { amount: '5000000', note: 'first purchase' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ amount: '5000000', childBalance: '5000000', balance: '-5000000' });
    const down = await t.api({ url: `/api/v1/accounts/${userA.id}/credit`, token: agencyA.token, body: { amount: '1200000', note: 'شارژ' } });
    expect(down.body).toMatchObject({ balance: '3800000', childBalance: '1200000' });
    const bal = await t.api({ url: '/api/v1/balance', token: userA.token });
    expect(bal.body).toEqual({ balance: '1200000', reserved: '0', creditLimit: '0', backing: '0', lowCreditThreshold: null, currency: 'IRR' });
  });

  it('does not move credit twice for a retried Idempotency-Key', async () => {
    const req = { url: `/api/v1/accounts/${userA.id}/credit`, token: agencyA.token, body: { amount: '1000', note: 'retry' }, headers: { 'idempotency-key': 'k-1' } };
    const a = await t.api(req);
    const b = await t.api(req);
    expect(b.body.transactionId).toBe(a.body.transactionId);
    expect((await t.api({ url: '/api/v1/balance', token: userA.token })).body.balance).toBe('1201000');
  });

  it('refuses to move more than the parent has, and to take back more than the child has unused', async () => {
    const much = await t.api({ url: `/api/v1/accounts/${userA.id}/credit`, token: agencyA.token, body: { amount: '99000000', note: '' } });
    expect(much.status).toBe(402);
    expect(much.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDIT', message: 'Your credit is not enough.' });
    const back = await t.api({ url: `/api/v1/accounts/${userA.id}/credit`, token: agencyA.token, body: { amount: '-1201001', note: '' } });
    expect(back.body.error.code).toBe('AMOUNT_EXCEEDS_BALANCE');
    const ok = await t.api({ url: `/api/v1/accounts/${userA.id}/credit`, token: agencyA.token, body: { amount: '-1000', note: 'back' } });
    expect(ok.body.childBalance).toBe('1200000');
  });

  it('lists the wallet’s transactions with filters, pages and a CSV export', async () => {
    const res = await t.api({ url: '/api/v1/transactions?pageSize=2', token: userA.token });
    expect(res.body.total).toBe(3);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({ type: 'transfer', amount: '-1000', balanceAfter: '1200000', note: 'back' });
    const none = await t.api({ url: '/api/v1/transactions?type=topup', token: userA.token });
    expect(none.body.total).toBe(0);
    const future = await t.api({ url: `/api/v1/transactions?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`, token: userA.token });
    expect(future.body.total).toBe(0);
    const csv = await t.app.inject({ url: '/api/v1/transactions?format=csv', headers: { host: 'platform.test', authorization: `Bearer ${userA.token}`, 'accept-language': 'en' } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\ufeff')).toBe(true); // a BOM, so spreadsheet programs read Persian notes as UTF-8
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,type,description,note,amount,reserved_change,balance_after,reference,created_at');
    expect(lines).toHaveLength(4);
    expect(lines.some((l) => l.includes(',شارژ,'))).toBe(true);
  });

  it('lets a parent set its child’s credit limit, used only as far as the limit', async () => {
    const set = await t.api({ method: 'PUT', url: `/api/v1/accounts/${userA.id}/credit-limit`, token: agencyA.token, body: { creditLimit: '50000' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ creditLimit: '50000', balance: '1200000' });
    const own = await t.api({ method: 'PUT', url: `/api/v1/accounts/${agencyA.id}/credit-limit`, token: agencyA.token, body: { creditLimit: '1' } });
    expect(own.status).toBe(403);
  });

  it('manages user groups with price lists, and puts a new child in the group asked for', async () => {
    const created = await t.api({
      url: '/api/v1/billing/groups', token: agencyA.token,
      body: { name: 'gold', basePrice: '150', coefficients: { alphabet: { gsm7: 25000 }, operator: { mci: 11000 } }, overrides: [{ operator: 'rightel', lineType: '3000', messageClass: 'otp', alphabet: 'ucs2', price: '90' }] },
    });
    expect(created.status).toBe(201);
    const detail = await t.api({ url: `/api/v1/billing/groups/${created.body.id}`, token: agencyA.token });
    const price = (o: string, l: string, c: string, a: string) => detail.body.prices.find((p: Record<string, string>) => p.operator === o && p.lineType === l && p.messageClass === c && p.alphabet === a);
    expect(price('mci', '3000', 'service', 'gsm7')).toMatchObject({ price: '413', overridden: false }); // 150 × 2.5 × 1.1 = 412.5
    expect(price('rightel', '3000', 'otp', 'ucs2')).toMatchObject({ price: '90', overridden: true });
    const child = await t.api({ url: '/api/v1/accounts', token: agencyA.token, body: { username: 'gold-user', password: 'gold-user-pass', mobile: '09121110000', kind: 'user', groupId: created.body.id } });
    expect(child.status).toBe(201);
    expect((await t.api({ url: `/api/v1/accounts/${child.body.id}/wallet`, token: agencyA.token })).body.groupId).toBe(created.body.id);
    const foreign = await t.api({ url: '/api/v1/accounts', token: agencyB.token, body: { username: 'thief', password: 'thief-pass-1', mobile: '09121110001', kind: 'user', groupId: created.body.id } });
    expect(foreign.status).toBe(400);
    const inUse = await t.api({ method: 'DELETE', url: `/api/v1/billing/groups/${created.body.id}`, token: agencyA.token });
    expect(inUse.body.error.code).toBe('GROUP_IN_USE');
    const [defaultGroup] = (await t.api({ url: '/api/v1/billing/groups', token: agencyA.token })).body.items;
    const moved = await t.api({ method: 'PUT', url: `/api/v1/accounts/${child.body.id}/group`, token: agencyA.token, body: { groupId: defaultGroup.id } });
    expect(moved.body.groupId).toBe(defaultGroup.id);
    expect((await t.api({ method: 'DELETE', url: `/api/v1/billing/groups/${created.body.id}`, token: agencyA.token })).status).toBe(204);
  });

  it('previews a send at each level the caller may see', async () => {
    const [pg] = (await t.api({ url: '/api/v1/billing/groups', token: admin })).body.items;
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${pg.id}`, token: admin, body: { basePrice: '80' } });
    const [ag] = (await t.api({ url: '/api/v1/billing/groups', token: agencyA.token })).body.items;
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${ag.id}`, token: agencyA.token, body: { basePrice: '101', coefficients: { class: { advertising: 15000 } } } });
    const body = { lineType: '3000', class: 'advertising', recipients: [{ operator: 'mci', parts: 3, alphabet: 'ucs2' }, { operator: 'mci', parts: 3, alphabet: 'ucs2' }] };
    const mine = await t.api({ url: '/api/v1/billing/preview', token: userA.token, body });
    // one message: roundHalfUp(3 × 101 × 1.5) = roundHalfUp(454.5) = 455, rounded once for all its parts
    expect(mine.body).toMatchObject({ total: '910', levels: [{ accountId: userA.id, amount: '910', perCell: [{ unitPrice: '455', count: 2 }] }] });
    expect(mine.body.levels).toHaveLength(1);
    const platform = await t.api({ url: '/api/v1/billing/preview', token: admin, body: { ...body, accountId: userA.id } });
    expect(platform.body.levels.map((l: { amount: string }) => l.amount)).toEqual(['910', '480']);
    const sibling = await t.api({ url: '/api/v1/billing/preview', token: agencyB.token, body: { ...body, accountId: userA.id } });
    expect(sibling.status).toBe(404);
  });

  it('never lets anyone read or move another subtree’s money', async () => {
    const bTok = agencyB.token;
    const probes = [
      { url: `/api/v1/accounts/${userA.id}/wallet`, token: bTok },
      { url: `/api/v1/accounts/${userA.id}/credit`, token: bTok, body: { amount: '1', note: '' } },
      { url: `/api/v1/accounts/${userA.id}/credit`, token: bTok, body: { amount: '-1', note: '' } },
      { method: 'PUT', url: `/api/v1/accounts/${userA.id}/credit-limit`, token: bTok, body: { creditLimit: '999999' } },
      { method: 'PUT', url: `/api/v1/accounts/${userA.id}/group`, token: bTok, body: { groupId: 'grp_x' } },
      { url: `/api/v1/accounts/${agencyA.id}/wallet`, token: userB.token },
      { url: `/api/v1/accounts/${agencyA.id}/credit`, token: userA.token, body: { amount: '1', note: '' } },
    ];
    for (const p of probes) expect((await t.api(p)).status, p.url).toBe(404);
    const [groupA] = (await t.api({ url: '/api/v1/billing/groups', token: agencyA.token })).body.items;
    expect((await t.api({ url: `/api/v1/billing/groups/${groupA.id}`, token: bTok })).status).toBe(404);
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groupA.id}`, token: bTok, body: { basePrice: '1' } })).status).toBe(404);
    // an ancestor may read a grandchild's wallet but only the direct parent moves its money
    expect((await t.api({ url: `/api/v1/accounts/${userA.id}/wallet`, token: admin })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${userA.id}/credit`, token: admin, body: { amount: '1', note: '' } })).status).toBe(403);
    expect((await t.api({ url: '/api/v1/billing/reconcile', token: agencyA.token })).status).toBe(403);
    expect((await t.api({ url: '/api/v1/billing/reconcile', token: admin })).body.ok).toBe(true);
    expect((await t.api({ url: '/api/v1/balance', token: userA.token })).body.balance).toBe('1200000');
  });
});
