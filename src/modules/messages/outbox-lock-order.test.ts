// On PostgreSQL a dispatcher recording a big send's outcomes and another process reclaiming the
// same chunk after its lease must not deadlock: both take the chunk's row lock before they write
// message rows. (PGlite has one connection: transactions never overlap there.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg } from '../../db/pg.ts';
import type { Db } from '../../db/driver.ts';
import { freshDb, type TestDb } from '../../../test/helpers/db.ts';
import { CHUNK_RECIPIENTS, outboxRepo } from './outbox-repo.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('recording and reclaiming one chunk at once (PostgreSQL)', () => {
  let db: TestDb;
  let other: Db;
  beforeAll(async () => {
    db = await freshDb();
    other = await openPg(db.url!, 2);
  });
  afterAll(async () => {
    await other.close();
    await db.close();
  });

  it('lets the reclaim make the rows and the late recorder leave them alone, without a deadlock', async () => {
    const first = BigInt(CHUNK_RECIPIENTS) * 7n;
    const recipients = ['+989120000001', '+989120000002', '+989120000003'];
    const long = new Date(Date.now() - 3_600_000);
    await db.query(
      `INSERT INTO message_chunks (first_id, batch_id, account_id, operator, priority, parts, cost, ready_at, expires_at, recipients, size, taken, recorded, claimed_at)
       VALUES ($1, 'bat_lock', 'acc_lock', 'mci', 3, 1, 500, $2, now() + interval '1 day', $3, 3, 2, 0, $2)`,
      [first.toString(), long, recipients],
    );
    const now = new Date();
    let reclaimed = 0;
    let recorded: Promise<Set<bigint>> | null = null;
    await other.transaction(async (tx) => {
      // the reclaim holds the chunk, as its statement does first …
      await tx.query('SELECT first_id FROM message_chunks WHERE first_id = $1 FOR UPDATE', [first.toString()]);
      // … while a recorder (past its lease) records the first recipient as sent
      recorded = db.transaction((rtx) =>
        outboxRepo(rtx).recordFromChunks([{ id: first, chunkId: first, recipient: recipients[0], status: 'sent', partsSent: 1, connectorId: 'con_x', upstreamId: 'up-1', errorCode: null, nextAttemptAt: null }], now),
      );
      recorded.catch(() => {});
      for (let i = 0; i < 200; i++) {
        const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      reclaimed = await outboxRepo(tx).reclaimStale(new Date(now.getTime() - 60_000), now);
    });
    const inserted = await recorded!;
    expect(reclaimed).toBe(2);
    expect(inserted.size).toBe(0);
    const { rows } = await db.query<{ id: string; status: string }>('SELECT id::text, status FROM messages ORDER BY id');
    expect(rows).toEqual([{ id: first.toString(), status: 'queued' }, { id: (first + 1n).toString(), status: 'queued' }]);
    const chunk = await db.query<{ recorded: number; taken: number }>('SELECT recorded, taken FROM message_chunks WHERE first_id = $1', [first.toString()]);
    expect(chunk.rows).toEqual([{ recorded: 2, taken: 2 }]);
  });
});
