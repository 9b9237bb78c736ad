import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const DAY = 86_400_000;
const AGENCY_HOST = 'panel.payam.test';

describe('agency users, packages, renewal and suspension', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let agencyToken: string;
  let shop: { id: string; password: string };
  let validUntil: Date;

  const lastSms = async (mobile: string) => (await t.services.notifications.listForRecipient('sms', mobile, 1))[0]?.body ?? '';
  const smsCount = async (mobile: string, kind: string) => (await t.services.notifications.listForRecipient('sms', mobile, 100)).filter((n) => n.kind === kind).length;
  const relogin = async () => {
    admin = await t.login('admin', 'admin-pass-123');
    agencyToken = await t.login(agency.username, agency.password);
  };

  beforeAll(async () => {
    t = await testChapar({ clockStart: '2026-01-10T10:00:00+03:30' });
    admin = await t.adminToken();
    // Through the programme: a user applies, is quoted nothing up front, and is activated.
    agency = await createChild(t, admin, { username: 'payam', kind: 'user', mobile: '09121112222' });
    const app = await t.api({ url: '/api/v1/agency-applications', token: agency.token, body: { businessName: 'پیام', legalType: 'natural', nationalNumber: '0013542419', address: 'تهران', phone: '02100000000', email: 'payam@example.test', plan: 'پیامک' } });
    await t.api({ url: `/api/v1/agency-applications/${app.body.id}/submit`, token: agency.token, body: {} });
    await t.api({ url: `/api/v1/agency-applications/${app.body.id}/quote`, token: admin, body: { fee: '0', renewalFee: '500000' } });
    const activated = await t.api({ url: `/api/v1/agency-applications/${app.body.id}/activate`, token: admin, body: {} });
    expect(activated.body.status).toBe('contract_sent');
    validUntil = new Date(activated.body.validUntil);
    agencyToken = agency.token;
    await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '2000000', note: 'seed' } });
    const brand = await t.services.brands.findByAccount(agency.id);
    await t.services.brands.addActiveHost(brand!.id, AGENCY_HOST);
  });
  afterAll(async () => {
    expect(await ledgerProblems(t.db)).toEqual([]);
    await t.close();
  });

  it('renders templates with their variables, previews drafts and refuses unknown placeholders', async () => {
    const saved = await t.api({ method: 'PUT', url: '/api/v1/notifications/templates/agency.welcome/fa', token: agencyToken, body: { subject: 'خوش آمدید', body: 'سلام {{name}}', sms: '{{brandName}} خوش آمدید. نام کاربری {{username}} رمز {{password}} {{signature}}' } });
    expect(saved.status).toBe(200);
    const bad = await t.api({ method: 'PUT', url: '/api/v1/notifications/templates/agency.welcome/fa', token: agencyToken, body: { subject: 's', body: 'b', sms: '{{ticketId}}' } });
    expect(bad.status).toBe(400);
    const preview = await t.api({ url: '/api/v1/notifications/templates/agency.welcome/fa/preview', token: agencyToken, body: {} });
    expect(preview.body.sms).toBe('پیام خوش آمدید. نام کاربری sample.user رمز Xy7pQ2mK9a پیام');
    const draft = await t.api({ url: '/api/v1/notifications/templates/agency.password_reset/en/preview', token: agencyToken, body: { subject: 'x', body: 'y', sms: 'New password for {{username}}: {{password}}' } });
    expect(draft.body.sms).toBe('New password for sample.user: Xy7pQ2mK9a');
  });

  it('creates a user with a package: welcome SMS with username and password, starting credit, validity, permissions', async () => {
    const pkg = await t.api({ url: '/api/v1/packages', token: agencyToken, body: { name: 'پایه', permissions: ['receive', 'see_reports'], defaultCredit: '100000', validityDays: 365 } });
    expect(pkg.status).toBe(201);
    const res = await t.api({ url: '/api/v1/users', token: agencyToken, host: AGENCY_HOST, body: { username: 'shop1', mobile: '09123334444', packageId: pkg.body.id } });
    expect(res.status).toBe(201);
    const welcome = await lastSms('+989123334444');
    const password = welcome.match(/رمز (\S+)/)![1];
    expect(welcome).toContain('نام کاربری shop1');
    shop = { id: res.body.id, password };
    const token = await t.login('shop1', password, AGENCY_HOST);
    expect((await t.api({ url: '/api/v1/balance', token, host: AGENCY_HOST })).body.balance).toBe('100000');
    const key = await t.api({ url: '/api/v1/api-keys', token, host: AGENCY_HOST, body: { name: 'shop' } });
    expect(key.status).toBe(403);
    expect(key.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'use_api' } });
    const pro = await t.api({ url: '/api/v1/packages', token: agencyToken, body: { name: 'حرفه‌ای', permissions: ['use_api', 'send_advertising', 'receive'] } });
    expect((await t.api({ method: 'PUT', url: `/api/v1/accounts/${shop.id}/package`, token: agencyToken, body: { packageId: pro.body.id } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/api-keys', token, host: AGENCY_HOST, body: { name: 'shop' } })).status).toBe(201);
    const services = await t.api({ url: `/api/v1/users/${shop.id}/services`, token: agencyToken });
    expect(services.body).toMatchObject({ package: { name: 'حرفه‌ای' }, apiKeys: [{ name: 'shop' }], status: 'active' });
    expect(services.body.validUntil).toBe(new Date(Date.parse('2026-01-10T10:00:00+03:30') + 365 * DAY).toISOString());
  });

  it('enforces create_subaccounts and the sub-account limit of the agency’s own package', async () => {
    const noSubs = await t.api({ url: '/api/v1/packages', token: admin, body: { name: 'agency-lite', permissions: ['use_api'] } });
    await t.api({ method: 'PUT', url: `/api/v1/accounts/${agency.id}/package`, token: admin, body: { packageId: noSubs.body.id } });
    const refused = await t.api({ url: '/api/v1/users', token: agencyToken, body: { username: 'shop2', mobile: '09125556666' } });
    expect(refused.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'create_subaccounts' } });
    const limited = await t.api({ url: '/api/v1/packages', token: admin, body: { name: 'agency-one', permissions: ['create_subaccounts'], maxSubaccounts: 1 } });
    await t.api({ method: 'PUT', url: `/api/v1/accounts/${agency.id}/package`, token: admin, body: { packageId: limited.body.id } });
    const full = await t.api({ url: '/api/v1/accounts', token: agencyToken, body: { username: 'shop2', password: 'shop2-pass-1', mobile: '09125556666', kind: 'user' } });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('SUBACCOUNT_LIMIT');
    const unlimited = await t.api({ url: '/api/v1/packages', token: admin, body: { name: 'agency-full', permissions: ['create_subaccounts', 'use_api', 'see_reports'] } });
    await t.api({ method: 'PUT', url: `/api/v1/accounts/${agency.id}/package`, token: admin, body: { packageId: unlimited.body.id } });
  });

  it('resets a password through the forgot-password template and extends validity at the user’s cost', async () => {
    expect((await t.api({ url: `/api/v1/users/${shop.id}/reset-password`, token: agencyToken, body: {} })).status).toBe(200);
    const sms = await lastSms('+989123334444');
    const password = sms.match(/: (\S+)$/)![1];
    expect(sms).toContain('shop1');
    await expect(t.login('shop1', shop.password, AGENCY_HOST)).rejects.toThrow(/401/);
    shop.password = password;
    await t.login('shop1', password, AGENCY_HOST);
    await t.api({ method: 'PUT', url: '/api/v1/agency/settings', token: agencyToken, body: { userRenewalFee: '40000' } });
    const extended = await t.api({ url: `/api/v1/users/${shop.id}/extend`, token: agencyToken, body: { years: 1 } });
    expect(extended.body).toMatchObject({ fee: '40000', validUntil: new Date(Date.parse('2026-01-10T10:00:00+03:30') + 365 * DAY + 0).toISOString().replace(/^2027/, '2028') });
    const token = await t.login('shop1', password, AGENCY_HOST);
    expect((await t.api({ url: '/api/v1/balance', token, host: AGENCY_HOST })).body.balance).toBe('60000');
  });

  it('searches the subtree’s sent and received records by number, text, status and sub-account', async () => {
    const path = (await t.db.query<{ path: string }>('SELECT path FROM accounts WHERE id = $1', [shop.id])).rows[0].path;
    await t.db.query("INSERT INTO lines (id, number, line_type) VALUES ('lin_test', '30001234', '3000')");
    await t.db.query(`INSERT INTO batches (id, account_id, account_path, line_id, message_class, body, alphabet, parts, status, total) VALUES ('bat_t1', $1, $2, 'lin_test', 'service', 'سفارش شما ارسال شد', 'ucs2', 1, 'done', 2)`, [shop.id, path]);
    await t.db.query(`INSERT INTO messages (batch_id, account_id, recipient, operator, status, parts, expires_at) VALUES ('bat_t1', $1, '+989120000001', 'mci', 'delivered', 1, now()), ('bat_t1', $1, '+989350000002', 'irancell', 'failed', 1, now())`, [shop.id]);
    await t.db.query(`INSERT INTO inbox (id, line_id, account_id, account_path, sender, recipient, body) VALUES ('in_t1', 'lin_test', $1, $2, '+989121234567', '30001234', 'لغو')`, [shop.id, path]);
    const all = await t.api({ url: '/api/v1/records/sent', token: agencyToken });
    expect(all.body.total).toBe(2);
    // numbers as people type them: the trunk 0, Persian digits, spaces, the country code
    for (const typed of ['0935', '09350000002', '۰۹۳۵ ۰۰۰ ۰۰۰۲', '+98935']) {
      const byNumber = await t.api({ url: `/api/v1/records/sent?number=${encodeURIComponent(typed)}`, token: agencyToken });
      expect(byNumber.body.items, typed).toMatchObject([{ to: '+989350000002' }]);
    }
    const filtered = await t.api({ url: `/api/v1/records/sent?number=9350000&status=failed&text=${encodeURIComponent('سفارش')}&accountId=${shop.id}`, token: agencyToken });
    expect(filtered.body.items).toMatchObject([{ to: '+989350000002', status: 'failed', username: 'shop1', from: '30001234' }]);
    expect((await t.api({ url: '/api/v1/records/received?number=1234567', token: agencyToken })).body.items).toMatchObject([{ from: '+989121234567', text: 'لغو' }]);
    const stranger = await createChild(t, admin, { username: 'outsider', kind: 'agency' });
    expect((await t.api({ url: '/api/v1/records/sent', token: stranger.token })).body.total).toBe(0);
    expect((await t.api({ url: `/api/v1/users/${shop.id}/requests`, token: stranger.token })).status).toBe(404);
  });

  it('signs in as a user for support: audited and visible to that user', async () => {
    const res = await t.api({ url: `/api/v1/users/${shop.id}/impersonate`, token: agencyToken, body: {} });
    expect(res.status).toBe(200);
    const me = await t.api({ url: '/api/v1/me', token: res.body.token });
    expect(me.body).toMatchObject({ id: shop.id, impersonatedBy: agency.id });
    const own = await t.login('shop1', shop.password, AGENCY_HOST);
    const seen = await t.api({ url: '/api/v1/me/impersonations', token: own, host: AGENCY_HOST });
    expect(seen.body.items).toMatchObject([{ by: 'provider', createdAt: expect.any(String) }]);
    const audit = await t.api({ url: `/api/v1/audit?action=account.impersonated&subjectId=${shop.id}`, token: agencyToken });
    expect(audit.body.items).toMatchObject([{ actor: { id: agency.id } }]);
    expect((await t.api({ url: `/api/v1/users/${agency.id}/impersonate`, token: res.body.token, body: {} })).status).toBe(403);
  });

  it('reminds 30, 7 and 1 days before the end, once each, then suspends admin features after the grace period', async () => {
    t.clock.set(new Date(validUntil.getTime() - 30 * DAY + 3_600_000));
    expect(await t.services.terms.runDaily()).toEqual({ reminders: 1, expired: 0 });
    expect(await t.services.terms.runDaily()).toEqual({ reminders: 0, expired: 0 });
    expect(await lastSms('+989121112222')).toContain('۳۰ روز دیگر');
    t.clock.set(new Date(validUntil.getTime() - 6 * DAY));
    await t.services.terms.runDaily();
    t.clock.set(new Date(validUntil.getTime() - 12 * 3_600_000));
    await t.services.terms.runDaily();
    await t.services.terms.runDaily();
    expect(await smsCount('+989121112222', 'agency.renewal_reminder')).toBe(3);

    t.clock.set(new Date(validUntil.getTime() + DAY));
    expect(await t.services.terms.runDaily()).toEqual({ reminders: 0, expired: 1 });
    await relogin();
    expect((await t.api({ url: `/api/v1/agencies/${agency.id}/term`, token: agencyToken })).body).toMatchObject({ state: 'expired', adminState: 'grace' });
    expect((await t.api({ url: '/api/v1/users', token: agencyToken, body: { username: 'ingrace', mobile: '09127778888' } })).status).toBe(201);

    t.clock.set(new Date(validUntil.getTime() + 16 * DAY));
    await relogin();
    const refused = await t.api({ url: '/api/v1/users', token: agencyToken, body: { username: 'toolate', mobile: '09127779999' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AGENCY_ADMIN_SUSPENDED');
    expect((await t.api({ method: 'PUT', url: '/api/v1/branding', token: agencyToken, body: { nameEn: 'Changed' } })).body.error.code).toBe('AGENCY_ADMIN_SUSPENDED');
    expect((await t.api({ method: 'PUT', url: '/api/v1/packages/x', token: agencyToken, body: { name: 'x', permissions: [] } })).status).toBe(404);
    const page = await t.api({ url: '/api/v1/brand', host: AGENCY_HOST, lang: 'fa' });
    expect(page.body.notice).toMatchObject({ code: 'AGENCY_ADMIN_SUSPENDED', message: expect.stringContaining('تمدید') });
    // Its users keep their accounts, credit and sign-in.
    const shopToken = await t.login('shop1', shop.password, AGENCY_HOST);
    expect((await t.api({ url: '/api/v1/balance', token: shopToken, host: AGENCY_HOST })).body.balance).toBe('60000');
  });

  it('renewing debits the renewal fee and restores everything at once', async () => {
    const before = (await t.api({ url: '/api/v1/balance', token: agencyToken })).body.balance;
    const renewed = await t.api({ url: `/api/v1/agencies/${agency.id}/renew`, token: agencyToken, body: {} });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ state: 'renewed', adminState: 'active', validUntil: new Date(t.clock.now().getTime() + 365 * DAY).toISOString() });
    expect(BigInt((await t.api({ url: '/api/v1/balance', token: agencyToken })).body.balance)).toBe(BigInt(before) - 500000n);
    expect((await t.api({ url: '/api/v1/brand', host: AGENCY_HOST })).body.notice).toBeNull();
    expect((await t.api({ url: '/api/v1/users', token: agencyToken, body: { username: 'afterrenew', mobile: '09127770000' } })).status).toBe(201);
  });
});
