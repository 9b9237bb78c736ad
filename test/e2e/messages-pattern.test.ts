import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { postForm } from '../helpers/multipart.ts';

async function until<T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('patterns and phonebook campaigns on the engine', () => {
  let t: TestChapar;
  let admin: string;
  let user: Awaited<ReturnType<typeof createChild>>;
  beforeAll(async () => {
    t = await testChapar({ engine: true, clockStart: '2026-11-25T10:00:00+03:30', engineOptions: { dispatcher: { claimSize: 500 }, simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, throttlePerSecond: 2000, record: true } } } });
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: admin, body: { basePrice: '100' } });
    user = await createChild(t, admin, { username: 'store', kind: 'user' });
    await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '100000000', note: '' } });
  });
  afterAll(() => t.close());

  it('sends a campaign to a phonebook group with a text per contact, skipping contacts marked do-not-send', async () => {
    const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'مشتریان' } });
    const gid = group.body.id;
    await t.api({ url: `/api/v1/phonebook/groups/${gid}/contacts`, token: user.token, body: { mobile: '09121110001', name: 'سارا' } });
    await t.api({ url: `/api/v1/phonebook/groups/${gid}/contacts`, token: user.token, body: { mobile: '09121110002', name: 'رضا' } });
    await t.api({ url: `/api/v1/phonebook/groups/${gid}/contacts`, token: user.token, body: { mobile: '09121110003', name: 'نیما', blockSend: true } });
    const body = { groupIds: [gid], text: '{name} عزیز، تخفیف ویژهٔ شما آماده است. لغو۱۱', personalised: true, class: 'advertising' };
    const quote = await t.api({ url: '/api/v1/campaigns/quote', token: user.token, body });
    expect(quote.body).toMatchObject({ recipients: 3, accepted: 2, blacklisted: 1 });
    const res = await t.api({ url: '/api/v1/campaigns', token: user.token, body });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, blacklisted: 1, cost: quote.body.cost });
    await until('campaign delivered', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 2);
    const sim = t.services.engine.routing.upstream(Object.keys(t.services.engine.routing.stats())[0]) as unknown as { smsc: { received: { to: string; text: string }[] } };
    expect(sim.smsc.received.find((p) => p.to.endsWith('9121110002'))?.text).toBe('رضا عزیز، تخفیف ویژهٔ شما آماده است. لغو۱۱');
    expect(sim.smsc.received.some((p) => p.to.endsWith('9121110003'))).toBe(false);
  });

  it('sends a personalised campaign to an uploaded file, listing the rows it cannot use', async () => {
    const csv = 'mobile,name,city\n09121110021,مینا,شیراز\nnot-a-number,خطا,تهران\n۰۹۳۵۱۱۱۰۰۲۲,امید,تبریز\n';
    const upload = await postForm(t, { url: '/api/v1/phonebook/uploads', token: user.token, fields: {}, files: [{ filename: 'customers.csv', data: Buffer.from(csv), contentType: 'text/csv' }] });
    expect(upload.status).toBe(201);
    const body = { file: { uploadId: upload.body.uploadId, mapping: { '0': 'mobile', '1': 'name', '2': 'field:city' }, hasHeader: true }, text: '{name} عزیز، شعبهٔ {city} منتظر شماست.', personalised: true, class: 'service' };
    const quote = await t.api({ url: '/api/v1/campaigns/quote', token: user.token, body });
    expect(quote.body).toMatchObject({ recipients: 2, accepted: 2 });
    expect(quote.body.rejectedRows).toEqual([expect.objectContaining({ row: 3, value: 'not-a-number' })]);
    const res = await t.api({ url: '/api/v1/campaigns', token: user.token, body });
    expect(res.body).toMatchObject({ accepted: 2 });
    await until('file campaign delivered', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 2);
    const sim = t.services.engine.routing.upstream(Object.keys(t.services.engine.routing.stats())[0]) as unknown as { smsc: { received: { to: string; text: string }[] } };
    expect(sim.smsc.received.find((p) => p.to.endsWith('9351110022'))?.text).toBe('امید عزیز، شعبهٔ تبریز منتظر شماست.');
    // both sources at once, or neither, is refused
    expect((await t.api({ url: '/api/v1/campaigns/quote', token: user.token, body: { ...body, groupIds: ['x'] } })).status).toBe(400);
  });

  it('puts a pattern OTP ahead of a running 100k campaign', { timeout: 120_000 }, async () => {
    const pattern = await t.api({ url: '/api/v1/patterns', token: user.token, body: { name: 'ورود', body: 'کد ورود شما: %code%', variables: [{ name: 'code', type: 'number', maxLength: 6 }] } });
    expect(pattern.status).toBe(201);
    const unapproved = await t.api({ url: '/api/v1/messages/pattern', token: user.token, body: { templateId: pattern.body.id, to: '09127770000', params: { code: '4821' } } });
    expect(unapproved.body.error.code).toBe('PATTERN_NOT_APPROVED');
    await t.api({ url: `/api/v1/patterns/${pattern.body.id}/review`, token: admin, body: { decision: 'approve' } });
    const bad = await t.api({ url: '/api/v1/messages/pattern', token: user.token, body: { templateId: pattern.body.id, to: '09127770000', params: { code: 'abc' } } });
    expect(bad.body.error.code).toBe('PATTERN_PARAM_INVALID');

    const to = Array.from({ length: 100_000 }, (_, i) => `0935${String(2_000_000 + i)}`);
    const campaign = await t.api({ url: '/api/v1/messages', token: user.token, body: { to, text: 'Autumn sale', class: 'service' } });
    expect(campaign.body.accepted).toBe(100_000);
    await until('campaign running', () => t.api({ url: `/api/v1/messages/${campaign.body.batchId}`, token: user.token }), (r) => (r.body.counts.delivered ?? 0) > 0);
    const otp = await t.api({ url: '/api/v1/messages/pattern', token: user.token, body: { templateId: pattern.body.id, to: '09127770000', params: { code: 4821 } } });
    expect(otp.status).toBe(202);
    await until('OTP delivered', () => t.api({ url: `/api/v1/messages/${otp.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 1, 10_000);
    const during = await t.api({ url: `/api/v1/messages/${campaign.body.batchId}`, token: user.token });
    expect(during.body.counts.delivered ?? 0).toBeLessThan(100_000);
    await t.api({ url: `/api/v1/messages/${campaign.body.batchId}/cancel`, token: user.token, body: {} }).catch(() => undefined);
  });
});
