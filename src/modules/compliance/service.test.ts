import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../../test/helpers/db.ts';
import { fakeClock } from '../../lib/clock.ts';
import type { Account } from '../accounts/types.ts';
import { createAccountService } from '../accounts/service.ts';
import { createAuditService } from '../audit/service.ts';
import { createBrandService } from '../brands/service.ts';
import { createKycService } from '../kyc/service.ts';
import { operatorOf } from '../../lib/operators.ts';
import { emptyRow } from './policy.ts';
import { createComplianceService, type ComplianceService, type SendCheck } from './service.ts';

const mobile = (i: number) => `+98912${String(i).padStart(7, '0')}`;
const rcpt = (e164: string) => ({ e164, operator: operatorOf(e164) });
const at = (tehran: string) => new Date(`${tehran}+03:30`);

describe('compliance on the send path (one transaction, bulk)', () => {
  let db: TestDb;
  let c: ComplianceService;
  let platform: Account;
  let agency: Account;
  let user: Account;
  let deps: Parameters<typeof createComplianceService>[0];
  const clock = fakeClock('2026-03-01T10:00:00+03:30');

  beforeAll(async () => {
    db = await freshDb();
    const audit = createAuditService({ db, clock });
    const brands = createBrandService({ db, platformHosts: ['platform.test'] });
    const accounts = createAccountService({ db, clock, audit, brands });
    const kyc = createKycService({ db, clock, audit });
    deps = { db, clock, audit, kyc, accounts };
    c = createComplianceService(deps);
    const make = (parent: Account | null, username: string, kind: Account['kind']) =>
      db.transaction((tx) => accounts.insertAccount(tx, parent, { username, passwordHash: 'x', mobile: '09120000001', kind }, { createdBy: null, mobileVerified: true }));
    platform = await make(null, 'root', 'platform');
    agency = await make(platform, 'agency', 'agency');
    user = await make(agency, 'shop', 'user');
    // KYC is not what these tests are about: let unverified accounts send anywhere.
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false }, null);
  });
  afterAll(() => db.close());

  const send = (over: Partial<SendCheck>): SendCheck => ({
    account: user, line: { id: 'lin_x', lineType: '3000', isShared: false }, messageClass: 'advertising',
    text: 'حراج بهاره لغو۱۱', recipients: [rcpt(mobile(1))], now: at('2026-03-01T10:00:00'), ...over,
  });
  const evaluate = (s: SendCheck) => db.transaction((tx) => c.evaluateSend(tx, s));

  it('marks exactly the blacklisted and opted-out recipients, in order, with one bulk check', async () => {
    await db.query(`INSERT INTO operator_blacklist (number) SELECT 989120000000 + g FROM generate_series(0, 999, 2) g`); // even numbers 0…998
    await c.addToBlacklist(agency, ['09120000003']); // the agency's list covers its users
    await c.addToBlacklist(user, ['0912 000 0005']);
    await db.transaction((tx) => c.handleInboundKeyword(tx, { accountId: user.id, from: '09120000007', text: '۱۱' }));
    const recipients = Array.from({ length: 10 }, (_, i) => rcpt(mobile(i)));
    const ad = await evaluate(send({ recipients, extraBlocked: ['09120000009'] }));
    expect(ad.reject).toBeNull();
    expect(ad.perRecipient).toEqual(['blacklisted', null, 'blacklisted', 'blacklisted', 'blacklisted', 'blacklisted', 'blacklisted', 'opted_out', 'blacklisted', 'blacklisted']);
    // Service traffic reaches the operator list and opted-out numbers; own blacklists still apply.
    const service = await evaluate(send({ recipients, messageClass: 'service', text: 'کد سفارش ۱۲۳' }));
    expect(service.perRecipient).toEqual([null, null, null, 'blacklisted', null, 'blacklisted', null, null, null, null]);
  });

  it('refuses a send whose every recipient is blocked, saying how many', async () => {
    const r = await evaluate(send({ recipients: [rcpt(mobile(0)), rcpt(mobile(7))] }));
    expect(r.reject).toEqual({ code: 'RECIPIENTS_BLACKLISTED', details: { count: 2, blacklisted: 1, optedOut: 1 } });
  });

  it('opts a number out with «11» and back in with «12», answering in Persian', async () => {
    const from = '09351234567';
    const out = await db.transaction((tx) => c.handleInboundKeyword(tx, { accountId: user.id, from, text: ' 11 ', lineId: 'lin_x' }));
    expect(out.action).toBe('opted_out');
    expect(out.reply).toContain('۱۲');
    expect((await evaluate(send({ recipients: [rcpt('+989351234567'), rcpt(mobile(1))] }))).perRecipient).toEqual(['opted_out', null]);
    const back = await db.transaction((tx) => c.handleInboundKeyword(tx, { accountId: user.id, from, text: '۱۲' }));
    expect(back.action).toBe('opted_in');
    expect((await evaluate(send({ recipients: [rcpt('+989351234567'), rcpt(mobile(1))] }))).perRecipient).toEqual([null, null]);
    expect((await db.transaction((tx) => c.handleInboundKeyword(tx, { accountId: user.id, from, text: 'سلام' }))).action).toBeNull();
  });

  it('rejects advertising without «لغو۱۱», or appends it when the policy says so', async () => {
    expect((await evaluate(send({ text: 'حراج بهاره' }))).reject?.code).toBe('OPT_OUT_FOOTER_MISSING');
    expect((await evaluate(send({ text: 'کد ورود: 1234', messageClass: 'otp' }))).reject).toBeNull();
    await c.setPolicy(agency, null, { ...emptyRow(), optOutFooter: 'append' }, null).catch((e: { code: string }) => expect(e.code).toBe('POLICY_LOOSENING'));
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false, optOutFooter: 'append' }, null);
    const r = await evaluate(send({ text: 'حراج بهاره' }));
    expect(r.reject).toBeNull();
    expect(r.text).toBe('حراج بهاره\nلغو۱۱');
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false }, null);
  });

  it('holds advertising outside 08:00–21:00 until the window opens, or rejects per policy; never service or OTP', async () => {
    expect((await evaluate(send({ now: at('2026-03-01T20:59:59') }))).hold).toBeNull();
    expect((await evaluate(send({ now: at('2026-03-01T08:00:00') }))).hold).toBeNull();
    const late = await evaluate(send({ now: at('2026-03-01T21:00:00') }));
    expect(late.hold?.until.toISOString()).toBe(at('2026-03-02T08:00:00').toISOString());
    expect((await evaluate(send({ now: at('2026-03-01T23:00:00'), messageClass: 'service' }))).hold).toBeNull();
    expect((await evaluate(send({ now: at('2026-03-01T23:00:00'), messageClass: 'otp' }))).hold).toBeNull();
    await c.setPolicy(agency, null, { ...emptyRow(), outsideHours: 'reject' }, null);
    const refused = await evaluate(send({ now: at('2026-03-01T21:00:00') }));
    expect(refused.reject).toEqual({ code: 'OUTSIDE_SENDING_HOURS', details: { start: '08:00', end: '21:00', nextOpening: '2026-03-02T08:00:00+03:30' } });
    await c.setPolicy(agency, null, emptyRow(), null);
  });

  it('rejects or moderates forbidden words, links and card numbers per policy, naming the match', async () => {
    await c.addWords(platform, ['قمار'], null);
    await c.addWords(agency, ['کازینو'], null);
    expect((await evaluate(send({ text: 'بهترين كازينو لغو۱۱' }))).reject).toEqual({ code: 'CONTENT_FORBIDDEN_WORD', details: { word: 'کازینو', words: ['کازینو'] } });
    expect((await evaluate(send({ text: 'واریز به 6037-9975-9912-3453 لغو۱۱' }))).reject).toEqual({ code: 'CONTENT_CARD_NUMBER', details: { card: '603799******3453' } });
    expect((await evaluate(send({ text: 'کد پیگیری 6037997599123456 لغو۱۱' }))).reject).toBeNull();
    expect((await evaluate(send({ text: 'سر بزنید example.ir لغو۱۱' }))).reject).toBeNull();
    await c.setPolicy(agency, user.id, { ...emptyRow(), linkAction: 'reject' }, null);
    expect((await evaluate(send({ text: 'سر بزنید example.ir لغو۱۱' }))).reject).toEqual({ code: 'CONTENT_LINK_NOT_ALLOWED', details: { link: 'example.ir', links: ['example.ir'] } });
    // The agency may not let its user's card numbers through to moderation: the platform rejects them.
    await expect(c.setPolicy(agency, user.id, { ...emptyRow(), cardAction: 'moderate' }, null)).rejects.toMatchObject({ code: 'POLICY_LOOSENING' });
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false, cardAction: 'moderate' }, null);
    await c.setPolicy(agency, user.id, { ...emptyRow(), linkAction: 'moderate' }, null);
    const held = await evaluate(send({ text: 'example.ir 6037997599123453 لغو۱۱' }));
    expect(held.reject).toBeNull();
    expect(held.moderation).toEqual(['content_link:example.ir', 'content_card:603799******3453']);
    await c.setPolicy(agency, user.id, emptyRow(), null);
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false }, null);
  });

  it('keeps an unverified account to its own mobile until KYC is approved', async () => {
    await c.setPolicy(platform, null, emptyRow(), null);
    const own = await evaluate(send({ recipients: [rcpt('+989120000001')] }));
    expect(own.reject).toBeNull();
    expect((await evaluate(send({ recipients: [rcpt('+989120000001'), rcpt(mobile(11))] }))).reject).toEqual({ code: 'KYC_REQUIRED', details: { others: 1 } });
    expect(await db.transaction((tx) => c.kycSendRestriction(tx, user))).toEqual({ ownMobileOnly: true, mobile: '+989120000001' });
    expect(await db.transaction((tx) => c.kycSendRestriction(tx, platform))).toMatchObject({ ownMobileOnly: false });
    await c.setPolicy(platform, null, { ...emptyRow(), kycOwnMobileOnly: false }, null);
  });

  it('queues large advertising batches for the ancestors, who approve or reject, and tells the engine in the same transaction', async () => {
    await c.setPolicy(agency, null, { ...emptyRow(), moderationThreshold: 2 }, null);
    const recipients = [1001, 1003, 1005].map((i) => rcpt(mobile(i)));
    const r = await evaluate(send({ recipients }));
    expect(r.moderation).toEqual(['advertising_over_threshold']);
    const item = await db.transaction((tx) => c.enqueue(tx, { batchId: 'bat_one', account: user, reasons: r.moderation, messageClass: 'advertising', body: r.text, recipients: 3 }));
    const seen: string[] = [];
    c.onDecision(async (tx, decided) => {
      const { rows } = await tx.query('SELECT status FROM moderation_items WHERE id = $1', [decided.id]);
      seen.push(`${decided.batchId}:${rows[0].status}`);
    });
    expect((await c.listModeration(agency, { status: 'pending', limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual([item.id]);
    expect((await c.listModeration(user, { limit: 10, offset: 0 })).items).toEqual([]);
    await expect(c.decide(agency, item.id, { decision: 'reject' }, null)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const decided = await c.decide(agency, item.id, { decision: 'reject', comment: 'متن گمراه‌کننده است' }, null);
    expect(decided).toMatchObject({ status: 'rejected', decidedBy: agency.id, comment: 'متن گمراه‌کننده است' });
    expect(seen).toEqual(['bat_one:rejected']);
    await expect(c.decide(platform, item.id, { decision: 'approve' }, null)).rejects.toMatchObject({ code: 'MODERATION_ALREADY_DECIDED' });
    const { rows } = await db.query("SELECT action FROM audit_events WHERE action LIKE 'moderation.%'");
    expect(rows.map((x) => x.action)).toEqual(['moderation.rejected']);
    await c.setPolicy(agency, null, emptyRow(), null);
  });

  it('checks sends against an in-memory copy of the operator list that follows every change, made by any process', async () => {
    // Two API processes on one database, each with its own copy (loaded for any send size here).
    const [a, b] = [createComplianceService({ ...deps, recipientCheck: { memoryFrom: 1 } }), createComplianceService({ ...deps, recipientCheck: { memoryFrom: 1 } })];
    // 0…9 as in the first test, then 60 numbers on no list: a send big enough to reload a copy
    const recipients = [...Array.from({ length: 10 }, (_, i) => rcpt(mobile(i))), ...Array.from({ length: 60 }, (_, i) => rcpt(mobile(1001 + 2 * i)))];
    const check = async (svc: ComplianceService) => {
      const { perRecipient } = await db.transaction((tx) => svc.evaluateSend(tx, send({ recipients, extraBlocked: ['09120000009'] })));
      expect(perRecipient.slice(11)).toEqual(new Array(59).fill(null));
      return perRecipient.slice(0, 11);
    };
    const file = async function* (text: string) {
      yield Buffer.from(text);
    };
    // the same answer as the per-recipient probes of the first test
    expect(await check(a)).toEqual(['blacklisted', null, 'blacklisted', 'blacklisted', 'blacklisted', 'blacklisted', 'blacklisted', 'opted_out', 'blacklisted', 'blacklisted', null]);
    await b.importOperatorBlacklist(platform, file('09120000001\n'), 'add', null);
    expect((await check(a))[1]).toBe('blacklisted');
    await b.importOperatorBlacklist(platform, file('09120000001\n09120000002\n'), 'replace', null);
    const replaced = [null, 'blacklisted', 'blacklisted', 'blacklisted', null, 'blacklisted', null, 'opted_out', null, 'blacklisted', null];
    expect(await check(a)).toEqual(replaced);
    expect(await check(c)).toEqual(replaced);
    // a change outside the import (SQL by hand) is seen too
    await db.query('DELETE FROM operator_blacklist WHERE number = 989120000002');
    expect((await check(a))[2]).toBeNull();
    expect((await check(b))[2]).toBeNull();
  });
});
