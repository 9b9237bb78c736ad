// No agency can mint money: a credit limit it grants its child is backed by its own money, and
// the prices it sets are bounded by the platform's ceiling. The attack this reproduces: an agency
// with 689,579 rials set its user's credit limit to 10^15 and its price to 10^12 a part; one SMS
// later the agency held a trillion spendable rials its user owed it, and reconcile() said ok.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

async function defaultGroup(t: TestChapar, token: string): Promise<string> {
  const groups = await t.api({ url: '/api/v1/billing/groups', token });
  return groups.body.items.find((g: { isDefault: boolean }) => g.isDefault).id;
}

describe('an agency cannot mint spendable credit', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let other: Child;
  let user: Child;
  const balance = async (c: Child) => (await t.api({ url: '/api/v1/balance', token: c.token })).body;

  beforeAll(async () => {
    t = await testChapar({ engine: true, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 } } } } });
    admin = await t.adminToken();
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${await defaultGroup(t, admin)}`, token: admin, body: { basePrice: '100' } })).status).toBe(200);
    agency = await createChild(t, admin, { username: 'mint-agency', kind: 'agency' });
    other = await createChild(t, agency.token, { username: 'mint-other', kind: 'user' });
    user = await createChild(t, agency.token, { username: 'mint-user', kind: 'user', mobile: '09127654321' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '689579', note: '' } })).status).toBe(200);
  });
  afterEach(async () => expect(await ledgerProblems(t.db)).toEqual([]));
  afterAll(() => t.close());

  it('refuses a credit limit the agency cannot back with its own balance', async () => {
    const huge = await t.api({ method: 'PUT', url: `/api/v1/accounts/${user.id}/credit-limit`, token: agency.token, body: { creditLimit: '1000000000000000' }, lang: 'fa' });
    expect(huge.status).toBe(402);
    expect(huge.body.error).toMatchObject({ code: 'CREDIT_LIMIT_UNBACKED', details: { needed: '1000000000000000', available: '689579' } });
    expect(huge.body.error.message).toContain('کنار گذاشته');
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/wallet`, token: agency.token })).body.creditLimit).toBe('0');
    expect(await balance(agency)).toMatchObject({ balance: '689579', backing: '0' });
  });

  it('refuses a price above the ceiling over what the agency pays, and says what the ceiling is', async () => {
    const group = await defaultGroup(t, agency.token);
    const res = await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group}`, token: agency.token, body: { basePrice: '1000000000000' } });
    expect(res.status).toBe(422);
    // 100 × max(the platform's 100, the 1,000-rial reference) per part
    expect(res.body.error).toMatchObject({ code: 'PRICE_ABOVE_CEILING', details: { ceiling: '100000' } });
    const override = await t.api({
      method: 'PATCH', url: `/api/v1/billing/groups/${group}`, token: agency.token,
      body: { overrides: [{ operator: 'mci', lineType: 'public', messageClass: 'service', alphabet: 'ucs2', price: '100001' }] },
    });
    expect(override.body.error?.code).toBe('PRICE_ABOVE_CEILING');
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group}`, token: agency.token, body: { basePrice: '100000' } })).status).toBe(200);
    const table = await t.api({ url: `/api/v1/billing/groups/${group}`, token: agency.token });
    expect(table.body.prices.find((p: { operator: string; lineType: string; messageClass: string; alphabet: string }) => p.operator === 'mci' && p.lineType === 'public' && p.messageClass === 'service' && p.alphabet === 'ucs2'))
      .toMatchObject({ price: '100000', cost: '100', ceiling: '100000' });
  });

  it('backs a limit it can afford: the agency’s money moves to backing, and its statement says why', async () => {
    const res = await t.api({ method: 'PUT', url: `/api/v1/accounts/${user.id}/credit-limit`, token: agency.token, body: { creditLimit: '300000' } });
    expect(res.status).toBe(200);
    expect(await balance(agency)).toMatchObject({ balance: '389579', backing: '300000' });
    const st = await t.api({ url: '/api/v1/transactions?type=credit_backing', token: agency.token, lang: 'fa' });
    expect(st.body.items[0]).toMatchObject({ type: 'credit_backing', amount: '-300000', description: 'کنار گذاشتن پشتوانهٔ سقف اعتبار mint-user' });
  });

  it('lets the user spend on credit, and the agency earns only what it already set aside', async () => {
    const before = await balance(agency);
    const sent = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09127654321'], text: 'سلام', class: 'service' } });
    expect(sent.status).toBe(202);
    expect(sent.body.cost).toBe('100000');
    await until('delivery', () => t.api({ url: `/api/v1/messages/${sent.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 1);
    expect(await balance(user)).toMatchObject({ balance: '-100000', reserved: '0' });
    const after = await balance(agency);
    // the agency received 100,000 from its user and paid the platform 100
    expect(BigInt(after.balance) - BigInt(before.balance)).toBe(99_900n);
    // spendable (balance + own limit) plus backing is what the platform gave it less what it paid the platform
    expect(BigInt(after.balance) + BigInt(after.backing)).toBe(689_579n - 100n + 100_000n);
    // and the 100,000 earned on credit is matched by the 100,000 its user owes out of the backing
    const limitBack = await t.api({ method: 'PUT', url: `/api/v1/accounts/${user.id}/credit-limit`, token: agency.token, body: { creditLimit: '0' } });
    expect(limitBack.body.error.code).toBe('CREDIT_LIMIT_BELOW_DEBT');
  });

  it('cannot move more than it really has to another child, so nothing minted leaves the subtree', async () => {
    const a = await balance(agency);
    const much = await t.api({ url: `/api/v1/accounts/${other.id}/credit`, token: agency.token, body: { amount: String(BigInt(a.balance) + 1n), note: '' } });
    expect(much.status).toBe(402);
    expect(much.body.error.code).toBe('INSUFFICIENT_CREDIT');
  });

  it('releases backing when a limit is lowered to what the child owes', async () => {
    const res = await t.api({ method: 'PUT', url: `/api/v1/accounts/${user.id}/credit-limit`, token: agency.token, body: { creditLimit: '100000' } });
    expect(res.status).toBe(200);
    expect(await balance(agency)).toMatchObject({ backing: '100000' });
    const st = await t.api({ url: '/api/v1/transactions?type=credit_backing', token: agency.token, lang: 'en' });
    expect(st.body.items[0]).toMatchObject({ amount: '200000', description: 'Released from backing mint-user’s credit limit' });
  });

  it('refuses a send priced above the ceiling after the platform lowers it', async () => {
    const ceiling = await t.api({ method: 'PUT', url: '/api/v1/billing/price-ceiling', token: admin, body: { multiple: 10, reference: '0' } });
    expect(ceiling.status).toBe(200);
    expect((await t.api({ method: 'PUT', url: '/api/v1/billing/price-ceiling', token: agency.token, body: { multiple: 1000, reference: '0' } })).status).toBe(403);
    await t.api({ url: `/api/v1/accounts/${other.id}/credit`, token: agency.token, body: { amount: '200000', note: '' } });
    const res = await t.api({ url: '/api/v1/messages', token: other.token, body: { to: ['09121112233'], text: 'سلام', class: 'service' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'PRICE_ABOVE_CEILING', details: { level: 'self' } });
    // the ceiling would tell the user what its agency pays
    expect(res.body.error.details.ceiling).toBeUndefined();
    await t.api({ method: 'PUT', url: '/api/v1/billing/price-ceiling', token: admin, body: { multiple: 100, reference: '1000' } });
  });
});

describe('a sub-agency’s ceiling is over its own cost, which tells it nothing about its agency’s', () => {
  let t: TestChapar;
  let top: Child;
  let sub: Child;

  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    // the platform sells to the top agency at 4,321 a part: the top agency's secret
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${await defaultGroup(t, admin)}`, token: admin, body: { basePrice: '4321' } })).status).toBe(200);
    top = await createChild(t, admin, { username: 'ceil-top', kind: 'agency' });
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${await defaultGroup(t, top.token)}`, token: top.token, body: { basePrice: '9000' } })).status).toBe(200);
    sub = await createChild(t, top.token, { username: 'ceil-sub', kind: 'agency' });
  });
  afterAll(() => t.close());

  it('shows the sub-agency its own cost and 100 times it, and refuses above that', async () => {
    const group = await defaultGroup(t, sub.token);
    const table = await t.api({ url: `/api/v1/billing/groups/${group}`, token: sub.token });
    const cell = table.body.prices.find((p: { operator: string; lineType: string; messageClass: string; alphabet: string }) => p.operator === 'mci' && p.lineType === 'public' && p.messageClass === 'service' && p.alphabet === 'ucs2');
    expect(cell).toMatchObject({ cost: '9000', ceiling: '900000' });
    expect(JSON.stringify(table.body)).not.toContain('4321');
    const over = await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group}`, token: sub.token, body: { basePrice: '900001' } });
    expect(over.body.error).toMatchObject({ code: 'PRICE_ABOVE_CEILING', details: { ceiling: '900000' } });
    // an override on a line type of its own is checked too
    const own = await t.api({
      method: 'PATCH', url: `/api/v1/billing/groups/${group}`, token: sub.token,
      body: { overrides: [{ operator: 'mci', lineType: 'vip', messageClass: 'service', alphabet: 'ucs2', price: '900001' }] },
    });
    expect(own.body.error?.code).toBe('PRICE_ABOVE_CEILING');
  });
});

describe('the ledger’s backstops', () => {
  let t: TestChapar;
  let agency: Child;
  let user: Child;

  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'back-agency', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'back-user', kind: 'user' });
  });
  afterAll(() => t.close());

  it('refuses, at commit, a credit limit written without its backing', async () => {
    await expect(t.db.query("UPDATE wallets SET credit_limit = 1000000000000000 WHERE account_id = $1", [user.id])).rejects.toThrow(/not backed/);
    expect((await t.db.query<{ credit_limit: bigint }>('SELECT credit_limit FROM wallets WHERE account_id = $1', [user.id])).rows[0].credit_limit).toBe(0n);
  });

  it('reconcile() reports credit granted without backing, which it did not before', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query("SET LOCAL session_replication_role = 'replica'");
      await tx.query('UPDATE wallets SET credit_limit = 5000 WHERE account_id = $1', [user.id]);
    });
    const admin = await t.adminToken();
    const r = await t.api({ url: '/api/v1/billing/reconcile', token: admin });
    expect(r.body).toMatchObject({ ok: false, unbackedCredit: [{ accountId: agency.id, backing: '0', granted: '5000' }] });
  });
});
