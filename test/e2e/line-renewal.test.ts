// Rented lines over HTTP with a fake clock: the first year charged on assignment, reminders
// 30/7/1 days before, automatic renewal on the due date (once, however often the job runs), the
// grace period, suspension of sending (LINE_EXPIRED) and "renew now".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';
import { lineRenewalsJob } from '../../src/modules/lines/jobs.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const DAY = 86_400_000;
const YEAR_PRICE = 1_200_000n;
const addYear = (d: Date) => new Date(Date.UTC(d.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));

describe('rented lines: charged on assignment, reminded, renewed, suspended and restored', () => {
  let t: TestChapar;
  let agency: Child;
  let user: Child;
  let lineId: string;
  let agencyPaidUntil: Date;
  let userPaidUntil: Date;

  // Sessions do not survive a year of fake time: sign in afresh for each call.
  const token = (who: Child | 'admin') => (who === 'admin' ? t.login(ADMIN.username, ADMIN.password) : t.login(who.username, who.password));
  const balance = async (who: Child) => BigInt((await t.api({ url: `/api/v1/accounts/${who.id}/wallet`, token: await token('admin') })).body.balance);
  const credit = async (parent: Child | 'admin', child: Child, amount: string) =>
    expect((await t.api({ url: `/api/v1/accounts/${child.id}/credit`, token: await token(parent), body: { amount, note: 'test' } })).status).toBe(200);
  const send = async (who: Child, from?: string) =>
    t.api({ url: '/api/v1/messages', token: await token(who), lang: 'fa', body: { to: ['09121234567'], text: 'سلام', class: 'service', ...(from ? { from } : {}) } });
  const myLine = async (who: Child) => (await t.api({ url: '/api/v1/lines', token: await token(who) })).body.items.find((l: { id: string }) => l.id === lineId);
  const reminders = async (mobile: string) => (await t.services.notifications.listForRecipient('sms', mobile, 100)).filter((n) => n.kind === 'line.renewal_reminder');
  const renewalTransactions = async () => Number((await t.db.query(`SELECT count(*) AS n FROM ledger_transactions WHERE type = 'renewal' AND reference = $1`, [lineId])).rows[0].n);

  beforeAll(async () => {
    t = await testChapar({ clockStart: '2026-01-10T10:00:00+03:30' });
    const admin = await t.adminToken();
    // These sends test the line's rent, not KYC.
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    agency = await createChild(t, admin, { username: 'agency', kind: 'agency', mobile: '09121110001' });
    user = await createChild(t, agency.token, { username: 'shop', kind: 'user', mobile: '09121110002' });
    await credit('admin', agency, '3000000');
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '3000555', lineType: '3000', renewalPrice: YEAR_PRICE.toString(), renewalGraceDays: 7 } });
    expect(line.status).toBe(201);
    expect(line.body).toMatchObject({ renewalPrice: '1200000', renewalGraceDays: 7, renewal: { state: 'none' } });
    lineId = line.body.id;
  });
  afterAll(async () => {
    expect(await ledgerProblems(t.db)).toEqual([]);
    await t.close();
  });

  it('charges the assignee exactly one year, paid to the assigner, with a balanced ledger; assigning again charges nothing', async () => {
    const admin = await token('admin');
    const res = await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: admin, body: { accountId: agency.id } });
    expect(res.status).toBe(200);
    agencyPaidUntil = addYear(t.clock.now());
    expect(res.body).toEqual({ ok: true, created: true, charged: '1200000', paidUntil: agencyPaidUntil.toISOString() });
    expect(await balance(agency)).toBe(3_000_000n - YEAR_PRICE);
    const again = await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: admin, body: { accountId: agency.id, canReceive: false } });
    expect(again.body).toMatchObject({ created: false, charged: '0' });
    expect(await balance(agency)).toBe(3_000_000n - YEAR_PRICE);
    expect(await myLine(agency)).toMatchObject({ maySend: true, renewal: { state: 'active', paidUntil: agencyPaidUntil.toISOString() } });
    const r = await t.services.billing.reconcile();
    expect([...r.wallets, ...r.unbalancedTransactions]).toEqual([]);
    expect(await renewalTransactions()).toBe(1);
  });

  it('refuses a child short of credit with the amount missing, and assigns nothing', async () => {
    t.clock.advance(10 * DAY);
    await credit(agency, user, '500000');
    const refused = await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: await token(agency), lang: 'fa', body: { accountId: user.id } });
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDIT', details: { missing: '700000', amount: '1200000' } });
    expect(refused.body.error.message).toContain('۷۰۰,۰۰۰ ریال کم دارید');
    expect(await myLine(user)).toBeUndefined();
    expect(await balance(user)).toBe(500_000n);
    expect(await renewalTransactions()).toBe(1);

    await credit(agency, user, '1000000');
    const ok = await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: await token(agency), body: { accountId: user.id } });
    expect(ok.body).toMatchObject({ created: true, charged: '1200000' });
    userPaidUntil = new Date(ok.body.paidUntil);
    expect(await balance(user)).toBe(300_000n);
    expect(await balance(agency)).toBe(3_000_000n - YEAR_PRICE - 1_500_000n + YEAR_PRICE);
    expect((await t.api({ url: `/api/v1/lines/${lineId}/default`, token: await token(user), body: {} })).status).toBe(200);
    expect((await send(user)).status).toBe(202);
    const audit = await t.db.query(`SELECT action, subject_id FROM audit_events WHERE action = 'line.assigned' ORDER BY at`);
    expect(audit.rows.map((r) => r.subject_id)).toEqual([agency.id, user.id]);
  });

  it('reminds 30, 7 and 1 days before the paid-until date, once each, in the account’s language', async () => {
    t.clock.set(new Date(agencyPaidUntil.getTime() - 30 * DAY + 3_600_000));
    expect((await t.services.lineRenewals.runDaily()).reminders).toBe(1);
    expect((await t.services.lineRenewals.runDaily()).reminders).toBe(0);
    const first = await reminders('+989121110001');
    expect(first).toHaveLength(1);
    expect(first[0].body).toContain('۳۰۰۰۵۵۵');
    expect(first[0].body).toContain('۱,۲۰۰,۰۰۰');
    expect(first[0].body).toContain('۳۰ روز');

    t.clock.set(new Date(agencyPaidUntil.getTime() - 6 * DAY));
    await t.services.lineRenewals.runDaily();
    t.clock.set(new Date(agencyPaidUntil.getTime() - 12 * 3_600_000));
    await t.services.lineRenewals.runDaily();
    await lineRenewalsJob(t.services.lineRenewals).handler({});
    expect((await reminders('+989121110001')).map((n) => (n.data as { days: number }).days).sort((a, b) => a - b)).toEqual([1, 7, 30]);
    // The user's year ends ten days later: only its 30-day reminder so far.
    expect((await reminders('+989121110002')).map((n) => (n.data as { days: number }).days)).toEqual([30]);
    expect((await myLine(agency)).renewal.state).toBe('expiring');
  });

  it('renews from credit on the due date, once, even when the job runs twice at the same time', async () => {
    t.clock.set(new Date(agencyPaidUntil.getTime() + 3_600_000));
    const runs = await Promise.all([t.services.lineRenewals.runDaily(), t.services.lineRenewals.runDaily()]);
    expect(runs[0].renewed + runs[1].renewed).toBe(1);
    expect((await t.services.lineRenewals.runDaily()).renewed).toBe(0);
    expect(await renewalTransactions()).toBe(3);
    expect(await balance(agency)).toBe(1_500_000n - YEAR_PRICE);
    // The anniversary is kept: a year from the old date, not from the day it ran.
    expect(await myLine(agency)).toMatchObject({ renewal: { state: 'active', paidUntil: addYear(agencyPaidUntil).toISOString() } });
    agencyPaidUntil = addYear(agencyPaidUntil);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });

  it('keeps sending through the grace period, then refuses the line with LINE_EXPIRED in Persian, deleting nothing', async () => {
    t.clock.set(new Date(userPaidUntil.getTime() + 3_600_000));
    expect(await t.services.lineRenewals.runDaily()).toMatchObject({ renewed: 0, unpaid: 1, suspended: 0 });
    expect((await myLine(user)).renewal.state).toBe('grace');
    expect((await send(user, '3000555')).status).toBe(202);

    t.clock.set(new Date(userPaidUntil.getTime() + 7 * DAY + 3_600_000));
    expect((await t.services.lineRenewals.runDaily()).suspended).toBe(1);
    expect((await t.services.lineRenewals.runDaily()).suspended).toBe(0);
    for (const from of ['3000555', undefined]) {
      const refused = await send(user, from);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('LINE_EXPIRED');
      expect(refused.body.error.message).toBe('مهلت تمدید خط ۳۰۰۰۵۵۵ گذشته و ارسال از آن متوقف شده است؛ برای ادامه، خط را تمدید کنید.');
    }
    expect(await myLine(user)).toMatchObject({ maySend: true, isDefault: true, renewal: { state: 'suspended' } });
    const suspended = await t.db.query(`SELECT subject_id FROM audit_events WHERE action = 'line.suspended'`);
    expect(suspended.rows.map((r) => r.subject_id)).toEqual([user.id]);
  });

  it('"renew now" refuses while short, then charges one year from today and restores sending at once', async () => {
    const short = await t.api({ url: `/api/v1/lines/${lineId}/renew`, token: await token(user), body: {} });
    expect(short.status).toBe(402);
    expect(short.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDIT', details: { missing: '900000' } });
    await credit('admin', agency, '2000000');
    await credit(agency, user, '1000000');
    const renewed = await t.api({ url: `/api/v1/lines/${lineId}/renew`, token: await token(user), body: {} });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ lineId, accountId: user.id, charged: '1200000', paidUntil: addYear(t.clock.now()).toISOString() });
    expect(await balance(user)).toBe(100_000n);
    expect((await send(user)).status).toBe(202);
    const again = await t.api({ url: `/api/v1/lines/${lineId}/renew`, token: await token(user), body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'LINE_NOT_RENEWABLE', details: { reason: 'not_due' } });
    const audit = await t.db.query(`SELECT details FROM audit_events WHERE action = 'line.renewed' ORDER BY at`);
    expect(audit.rows.map((r) => (r.details as { auto: boolean }).auto)).toEqual([true, false]);
  });

  it('an agency that stops paying suspends the line for its whole subtree until it renews', async () => {
    // Take the agency's credit back down below one year's rent.
    const w = await balance(agency);
    await credit('admin', agency, (-(w - 100_000n)).toString());
    t.clock.set(new Date(agencyPaidUntil.getTime() + 7 * DAY + 3_600_000));
    expect(await t.services.lineRenewals.runDaily()).toMatchObject({ renewed: 0, suspended: 1 });
    const refused = await send(user);
    expect(refused.body.error.code).toBe('LINE_EXPIRED');
    expect(refused.body.error.message).toContain('نمایندهٔ شما');
    expect((await send(agency, '3000555')).body.error.code).toBe('LINE_EXPIRED');
    await credit('admin', agency, '1200000');
    expect((await t.api({ url: `/api/v1/lines/${lineId}/renew`, token: await token('admin'), body: { accountId: agency.id } })).status).toBe(200);
    expect((await send(user)).status).toBe(202);
    expect(await ledgerProblems(t.db)).toEqual([]);
  });
});
