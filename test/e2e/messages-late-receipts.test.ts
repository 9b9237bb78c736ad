// A receipt can arrive before its message's sending is recorded (the SMSC answers faster than we
// write). It is kept and tried again once this process records more sent messages — not on every
// flush — or, for a message another process sent, after a pause; then it settles the money.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

describe('receipts that overtake their message', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'fastsmsc', '100000');
    // receipts are applied only through a connector enabled in the database (this engine runs none)
    await t.db.query("INSERT INTO connectors (id, name, kind, settings, enabled) VALUES ('con_fast', 'fast', 'smpp', '{}', true)");
  });
  afterAll(() => t.close());

  /** A message claimed for sending, its receipt already in the processor's hands. */
  async function claimedWithEarlyReceipt(to: string, upstreamId: string) {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [to], text: 'code 1234', class: 'otp' } });
    expect(res.status).toBe(202);
    const [m] = (await messageRepo(t.db).claim(10, t.clock.now())).filter((c) => c.batchId === res.body.batchId);
    let answered = false;
    const acked = t.services.engine.receipts.push('con_fast', { upstreamId, status: 'delivered' }).then(() => {
      answered = true;
    });
    return { m, batchId: res.body.batchId as string, acked, answered: () => answered };
  }

  const statusOf = async (batchId: string) => (await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body;

  it('is tried again when this process records sending, and then settles', async () => {
    const receipts = t.services.engine.receipts;
    const { m, batchId, acked, answered } = await claimedWithEarlyReceipt('09121110001', 'up-1');
    await receipts.flush();
    expect(receipts.pending()).toBe(1);
    expect(answered()).toBe(false);

    await messageRepo(t.db).markSent([{ id: m.id, connectorId: 'con_fast', parts: [{ upstreamId: 'up-1', seq: 1 }] }], t.clock.now());
    // nothing new recorded by this process and no time gone by: not tried yet
    await receipts.flush();
    expect(receipts.pending()).toBe(1);
    expect((await statusOf(batchId)).counts).toEqual({ sent: 1 });

    receipts.sentRecorded();
    await receipts.flush();
    await acked;
    expect(receipts.pending()).toBe(0);
    const batch = await statusOf(batchId);
    expect(batch).toMatchObject({ status: 'done', counts: { delivered: 1 } });
    expect((await t.api({ url: '/api/v1/balance', token: user.token })).body.reserved).toBe('0');
  });

  it('is tried again after a pause when another process sent the message', async () => {
    const receipts = t.services.engine.receipts;
    const { m, batchId, acked } = await claimedWithEarlyReceipt('09121110002', 'up-2');
    await receipts.flush();
    expect(receipts.pending()).toBe(1);
    await messageRepo(t.db).markSent([{ id: m.id, connectorId: 'con_fast', parts: [{ upstreamId: 'up-2', seq: 1 }] }], t.clock.now());
    t.clock.advance(300);
    await receipts.flush();
    await acked;
    expect(receipts.pending()).toBe(0);
    expect(await statusOf(batchId)).toMatchObject({ status: 'done', counts: { delivered: 1 } });
  });
});
