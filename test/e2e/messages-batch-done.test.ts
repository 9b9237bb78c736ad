// A batch is done when its last message is settled, even when its last two messages are settled
// by two transactions at once (two receipts on two connections, on PostgreSQL): each sees the
// other's message as unsettled unless one waits for the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/driver.ts';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

describe('a batch settled by two transactions at once', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'twosettles', '100000');
  });
  afterAll(() => t.close());

  it('is marked done by whichever commits last', async () => {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121110001', '09121110002'], text: 'salam', class: 'service' } });
    expect(res.status).toBe(202);
    const { batchId } = res.body;
    const ids = (await t.db.query('SELECT id FROM messages WHERE batch_id = $1 ORDER BY id', [batchId])).rows.map((r) => r.id);
    expect(ids).toHaveLength(2);
    const settle = (tx: Db, id: unknown) =>
      tx.query("UPDATE messages SET status = 'delivered', settled = true WHERE id = $1", [id]);
    const now = new Date();

    // On PostgreSQL the second transaction settles its message while the first is still open;
    // PGlite runs one transaction at a time, so there the two follow each other.
    const interleave = Boolean(process.env.TEST_DATABASE_URL);
    let secondSettled!: () => void;
    const secondHasSettled = new Promise<void>((r) => (secondSettled = r));
    const first = t.db.transaction(async (tx) => {
      await settle(tx, ids[0]);
      await messageRepo(tx).markBatchesDone([batchId], now);
      if (interleave) await secondHasSettled;
    });
    const second = (async () => {
      if (!interleave) await first;
      await t.db.transaction(async (tx) => {
        await settle(tx, ids[1]);
        secondSettled();
        await messageRepo(tx).markBatchesDone([batchId], now);
      });
    })();
    await Promise.all([first, second]);

    const batch = await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token });
    expect(batch.body).toMatchObject({ status: 'done', counts: { delivered: 2 } });
  });
});
