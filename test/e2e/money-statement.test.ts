import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';
import { walletIdOf } from '../../src/modules/billing/repo.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
type Row = { type: string; amount: string; reservedChange: string; description: string; params: Record<string, unknown>; note: string; reference: string | null };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const cell = { operator: 'mci', lineType: '3000', messageClass: 'service', alphabet: 'ucs2' as const, parts: 1 };

describe('the wallet statement in the reader’s language', () => {
  let t: TestChapar;
  let admin: string;
  let adminId: string;
  let agency: Child;
  let nima: Child;
  const statement = async (token: string, lang: 'fa' | 'en') => (await t.api({ url: '/api/v1/transactions?pageSize=100', token, lang })).body.items as Row[];
  const csv = async (token: string, query: string, lang: string) =>
    (await t.app.inject({ url: `/api/v1/transactions?format=csv${query}`, headers: { host: 'platform.test', authorization: `Bearer ${token}`, 'accept-language': lang } })).body;
  const browse = async (url: string) => {
    const u = new URL(url, 'http://platform.test');
    return (await t.app.inject({ url: `${u.pathname}${u.search}`, headers: { host: 'platform.test', accept: 'text/html' } })).body;
  };

  /** A row as the code wrote it before params: NULL params, an English note. */
  async function legacyRow(r: { type: string; note: string; key: string; from: string; to: string; amount: bigint; reference: string }) {
    await t.db.transaction(async (tx) => {
      const id = `tx_old_${r.key.replace(/\W/g, '_')}`;
      await tx.query('INSERT INTO ledger_transactions (id, type, idempotency_key, note, reference, created_at) VALUES ($1,$2,$3,$4,$5,$6)', [id, r.type, r.key, r.note, r.reference, t.clock.now()]);
      for (const [accountId, amount] of [[r.from, -r.amount], [r.to, r.amount]] as const) {
        const { rows } = await tx.query<{ balance: string }>('UPDATE wallets SET balance = balance + $2 WHERE id = $1 RETURNING balance::text AS balance', [walletIdOf(accountId), amount.toString()]);
        await tx.query("INSERT INTO ledger_entries (transaction_id, wallet_id, bucket, amount, balance_after) VALUES ($1,$2,'available',$3,$4)", [id, walletIdOf(accountId), amount.toString(), rows[0].balance]);
      }
    });
  }

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    adminId = (await t.api({ url: '/api/v1/me', token: admin })).body.id;
    for (const [token, basePrice] of [[admin, '100']] as const) {
      const group = (await t.api({ url: '/api/v1/billing/groups', token })).body.items.find((g: { isDefault: boolean }) => g.isDefault);
      expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token, body: { basePrice } })).status).toBe(200);
    }
    agency = await createChild(t, admin, { username: 'agency-s', kind: 'agency' });
    const group = (await t.api({ url: '/api/v1/billing/groups', token: agency.token })).body.items.find((g: { isDefault: boolean }) => g.isDefault);
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token: agency.token, body: { basePrice: '150' } });
    nima = await createChild(t, agency.token, { username: 'nima', kind: 'user' });

    // Manual credit with typed notes, down the tree, and some taken back.
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '5000000', note: 'first purchase' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${nima.id}/credit`, token: agency.token, body: { amount: '1000000', note: 'جایزهٔ فروش' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${nima.id}/credit`, token: agency.token, body: { amount: '-1000', note: '' } })).status).toBe(200);

    // A send of 12 messages: reserved at both levels, 9 settled, 3 released (the engine's calls).
    const b = t.services.billing;
    const r = await t.db.transaction((tx) => b.reserve(tx, { accountId: nima.id, idempotencyKey: 'statement-send', cells: [{ ...cell, count: 12 }] }));
    await t.db.transaction((tx) => b.settle(tx, r.reservationId, [{ ...cell, count: 9 }]));
    await t.db.transaction((tx) => b.release(tx, r.reservationId, [{ ...cell, count: 3 }]));

    // The agency tops up online (sandbox); nima declares a bank deposit, the agency approves it.
    const sandbox = (await t.api({ url: '/api/v1/billing/topup-options', token: agency.token })).body.gateways.find((g: { kind: string }) => g.kind === 'sandbox');
    const pay = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: sandbox.id, amount: '100000' } });
    const page = await browse(pay.body.redirectUrl);
    await browse(page.match(/href="([^"]*Status=OK)"/)![1].replaceAll('&#38;', '&'));
    expect((await t.api({ url: `/api/v1/billing/payments/${pay.body.id}`, token: agency.token })).body.credited).toBe(true);
    const dep = await t.api({ url: '/api/v1/billing/deposits', token: nima.token, body: { amount: '110000', paidOn: '2026-01-10', trackingNumber: '778899', receipt: { data: PNG } } });
    expect((await t.api({ url: `/api/v1/billing/deposits/${dep.body.id}/approve`, token: agency.token, body: {} })).body.status).toBe('approved');

    // The agency fee as the agency programme posts it (agencies/service.ts activate).
    await b.postAdjustment(adminId, { type: 'agency_fee', fromAccountId: agency.id, toAccountId: adminId, amount: 20000n, idempotencyKey: 'agency_fee:app_new', reference: 'app_new' });

    // Rows from before params: the English notes the code used to write.
    await legacyRow({ type: 'topup', note: 'online SBX-555', key: 'payment:pay_old', from: adminId, to: agency.id, amount: 700n, reference: 'pay_old' });
    await legacyRow({ type: 'agency_fee', note: 'agency fee app_old', key: 'agency_fee:app_old', from: agency.id, to: adminId, amount: 300n, reference: 'app_old' });
    await legacyRow({ type: 'transfer', note: 'package Gold', key: `package_credit:${nima.id}`, from: agency.id, to: nima.id, amount: 500n, reference: nima.id });
    await legacyRow({ type: 'transfer', note: 'typed long ago', key: 'transfer:old', from: agency.id, to: nima.id, amount: 200n, reference: nima.id });
  });
  afterEach(async () => expect(await ledgerProblems(t.db)).toEqual([]));
  afterAll(() => t.close());

  const pick = (rows: Row[], type: string, pred: (r: Row) => boolean = () => true) => {
    const found = rows.filter((r) => r.type === type && pred(r));
    expect(found, `${type} rows`).toHaveLength(1);
    return found[0];
  };

  it('tells the user, in Persian, what each transaction was, with the typed note kept apart', async () => {
    const rows = await statement(nima.token, 'fa');
    expect(pick(rows, 'transfer', (r) => r.amount === '1000000')).toMatchObject({ description: 'دریافت اعتبار', note: 'جایزهٔ فروش', params: {} });
    expect(pick(rows, 'transfer', (r) => r.amount === '-1000')).toMatchObject({ description: 'بازپس‌گیری اعتبار', note: '' });
    expect(pick(rows, 'send_reserve')).toMatchObject({ description: 'رزرو هزینهٔ ارسال ۱۲ پیامک', params: { messages: 12 }, reservedChange: '1800' });
    expect(pick(rows, 'settle')).toMatchObject({ description: 'تسویهٔ هزینهٔ ارسال ۹ پیامک', params: { messages: 9 } });
    expect(pick(rows, 'refund')).toMatchObject({ description: 'بازگشت هزینهٔ رزروشدهٔ ۳ پیامک', amount: '450' });
    expect(pick(rows, 'topup')).toMatchObject({ description: 'واریز با فیش بانکی (شمارهٔ پیگیری 778899)', params: { method: 'deposit', trackingNumber: '778899' }, note: '' });
    // Old rows stay readable: the note the code wrote becomes the description, a typed one stays.
    expect(pick(rows, 'transfer', (r) => r.amount === '500')).toMatchObject({ description: 'اعتبار اولیهٔ بستهٔ «Gold»', params: { package: 'Gold' }, note: '' });
    expect(pick(rows, 'transfer', (r) => r.amount === '200')).toMatchObject({ description: 'دریافت اعتبار', note: 'typed long ago' });
    // The parent's username is the parent's business.
    expect(JSON.stringify(rows)).not.toContain('agency-s');
  });

  it('says the same in English', async () => {
    const rows = await statement(nima.token, 'en');
    expect(pick(rows, 'transfer', (r) => r.amount === '1000000')).toMatchObject({ description: 'Credit received', note: 'جایزهٔ فروش' });
    expect(pick(rows, 'transfer', (r) => r.amount === '-1000').description).toBe('Credit taken back');
    expect(pick(rows, 'send_reserve').description).toBe('Reserved the cost of sending 12 messages');
    expect(pick(rows, 'settle').description).toBe('Settled the cost of sending 9 messages');
    expect(pick(rows, 'refund').description).toBe('Returned the reserved cost of 3 messages');
    expect(pick(rows, 'topup').description).toBe('Bank deposit (tracking no. 778899)');
    expect(pick(rows, 'transfer', (r) => r.amount === '500').description).toBe('Starting credit of the “Gold” package');
  });

  it('names the child or the sender to the agency above it', async () => {
    const fa = await statement(agency.token, 'fa');
    expect(pick(fa, 'transfer', (r) => r.amount === '-1000000')).toMatchObject({ description: 'انتقال اعتبار به nima', note: 'جایزهٔ فروش' });
    expect(pick(fa, 'transfer', (r) => r.amount === '1000')).toMatchObject({ description: 'بازپس‌گیری اعتبار از nima', note: '' });
    expect(pick(fa, 'transfer', (r) => r.amount === '5000000')).toMatchObject({ description: 'دریافت اعتبار', note: 'first purchase' });
    expect(pick(fa, 'send_reserve').description).toBe('رزرو هزینهٔ ارسال ۱۲ پیامک از حساب nima');
    expect(pick(fa, 'settle').description).toBe('تسویهٔ هزینهٔ ارسال ۹ پیامک از حساب nima');
    expect(pick(fa, 'refund').description).toBe('بازگشت هزینهٔ رزروشدهٔ ۳ پیامک از حساب nima');
    expect(pick(fa, 'topup', (r) => r.params.method === 'online' && r.params.gateway === 'sandbox').description).toMatch(/^واریز از درگاه آزمایشی \(کد پیگیری SBX-\w+\)$/);
    expect(pick(fa, 'topup', (r) => r.params.method === 'deposit').description).toBe('فیش واریزی حساب nima (شمارهٔ پیگیری 778899)');
    expect(pick(fa, 'agency_fee', (r) => r.reference === 'app_new')).toMatchObject({ description: 'کارمزد نمایندگی', note: '' });
    expect(pick(fa, 'agency_fee', (r) => r.reference === 'app_old')).toMatchObject({ description: 'کارمزد نمایندگی', note: '' });
    expect(pick(fa, 'topup', (r) => r.reference === 'pay_old')).toMatchObject({ description: 'واریز از درگاه پرداخت (کد پیگیری SBX-555)', note: '' });
    expect(pick(fa, 'transfer', (r) => r.amount === '-500').description).toBe('اعتبار اولیهٔ بستهٔ «Gold» برای nima');

    const en = await statement(agency.token, 'en');
    expect(pick(en, 'transfer', (r) => r.amount === '-1000000').description).toBe('Credit transferred to nima');
    expect(pick(en, 'transfer', (r) => r.amount === '1000').description).toBe('Credit taken back from nima');
    expect(pick(en, 'send_reserve').description).toBe('Reserved the cost of sending 12 messages from nima');
    expect(pick(en, 'topup', (r) => r.params.method === 'online' && r.params.gateway === 'sandbox').description).toMatch(/^Top-up via the test gateway \(ref\. SBX-\w+\)$/);
    expect(pick(en, 'topup', (r) => r.params.method === 'deposit').description).toBe('Bank deposit by nima (tracking no. 778899)');
    expect(pick(en, 'agency_fee', (r) => r.reference === 'app_new').description).toBe('Agency fee');

    const platform = await statement(admin, 'fa');
    expect(pick(platform, 'agency_fee', (r) => r.reference === 'app_new').description).toBe('کارمزد نمایندگی agency-s');
    expect(pick(platform, 'topup', (r) => r.params.gateway === 'sandbox').description).toMatch(/^شارژ حساب agency-s از درگاه آزمایشی/);
    expect(pick(platform, 'settle').description).toBe('تسویهٔ هزینهٔ ارسال ۹ پیامک از حساب nima'); // the sender, two levels down
    expect(pick(await statement(admin, 'en'), 'agency_fee', (r) => r.reference === 'app_new').description).toBe('Agency fee from agency-s');
  });

  it('exports the same words to CSV: Persian headings and descriptions, or English when asked', async () => {
    const raw = await csv(agency.token, '', 'fa');
    expect(raw.startsWith('\ufeff')).toBe(true); // a BOM: spreadsheet programs then read Persian as UTF-8
    const fa = raw.trim().split('\r\n');
    expect(fa[0]).toBe('شناسه,نوع,شرح,یادداشت,مبلغ (ریال),تغییر رزرو (ریال),مانده پس از تراکنش (ریال),مرجع,زمان');
    expect(fa.some((l) => l.includes(',انتقال اعتبار,انتقال اعتبار به nima,جایزهٔ فروش,-1000000,'))).toBe(true);
    expect(fa.some((l) => l.includes(',رزرو ارسال,رزرو هزینهٔ ارسال ۱۲ پیامک از حساب nima,,'))).toBe(true);
    expect(fa.some((l) => l.includes(',حق نمایندگی,کارمزد نمایندگی,,-20000,'))).toBe(true);
    expect(fa.some((l) => l.includes(',افزایش اعتبار,فیش واریزی حساب nima (شمارهٔ پیگیری 778899),,'))).toBe(true);

    const user = (await csv(nima.token, '', 'fa')).trim().split('\r\n');
    expect(user.some((l) => l.includes(',تسویهٔ ارسال,تسویهٔ هزینهٔ ارسال ۹ پیامک,,'))).toBe(true);
    expect(user.some((l) => l.includes(',بازگشت وجه,بازگشت هزینهٔ رزروشدهٔ ۳ پیامک,,450,-450,'))).toBe(true);

    // ?lang= wins over the browser's Accept-Language (the panel's CSV link is a plain download).
    const en = (await csv(agency.token, '&lang=en', 'fa')).trim().split('\r\n');
    expect(en[0]).toBe('id,type,description,note,amount,reserved_change,balance_after,reference,created_at');
    expect(en.some((l) => l.includes(',Transfer,Credit transferred to nima,جایزهٔ فروش,-1000000,'))).toBe(true);
    expect(en.some((l) => l.includes(',Send settled,Settled the cost of sending 9 messages from nima,,'))).toBe(true);
    expect(en.some((l) => l.includes(',Agency fee,Agency fee,,-20000,'))).toBe(true);
  });
});
