// On PostgreSQL two transactions settling reservations that pay the same parent must not
// deadlock. Closing one reservation locks its lines and then its wallets (the sender's and its
// parent's); a transaction closing two reservations used to close them one after the other, so
// it could hold the parent's wallet while waiting for the second reservation's lines, which
// another settler held while waiting for the parent's wallet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg } from '../../db/pg.ts';
import type { Db } from '../../db/driver.ts';
import { openSender, testChapar, type TestChapar } from '../../../test/helpers/app.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('two settlements of reservations paying one parent (PostgreSQL)', () => {
  let t: TestChapar;
  let other: Db;
  beforeAll(async () => {
    t = await testChapar();
    other = await openPg(t.db.url!, 2);
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  it('waits instead of deadlocking', async () => {
    // a price, so that settling moves money to the parent (the platform) and locks its wallet
    const admin = await t.adminToken();
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    const g = groups.body.items.find((x: { isDefault: boolean }) => x.isDefault);
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${g.id}`, token: admin, body: { basePrice: '1000' } })).status).toBe(200);
    const a = await openSender(t, 'lockorder_a', '100000');
    const b = await openSender(t, 'lockorder_b', '100000');
    const sendA = await t.api({ url: '/api/v1/messages', token: a.token, body: { to: ['09123330001'], text: 'x', class: 'service' } });
    const sendB = await t.api({ url: '/api/v1/messages', token: b.token, body: { to: ['09123330002'], text: 'y', class: 'service' } });
    const { rows } = await t.db.query<{ id: string; batch_id: string; reservation_id: string }>(
      'SELECT m.id::text, m.batch_id, b.reservation_id FROM messages m JOIN batches b ON b.id = m.batch_id WHERE m.batch_id = ANY($1)', [[sendA.body.batchId, sendB.body.batchId]]);
    // Y is the reservation a settler of both closes second
    const [x, y] = [...rows].sort((p, q) => (p.reservation_id < q.reservation_id ? -1 : 1));
    const { rows: parent } = await t.db.query<{ payee_wallet: string }>('SELECT DISTINCT payee_wallet FROM reservation_lines WHERE reservation_id = $1', [y.reservation_id]);

    let settled: Promise<unknown> | null = null;
    await other.transaction(async (tx) => {
      // another settler has locked Y's lines, as closing Y does first …
      await tx.query('SELECT 1 FROM reservation_lines WHERE reservation_id = $1 FOR UPDATE', [y.reservation_id]);
      // … while this one settles both messages
      settled = t.db.transaction((tx2) => t.services.engine.settlement.finalise(tx2, [x, y].map((m) => ({ id: BigInt(m.id), status: 'delivered' as const, errorCode: null })), new Date()));
      settled.catch(() => {});
      for (let i = 0; i < 300; i++) {
        const { rows: waiting } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (waiting[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // … and then takes the parent's wallet, as closing Y does next
      await tx.query('SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE', [parent[0].payee_wallet]);
    });
    await expect(settled!).resolves.toHaveLength(2);
    const { rows: lines } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reservation_lines WHERE reservation_id = ANY($1) AND settled <> count', [[x.reservation_id, y.reservation_id]]);
    expect(lines[0].n).toBe(0);
  });
});
