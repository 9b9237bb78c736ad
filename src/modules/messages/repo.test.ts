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

  it('finalises a single-part message with its one receipt, completes a two-part one with its second, and matches nothing else', async () => {
    const [one, two, long, reused] = await ids();
    const repo = messageRepo(db);
    await repo.markSent([
      { id: one, connectorId: 'con_a', parts: [{ upstreamId: 'u1', seq: 1 }] },
      { id: two, connectorId: 'con_a', parts: [{ upstreamId: 'u2', seq: 1 }] },
      { id: long, connectorId: 'con_a', parts: [{ upstreamId: 'u3a', seq: 1 }, { upstreamId: 'u3b', seq: 2 }] },
    ], now);
    const partsRows = await db.query<{ message_id: bigint }>('SELECT message_id FROM message_parts ORDER BY seq');
    expect(partsRows.rows.map((r) => BigInt(r.message_id))).toEqual([long, long]);

    const receipts = [
      { connectorId: 'con_a', upstreamId: 'u1', final: 'delivered' as const, errorCode: null },
      { connectorId: 'con_a', upstreamId: 'u2', final: 'undelivered' as const, errorCode: '034' },
      { connectorId: 'con_a', upstreamId: 'u3a', final: 'delivered' as const, errorCode: null },
      { connectorId: 'con_b', upstreamId: 'u1', final: 'delivered' as const, errorCode: null },
    ];
    // single-part messages become final with their one receipt, in the same statement
    const singles = await repo.finaliseByReceipt(receipts, now);
    expect(singles.map((m) => [m.id, m.status, m.errorCode, receipts[m.receipt].upstreamId]).sort()).toEqual([[one, 'delivered', null, 'u1'], [two, 'undelivered', '034', 'u2']].sort());
    const status = await db.query<{ id: bigint; status: string; settled: boolean }>('SELECT id, status, settled FROM messages WHERE id = ANY($1::int8[]) ORDER BY id', [[one, two, long].map(String)]);
    expect(status.rows.map((r) => [BigInt(r.id), r.status, r.settled])).toEqual([[one, 'delivered', true], [two, 'undelivered', true], [long, 'sent', false]]);

    // the rest are parts: the long message's first part matches, con_b's u1 matches nothing
    const first = await repo.applyPartReceipts(receipts.slice(2).map((r) => ({ ...r, status: r.final })), now);
    expect(first.complete).toEqual([]);
    expect([...first.matched]).toEqual(['con_a\u0000u3a']);

    // the same receipt again changes nothing; the second part completes the long message
    expect(await repo.finaliseByReceipt([{ connectorId: 'con_a', upstreamId: 'u1', final: 'delivered', errorCode: null }], now)).toEqual([]);
    const again = await repo.applyPartReceipts([
      { connectorId: 'con_a', upstreamId: 'u1', status: 'delivered', errorCode: null },
      { connectorId: 'con_a', upstreamId: 'u3b', status: 'delivered', errorCode: null },
    ], now);
    expect(again.complete).toEqual([{ id: long, statuses: ['delivered', 'delivered'], error: null }]);
    expect([...again.matched]).toEqual(['con_a\u0000u3b']);
    await db.query("UPDATE messages SET status = 'delivered', settled = true WHERE id = $1", [long.toString()]);

    // an SMSC that reuses an id: the receipt goes to the message still waiting for one
    await repo.markSent([{ id: reused, connectorId: 'con_a', parts: [{ upstreamId: 'u1', seq: 1 }] }], now);
    const reuse = await repo.finaliseByReceipt([{ connectorId: 'con_a', upstreamId: 'u1', final: 'delivered', errorCode: null }], now);
    expect(reuse.map((m) => m.id)).toEqual([reused]);
  });
});
