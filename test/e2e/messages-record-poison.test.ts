// One outcome the dispatcher cannot record must not take the rest of its slice with it: before,
// the slice's transaction failed as a whole, and every message in it (already handed to the
// SMSC) stayed claimed and was sent again after the lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

describe('an outcome that cannot be recorded', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;

  beforeAll(async () => {
    // no engine running: the test runs one dispatcher round itself (no routes are loaded, so
    // each message is answered "no route, try again" unless its validity has passed)
    t = await testChapar();
    user = await openSender(t, 'recordpoison', '100000');
  });
  afterAll(() => t.close());

  it('fails alone; the other outcomes of its slice are recorded', async () => {
    const batches: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [`0912444000${i}`], text: 'code 1234', class: 'otp' } });
      expect(res.status).toBe(202);
      batches.push(res.body.batchId);
    }
    // the fourth message's validity has passed, and its reservation says it was already spent:
    // making it final (expired, refunded) must throw
    const bad = batches[3];
    await t.db.query("UPDATE messages SET expires_at = $2::timestamptz - interval '1 minute' WHERE batch_id = $1", [bad, t.clock.now()]);
    await t.db.query('UPDATE reservation_lines SET released = count WHERE reservation_id = (SELECT reservation_id FROM batches WHERE id = $1)', [bad]);

    await expect(t.services.engine.dispatcher.tick()).rejects.toThrow(/closing 1 of 0 open/);
    const { rows } = await t.db.query<{ batch_id: string; status: string; error_code: string | null }>('SELECT batch_id, status, error_code FROM messages WHERE batch_id = ANY($1)', [batches]);
    const byBatch = new Map(rows.map((r) => [r.batch_id, [r.status, r.error_code]]));
    expect(batches.map((b) => byBatch.get(b))).toEqual(batches.map((b) => (b === bad ? ['sending', null] : ['queued', 'no_route'])));
  });

  it('does not keep the other expired messages from being made final and refunded', async () => {
    const batches: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [`0912555000${i}`], text: 'code 5678', class: 'otp' } });
      batches.push(res.body.batchId);
    }
    const bad = batches[1];
    await t.db.query("UPDATE messages SET expires_at = $2::timestamptz - interval '1 minute' WHERE batch_id = ANY($1)", [batches, t.clock.now()]);
    await t.db.query('UPDATE reservation_lines SET released = count WHERE reservation_id = (SELECT reservation_id FROM batches WHERE id = $1)', [bad]);

    await t.services.engine.dispatcher.housekeeping();
    const { rows } = await t.db.query<{ batch_id: string; status: string }>('SELECT batch_id, status FROM messages WHERE batch_id = ANY($1)', [batches]);
    const byBatch = new Map(rows.map((r) => [r.batch_id, r.status]));
    expect(batches.map((b) => byBatch.get(b))).toEqual(batches.map((b) => (b === bad ? 'queued' : 'expired')));
    const { rows: open } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reservation_lines l JOIN batches b ON b.reservation_id = l.reservation_id WHERE b.id = ANY($1) AND b.id <> $2 AND l.count <> l.released', [batches, bad]);
    expect(open[0].n).toBe(0);

    // once repaired, it is left alone for a while (not tried every second), then made final
    await t.db.query('UPDATE reservation_lines SET released = 0 WHERE reservation_id = (SELECT reservation_id FROM batches WHERE id = $1)', [bad]);
    const statusOfBad = async () => (await t.db.query<{ status: string }>('SELECT status FROM messages WHERE batch_id = $1', [bad])).rows[0].status;
    await t.services.engine.dispatcher.housekeeping();
    expect(await statusOfBad()).toBe('queued');
    t.clock.advance(11 * 60_000);
    await t.services.engine.dispatcher.housekeeping();
    expect(await statusOfBad()).toBe('expired');
  });
});
