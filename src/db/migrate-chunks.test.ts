// Migration 0019 changes when a big send's recipients get their rows (at record, not at claim).
// A chunk that the previous code had partly claimed already has rows for what it took: after the
// upgrade those count as recorded, so the chunk still goes once the rest is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe('migration 0019 on a chunk the previous code had partly claimed', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb({ migrate: false });
  });
  afterAll(() => db.close());

  it('counts the rows made at claim as recorded and keeps the chunk size beside its array', async () => {
    const all = await loadMigrations();
    await migrate(db, all.filter((m) => m.version <= 18));
    const first = 1125899906842624n;
    await db.query(
      `INSERT INTO message_chunks (first_id, batch_id, account_id, operator, priority, parts, cost, ready_at, expires_at, recipients, taken)
       VALUES ($1, 'bat_old', 'acc_old', 'mci', 3, 1, 500, now(), now() + interval '1 day', $2, 2)`,
      [first.toString(), ['+989120000001', '+989120000002', '+989120000003']],
    );
    await db.query(
      `INSERT INTO messages (id, batch_id, account_id, recipient, operator, status, parts, expires_at)
       VALUES ($1, 'bat_old', 'acc_old', '+989120000001', 'mci', 'sent', 1, now() + interval '1 day'),
              ($2, 'bat_old', 'acc_old', '+989120000002', 'mci', 'sending', 1, now() + interval '1 day')`,
      [first.toString(), (first + 1n).toString()],
    );
    await migrate(db, all);
    const { rows } = await db.query<{ size: number; taken: number; recorded: number; claimed: boolean }>('SELECT size, taken, recorded, claimed_at IS NOT NULL AS claimed FROM message_chunks');
    expect(rows).toEqual([{ size: 3, taken: 2, recorded: 2, claimed: true }]);
    // the view shows the two rows and the one recipient still waiting, nothing twice
    const view = await db.query<{ recipient: string; status: string }>("SELECT recipient, status FROM outbox_messages WHERE batch_id = 'bat_old' ORDER BY id");
    expect(view.rows.map((r) => [r.recipient, r.status])).toEqual([['+989120000001', 'sent'], ['+989120000002', 'sending'], ['+989120000003', 'queued']]);
  });
});
