// Delivery receipts arrive one by one from the connectors and are applied in bulk. A receipt can
// overtake the commit of its own submit (the SMSC answers faster than we write), so receipts that
// find no part yet are kept and tried again for a while: as soon as this process has recorded
// more sent messages, or after a pause (another process may have sent them).
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DeliveryReceipt } from '../../upstreams/upstream.ts';
import { messageRepo } from './repo.ts';
import { statusFromParts, type Settlement } from './settlement.ts';

type Pending = { connectorId: string; upstreamId: string; status: string; errorCode: string | null; firstSeen: number; done: () => void; fail: (err: unknown) => void };

const KEEP_UNMATCHED_MS = 60_000;

/** The database cannot be reached (PostgreSQL's connection errors, class 08, or the socket's). */
const unreachable = (err: unknown): boolean => {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
};
/** Unmatched receipts are tried again at least this often (by the engine's clock) even when no sending was recorded here. */
const LATE_RETRY_MS = 250;

export function createReceiptProcessor(deps: { db: Db; clock: Clock; log: Logger; settlement: Settlement; flushMs?: number }) {
  let buffer: Pending[] = [];
  let late: Pending[] = [];
  let lateTriedAt = 0;
  let sentSince = false;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;

  /** Resolves once the receipt is committed (or given up), so the connector can acknowledge it. */
  function push(connectorId: string, r: DeliveryReceipt): Promise<void> {
    // ENROUTE/ACCEPTD are progress, not an answer: the final receipt is still to come.
    if (r.status === 'accepted') return Promise.resolve();
    const status = r.status === 'unknown' ? 'undelivered' : r.status;
    return new Promise((done, fail) => {
      buffer.push({ connectorId, upstreamId: r.upstreamId, status, errorCode: r.errorCode ?? null, firstSeen: Date.now(), done, fail });
      if (buffer.length >= 5000) void flush();
    });
  }

  const key = (connectorId: string, upstreamId: string) => `${connectorId}\u0000${upstreamId}`;

  /** Applies the receipts in one transaction; answers those that found no message yet. */
  async function apply(batch: Pending[], now: Date): Promise<Pending[]> {
    let unmatched: Pending[] = [];
    await deps.db.transaction(async (tx) => {
      const repo = messageRepo(tx);
      // single-part messages are answered by their one receipt in one statement; the rest are parts
      const singles = await repo.finaliseByReceipt(batch.map((p) => ({ ...p, final: statusFromParts([p.status]) })), now);
      // by key, not position: two copies of one receipt (a resend) are both answered
      const answered = new Set(singles.map((m) => key(batch[m.receipt].connectorId, batch[m.receipt].upstreamId)));
      const rest = batch.filter((p) => !answered.has(key(p.connectorId, p.upstreamId)));
      const { matched, complete } = await repo.applyPartReceipts(rest, now);
      unmatched = rest.filter((p) => !matched.has(key(p.connectorId, p.upstreamId)) && Date.now() - p.firstSeen < KEEP_UNMATCHED_MS);
      const updates = complete.map((c) => ({ id: c.id, status: statusFromParts(c.statuses), errorCode: c.error }));
      await deps.settlement.finalise(tx, updates, now, singles);
    });
    return unmatched;
  }

  /**
   * Receipts that cannot commit together are tried again in halves, so one that cannot be applied
   * fails alone instead of holding back every receipt buffered with it (the SMSC would resend them
   * all, and they would fail together again). When the database itself is unreachable, all fail
   * at once. A failed receipt is not stored: its connector answers the SMSC with a temporary
   * error and it is sent again.
   */
  async function applyOrSplit(batch: Pending[], now: Date, failed: { count: number; err: unknown }): Promise<Pending[]> {
    let unmatched: Pending[];
    try {
      unmatched = await apply(batch, now);
    } catch (err) {
      if (batch.length === 1 || unreachable(err)) {
        failed.count += batch.length;
        failed.err ??= err;
        for (const p of batch) p.fail(err);
        return [];
      }
      const half = batch.length >> 1;
      return [...(await applyOrSplit(batch.slice(0, half), now, failed)), ...(await applyOrSplit(batch.slice(half), now, failed))];
    }
    const waiting = new Set(unmatched);
    for (const p of batch) if (!waiting.has(p)) p.done();
    return unmatched;
  }

  async function flushOnce() {
    const retryLate = late.length > 0 && (sentSince || deps.clock.now().getTime() - lateTriedAt >= LATE_RETRY_MS);
    if (!buffer.length && !retryLate) return;
    const batch = retryLate ? [...late, ...buffer] : buffer;
    if (retryLate) {
      late = [];
      sentSince = false;
      lateTriedAt = deps.clock.now().getTime();
    }
    buffer = [];
    const now = deps.clock.now();
    const failed = { count: 0, err: null as unknown };
    const unmatched = await applyOrSplit(batch, now, failed);
    if (failed.count) deps.log.error({ err: failed.err, receipts: failed.count, of: batch.length }, 'applying receipts failed');
    if (!late.length && unmatched.length) lateTriedAt = deps.clock.now().getTime();
    late.push(...unmatched);
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  return {
    push,
    flush,
    start() {
      timer ??= setInterval(() => void flush(), deps.flushMs ?? 50);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush();
    },
    /** This process has just recorded sent messages: receipts that overtook them can match now. */
    sentRecorded() {
      sentSince = true;
    },
    pending: () => buffer.length + late.length,
  };
}

export type ReceiptProcessor = ReturnType<typeof createReceiptProcessor>;
