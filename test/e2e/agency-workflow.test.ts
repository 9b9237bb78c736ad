import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startSmtp } from '../helpers/smtp.ts';
import { pdfText } from '../helpers/pdf-text.ts';
import { ledgerProblems } from '../../src/modules/billing/testing.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
const request = {
  businessName: 'شرکت پیام آوران پارس',
  legalType: 'legal',
  nationalNumber: '10380284790',
  address: 'اصفهان، خیابان چهارباغ',
  phone: '03132221100',
  email: 'owner@payam.test',
  plan: 'پیامک خدماتی برای فروشگاه‌ها',
};

/** The PDF attached to a raw MIME message (nodemailer: base64 in its own part). */
function attachedPdf(raw: string): Buffer | null {
  const m = raw.match(/Content-Type: application\/pdf[^\r\n]*(?:\r\n[ \t][^\r\n]*)*(?:\r\n[A-Za-z-]+:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*)*\r\n\r\n([A-Za-z0-9+/=\r\n]+)/);
  return m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64') : null;
}

describe('agency application workflow', () => {
  let t: TestChapar;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let applicant: Child;
  let stranger: Child;
  let appId: string;

  const depositAndApprove = async (payer: Child, total: string, tracking: string) => {
    const dep = await t.api({ url: '/api/v1/billing/deposits', token: payer.token, body: { amount: total, paidOn: '2026-01-10', trackingNumber: tracking, receipt: { data: PNG } } });
    expect(dep.status).toBe(201);
    expect((await t.api({ url: `/api/v1/billing/deposits/${dep.body.id}/approve`, token: admin, body: {} })).status).toBe(200);
    return dep.body.id as string;
  };
  const sms = async (mobile: string) => (await t.services.notifications.listForRecipient('sms', mobile, 50)).map((n) => n.body);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await testChapar({ env: { CHAPAR_SMTP_URL: smtp.url }, clockStart: '2026-01-10T10:00:00+03:30' });
    admin = await t.adminToken();
    applicant = await createChild(t, admin, { username: 'payamavar', kind: 'user', mobile: '09121110001' });
    stranger = await createChild(t, admin, { username: 'stranger', kind: 'user', mobile: '09121110002' });
    const settings = await t.api({ method: 'PUT', url: '/api/v1/agency/settings', token: admin, body: { legalName: 'شرکت چاپار', nationalNumber: '10380284790', address: 'تهران، خیابان آزادی', phone: '02188001122', graceDays: 15, renewalFee: '1000000' } });
    expect(settings.status).toBe(200);
  });
  afterAll(async () => {
    expect(await ledgerProblems(t.db)).toEqual([]);
    await t.close();
    await smtp.close();
  });

  it('takes a written request with a checked national ID and documents checked by their bytes', async () => {
    const bad = await t.api({ url: '/api/v1/agency-applications', token: applicant.token, body: { ...request, nationalNumber: '10380284791' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_NATIONAL_ID');
    const res = await t.api({ url: '/api/v1/agency-applications', token: applicant.token, body: { ...request, email: null } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', legalType: 'legal', nationalNumber: '10380284790' });
    appId = res.body.id;
    const incomplete = await t.api({ url: `/api/v1/agency-applications/${appId}/submit`, token: applicant.token, body: {} });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error).toMatchObject({ code: 'APPLICATION_INCOMPLETE', details: { fields: [{ path: 'email' }] } });
    expect(incomplete.body.error.message).toBe('The application is incomplete; fill in: e-mail.');
    const inPersian = await t.api({ url: `/api/v1/agency-applications/${appId}/submit`, token: applicant.token, body: {}, lang: 'fa' });
    expect(inPersian.body.error.message).toBe('درخواست کامل نیست؛ این‌ها را پر کنید: ایمیل.');
    expect((await t.api({ method: 'PATCH', url: `/api/v1/agency-applications/${appId}`, token: applicant.token, body: { email: request.email } })).status).toBe(200);
    const exe = await t.api({ url: `/api/v1/agency-applications/${appId}/documents`, token: applicant.token, body: { kind: 'company_registration', filename: 'reg.png', data: Buffer.from('MZ\x90\x00binary').toString('base64') } });
    expect(exe.status).toBe(415);
    const doc = await t.api({ url: `/api/v1/agency-applications/${appId}/documents`, token: applicant.token, body: { kind: 'company_registration', filename: 'reg.png', data: PNG } });
    expect(doc.status).toBe(201);
    expect(doc.body.contentType).toBe('image/png');
    const submitted = await t.api({ url: `/api/v1/agency-applications/${appId}/submit`, token: applicant.token, body: {} });
    expect(submitted.body.status).toBe('submitted');
  });

  it('lets only the parent move parent-side steps: the applicant gets 403, anyone else 404', async () => {
    const own = await t.api({ url: `/api/v1/agency-applications/${appId}/quote`, token: applicant.token, body: { fee: '1' } });
    expect(own.status).toBe(403);
    const forged = await t.api({ url: `/api/v1/agency-applications/${appId}/quote`, token: stranger.token, body: { fee: '1' } });
    expect(forged.status).toBe(404);
    expect((await t.api({ url: `/api/v1/agency-applications/${appId}`, token: stranger.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/agency-applications/${appId}/activate`, token: stranger.token, body: {} })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/agency-applications/${appId}`, token: applicant.token })).body.status).toBe('submitted');
  });

  it('quotes a fee, announced to the applicant by SMS and e-mail from the parent’s templates', async () => {
    const q = await t.api({ url: `/api/v1/agency-applications/${appId}/quote`, token: admin, body: { fee: '6000000', renewalFee: '1500000', note: 'هزینهٔ سال نخست' } });
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ status: 'quoted', fee: '6000000', renewalFee: '1500000' });
    expect((await sms('+989121110001')).some((b) => b.includes(appId) && b.includes('هزینه اعلام شد'))).toBe(true);
    await expect.poll(() => smtp.mails.some((m) => m.to.includes(request.email) && m.subject.includes(appId))).toBe(true);
    const queue = await t.api({ url: '/api/v1/agency-applications?side=queue&status=quoted', token: admin });
    expect(queue.body.items.map((a: { id: string }) => a.id)).toEqual([appId]);
    expect(queue.body.counts).toMatchObject({ quoted: 1 });
  });

  it('refuses activation when the applicant’s credit is short, saying how much is missing', async () => {
    const depositId = await depositAndApprove(applicant, '5500000', 'TRK-1001');
    const declared = await t.api({ url: `/api/v1/agency-applications/${appId}/payment`, token: applicant.token, body: { method: 'deposit', reference: depositId } });
    expect(declared.body.status).toBe('payment_declared');
    const short = await t.api({ url: `/api/v1/agency-applications/${appId}/activate`, token: admin, body: {} });
    expect(short.status).toBe(402);
    expect(short.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDIT', details: { level: 'applicant', missing: '1000000', fee: '6000000' } });
    // said to the platform about the applicant, not about the platform's own credit
    expect(short.body.error.message).toBe("The applicant's credit does not cover the agency fee; 1,000,000 rials short. If they declared a bank deposit, approve it first.");
    const inPersian = await t.api({ url: `/api/v1/agency-applications/${appId}/activate`, token: admin, body: {}, lang: 'fa' });
    expect(inPersian.body.error.message).toContain('اعتبار متقاضی');
    expect((await t.api({ url: '/api/v1/me', token: applicant.token })).body.kind).toBe('user');
  });

  it('activates: the fee moves through the ledger, the account becomes an agency for a year, the contract PDF is e-mailed', async () => {
    await depositAndApprove(applicant, '1100000', 'TRK-1002');
    const res = await t.api({ url: `/api/v1/agency-applications/${appId}/activate`, token: admin, body: {} });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('contract_sent');
    expect(res.body.validUntil).toBe('2027-01-10T06:30:00.000Z');
    expect((await t.api({ url: '/api/v1/balance', token: applicant.token })).body.balance).toBe('0');
    const fee = await t.api({ url: '/api/v1/transactions?type=agency_fee', token: applicant.token });
    expect(fee.body.items[0]).toMatchObject({ amount: '-6000000', reference: appId });
    const me = await t.api({ url: '/api/v1/me', token: applicant.token });
    expect(me.body.kind).toBe('agency');
    expect(me.body.ownBrand.nameFa).toBe(request.businessName);
    const term = await t.api({ url: `/api/v1/agencies/${applicant.id}/term`, token: admin });
    expect(term.body).toMatchObject({ renewalFee: '1500000', graceDays: 15, adminState: 'active' });

    await expect.poll(() => smtp.mails.some((m) => m.raw.includes('application/pdf'))).toBe(true);
    const mail = smtp.mails.find((m) => m.raw.includes('application/pdf'))!;
    expect(mail.to).toEqual([request.email]);
    const pdf = attachedPdf(mail.raw)!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('قرارداد نمایندگی');
    expect(text).toContain('شرکت پیام آوران پارس');
    expect(text).toContain('شرکت چاپار');
    expect(text).toContain('۱۰۳۸۰۲۸۴۷۹۰');
    expect(text).toContain('۶,۰۰۰,۰۰۰');
    expect(text).toContain('۱۴۰۴/۱۰/۲۰');
    expect(text).toContain('۱۴۰۵/۱۰/۲۰');

    const download = await t.app.inject({ url: `/api/v1/agency-applications/${appId}/contract.pdf`, headers: { host: 'platform.test', authorization: `Bearer ${applicant.token}` } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(pdfText(download.rawPayload)).toContain('شرکت پیام آوران پارس');
    expect((await t.api({ url: `/api/v1/agency-applications/${appId}/contract.pdf`, token: stranger.token })).status).toBe(404);
  });

  it('records the postal steps: the applicant posts, the parent receives and countersigns', async () => {
    const early = await t.api({ url: `/api/v1/agency-applications/${appId}/countersigned`, token: admin, body: { postedOn: '2026-01-15', trackingNumber: '998877665544' } });
    expect(early.status).toBe(409);
    const posted = await t.api({ url: `/api/v1/agency-applications/${appId}/posted`, token: applicant.token, body: { postedOn: '2026-01-12', trackingNumber: '112233445566' } });
    expect(posted.body).toMatchObject({ status: 'contract_sent', signedPostedOn: '2026-01-12', signedTracking: '112233445566' });
    const received = await t.api({ url: `/api/v1/agency-applications/${appId}/received`, token: admin, body: { receivedOn: '2026-01-14' } });
    expect(received.body).toMatchObject({ status: 'contract_received', receivedOn: '2026-01-14' });
    const done = await t.api({ url: `/api/v1/agency-applications/${appId}/countersigned`, token: admin, body: { postedOn: '2026-01-15', trackingNumber: '998877665544' } });
    expect(done.body).toMatchObject({ status: 'countersigned', countersignedTracking: '998877665544' });
  });

  it('audits every transition with who, when and why', async () => {
    const detail = await t.api({ url: `/api/v1/agency-applications/${appId}`, token: applicant.token });
    expect(detail.body.events.map((e: { to: string }) => e.to)).toEqual(['draft', 'submitted', 'quoted', 'payment_declared', 'activated', 'contract_sent', 'contract_sent', 'contract_received', 'countersigned']);
    const audit = await t.api({ url: `/api/v1/audit?action=agency.*&subjectId=${applicant.id}&pageSize=50`, token: admin });
    const steps = audit.body.items.map((e: { details: { step?: string } }) => e.details.step).filter(Boolean);
    expect(steps).toEqual(expect.arrayContaining(['submit', 'quote', 'declarePayment', 'activate', 'sendContract', 'recordPosted', 'recordReceived', 'recordCountersigned']));
    const quote = audit.body.items.find((e: { details: { step?: string } }) => e.details.step === 'quote');
    expect(quote).toMatchObject({ actor: { username: 'admin' }, at: expect.any(String), details: { from: 'submitted', to: 'quoted', reason: 'هزینهٔ سال نخست' } });
  });

  it('rejects with a reason the applicant is told; a rejected application cannot move on', async () => {
    const created = await t.api({ url: '/api/v1/agency-applications', token: stranger.token, body: { ...request, legalType: 'natural', nationalNumber: '0013542419', email: 'stranger@payam.test' } });
    expect(created.status).toBe(201);
    await t.api({ url: `/api/v1/agency-applications/${created.body.id}/submit`, token: stranger.token, body: {} });
    const rejected = await t.api({ url: `/api/v1/agency-applications/${created.body.id}/reject`, token: admin, body: { reason: 'مدارک ناقص است' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'مدارک ناقص است' });
    expect((await sms('+989121110002')).some((b) => b.includes('مدارک ناقص است'))).toBe(true);
    const again = await t.api({ url: `/api/v1/agency-applications/${created.body.id}/quote`, token: admin, body: { fee: '1' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('APPLICATION_STATE');
    const againFa = await t.api({ url: `/api/v1/agency-applications/${created.body.id}/quote`, token: admin, body: { fee: '1' }, lang: 'fa' });
    expect(againFa.body.error.message).toBe('این کار در وضعیت فعلی درخواست («رد شد») ممکن نیست.');
  });
});
