// Issue 16 §1–2: SMSCs reuse message ids (after a restart, or when their counter wraps). A
// reused id must neither lose the new message's receipts nor let one receipt settle an older
// message: a receipt settles exactly the most recent submission with its id on its connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

let t: TestChapar;
let user: Awaited<ReturnType<typeof openSender>>;
beforeAll(async () => {
  t = await testChapar();
  user = await openSender(t, 'reuse', '1000000');
  // receipts are applied only through a connector enabled in the database (this engine runs none)
  await t.db.query("INSERT INTO connectors (id, name, kind, settings, enabled) VALUES ('con_reuse', 'reuse', 'smpp', '{}', true)");
});
afterAll(() => t.close());

const CONNECTOR = 'con_reuse';

/** One message sent and recorded as sent with the SMSC's ids for its parts. */
async function sent(to: string, ids: string[]): Promise<string> {
  const text = ids.length > 1 ? 'a'.repeat(150 * ids.length) : 'code 1234';
  const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [to], text, class: 'otp' } });
  expect(res.status).toBe(202);
  expect(res.body.parts).toBe(ids.length);
  const [m] = (await messageRepo(t.db).claim(10, t.clock.now())).filter((c) => c.batchId === res.body.batchId);
  t.clock.advance(1_000);
  await messageRepo(t.db).markSent([{ id: m.id, connectorId: CONNECTOR, parts: ids.map((upstreamId, i) => ({ upstreamId, seq: i + 1 })) }], t.clock.now());
  return res.body.batchId as string;
}

async function receipts(ids: string[], status: 'delivered' | 'undelivered' = 'delivered') {
  const r = t.services.engine.receipts;
  const acked = ids.map((upstreamId) => r.push(CONNECTOR, { upstreamId, status }));
  await r.flush();
  await Promise.all(acked);
}

const counts = async (batchId: string) => (await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body.counts;

describe('an SMSC that gives an id again', () => {
  it('still delivers the receipts of a multi-part message whose part ids were used before', async () => {
    const a = await sent('09121230001', ['950001', '950002']);
    await receipts(['950001', '950002']);
    expect(await counts(a)).toEqual({ delivered: 1 });
    // the SMSC restarts and counts from the same number
    const b = await sent('09121230002', ['950001', '950002']);
    await receipts(['950001', '950002']);
    expect(await counts(b)).toEqual({ delivered: 1 });
  });

  it('settles the newer multi-part message, not the older one still waiting with the same ids', async () => {
    const a = await sent('09121230003', ['960001', '960002']);
    const b = await sent('09121230004', ['960001', '960002']);
    await receipts(['960001', '960002'], 'undelivered');
    expect(await counts(b)).toEqual({ undelivered: 1 });
    expect(await counts(a)).toEqual({ sent: 1 });
  });

  it('settles exactly one single-part message per receipt: the most recent submission', async () => {
    const a = await sent('09121230005', ['970000']);
    const b = await sent('09121230006', ['970000']);
    await receipts(['970000']);
    expect(await counts(b)).toEqual({ delivered: 1 });
    expect(await counts(a)).toEqual({ sent: 1 });
  });

  it('gives a receipt to a multi-part message that took a single-part message’s id later', async () => {
    const a = await sent('09121230007', ['980001']);
    const b = await sent('09121230008', ['980001', '980002']);
    await receipts(['980001', '980002']);
    expect(await counts(b)).toEqual({ delivered: 1 });
    expect(await counts(a)).toEqual({ sent: 1 });
  });
});
