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

describe('campaign sends on the engine', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof createChild>>;
  beforeAll(async () => {
    t = await testChapar({ engine: true, clockStart: '2026-11-25T10:00:00+03:30', engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, record: true } } } });
    const admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: admin, body: { basePrice: '1000' } });
    user = await createChild(t, admin, { username: 'p2p', kind: 'user' });
    await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '1000000', note: '' } });
  });
  afterAll(() => t.close());

  it('sends each recipient its own text, charging each by its own parts', async () => {
    const account = (await t.services.accounts.findAccountForAuth(user.id))!;
    const long = `آقای رضایی، ${'سفارش شما آماده است. '.repeat(4)}`; // over 70 UCS-2 characters: 2 parts
    const res = await t.services.engine.accept.send(account, {
      to: ['09121000001', '09351000002'], text: '{name}، سفارش شما آماده است.', texts: ['سارا، سفارش شما آماده است.', long], class: 'service',
    }, { source: 'panel' });
    expect(res.cost).toBe(3000n); // 1 part + 2 parts at 1000 a part
    const rec = await until('delivered', () => t.api({ url: `/api/v1/messages/${res.batchId}/recipients`, token: user.token }), (r) => r.body.items.every((i: { status: string }) => i.status === 'delivered'));
    expect(rec.body.items.map((i: { parts: number; cost: string }) => [i.parts, i.cost])).toEqual([[1, '1000'], [2, '2000']]);
    const sim = t.services.engine.routing.upstream(Object.keys(t.services.engine.routing.stats())[0]) as unknown as { smsc: { received: { to: string; text: string }[] } };
    expect(sim.smsc.received.find((p) => p.to.endsWith('9121000001'))?.text).toBe('سارا، سفارش شما آماده است.');
  });

  it('sends gradually: at most N a minute', async () => {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121000010', '09121000011', '09121000012', '09121000013', '09121000014'], text: 'Hello', class: 'service', perMinute: 2 } });
    expect(res.status).toBe(202);
    await until('first minute', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 2);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token })).body.counts).toEqual({ delivered: 2, queued: 3 });
    t.clock.advance(60_000);
    await until('second minute', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 4);
    t.clock.advance(60_000);
    await until('third minute', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 5);
  });
});
