// Migration 0055 keys message parts by (message, seq) and writes the ids of parts still waiting
// for a receipt in the canonical form receipts now arrive in (upstreams/registry.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';
import { canonicalUpstreamId } from '../upstreams/ids.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe('migration 0055 on parts stored before it', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb({ migrate: false });
  });
  afterAll(() => db.close());

  it('keeps the latest row of a part sent twice and writes open ids as receipts now name them', async () => {
    const all = await loadMigrations();
    await migrate(db, all.filter((m) => m.version < 55));
    const parts: [string, string, number, number, string, string][] = [
      // connector, upstream id, message, seq, status, updated_at
      ['con_a', '0000100002', 1, 1, 'sent', '2026-01-01T00:00:00Z'],
      ['con_a', 'ABC0', 1, 2, 'sent', '2026-01-01T00:00:00Z'],
      ['con_a', '0000100009', 2, 1, 'sent', '2026-01-01T00:00:00Z'],
      // message 2's first part sent again later with another id
      ['con_a', '0000200001', 2, 1, 'sent', '2026-01-01T00:05:00Z'],
      ['con_a', '0000300001', 3, 1, 'delivered', '2026-01-01T00:00:00Z'],
    ];
    for (const p of parts) await db.query('INSERT INTO message_parts (connector_id, upstream_id, message_id, seq, status, updated_at) VALUES ($1,$2,$3,$4,$5,$6)', p);
    await migrate(db, all);
    const { rows } = await db.query<{ upstream_id: string; message_id: string; seq: number; status: string }>('SELECT upstream_id, message_id::text, seq, status FROM message_parts ORDER BY message_id, seq');
    expect(rows).toEqual([
      { upstream_id: '100002', message_id: '1', seq: 1, status: 'sent' },
      { upstream_id: 'abc0', message_id: '1', seq: 2, status: 'sent' },
      { upstream_id: '200001', message_id: '2', seq: 1, status: 'sent' },
      // final parts are left as they were
      { upstream_id: '0000300001', message_id: '3', seq: 1, status: 'delivered' },
    ]);
    for (const r of rows.filter((x) => x.status === 'sent')) expect(r.upstream_id).toBe(canonicalUpstreamId(r.upstream_id));
    // the same id may now be stored for two parts (an SMSC that gave it again)
    await db.query("INSERT INTO message_parts (connector_id, upstream_id, message_id, seq) VALUES ('con_a', '100002', 4, 1)");
    expect((await db.query("SELECT count(*)::int AS n FROM message_parts WHERE upstream_id = '100002'")).rows[0]).toEqual({ n: 2 });
  });
});
