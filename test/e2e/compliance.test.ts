import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { fixtures, postForm, type FormFile } from '../helpers/multipart.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('compliance and KYC over HTTP', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let sibling: Child;
  let user: Child;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency-a', kind: 'agency' });
    sibling = await createChild(t, admin, { username: 'agency-b', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'shop-a', kind: 'user', mobile: '09121112233' });
  });
  afterAll(() => t.close());

  it('lets an agency tighten the policy for its subtree and refuses loosening with the fields named', async () => {
    const before = await t.api({ url: '/api/v1/compliance/policy', token: user.token });
    expect(before.status).toBe(200);
    expect(before.body.effective).toMatchObject({ optOutFooter: 'reject', outsideHours: 'hold', moderationThreshold: 10000 });
    expect(before.body.effective.sendingWindows).toContainEqual({ operator: 'mci', lineType: '3000', start: '08:00', end: '21:00' });

    const tighten = await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: agency.token, body: { outsideHours: 'reject', moderationThreshold: 500, sendingWindows: [{ operator: 'irancell', start: '09:00', end: '20:00' }] } });
    expect(tighten.status).toBe(200);
    const after = await t.api({ url: '/api/v1/compliance/policy', token: user.token });
    expect(after.body.effective).toMatchObject({ outsideHours: 'reject', moderationThreshold: 500 });
    expect(after.body.effective.sendingWindows).toContainEqual({ operator: 'irancell', lineType: '3000', start: '09:00', end: '20:00' });
    expect(after.body.effective.sendingWindows).toContainEqual({ operator: 'mci', lineType: '3000', start: '08:00', end: '21:00' });

    const loosen = await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: agency.token, lang: 'fa', body: { optOutFooter: 'append', sendingWindows: [{ start: '07:00', end: '22:00' }] } });
    expect(loosen.status).toBe(403);
    expect(loosen.body.error.code).toBe('POLICY_LOOSENING');
    expect(loosen.body.error.details.violations.map((v: { field: string }) => v.field)).toEqual(['optOutFooter', 'sendingWindows']);
    expect(loosen.body.error.message).toContain('سست‌تر');
    // A user sets nothing; a sibling agency cannot reach into another subtree.
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: user.token, body: {} })).status).toBe(403);
    expect((await t.api({ method: 'PUT', url: `/api/v1/compliance/policies/${user.id}`, token: sibling.token, body: { linkAction: 'reject' } })).status).toBe(404);
    // The agency turns links off for this one user; the platform itself may loosen its own defaults.
    expect((await t.api({ method: 'PUT', url: `/api/v1/compliance/policies/${user.id}`, token: agency.token, body: { linkAction: 'reject' } })).body.effective.linkAction).toBe('reject');
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { optOutFooter: 'append' } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/policy', token: agency.token })).body.effective.optOutFooter).toBe('append');
  });

  it('keeps forbidden words per level, normalised, and the account blacklist with bulk add', async () => {
    expect((await t.api({ url: '/api/v1/compliance/words', token: admin, body: { words: ['قمار'] } })).body.added).toBe(1);
    expect((await t.api({ url: '/api/v1/compliance/words', token: agency.token, body: { words: ['كازينو', 'کازینو'] } })).body.added).toBe(1);
    expect((await t.api({ url: '/api/v1/compliance/words', token: agency.token })).body).toEqual({ own: ['کازینو'], inherited: ['قمار'] });
    expect((await t.api({ url: '/api/v1/compliance/words', token: user.token, body: { words: ['x1'] } })).status).toBe(403);

    const added = await t.api({ url: '/api/v1/compliance/blacklist', token: user.token, body: { numbers: ['09121234567', '+98 912 123 4567', '۰۹۳۵۱۲۳۴۵۶۷', 'hello'] } });
    expect(added.body).toEqual({ added: 2, duplicates: 0, invalid: ['hello'] });
    const list = await t.api({ url: '/api/v1/compliance/blacklist', token: user.token });
    expect(list.body.items.map((i: { number: string }) => i.number).sort()).toEqual(['09121234567', '09351234567']);
    expect((await t.api({ method: 'DELETE', url: '/api/v1/compliance/blacklist/09121234567', token: user.token })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/blacklist', token: user.token })).body.total).toBe(1);
  });

  it('imports the operator blacklist from a streamed CSV upload (platform only)', async () => {
    const csv = ['number', ...Array.from({ length: 1200 }, (_, i) => `0912${String(3000000 + i)}`), '98 935 111 2222;garbage', '۰۹۰۱۲۲۲۳۳۳۳'].join('\r\n');
    const file: FormFile = { filename: 'blacklist.csv', data: Buffer.from(csv), contentType: 'text/csv', field: 'file' };
    expect((await postForm(t, { url: '/api/v1/compliance/operator-blacklist/import', token: agency.token, fields: {}, files: [file] })).status).toBe(403);
    const res = await postForm(t, { url: '/api/v1/compliance/operator-blacklist/import', token: admin, fields: {}, files: [file] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lines: 1203, valid: 1202, invalid: 2, added: 1202, removed: 0, total: 1202 });
    const again = await postForm(t, { url: '/api/v1/compliance/operator-blacklist/import?mode=replace', token: admin, fields: {}, files: [{ ...file, data: Buffer.from('09123000000\n09123000001\n') }] });
    expect(again.body).toMatchObject({ valid: 2, removed: 1200, total: 2 });
    expect((await t.api({ url: '/api/v1/compliance/operator-blacklist?number=09123000001', token: user.token })).body).toEqual({ total: 2, number: '09123000001', listed: true });
  });

  it('runs KYC: checksums, Jalali birth date, documents, submit, reject with a reason, resubmit, approve; siblings see nothing', async () => {
    const bad = await t.api({ method: 'PUT', url: '/api/v1/kyc', token: user.token, lang: 'fa', body: { personType: 'natural', fullName: 'مریم احمدی', nationalCode: '0012345670', birthDate: '1370/05/12' } });
    expect(bad.body.error.code).toBe('INVALID_NATIONAL_CODE');
    expect(bad.body.error.message).toContain('کد ملی');
    expect((await t.api({ method: 'PUT', url: '/api/v1/kyc', token: user.token, body: { personType: 'natural', nationalCode: '1111111111' } })).body.error.code).toBe('INVALID_NATIONAL_CODE');
    const saved = await t.api({ method: 'PUT', url: '/api/v1/kyc', token: user.token, body: { personType: 'natural', fullName: 'مریم احمدی', nationalCode: '۰۰۱۲۳۴۵۶۷۹', birthDate: '۱۳۷۰/۰۵/۱۲' } });
    expect(saved.body).toMatchObject({ status: 'draft', fields: { nationalCode: '0012345679', birthDate: '1991-08-03' }, birthDateJalali: '1370/05/12', mobileVerified: true });
    expect((await t.api({ url: '/api/v1/kyc/submit', token: user.token, body: {} })).body.error).toMatchObject({ code: 'KYC_INCOMPLETE', details: { missing: ['documents'] } });

    const exe = await postForm(t, { url: '/api/v1/kyc/documents', token: user.token, fields: { kind: 'national_card' }, files: [{ filename: 'card.png', data: fixtures.exe, field: 'file' }] });
    expect(exe.body.error.code).toBe('KYC_DOCUMENT_NOT_ALLOWED');
    const doc = await postForm(t, { url: '/api/v1/kyc/documents', token: user.token, fields: { kind: 'national_card' }, files: [{ filename: 'card.jpg', data: fixtures.jpeg, field: 'file' }] });
    expect(doc.status).toBe(201);
    expect(doc.body.contentType).toBe('image/jpeg');
    expect((await t.api({ url: '/api/v1/kyc/submit', token: user.token, body: {} })).body.status).toBe('submitted');
    expect((await t.api({ method: 'PUT', url: '/api/v1/kyc', token: user.token, body: { personType: 'natural' } })).body.error.code).toBe('KYC_NOT_EDITABLE');

    // The sibling agency neither sees, reviews nor downloads; the owner and the agency do.
    expect((await t.api({ url: '/api/v1/kyc/reviews', token: sibling.token })).body.items).toEqual([]);
    expect((await t.api({ url: `/api/v1/kyc/${user.id}`, token: sibling.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/kyc/${user.id}/approve`, token: sibling.token, body: {} })).status).toBe(404);
    expect((await t.api({ url: doc.body.url, token: sibling.token })).status).toBe(404);
    const own = await t.app.inject({ url: doc.body.url, headers: { host: 'platform.test', authorization: `Bearer ${user.token}` } });
    expect(own.statusCode).toBe(200);
    expect(own.rawPayload.equals(fixtures.jpeg)).toBe(true);
    expect((await t.api({ url: doc.body.url, token: admin })).status).toBe(200);
    // Nobody reviews their own profile.
    expect((await t.api({ url: `/api/v1/kyc/${user.id}/approve`, token: user.token, body: {} })).status).toBe(404);

    expect((await t.api({ url: '/api/v1/kyc/reviews', token: agency.token })).body.items).toEqual([expect.objectContaining({ accountId: user.id, status: 'submitted' })]);
    expect((await t.api({ url: `/api/v1/kyc/${user.id}/reject`, token: agency.token, body: { reason: '' } })).status).toBe(400);
    const rejected = await t.api({ url: `/api/v1/kyc/${user.id}/reject`, token: agency.token, body: { reason: 'تصویر کارت ملی خوانا نیست' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'تصویر کارت ملی خوانا نیست' });
    expect((await t.api({ url: '/api/v1/kyc', token: user.token })).body.rejectionReason).toBe('تصویر کارت ملی خوانا نیست');
    expect((await t.api({ url: `/api/v1/kyc/${user.id}/approve`, token: agency.token, body: {} })).body.error.code).toBe('KYC_NOT_SUBMITTED');

    await t.api({ method: 'PUT', url: '/api/v1/kyc', token: user.token, body: { personType: 'natural', fullName: 'مریم احمدی', nationalCode: '0012345679', birthDate: '1991-08-03' } });
    expect((await t.api({ url: '/api/v1/kyc/submit', token: user.token, body: {} })).body.status).toBe('submitted');
    expect((await t.api({ url: `/api/v1/kyc/${user.id}/approve`, token: admin, body: {} })).body.status).toBe('approved');
    expect(await t.db.transaction((tx) => t.services.kyc.isKycApproved(tx, user.id))).toBe(true);
    const audit = await t.db.query("SELECT action FROM audit_events WHERE action LIKE 'kyc.%' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['kyc.submitted', 'kyc.rejected', 'kyc.submitted', 'kyc.approved']);
  });

  it('checks a legal person’s national ID and its CEO’s national code', async () => {
    const bad = await t.api({ method: 'PUT', url: '/api/v1/kyc', token: sibling.token, body: { personType: 'legal', companyName: 'پیام‌رسان پارس', nationalId: '10100001234', ceoName: 'علی رضایی', ceoNationalCode: '1234567891' } });
    expect(bad.body.error.code).toBe('INVALID_NATIONAL_ID');
    const ok = await t.api({ method: 'PUT', url: '/api/v1/kyc', token: sibling.token, body: { personType: 'legal', companyName: 'پیام‌رسان پارس', nationalId: '10100001235', ceoName: 'علی رضایی', ceoNationalCode: '1234567891' } });
    expect(ok.body).toMatchObject({ status: 'draft', personType: 'legal', fields: { nationalId: '10100001235', ceoNationalCode: '1234567891' } });
  });
});
