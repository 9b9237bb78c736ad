// Patterns (OTP templates): submit, platform review with a comment, parameter validation, and
// what the engine calls to send one; plus campaign file recipients and per-recipient texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

let t: TestChapar;
let user: { id: string; token: string };
let other: { id: string; token: string };
let admin: string;

const otp = { name: 'ورود', body: 'کد ورود شما به %app%: %code%', variables: [{ name: 'app', type: 'text', maxLength: 20 }, { name: 'code', type: 'number', maxLength: 6 }] };
const render = (accountId: string, id: string, params: Record<string, unknown>) => t.db.transaction((tx) => t.services.patterns.renderForSend(tx, accountId, id, params));

beforeAll(async () => {
  t = await testChapar();
  admin = await t.adminToken();
  const agency = await createChild(t, admin, { username: 'agency2', kind: 'agency' });
  user = await createChild(t, agency.token, { username: 'otpuser', kind: 'user' });
  other = await createChild(t, agency.token, { username: 'otpother', kind: 'user' });
});

afterAll(async () => {
  await t?.close();
});

describe('patterns', () => {
  it('goes pending → rejected with a comment → edited back to pending → approved, and only then renders for sending', async () => {
    const created = await t.api({ url: '/api/v1/patterns', token: user.token, body: otp });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.status).toBe('pending');
    await expect(render(user.id, id, { app: 'shop', code: '1234' })).rejects.toMatchObject({ code: 'PATTERN_NOT_APPROVED', details: { status: 'pending' } });
    // The owner previews it meanwhile.
    expect((await t.api({ url: `/api/v1/patterns/${id}/preview`, token: user.token, body: { params: { app: 'shop', code: '۱۲۳۴' } } })).body).toMatchObject({ text: 'کد ورود شما به shop: 1234', alphabet: 'ucs2', parts: 1 });

    expect((await t.api({ url: `/api/v1/patterns/${id}/review`, token: user.token, body: { decision: 'approve' } })).status).toBe(403);
    expect((await t.api({ url: '/api/v1/patterns/review', token: admin })).body.map((p: { id: string }) => p.id)).toContain(id);
    expect((await t.api({ url: `/api/v1/patterns/${id}/review`, token: admin, body: { decision: 'reject' } })).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const rejected = await t.api({ url: `/api/v1/patterns/${id}/review`, token: admin, body: { decision: 'reject', comment: 'نام برند را بنویسید' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewComment: 'نام برند را بنویسید' });
    await expect(render(user.id, id, { app: 'shop', code: '1' })).rejects.toMatchObject({ code: 'PATTERN_NOT_APPROVED', details: { status: 'rejected' } });

    const edited = await t.api({ method: 'PUT', url: `/api/v1/patterns/${id}`, token: user.token, body: { ...otp, body: 'فروشگاه %app%\nکد ورود: %code%' } });
    expect(edited.body).toMatchObject({ status: 'pending', reviewComment: null });
    expect((await t.api({ url: `/api/v1/patterns/${id}/review`, token: admin, body: { decision: 'approve', comment: 'ok' } })).body.status).toBe('approved');
    expect((await t.api({ url: `/api/v1/patterns/${id}/review`, token: admin, body: { decision: 'reject', comment: 'late' } })).body.error.code).toBe('MODERATION_ALREADY_DECIDED');
    expect((await t.api({ method: 'PUT', url: `/api/v1/patterns/${id}`, token: user.token, body: otp })).body.error.code).toBe('PATTERN_NOT_EDITABLE');

    expect(await render(user.id, id, { app: 'shop', code: 987654 })).toEqual({ text: 'فروشگاه shop\nکد ورود: 987654', template: { id, name: 'ورود' } });
    await expect(render(user.id, id, { app: 'shop', code: '1234567' })).rejects.toMatchObject({ code: 'PATTERN_PARAM_INVALID', details: { param: 'code', reason: 'too_long', maxLength: 6 } });
    await expect(render(user.id, id, { app: 'shop' })).rejects.toMatchObject({ details: { param: 'code', reason: 'missing' } });
    await expect(render(user.id, id, { app: 'shop', code: 1, link: 'http://x' })).rejects.toMatchObject({ details: { param: 'link', reason: 'unexpected' } });
    await expect(render(other.id, id, { app: 'shop', code: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const bad = await t.api({ url: `/api/v1/patterns/${id}/preview`, token: user.token, lang: 'fa', body: { params: { app: 'shop', code: 'abc' } } });
    expect(bad.body.error).toMatchObject({ code: 'PATTERN_PARAM_INVALID', message: 'مقدار متغیر «code» باید فقط رقم باشد.', details: { param: 'code' } });
  });

  it('refuses a body with undeclared variables and hides patterns from other accounts', async () => {
    const bad = await t.api({ url: '/api/v1/patterns', token: user.token, body: { name: 'x', body: 'کد %code% برای %who%', variables: [otp.variables[1]] } });
    expect(bad.body.error).toMatchObject({ code: 'PATTERN_INVALID', details: { variable: 'who' } });
    const mine = await t.api({ url: '/api/v1/patterns', token: user.token, body: otp });
    expect((await t.api({ url: `/api/v1/patterns/${mine.body.id}`, token: other.token })).status).toBe(404);
    expect((await t.api({ url: '/api/v1/patterns/review', token: user.token })).status).toBe(403);
    expect((await t.api({ url: `/api/v1/patterns/${mine.body.id}`, token: admin })).body.id).toBe(mine.body.id);
  });
});

describe('campaign recipients from a file', () => {
  it('streams valid, deduplicated recipients with their columns and reports the bad rows', async () => {
    const csv = 'mobile,name,city\n09121234567,Ali,Tehran\nnope,Bad,\n09351234567,Sara,Shiraz\n+989121234567,Ali 2,Karaj\n';
    const batches = [];
    for await (const b of t.services.campaignRecipients.resolveFileRecipients((async function* () { yield Buffer.from(csv); })(), { filename: 'send.csv', mapping: { 0: 'mobile', 1: 'name', 2: 'field:city' }, hasHeader: true })) batches.push(b);
    const recipients = batches.flatMap((b) => b.recipients);
    expect(recipients.map((r) => r.e164)).toEqual(['+989121234567', '+989351234567']);
    expect(batches.flatMap((b) => b.rejected).map((e) => [e.row, e.code])).toEqual([[3, 'INVALID_NUMBER'], [5, 'DUPLICATE']]);
    const texts = recipients.map((r) => t.services.campaignRecipients.renderPerRecipient('{name} عزیز، تخفیف ویژهٔ {city}', r.fields));
    expect(texts).toEqual(['Ali 2 عزیز، تخفیف ویژهٔ Karaj', 'Sara عزیز، تخفیف ویژهٔ Shiraz']);
    expect(() => t.services.campaignRecipients.checkPerRecipientTemplate('{name} {zip}', ['name', 'city'])).toThrow();
  });
});
