// Delivery receipts arrive one by one from the connectors and are applied in bulk. A receipt can
// overtake the commit of its own submit (the SMSC answers faster than we write), so receipts that
// find no part yet are kept and tried again for a while: as soon as this process has recorded
// more sent messages, or after a pause (another process may have sent them).
import type { Logger } from 'pino';
import { unreachable, type Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { applyInHalves } from '../../lib/halves.ts';
import type { DeliveryReceipt } from '../../upstreams/upstream.ts';
import { messageRepo } from './repo.ts';
import { statusFromParts, type Finalised, type FinalUpdate, type Settlement } from './settlement.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import { noMessageMetrics, type MessageMetrics } from './metrics.ts';
import type { EnabledConnectors } from './dispatcher.ts';
import { AppError } from '../../lib/app-error.ts';

/** notBefore: the receipt settles only a submission recorded since then (its id was given lately, see answeredAgoMs). */
type Pending = { connectorId: string; upstreamId: string; handset: string | null; status: string; errorCode: string | null; notBefore: Date | null; firstSeen: number; done: () => void; fail: (err: unknown) => void };

/**
 * A receipt that has found no message for this long may be for a message in doubt (handed to
 * the connector before a crash, its submit answer never recorded). Not sooner: a receipt that
 * merely overtook the record of a live submission to the same handset finds it within this time.
 */
const IN_DOUBT_AFTER_MS = 1000;

/** The recipient as messages store it (E.164) from the handset as an SMSC writes it. */
function recipientOf(handset: string): string {
  const digits = handset.replace(/\D/g, '');
  return normaliseIranMobile(handset) ?? `+${digits.startsWith('00') ? digits.slice(2) : digits}`;
}

/**
 * Receipts that matched no recorded submission, tried against the messages in doubt on their
 * connector to their handset (oldest first): a single-part message is answered by one receipt; a
 * longer one counts a part per receipt with an id it has not had yet, and is answered when all
 * its parts are. Returns the receipts used and the messages to make final.
 */
async function settleInDoubt(repo: ReturnType<typeof messageRepo>, receipts: readonly Pending[], now: Date) {
  const used = new Set<Pending>();
  const updates: FinalUpdate[] = [];
  const keyed = receipts.map((p) => ({ p, recipient: recipientOf(p.handset!) }));
  const candidates = await repo.findInDoubt(keyed.map((k) => ({ connectorId: k.p.connectorId, recipient: k.recipient })));
  if (!candidates.length) return { used, updates };
  const byPair = new Map<string, typeof candidates>();
  for (const c of candidates) {
    const k = `${c.connectorId}\u0000${c.recipient}`;
    byPair.set(k, [...(byPair.get(k) ?? []), c]);
  }
  const parts: { id: bigint; connectorId: string; upstreamId: string; seq: number; status: string; errorCode: string | null }[] = [];
  for (const { p, recipient } of keyed) {
    const c = byPair.get(`${p.connectorId}\u0000${recipient}`)?.find((m) => m.partsDone < m.parts && !m.answered.includes(p.upstreamId));
    if (!c) continue;
    used.add(p);
    c.partsDone++;
    c.answered.push(p.upstreamId);
    c.statuses.push(p.status);
    c.errorCode ??= p.errorCode;
    if (c.parts > 1) parts.push({ id: c.id, connectorId: c.connectorId, upstreamId: p.upstreamId, seq: c.partsDone, status: p.status, errorCode: p.errorCode });
    if (c.partsDone >= c.parts) updates.push({ id: c.id, status: statusFromParts(c.statuses), errorCode: c.errorCode });
  }
  await repo.recordInDoubtParts(parts, now);
  return { used, updates };
}

const KEEP_UNMATCHED_MS = 60_000;

/**
 * A submission is recorded after its answer reached the connector; this much earlier than the
 * answer still counts (the answer's age is measured in the connector's thread, a little before
 * the receipt gets here). An older message with the same id was recorded before the SMSC gave
 * the id again — a restart or a wrap apart, far more than this.
 */
const ANSWER_SLACK_MS = 1_000;

/** Unmatched receipts are tried again at least this often (by the engine's clock) even when no sending was recorded here. */
const LATE_RETRY_MS = 250;

export function createReceiptProcessor(deps: { db: Db; clock: Clock; log: Logger; settlement: Settlement; flushMs?: number; metrics?: MessageMetrics; keepUnmatchedMs?: number; enabledConnectors?: EnabledConnectors; recordUnmatched?: (rows: { connectorId: string; count: number; lastUpstreamId: string }[], at: Date) => Promise<void> }) {
  const keepUnmatchedMs = deps.keepUnmatchedMs ?? KEEP_UNMATCHED_MS;
  const metrics = deps.metrics ?? noMessageMetrics;
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
      const notBefore = r.answeredAgoMs === undefined ? null : new Date(deps.clock.now().getTime() - r.answeredAgoMs - ANSWER_SLACK_MS);
      buffer.push({ connectorId, upstreamId: r.upstreamId, handset: r.handset ?? null, status, errorCode: r.errorCode ?? null, notBefore, firstSeen: Date.now(), done, fail });
      if (buffer.length >= 5000) void flush();
    });
  }

  const key = (connectorId: string, upstreamId: string) => `${connectorId}\u0000${upstreamId}`;

  /**
   * Applies the receipts in one transaction; answers those that found no message yet, those that
   * found none for too long (given up: answered, and counted once committed), what became final,
   * and those of connectors not enabled now (refused: their SMSC sends them again later).
   */
  async function apply(all: readonly Pending[], now: Date): Promise<{ unmatched: Pending[]; givenUp: Pending[]; finals: Finalised[]; refused: Pending[] }> {
    let unmatched: Pending[] = [];
    let givenUp: Pending[] = [];
    let finals: Finalised[] = [];
    let refused: Pending[] = [];
    await deps.db.transaction(async (tx) => {
      const repo = messageRepo(tx);
      // Delivered only through a connector enabled at this moment (see the dispatcher's recorder).
      let batch = all;
      if (deps.enabledConnectors) {
        const enabled = await deps.enabledConnectors(tx, [...new Set(all.map((p) => p.connectorId))]);
        refused = all.filter((p) => !enabled.has(p.connectorId));
        if (refused.length) batch = all.filter((p) => enabled.has(p.connectorId));
      }
      // single-part messages are answered by their one receipt in one statement; the rest are parts
      const singles = await repo.finaliseByReceipt(batch.map((p) => ({ ...p, final: statusFromParts([p.status]) })), now);
      // by key, not position: two copies of one receipt (a resend) are both answered
      const answered = new Set(singles.map((m) => key(batch[m.receipt].connectorId, batch[m.receipt].upstreamId)));
      const rest = batch.filter((p) => !answered.has(key(p.connectorId, p.upstreamId)));
      const { matched, complete } = await repo.applyPartReceipts(rest, now);
      const unmatchedYet = rest.filter((p) => !matched.has(key(p.connectorId, p.upstreamId)));
      const doubt = await settleInDoubt(repo, unmatchedYet.filter((p) => p.handset && Date.now() - p.firstSeen >= IN_DOUBT_AFTER_MS), now);
      const missed = doubt.used.size ? unmatchedYet.filter((p) => !doubt.used.has(p)) : unmatchedYet;
      unmatched = missed.filter((p) => Date.now() - p.firstSeen < keepUnmatchedMs);
      givenUp = missed.filter((p) => Date.now() - p.firstSeen >= keepUnmatchedMs);
      const updates = [...complete.map((c) => ({ id: c.id, status: statusFromParts(c.statuses), errorCode: c.error })), ...doubt.updates];
      finals = await deps.settlement.finalise(tx, updates, now, singles);
    });
    return { unmatched, givenUp, finals, refused };
  }

  /** Unmatched receipts given up, per connector: /metrics, the connector's page, the log. */
  async function countGivenUp(givenUp: readonly Pending[]) {
    const byConnector = new Map<string, { count: number; lastUpstreamId: string }>();
    for (const p of givenUp) byConnector.set(p.connectorId, { count: (byConnector.get(p.connectorId)?.count ?? 0) + 1, lastUpstreamId: p.upstreamId });
    for (const [connectorId, { count }] of byConnector) metrics.unmatchedReceipts(connectorId, count);
    if (byConnector.size && deps.recordUnmatched) {
      await deps.recordUnmatched([...byConnector].map(([connectorId, v]) => ({ connectorId, ...v })), deps.clock.now()).catch((err: unknown) => deps.log.warn({ err }, 'unmatched receipts not counted'));
    }
    // A receipt for no message we know: an id in a form we do not read, or a message of another system.
    for (const p of givenUp.slice(0, 20)) deps.log.warn({ connector: p.connectorId, upstreamId: p.upstreamId, status: p.status }, 'receipt matched no message and was given up');
    if (givenUp.length > 20) deps.log.warn({ more: givenUp.length - 20 }, 'more receipts matched no message');
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
    // the new ones (not those tried again) are timed from their parts' submits
    for (const p of buffer) metrics.receipt(p.connectorId, p.upstreamId, p.firstSeen);
    buffer = [];
    const now = deps.clock.now();
    // Receipts that cannot commit together are tried again in halves (lib/halves.ts): one that
    // cannot be applied fails alone. A failed receipt is not stored: its connector answers the
    // SMSC with a temporary error and it is sent again.
    let unmatched: Pending[] = [];
    const givenUp: Pending[] = [];
    const answered = new Set<string>();
    const refusedAll: Pending[] = [];
    const { failed, err } = await applyInHalves(batch, async (part) => {
      const applied = await apply(part, now);
      const waiting = new Set(applied.unmatched);
      const notHere = new Set(applied.refused);
      refusedAll.push(...applied.refused);
      for (const p of part) {
        if (waiting.has(p) || notHere.has(p)) continue;
        p.done();
        answered.add(key(p.connectorId, p.upstreamId));
      }
      unmatched.push(...waiting);
      givenUp.push(...applied.givenUp);
      deps.settlement.counted(applied.finals);
    }, unreachable);
    await countGivenUp(givenUp);
    if (failed.length) {
      deps.log.error({ err, receipts: failed.length, of: batch.length }, 'applying receipts failed');
      for (const p of failed) p.fail(err);
    }
    if (refusedAll.length) {
      deps.log.warn({ receipts: refusedAll.length, connectors: [...new Set(refusedAll.map((p) => p.connectorId))] }, 'receipts of a disabled connector refused');
      const refusal = new AppError('CONNECTOR_DISABLED');
      for (const p of refusedAll) p.fail(refusal);
    }
    // a copy of a receipt that another part of this flush applied (the SMSC sent it twice) is answered too
    if (answered.size && unmatched.length) {
      for (const p of unmatched) if (answered.has(key(p.connectorId, p.upstreamId))) p.done();
      unmatched = unmatched.filter((p) => !answered.has(key(p.connectorId, p.upstreamId)));
    }
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
