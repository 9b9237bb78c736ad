// Submits and receipts on the outbox rows: a single-part message keeps its upstream id on its
// row, longer ones get a row per part; a receipt answers the message still waiting for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../../test/helpers/db.ts';
import { messageRepo } from './repo.ts';

describe('outbox submits and receipts', () => {
  let db: TestDb;
  const now = new Date('2026-12-01T10:00:00Z');
  beforeAll(async () => {
    db = await freshDb({ migrate: true });
    // 0013: the outbox has no foreign keys, so rows stand alone here
    await db.query(
      `INSERT INTO messages (batch_id, account_id, recipient, operator, status, parts, expires_at)
       SELECT 'bat_x', 'acc_x', '+98912000000' || g, 'mci', 'sending', CASE WHEN g = 3 THEN 2 ELSE 1 END, now() + interval '1 day' FROM generate_series(1, 4) g`,
    );
  });
  afterAll(() => db.close());

  const ids = async () => (await db.query<{ id: bigint }>('SELECT id FROM messages ORDER BY id')).rows.map((r) => BigInt(r.id));

  it('completes a single-part message with its one receipt and a two-part one with its second, and keeps what matched nothing', async () => {
    const [one, two, long, reused] = await ids();
    const repo = messageRepo(db);
    await repo.markSent([
      { id: one, connectorId: 'con_a', parts: [{ upstreamId: 'u1', seq: 1 }] },
      { id: two, connectorId: 'con_a', parts: [{ upstreamId: 'u2', seq: 1 }] },
      { id: long, connectorId: 'con_a', parts: [{ upstreamId: 'u3a', seq: 1 }, { upstreamId: 'u3b', seq: 2 }] },
    ], now);
    const partsRows = await db.query<{ message_id: bigint }>('SELECT message_id FROM message_parts ORDER BY seq');
    expect(partsRows.rows.map((r) => BigInt(r.message_id))).toEqual([long, long]);

    const first = await repo.applyPartReceipts([
      { connectorId: 'con_a', upstreamId: 'u1', status: 'delivered', errorCode: null },
      { connectorId: 'con_a', upstreamId: 'u2', status: 'undelivered', errorCode: '034' },
      { connectorId: 'con_a', upstreamId: 'u3a', status: 'delivered', errorCode: null },
      { connectorId: 'con_b', upstreamId: 'u1', status: 'delivered', errorCode: null },
    ], now);
    expect(first.complete.sort((a, b) => Number(a.id - b.id))).toEqual([
      { id: one, statuses: ['delivered'], error: null },
      { id: two, statuses: ['undelivered'], error: '034' },
    ]);
    expect([...first.matched].sort()).toEqual(['con_a\u0000u1', 'con_a\u0000u2', 'con_a\u0000u3a']);
    // settlement (receipts.ts, same transaction) gives the completed ones their final status
    await db.query("UPDATE messages SET status = 'delivered', settled = true WHERE id = ANY($1::int8[])", [[one.toString(), two.toString()]]);

    // the same receipt again changes nothing; the second part completes the long message
    const again = await repo.applyPartReceipts([
      { connectorId: 'con_a', upstreamId: 'u1', status: 'delivered', errorCode: null },
      { connectorId: 'con_a', upstreamId: 'u3b', status: 'delivered', errorCode: null },
    ], now);
    expect(again.complete).toEqual([{ id: long, statuses: ['delivered', 'delivered'], error: null }]);
    expect([...again.matched]).toEqual(['con_a\u0000u3b']);
    await db.query("UPDATE messages SET status = 'delivered', settled = true WHERE id = $1", [long.toString()]);

    // an SMSC that reuses an id: the receipt goes to the message still waiting for one
    await repo.markSent([{ id: reused, connectorId: 'con_a', parts: [{ upstreamId: 'u1', seq: 1 }] }], now);
    const reuse = await repo.applyPartReceipts([{ connectorId: 'con_a', upstreamId: 'u1', status: 'delivered', errorCode: null }], now);
    expect(reuse.complete).toEqual([{ id: reused, statuses: ['delivered'], error: null }]);
  });
});
