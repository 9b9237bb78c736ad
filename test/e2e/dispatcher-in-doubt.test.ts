// After a crash, only what a dispatcher had handed to a connector is in doubt: the rest of its
// claim goes back to the outbox at once. A message in doubt waits for its receipt — matched by
// connector and handset, since its submit answer was never recorded — and is sent again only
// when none came within the grace. Rows and recipients claimed from chunks alike; money once.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { createDispatcher } from '../../src/modules/messages/dispatcher.ts';
import { createReceiptProcessor } from '../../src/modules/messages/receipts.ts';
import type { SubmitResult, Upstream } from '../../src/upstreams/upstream.ts';

/** A far end that never answers: the process "dies" with its submits on the wire. */
function silentFarEnd() {
  let submitted = 0;
  const upstream: Upstream = {
    kind: 'smpp',
    splitsLongText: false,
    start: async () => {},
    stop: async () => {},
    submit: () => {
      submitted++;
      return new Promise<SubmitResult>(() => {});
    },
    onReceipt: () => () => {},
    onInbound: () => () => {},
    stats: () => ({ state: 'bound', inFlight: 0, queued: 0, submitted, accepted: 0, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0 }),
  };
  return { upstream, submitted: () => submitted };
}

describe('messages in doubt after a crash', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof openSender>>;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'doubt', '10000000');
  });
  afterAll(() => t.close());

  const rowsOf = async (batchId: string) =>
    (await t.db.query<{ recipient: string; status: string; in_doubt_until: Date | null; connector_id: string | null; settled: boolean }>(
      'SELECT recipient, status, in_doubt_until, connector_id, settled FROM messages WHERE batch_id = $1 ORDER BY id', [batchId])).rows;

  /** A dispatcher of instance "one" that hands what it claims to a silent far end with window 1 (2 parts in flight). */
  async function crashMidRound(batchId: string, claimSize: number) {
    // what earlier tests left in the outbox waits: the round claims this test's messages only
    await t.db.query("UPDATE messages SET next_attempt_at = next_attempt_at + interval '1 day' WHERE status = 'queued' AND batch_id <> $1", [batchId]);
    const far = silentFarEnd();
    const dead = createDispatcher({ db: t.db, clock: t.clock, log, router: { candidates: () => [{ id: 'con_doubt', upstream: far.upstream, window: 1 }] }, settlement: t.services.engine.settlement, options: { instanceId: 'one', claimSize } });
    void dead.tick();
    await until('two submits on the wire', async () => far.submitted(), (n) => n === 2);
    // instance "one" starts again; its router is not ready, so it only recovers
    const again = createDispatcher({ db: t.db, clock: t.clock, log, router: { candidates: () => [], ready: () => false }, settlement: t.services.engine.settlement, options: { instanceId: 'one', inDoubtGraceMs: 30_000 } });
    await again.start();
    await again.stop();
    return again;
  }

  /** Receipts from the SMSC for submissions whose answers were never recorded. */
  async function receive(receipts: { handset: string; id: string; status?: 'delivered' | 'undelivered' }[]) {
    const processor = createReceiptProcessor({ db: t.db, clock: t.clock, log, settlement: t.services.engine.settlement });
    const acked = receipts.map((r) => processor.push('con_doubt', { upstreamId: r.id, status: r.status ?? 'delivered', handset: r.handset }));
    let all = false;
    void Promise.all(acked).then(() => (all = true));
    // a receipt is tried against messages in doubt once it has found no recorded submission for a second
    await until('receipts applied', async () => {
      t.clock.advance(300);
      await processor.flush();
      return all;
    }, (v) => v, 10_000);
  }

  it('keeps in doubt only what went out, settles it by its receipt, and sends the rest again at once', async () => {
    const to = Array.from({ length: 6 }, (_, i) => `0912555000${i}`);
    const sent = await t.api({ url: '/api/v1/messages', token: user.token, body: { to, text: 'in doubt', class: 'service' } });
    expect(sent.status).toBe(202);
    await crashMidRound(sent.body.batchId, 100);
    const rows = await rowsOf(sent.body.batchId);
    expect(rows.map((r) => r.status)).toEqual(['sending', 'sending', 'queued', 'queued', 'queued', 'queued']);
    expect(rows.slice(0, 2).every((r) => r.in_doubt_until !== null && r.connector_id === 'con_doubt')).toBe(true);
    // the SMSC got the first: its receipt (source address as the SMSC writes it) settles it
    await receive([{ handset: '989125550000', id: 'never-recorded-1' }]);
    const after = await rowsOf(sent.body.batchId);
    expect(after.map((r) => [r.status, r.settled])).toEqual([['delivered', true], ['sending', false], ['queued', false], ['queued', false], ['queued', false], ['queued', false]]);
    // the second never reached it: no receipt, sent again once the grace is over
    const recovery = createDispatcher({ db: t.db, clock: t.clock, log, router: { candidates: () => [], ready: () => true }, settlement: t.services.engine.settlement, options: { instanceId: 'two', inDoubtGraceMs: 30_000 } });
    // a process that has just become ready to send hears receipts for the whole grace first
    await recovery.housekeeping();
    expect((await rowsOf(sent.body.batchId)).map((r) => r.status)).toEqual(['delivered', 'sending', 'queued', 'queued', 'queued', 'queued']);
    t.clock.advance(31_000);
    await recovery.housekeeping();
    expect((await rowsOf(sent.body.batchId)).map((r) => r.status)).toEqual(['delivered', 'queued', 'queued', 'queued', 'queued', 'queued']);
  });

  it('settles a message of two parts in doubt once both parts have their receipts', async () => {
    const sent = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09125551000'], text: `two parts ${'y'.repeat(170)}`, class: 'service' } });
    expect(sent.body.parts).toBe(2);
    await crashMidRound(sent.body.batchId, 100);
    expect((await rowsOf(sent.body.batchId)).map((r) => r.status)).toEqual(['sending']);
    await receive([{ handset: '989125551000', id: 'p-1' }, { handset: '989125551000', id: 'p-1' }]);
    expect((await rowsOf(sent.body.batchId)).map((r) => r.status)).toEqual(['sending']);
    await receive([{ handset: '+989125551000', id: 'p-2' }]);
    expect((await rowsOf(sent.body.batchId)).map((r) => [r.status, r.settled])).toEqual([['delivered', true]]);
  });

  it('makes rows in doubt for recipients claimed from a chunk, and queued rows for the rest', async () => {
    const to = Array.from({ length: 1200 }, (_, i) => `0912556${String(i).padStart(4, '0')}`);
    const sent = await t.api({ url: '/api/v1/messages', token: user.token, body: { to, text: 'chunked', class: 'service' } });
    expect(sent.status).toBe(202);
    await crashMidRound(sent.body.batchId, 10);
    const rows = await rowsOf(sent.body.batchId);
    expect(rows.filter((r) => r.status === 'sending').map((r) => r.recipient)).toEqual(['+989125560000', '+989125560001']);
    expect(rows.filter((r) => r.status === 'queued')).toHaveLength(8);
    await receive([{ handset: '989125560001', id: 'c-1', status: 'undelivered' }]);
    expect((await rowsOf(sent.body.batchId)).filter((r) => r.settled).map((r) => [r.recipient, r.status])).toEqual([['+989125560001', 'undelivered']]);
  });
});
