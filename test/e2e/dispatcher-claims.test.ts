// A dispatcher's claims: a live one keeps them however long its round takes (it renews them),
// and an instance that starts again takes back its own at once instead of after the lease.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { createDispatcher } from '../../src/modules/messages/dispatcher.ts';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import type { SubmitResult, Upstream } from '../../src/upstreams/upstream.ts';

/** The operator's far end, answering every part only once the test lets it: a round that takes as long as the test wants. */
function heldFarEnd() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  let n = 0;
  const upstream: Upstream = {
    kind: 'http',
    splitsLongText: false,
    start: async () => {},
    stop: async () => {},
    submit: async (): Promise<SubmitResult> => {
      await gate;
      return { ok: true, upstreamId: `held-${++n}` };
    },
    onReceipt: () => () => {},
    onInbound: () => () => {},
    stats: () => ({ state: 'bound', inFlight: 0, queued: 0, submitted: n, accepted: n, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0 }),
  };
  return { upstream, open: () => open() };
}

describe('dispatcher claims', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'claims', '100000');
  });
  afterAll(() => t.close());

  async function send(tag: string, n: number): Promise<string> {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: Array.from({ length: n }, (_, i) => `0912${tag}000${i}`), text: 'code 4321', class: 'otp' } });
    expect(res.status).toBe(202);
    return res.body.batchId as string;
  }
  const rowsOf = async (batchId: string) =>
    (await t.db.query<{ status: string; claimed_at: Date | null; claimed_by: string | null }>('SELECT status, claimed_at, claimed_by FROM messages WHERE batch_id = $1 ORDER BY id', [batchId])).rows;

  it('keeps the claims of a round that outlasts the lease: another dispatcher does not take them', async () => {
    const batchId = await send('777', 3);
    const far = heldFarEnd();
    const router = { candidates: () => [{ id: 'con_held', upstream: far.upstream }] };
    const settlement = t.services.engine.settlement;
    const one = createDispatcher({ db: t.db, clock: t.clock, log, router, settlement, options: { leaseMs: 300, instanceId: 'one' } });
    const two = createDispatcher({ db: t.db, clock: t.clock, log, router, settlement, options: { leaseMs: 300, instanceId: 'two' } });
    const round = one.tick();
    const claimed = await until('claimed', () => rowsOf(batchId), (rows) => rows.length === 3 && rows.every((r) => r.status === 'sending'));
    const claimedAt = Math.max(...claimed.map((r) => new Date(r.claimed_at!).getTime()));
    // the round is still waiting on the far end when its lease would have run out
    t.clock.advance(1000);
    await until('claims renewed', () => rowsOf(batchId), (rows) => rows.every((r) => new Date(r.claimed_at!).getTime() > claimedAt), 5000);
    await two.housekeeping();
    expect((await rowsOf(batchId)).map((r) => r.status)).toEqual(['sending', 'sending', 'sending']);
    far.open();
    expect(await round).toBe(3);
    expect((await rowsOf(batchId)).map((r) => [r.status, r.claimed_by])).toEqual([['sent', 'one'], ['sent', 'one'], ['sent', 'one']]);
  });

  it('returns its own instance’s claims to the outbox when it starts again, and leaves a live instance’s alone', async () => {
    const mine = await send('888', 2);
    const theirs = await send('999', 2);
    const repo = messageRepo(t.db);
    // an earlier life of instance "one" claimed these and died; instance "two" is alive
    await t.db.query("UPDATE messages SET next_attempt_at = $2::timestamptz + interval '1 hour' WHERE batch_id = $1", [theirs, t.clock.now()]);
    expect(await repo.claim(10, t.clock.now(), 'one')).toHaveLength(2);
    await t.db.query("UPDATE messages SET next_attempt_at = $2 WHERE batch_id = $1", [theirs, t.clock.now()]);
    expect(await repo.claim(10, t.clock.now(), 'two')).toHaveLength(2);
    // no route: whatever the restarted dispatcher claims goes back to the outbox as a retry
    const restarted = createDispatcher({ db: t.db, clock: t.clock, log, router: { candidates: () => [] }, settlement: t.services.engine.settlement, options: { instanceId: 'one' } });
    await restarted.start();
    await restarted.stop();
    expect((await rowsOf(mine)).map((r) => r.status)).toEqual(['queued', 'queued']);
    // on the embedded database one process holds the data folder: every claim is a dead one's
    expect((await rowsOf(theirs)).map((r) => r.status)).toEqual(t.db.kind === 'pg' ? ['sending', 'sending'] : ['queued', 'queued']);
  });
});
