import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';
import { startFakeZarinpal } from '../../src/payments/zarinpal/fake-server.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const MERCHANT = 'a1b2c3d4-0000-1111-2222-333344445555';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

describe('top-ups', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let other: Child;
  let user: Child;
  let zp: Awaited<ReturnType<typeof startFakeZarinpal>>;
  const balance = async (token: string) => (await t.api({ url: '/api/v1/balance', token })).body.balance as string;
  const browse = async (url: string) => {
    const u = new URL(url, 'http://platform.test');
    const res = await t.app.inject({ url: `${u.pathname}${u.search}`, headers: { host: 'platform.test', accept: 'text/html' } });
    return { status: res.statusCode, html: res.body };
  };
  const linkTo = (html: string, status: 'OK' | 'NOK') => html.match(new RegExp(`href="([^"]*Status=${status})"`))![1].replaceAll('&#38;', '&');

  beforeAll(async () => {
    // The platform's test-mode gateway talks to the stand-in for Zarinpal on loopback.
    t = await testChapar({ env: { CHAPAR_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1' } });
    zp = await startFakeZarinpal({ merchantId: MERCHANT });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency', kind: 'agency' });
    other = await createChild(t, admin, { username: 'other', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'payer', kind: 'user' });
    await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: 'seed' } });
  });
  afterEach(async () => expect(await ledgerProblems(t.db)).toEqual([]));
  afterAll(async () => {
    await zp.close();
    await t.close();
  });

  it('pays the platform through the sandbox: amount + VAT paid, amount credited from the parent', async () => {
    const options = await t.api({ url: '/api/v1/billing/topup-options', token: agency.token });
    expect(options.body.vatBp).toBe(1000);
    const sandbox = options.body.gateways.find((g: { kind: string }) => g.kind === 'sandbox');
    const start = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: sandbox.id, amount: '100000' } });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ amount: '100000', vat: '10000', total: '110000', status: 'pending', credited: false });
    const pagePay = await browse(start.body.redirectUrl);
    expect(pagePay.html).toContain('درگاه پرداخت آزمایشی');
    expect(pagePay.html).toContain('Sandbox payment gateway');
    const done = await browse(linkTo(pagePay.html, 'OK'));
    expect(done.html).toContain('پرداخت با موفقیت انجام شد');
    expect(await balance(agency.token)).toBe('1100000');
    const again = await browse(linkTo(pagePay.html, 'OK'));
    expect(again.status).toBe(200);
    expect(await balance(agency.token)).toBe('1100000');
    const receipt = await t.api({ url: `/api/v1/billing/payments/${start.body.id}`, token: agency.token });
    expect(receipt.body).toMatchObject({ status: 'verified', credited: true, amount: '100000', vat: '10000', total: '110000' });
    const tx = await t.api({ url: '/api/v1/transactions?type=topup', token: agency.token });
    expect(tx.body.items[0]).toMatchObject({ amount: '100000', reference: start.body.id });
  });

  it('credits nothing when the payer fails in the sandbox or the callback is forged', async () => {
    const [sandbox] = (await t.api({ url: '/api/v1/billing/topup-options', token: agency.token })).body.gateways;
    const start = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: sandbox.id, amount: '5000' } });
    const forged = await browse(`/pay/callback/${start.body.id}?Authority=SBXguessed&Status=OK`);
    expect(forged.html).not.toContain('موفقیت');
    expect((await t.api({ url: `/api/v1/billing/payments/${start.body.id}`, token: agency.token })).body.status).toBe('pending');
    const pagePay = await browse(start.body.redirectUrl);
    const failed = await browse(linkTo(pagePay.html, 'NOK'));
    expect(failed.html).toContain('پرداخت ناموفق بود');
    expect((await browse(linkTo(pagePay.html, 'OK'))).html).toContain('پرداخت ناموفق بود');
    expect(await balance(agency.token)).toBe('1100000');
  });

  it('runs the Zarinpal flow against the gateway: forged, unpaid, paid and double callbacks', async () => {
    // An agency's gateway talks only to Zarinpal's own hosts; the stand-in is the platform's, in test mode.
    const refused = await t.api({ url: '/api/v1/billing/gateways', token: agency.token, body: { kind: 'zarinpal', name: 'x', settings: { merchantId: MERCHANT, baseUrl: zp.baseUrl } } });
    expect(refused.body.error).toMatchObject({ code: 'URL_NOT_ALLOWED', details: { reason: 'gateway_host' } });
    const gw = await t.api({ url: '/api/v1/billing/gateways', token: admin, body: { kind: 'zarinpal', name: 'زرین‌پال', settings: { merchantId: MERCHANT, baseUrl: zp.baseUrl } } });
    expect(gw.status).toBe(201);
    expect(gw.body.merchantId).toBe('a1b2…5555');
    expect(JSON.stringify((await t.api({ url: '/api/v1/billing/gateways', token: admin })).body)).not.toContain(MERCHANT);
    const options = await t.api({ url: '/api/v1/billing/topup-options', token: agency.token });
    expect(options.body.gateways).toContainEqual({ id: gw.body.id, kind: 'zarinpal', name: 'زرین‌پال' });
    const agencyBefore = BigInt(await balance(agency.token));

    const unpaid = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: gw.body.id, amount: '50000' } });
    const authority1 = unpaid.body.redirectUrl.split('/StartPay/')[1];
    expect(zp.calls.at(-1)!.body).toMatchObject({ merchant_id: MERCHANT, amount: 55000, callback_url: `http://platform.test/pay/callback/${unpaid.body.id}` });
    await browse(`/pay/callback/${unpaid.body.id}?Authority=Aforged&Status=OK`);
    expect((await t.api({ url: `/api/v1/billing/payments/${unpaid.body.id}`, token: agency.token })).body.status).toBe('pending');
    await browse(`/pay/callback/${unpaid.body.id}?Authority=${authority1}&Status=OK`); // a lie: the gateway says it was never paid
    expect((await t.api({ url: `/api/v1/billing/payments/${unpaid.body.id}`, token: agency.token })).body).toMatchObject({ status: 'failed', errorCode: 'payment_failed', credited: false });

    const paid = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: gw.body.id, amount: '50000' } });
    const authority2 = paid.body.redirectUrl.split('/StartPay/')[1];
    const callback = zp.pay(authority2);
    const results = await Promise.all([browse(callback), browse(callback)]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    await browse(callback);
    expect(zp.calls.filter((c) => c.path.endsWith('verify.json') && c.body.authority === authority2)).toHaveLength(1);
    expect(BigInt(await balance(agency.token)) - agencyBefore).toBe(50000n);
    const received = await t.api({ url: '/api/v1/billing/payments?direction=received', token: admin });
    expect(received.body.items.find((p: { id: string }) => p.id === paid.body.id)).toMatchObject({ id: paid.body.id, status: 'verified', refId: expect.any(String), cardPan: '502229******5995' });
    expect((await t.api({ url: `/api/v1/billing/payments/${paid.body.id}`, token: other.token })).status).toBe(404);
  });

  it('checks bank numbers and shows the parent’s accounts to its children', async () => {
    const bad = await t.api({ url: '/api/v1/billing/bank-accounts', token: agency.token, body: { bankName: 'ملت', holderName: 'x', iban: 'IR062960000000100324200002' } });
    expect(bad.body.error.code).toBe('INVALID_IBAN');
    const badCard = await t.api({ url: '/api/v1/billing/bank-accounts', token: agency.token, body: { bankName: 'ملت', holderName: 'x', iban: 'IR062960000000100324200001', cardNumber: '4111111111111112' } });
    expect(badCard.body.error.code).toBe('INVALID_CARD_NUMBER');
    const ok = await t.api({ url: '/api/v1/billing/bank-accounts', token: agency.token, body: { bankName: 'ملت', holderName: 'نمایندگی', iban: 'IR06 2960 0000 0010 0324 2000 01', cardNumber: '6037997599999993' } });
    expect(ok.status).toBe(201);
    const options = await t.api({ url: '/api/v1/billing/topup-options', token: user.token });
    expect(options.body.bankAccounts).toEqual([expect.objectContaining({ iban: 'IR062960000000100324200001', cardNumber: '6037997599999993' })]);
  });

  it('lets the parent approve or reject a deposit declaration, each once', async () => {
    const declare = (amount: string, data = PNG) =>
      t.api({ url: '/api/v1/billing/deposits', token: user.token, body: { amount, paidOn: '2026-01-10', trackingNumber: '123456789', receipt: { data } } });
    expect((await declare('1000', Buffer.from('GIF89a....').toString('base64'))).body.error.code).toBe('RECEIPT_NOT_ALLOWED');
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    Buffer.from(PNG, 'base64').copy(big);
    expect((await declare('1000', big.toString('base64'))).status).toBe(415);
    const first = await declare('110000');
    expect(first.body).toMatchObject({ amount: '100000', vat: '10000', total: '110000', status: 'pending', receiptType: 'image/png' });
    expect((await t.api({ url: `/api/v1/billing/deposits/${first.body.id}/approve`, token: other.token, body: {} })).status).toBe(404);
    const file = await t.app.inject({ url: `/api/v1/billing/deposits/${first.body.id}/receipt`, headers: { host: 'platform.test', authorization: `Bearer ${agency.token}` } });
    expect(file.headers['content-type']).toBe('image/png');
    const approved = await t.api({ url: `/api/v1/billing/deposits/${first.body.id}/approve`, token: agency.token, body: {} });
    expect(approved.body.status).toBe('approved');
    expect(await balance(user.token)).toBe('100000');
    expect((await t.api({ url: `/api/v1/billing/deposits/${first.body.id}/approve`, token: agency.token, body: {} })).status).toBe(409);
    expect(await balance(user.token)).toBe('100000');

    const second = await declare('22000');
    const rejected = await t.api({ url: `/api/v1/billing/deposits/${second.body.id}/reject`, token: agency.token, body: { reason: 'واریزی پیدا نشد' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'واریزی پیدا نشد' });
    expect((await t.api({ url: `/api/v1/billing/deposits/${second.body.id}/approve`, token: agency.token, body: {} })).status).toBe(409);
    expect(await balance(user.token)).toBe('100000');
    const mine = await t.api({ url: '/api/v1/billing/deposits', token: user.token });
    expect(mine.body.items.map((d: { status: string }) => d.status).sort()).toEqual(['approved', 'rejected']);
  });

  it('takes the VAT rate from the platform setting', async () => {
    expect((await t.api({ method: 'PUT', url: '/api/v1/billing/settings', token: agency.token, body: { vatBp: 0 } })).status).toBe(403);
    expect((await t.api({ method: 'PUT', url: '/api/v1/billing/settings', token: admin, body: { vatBp: 900 } })).body.vatBp).toBe(900);
    const [sandbox] = (await t.api({ url: '/api/v1/billing/topup-options', token: agency.token })).body.gateways;
    const start = await t.api({ url: '/api/v1/billing/payments', token: agency.token, body: { gatewayId: sandbox.id, amount: '12345' } });
    expect(start.body).toMatchObject({ amount: '12345', vat: '1111', total: '13456' }); // 1111.05 rounds half up to 1111
  });
});
