import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';
import { HOT_TABLES, vacuumHotTables } from './maintenance.ts';

describe('embedded database maintenance', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb();
  });
  afterAll(() => db.close());

  it('vacuums and analyses the hot tables: the planner gets statistics of the outbox', async () => {
    await db.query(
      `INSERT INTO messages (batch_id, account_id, recipient, operator, status, parts, expires_at)
       SELECT 'bat_x', 'acc_x', '+98912' || lpad(g::text, 7, '0'), 'mci', 'sending', 1, now() + interval '1 day' FROM generate_series(1, 500) g`,
    );
    await db.query("UPDATE messages SET status = 'sent' WHERE batch_id = 'bat_x'");
    const stats = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'messages' AND attname = 'status'")).rows[0].n;
    expect(await stats()).toBe(0);
    const done = await vacuumHotTables(db);
    expect(done).toEqual([...HOT_TABLES]);
    expect(await stats()).toBe(1);
    const { rows } = await db.query<{ relname: string; last_vacuum: Date | null }>('SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE relname = ANY($1)', [done]);
    expect(rows.map((r) => r.relname).sort()).toEqual([...done].sort());
    for (const r of rows) expect(r.last_vacuum, r.relname).not.toBeNull();
  });
});
