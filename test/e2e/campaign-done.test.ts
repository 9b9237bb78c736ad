// Issue 5's "done when", end to end over HTTP: an agency's user imports a phonebook from XLSX,
// sends a peer-to-peer advertising campaign at 21:30 that is held until 08:00 (fake clock), the
// numbers that replied «۱۱» are skipped and not charged, a pattern OTP sent while the campaign
// runs goes out ahead of it, and the rejections on the way read in Persian.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { postForm } from '../helpers/multipart.ts';
import { fa } from '../../web/src/i18n/fa.ts';

async function until<T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CONTACTS = 2000;
const LINE = '3000555';
const mobileOf = (i: number) => `0912${String(3_000_000 + i)}`;
const e164Of = (i: number) => `+98${mobileOf(i).slice(1)}`;
const OPTED_OUT = [5, 17]; // they reply «۱۱» and «11» to the line before the campaign
const cities = ['تهران', 'شیراز', 'تبریز', 'مشهد'];

describe('issue 5 done: an agency user’s held peer-to-peer campaign, opt-outs, an OTP overtaking it, Persian reasons', () => {
  let t: TestChapar;
  let admin: string;
  let user: Awaited<ReturnType<typeof createChild>>;
  type Sim = { smsc: { received: { to: string; text: string }[] } };
  const smsc = () => (t.services.engine.routing.upstream(Object.keys(t.services.engine.routing.stats())[0]) as unknown as Sim).smsc;

  beforeAll(async () => {
    t = await testChapar({
      engine: true,
      clockStart: '2026-11-25T21:30:00+03:30',
      engineOptions: { dispatcher: { claimSize: 100 }, simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, throttlePerSecond: 500, record: true } } },
    });
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: admin, body: { basePrice: '1000' } });
    const agency = await createChild(t, admin, { username: 'agency5', kind: 'agency' });
    // the agency sells to its users at its own price
    const agencyGroups = await t.api({ url: '/api/v1/billing/groups', token: agency.token });
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${agencyGroups.body.items[0].id}`, token: agency.token, body: { basePrice: '1500' } })).status).toBe(200);
    user = await createChild(t, agency.token, { username: 'shop5', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '100000000', note: '' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '10000000', note: '' } })).status).toBe(200);
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: LINE, lineType: '3000', canReceive: true } });
    // the platform gives the line to the agency, the agency to its user
    expect((await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: admin, body: { accountId: agency.id, canSend: true, canReceive: true } })).status).toBeLessThan(300);
    expect((await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: agency.token, body: { accountId: user.id, canSend: true, canReceive: true } })).status).toBeLessThan(300);
    await t.api({ url: `/api/v1/lines/${line.body.id}/default`, token: user.token, body: {} });
  });
  afterAll(() => t.close());

  it('imports, holds at 21:30, skips and does not charge opt-outs, releases at 08:00, lets an OTP overtake, and says why in Persian', { timeout: 180_000 }, async () => {
    // A phonebook from an XLSX file, with a custom field for the per-recipient text.
    expect((await t.api({ url: '/api/v1/phonebook/fields', token: user.token, body: { key: 'city', label: 'شهر', type: 'text' } })).status).toBe(201);
    const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'مشتریان پاییز' } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('مشتریان');
    ws.addRow(['نام', 'موبایل', 'شهر']);
    for (let i = 0; i < CONTACTS; i++) ws.addRow([`مشتری ${i}`, mobileOf(i), cities[i % cities.length]]);
    const upload = await postForm(t, { url: '/api/v1/phonebook/uploads', token: user.token, fields: {}, files: [{ filename: 'customers.xlsx', data: Buffer.from(await wb.xlsx.writeBuffer()), field: 'file' }] });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ format: 'xlsx', suggestedMapping: { 0: 'name', 1: 'mobile', 2: 'field:city' } });
    const started = await t.api({ url: `/api/v1/phonebook/uploads/${upload.body.uploadId}/import`, token: user.token, body: { groupId: group.body.id, mapping: upload.body.suggestedMapping, hasHeader: true } });
    expect(started.status).toBe(202);
    await t.services.phonebook.settled(started.body.id);
    expect((await t.api({ url: `/api/v1/phonebook/imports/${started.body.id}`, token: user.token })).body).toMatchObject({ status: 'done', rowsRead: CONTACTS, imported: CONTACTS, failed: 0 });

    // Two customers answer «۱۱» (Persian digits) and «11» (Latin) to the line; each is told in Persian.
    for (const [k, i] of OPTED_OUT.entries()) {
      expect((await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: mobileOf(i), to: LINE, text: k === 0 ? '۱۱' : '11' } })).status).toBe(200);
    }
    await until('opt-out confirmations', () => t.db.query("SELECT id FROM batches WHERE source = 'system' AND account_id = $1", [user.id]), (r) => r.rows.length === OPTED_OUT.length);
    await until('confirmations delivered', () => t.db.query("SELECT count(*)::int AS n FROM messages m JOIN batches b ON b.id = m.batch_id WHERE b.source = 'system' AND b.account_id = $1 AND m.status = 'delivered'", [user.id]), (r) => r.rows[0].n === OPTED_OUT.length);
    expect(smsc().received.filter((p) => p.to.endsWith(mobileOf(OPTED_OUT[0]).slice(1))).map((p) => p.text).join('')).toContain('حذف شد');

    // An OTP template, approved by the platform.
    const pattern = await t.api({ url: '/api/v1/patterns', token: user.token, body: { name: 'ورود فروشگاه', body: 'کد ورود شما: %code%', variables: [{ name: 'code', type: 'number', maxLength: 6 }] } });
    await t.api({ url: `/api/v1/patterns/${pattern.body.id}/review`, token: admin, body: { decision: 'approve' } });

    // 21:30 Tehran. Without «لغو۱۱» the campaign is refused, in Persian.
    const campaign = { groupIds: [group.body.id], text: '{name} عزیز، حراج پاییزه در {city} آغاز شد.', personalised: true, class: 'advertising' };
    const noFooter = await t.api({ url: '/api/v1/campaigns', token: user.token, lang: 'fa', body: campaign });
    expect(noFooter.status).toBe(422);
    expect(noFooter.body.error).toMatchObject({ code: 'OPT_OUT_FOOTER_MISSING', message: 'متن تبلیغاتی باید با «لغو۱۱» تمام شود.' });
    const body = { ...campaign, text: `${campaign.text} لغو۱۱` };

    // The price of one part, and the quote: held until 08:00, the two opted-out numbers left out.
    const one = await t.api({ url: '/api/v1/messages/quote', token: user.token, body: { to: [mobileOf(0)], text: 'حراج لغو۱۱', class: 'advertising' } });
    const unit = BigInt(one.body.cost);
    expect(unit).toBe(1500n); // the agency's price, not the platform's
    const sendable = CONTACTS - OPTED_OUT.length;
    const quote = await t.api({ url: '/api/v1/campaigns/quote', token: user.token, body });
    expect(quote.body).toMatchObject({ recipients: CONTACTS, accepted: sendable, blacklisted: OPTED_OUT.length, parts: 1, heldUntil: new Date('2026-11-26T08:00:00+03:30').toISOString(), cost: String(unit * BigInt(sendable)) });

    const balance = async () => (await t.api({ url: '/api/v1/balance', token: user.token })).body as { balance: string; reserved: string };
    const before = await balance();
    const sent = await t.api({ url: '/api/v1/campaigns', token: user.token, body });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'held', accepted: sendable, blacklisted: OPTED_OUT.length, cost: String(unit * BigInt(sendable)) });
    const batchId = sent.body.batchId as string;
    const batch = async () => (await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body;
    expect((await batch()).counts).toEqual({ held: sendable, blacklisted: OPTED_OUT.length });
    const skipped = await t.api({ url: `/api/v1/messages/${batchId}/recipients?status=blacklisted`, token: user.token });
    expect(skipped.body.items.map((r: { to: string; cost: string; error: string }) => [r.to, r.cost, r.error])).toEqual(OPTED_OUT.map((i) => [e164Of(i), '0', 'opted_out']));
    // Why it waits and until when; the panel says both in Persian.
    expect((await batch()).held).toEqual({ reason: 'sending_hours', until: new Date('2026-11-26T08:00:00+03:30').toISOString() });
    expect(fa['batch.status.held']).toBe('نگه‌داشته');
    expect(fa['batch.heldHours']).toContain('فقط در ساعات مجاز فرستاده می‌شود');
    expect(fa['batch.reason.opted_out']).toBe('با پاسخ ۱۱ لغو عضویت کرده است');
    expect(fa['send.heldUntil']).toContain('خارج از ساعت مجاز ارسال است');

    // Sending only to the opted-out numbers is refused, saying how many and why, in Persian.
    const onlySkipped = await t.api({ url: '/api/v1/messages', token: user.token, lang: 'fa', body: { to: OPTED_OUT.map(mobileOf), text: 'حراج پاییزه لغو۱۱', class: 'advertising' } });
    expect(onlySkipped.status).toBe(422);
    expect(onlySkipped.body.error).toMatchObject({ code: 'RECIPIENTS_BLACKLISTED', message: '۲ شماره در لیست سیاه هستند یا از دریافت پیامک تبلیغاتی انصراف داده‌اند؛ گیرندهٔ دیگری نمانده است.' });

    // Still held a second before 08:00; released at 08:00.
    t.clock.set('2026-11-26T07:59:59+03:30');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await batch()).counts).toEqual({ held: sendable, blacklisted: OPTED_OUT.length });
    t.clock.set('2026-11-26T08:00:00+03:30');
    await until('campaign running', batch, (b) => (b.counts.delivered ?? 0) > 0);

    // An OTP to one of the opted-out numbers (opt-outs are for advertising) while the campaign runs:
    // it is delivered while most of the campaign still waits, and reached the SMSC ahead of it.
    const otp = await t.api({ url: '/api/v1/messages/pattern', token: user.token, body: { templateId: pattern.body.id, to: mobileOf(OPTED_OUT[0]), params: { code: 4821 } } });
    expect(otp.status).toBe(202);
    await until('OTP delivered', () => t.api({ url: `/api/v1/messages/${otp.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 1);
    expect((await batch()).counts.delivered ?? 0).toBeLessThan(sendable);

    // Every sendable contact gets its own text; the opted-out ones get no advertising.
    const done = await until('campaign delivered', batch, (b) => b.counts.delivered === sendable, 120_000);
    // The SMSC's own order: the OTP arrived before some of the campaign (checked once all of it
    // has arrived, so a busy machine's timing cannot hide what came after the OTP).
    const received = smsc().received;
    const otpAt = received.findIndex((p) => p.text === 'کد ورود شما: 4821');
    expect(otpAt).toBeGreaterThanOrEqual(0);
    expect(received.slice(otpAt).some((p) => p.text.includes('حراج پاییزه'))).toBe(true);
    expect(done.counts).toEqual({ delivered: sendable, blacklisted: OPTED_OUT.length });
    const texts = new Map(smsc().received.filter((p) => p.text.includes('حراج پاییزه')).map((p) => [p.to.slice(-10), p.text]));
    expect(texts.size).toBe(sendable);
    expect(texts.get(mobileOf(6).slice(1))).toBe(`مشتری 6 عزیز، حراج پاییزه در ${cities[6 % cities.length]} آغاز شد. لغو۱۱`);
    for (const i of OPTED_OUT) expect(texts.has(mobileOf(i).slice(1))).toBe(false);

    // Charged only for the delivered recipients' parts: nothing for the skipped ones, nothing left reserved.
    const after = await until('settled', balance, (b) => BigInt(b.reserved) === BigInt(before.reserved));
    expect(BigInt(before.balance) - BigInt(after.balance)).toBe(unit * BigInt(sendable) + BigInt(otp.body.cost));
    const { rows } = await t.db.query("SELECT count(*)::int AS n, COALESCE(sum(cost), 0)::text AS cost FROM messages WHERE batch_id = $1 AND status = 'blacklisted' AND cost <> 0", [batchId]);
    expect(rows[0]).toEqual({ n: 0, cost: '0' });
  });
});
