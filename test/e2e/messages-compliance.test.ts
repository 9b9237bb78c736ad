import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

async function until<T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ad = 'تخفیف ویژهٔ پاییز در فروشگاه ما لغو۱۱';

describe('Iran’s sending rules on the send path', () => {
  let t: TestChapar;
  let admin: string;
  let user: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    // 10:00 in Tehran
    t = await testChapar({ engine: true, clockStart: '2026-11-25T10:00:00+03:30', engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 } } } } });
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: admin, body: { basePrice: '1000' } });
    user = await createChild(t, admin, { username: 'shop', kind: 'user' });
    await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '1000000', note: '' } });
    // a dedicated line the shop sends and receives on
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '3000777', lineType: '3000', canReceive: true } });
    await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: admin, body: { accountId: user.id, canSend: true, canReceive: true } });
    await t.api({ url: `/api/v1/lines/${line.body.id}/default`, token: user.token, body: {} });
  });
  afterAll(() => t.close());

  it('refuses advertising without «لغو۱۱», in plain Persian', async () => {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, lang: 'fa', body: { to: ['09121234567'], text: 'تخفیف ویژه', class: 'advertising' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('OPT_OUT_FOOTER_MISSING');
    expect(res.body.error.message).toMatch(/لغو/);
  });

  it('skips and does not charge a number that replied 11, and sends to it again after 12', async () => {
    const reply = await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09129990000', to: '3000777', text: '۱۱' } });
    expect(reply.status).toBe(200);
    // the confirmation goes back from the same line
    await until('opt-out confirmation', () => t.db.query("SELECT body FROM batches WHERE source = 'system' AND account_id = $1", [user.id]), (r) => r.rows.length === 1);
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09129990000', '09121112222'], text: ad, class: 'advertising' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, blacklisted: 1, cost: '1000' });
    const rec = await until('recipients', () => t.api({ url: `/api/v1/messages/${res.body.batchId}/recipients`, token: user.token }), (r) => r.body.items.every((i: { status: string }) => ['delivered', 'blacklisted'].includes(i.status)));
    expect(rec.body.items.map((i: { to: string; status: string; cost: string }) => [i.to, i.status, i.cost])).toEqual([
      ['+989129990000', 'blacklisted', '0'], ['+989121112222', 'delivered', '1000'],
    ]);
    await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09129990000', to: '3000777', text: '12' } });
    await until('opt-in', () => t.db.query("SELECT 1 FROM batches WHERE source = 'system' AND account_id = $1", [user.id]), (r) => r.rows.length === 2);
    const again = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09129990000'], text: ad, class: 'advertising' } });
    expect(again.body).toMatchObject({ accepted: 1, blacklisted: 0 });
  });

  it('holds advertising sent at 21:30 until 08:00, then delivers it; service traffic is never held', async () => {
    t.clock.set('2026-11-25T21:30:00+03:30');
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121230000'], text: ad, class: 'advertising' } });
    expect(res.body.status).toBe('held');
    const service = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121230001'], text: 'کد سفارش ۱۲۳', class: 'service' } });
    expect(service.body.status).toBe('queued');
    await until('service delivered', () => t.api({ url: `/api/v1/messages/${service.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 1);
    expect((await t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token })).body.counts).toEqual({ held: 1 });
    t.clock.set('2026-11-26T07:59:59+03:30');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token })).body.counts).toEqual({ held: 1 });
    t.clock.set('2026-11-26T08:00:00+03:30');
    await until('released at 08:00', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 1);
    t.clock.set('2026-11-26T10:00:00+03:30');
  });

  it('sends big advertising batches to moderation; a rejection cancels the batch and refunds it', async () => {
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false, moderationThreshold: 2 } });
    const before = (await t.api({ url: '/api/v1/balance', token: user.token })).body;
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121000001', '09121000002', '09121000003'], text: ad, class: 'advertising' } });
    expect(res.body.status).toBe('held');
    expect((await t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token })).body.held).toEqual({ reason: 'moderation', until: null });
    const queue = await t.api({ url: '/api/v1/compliance/moderation?status=pending', token: admin });
    const item = queue.body.items.find((i: { batchId: string }) => i.batchId === res.body.batchId);
    expect(item).toBeTruthy();
    const rejected = await t.api({ url: `/api/v1/compliance/moderation/${item.id}/reject`, token: admin, body: { comment: 'متن نامناسب' } });
    expect(rejected.status).toBe(200);
    const batch = await t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token });
    expect(batch.body).toMatchObject({ status: 'cancelled', counts: { cancelled: 3 } });
    expect((await t.api({ url: '/api/v1/balance', token: user.token })).body).toMatchObject({ balance: before.balance, reserved: before.reserved });
    // an approved batch goes out
    const ok = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121000004', '09121000005', '09121000006'], text: ad, class: 'advertising' } });
    expect(ok.body.status).toBe('held');
    const pending = await t.api({ url: '/api/v1/compliance/moderation?status=pending', token: admin });
    const okItem = pending.body.items.find((i: { batchId: string }) => i.batchId === ok.body.batchId);
    expect((await t.api({ url: `/api/v1/compliance/moderation/${okItem.id}/approve`, token: admin, body: {} })).status).toBe(200);
    await until('approved batch delivered', () => t.api({ url: `/api/v1/messages/${ok.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 3);
    // the sender is told why, on the panel and by SMS
    const told = await until('sender notified', () => t.db.query("SELECT channel, body FROM notifications WHERE kind = 'moderation.result' AND account_id = $1 ORDER BY created_at", [user.id]), (r) => r.rows.length === 4);
    expect(told.rows.map((r) => r.channel).sort()).toEqual(['panel', 'panel', 'sms', 'sms']);
    expect(told.rows.some((r) => String(r.body).includes('متن نامناسب'))).toBe(true);
    expect(told.rows.some((r) => String(r.body).includes('تأیید شد'))).toBe(true);
  });

  it('charges a received message at the receive price, and keeps it unpaid when credit runs out', async () => {
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: admin, body: { receivePrice: '200' } });
    const before = BigInt((await t.api({ url: '/api/v1/balance', token: user.token })).body.balance);
    await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09124445566', to: '3000777', text: 'سفارشم کی می‌رسد؟' } });
    const inbox = await until('charged inbound', () => t.api({ url: '/api/v1/inbox?q=سفارشم', token: user.token }), (r) => r.body.items.length === 1);
    expect(inbox.body.items[0].cost).toBe('200');
    expect(BigInt((await t.api({ url: '/api/v1/balance', token: user.token })).body.balance)).toBe(before - 200n);

    // a receiver with no credit still gets its message
    const broke = await createChild(t, admin, { username: 'broke', kind: 'user' });
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '3000888', lineType: '3000', canReceive: true } });
    await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: admin, body: { accountId: broke.id, canSend: true, canReceive: true } });
    await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09124445567', to: '3000888', text: 'hello' } });
    const kept = await until('kept inbound', () => t.api({ url: '/api/v1/inbox', token: broke.token }), (r) => r.body.items.length === 1);
    expect(kept.body.items[0]).toMatchObject({ text: 'hello', cost: '0' });
    expect((await t.api({ url: '/api/v1/balance', token: broke.token })).body.balance).toBe('0');
  });

  it('refuses advertising to an account whose package withholds it, and still sends its service messages', async () => {
    const pkg = await t.api({ url: '/api/v1/packages', token: admin, body: { name: 'service-only', permissions: ['receive', 'use_api'] } });
    expect(pkg.status).toBe(201);
    const shop = await createChild(t, admin, { username: 'service-shop', kind: 'user' });
    await t.api({ url: `/api/v1/accounts/${shop.id}/credit`, token: admin, body: { amount: '100000', note: '' } });
    expect((await t.api({ method: 'PUT', url: `/api/v1/accounts/${shop.id}/package`, token: admin, body: { packageId: pkg.body.id } })).status).toBe(200);
    const ad2 = await t.api({ url: '/api/v1/messages', token: shop.token, lang: 'fa', body: { to: ['09121230099'], text: ad, class: 'advertising' } });
    expect(ad2.status).toBe(403);
    expect(ad2.body.error.code).toBe('PERMISSION_DENIED');
    const service = await t.api({ url: '/api/v1/messages', token: shop.token, body: { to: ['09121230099'], text: 'رسید خرید شما', class: 'service' } });
    expect(service.status).toBe(202);
  });
});
