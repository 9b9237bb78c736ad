// One receipt that cannot be applied must not hold back the others buffered with it: a flush is
// one transaction, and before, one failure made every receipt of the flush fail (the SMSC sends
// them all again, and they fail together again, for ever).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

describe('a receipt that cannot be applied', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'poisonsmsc', '100000');
    // receipts are applied only through a connector enabled in the database (this engine runs none)
    await t.db.query("INSERT INTO connectors (id, name, kind, settings, enabled) VALUES ('con_p', 'poison', 'smpp', '{}', true)");
  });
  afterAll(() => t.close());

  it('fails alone; the receipts flushed with it are stored and answered', async () => {
    const sent: { batchId: string; upstreamId: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [`0912333000${i}`], text: 'code 1234', class: 'otp' } });
      expect(res.status).toBe(202);
      const [m] = (await messageRepo(t.db).claim(10, t.clock.now())).filter((c) => c.batchId === res.body.batchId);
      await messageRepo(t.db).markSent([{ id: m.id, connectorId: 'con_p', parts: [{ upstreamId: `up-${i}`, seq: 1 }] }], t.clock.now());
      sent.push({ batchId: res.body.batchId, upstreamId: `up-${i}` });
    }
    // the fifth message's reservation says it was already spent: settling it again must throw
    const bad = sent[4];
    await t.db.query('UPDATE reservation_lines SET settled = count WHERE reservation_id = (SELECT reservation_id FROM batches WHERE id = $1)', [bad.batchId]);

    const receipts = t.services.engine.receipts;
    // the first receipt comes twice (the SMSC resent it); the copy lands in the other half of the flush
    const outcomes = [...sent, sent[0]].map((s) => receipts.push('con_p', { upstreamId: s.upstreamId, status: 'delivered' }).then(() => 'stored', (err: Error) => `failed: ${err.message}`));
    await receipts.flush();
    const answered = await Promise.all(outcomes);
    expect(answered.map((a) => a.split(':')[0])).toEqual(['stored', 'stored', 'stored', 'stored', 'failed', 'stored', 'stored', 'stored']);
    expect(answered[4]).toMatch(/closing 1 of 0 open/);

    const statusOf = async (batchId: string) => (await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body;
    for (const [i, s] of sent.entries()) {
      const b = await statusOf(s.batchId);
      expect([b.status === 'done', b.counts]).toEqual(i === 4 ? [false, { sent: 1 }] : [true, { delivered: 1 }]);
    }
    expect(receipts.pending()).toBe(0);
  });
});
