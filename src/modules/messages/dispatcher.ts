// The outbox worker: claims due messages in batches, routes each to a connector (with failover),
// submits its parts, and records the outcome in bulk. Any number of dispatchers may run against
// one database; a crash leaves claimed rows that go back to the outbox after the lease, or at once
// when the same instance starts again.
import type { Logger } from 'pino';
import { unreachable, type Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { applyInHalves } from '../../lib/halves.ts';
import { buildOutboundParts, type SubmitFailure } from '../../upstreams/upstream.ts';
import { messageRepo, type ClaimedMessage } from './repo.ts';
import type { Settlement, FinalUpdate, Finalised } from './settlement.ts';
import { noMessageMetrics, type CountedMessage, type MessageMetrics } from './metrics.ts';
import { createSubmitGates, type Held } from './submit-gate.ts';
import type { ConnectorRouter } from '../routing/types.ts';


/**
 * Of these connectors, those enabled in the database now, inside the recording transaction and
 * locked until it commits (routing's lockEnabled): only they may record a message as sent.
 */
export type EnabledConnectors = (tx: Db, ids: readonly string[]) => Promise<Set<string>>;

export type DispatcherOptions = {
  claimSize: number;
  idleMs: number;
  /**
   * How long a claim lasts without renewal. A live dispatcher renews the claims of a round still
   * in progress every third of it, so only a dead (or frozen) process's claims ever run out.
   */
  leaseMs: number;
  /**
   * This dispatcher's instance (CHAPAR_INSTANCE_ID): claims record it, and on start every claim
   * it left goes back to the outbox at once. Two live processes must never share one.
   */
  instanceId: string | null;
  maxAttempts: number;
  validitySeconds: number;
  /** Outcomes are recorded once this many are in, or this long after the first of them. */
  recordEvery: number;
  recordMs: number;
  /**
   * Rounds in progress at once: while one round's last parts wait for their answers, the next
   * round has claimed and is sending, so the connectors' windows never run dry between rounds.
   */
  lanes: number;
  /**
   * After a crash, a message that was handed to a connector and not recorded is in doubt: it
   * is sent again only this long after it was found so (CHAPAR_IN_DOUBT_GRACE_SECONDS), unless a
   * receipt for it arrives meanwhile and settles it.
   */
  inDoubtGraceMs: number;
};

const defaults: DispatcherOptions = { claimSize: 2000, idleMs: 100, leaseMs: 30_000, instanceId: null, maxAttempts: 8, validitySeconds: 86_400, recordEvery: 1000, recordMs: 20, lanes: 2, inDoubtGraceMs: 60_000 };

type Outcome = (
  | { kind: 'sent'; connectorId: string; parts: { upstreamId: string; seq: number }[] }
  | { kind: 'retry'; code: string }
  /** no bind here for its route: back to the outbox, the attempt not counted, for the holder */
  | { kind: 'elsewhere' }
  | { kind: 'failed'; code: string }
  | { kind: 'expired' }
  /** its place on the session it went to, given back once the outcome is recorded */
) & { held?: Held };

/** The row a recipient claimed from a chunk gets when its outcome is recorded. */
const chunkRow = (m: ClaimedMessage, chunkId: bigint, status: 'sent' | 'queued' | 'sending', partsSent = 0, connectorId: string | null = null, upstreamId: string | null = null, errorCode: string | null = null, nextAttemptAt: Date | null = null) =>
  ({ id: m.id, chunkId, recipient: m.recipient, status, partsSent, connectorId, upstreamId, errorCode, nextAttemptAt });

/** Exponential backoff: 2 s, 4 s, 8 s … capped at 5 minutes. */
export const backoffMs = (attempt: number) => Math.min(300_000, 1000 * 2 ** Math.min(attempt, 9));

/** A message routed to a connector another process holds is due again after this long. */
const ELSEWHERE_MS = 1000;

/** An expired message that could not be made final is tried again after this long. */
const STUCK_RETRY_MS = 10 * 60_000;

type SentRow = { id: bigint; connectorId: string; parts: { upstreamId: string; seq: number }[] };
type MadeRow = ReturnType<typeof chunkRow>;

function connectorsOf(sent: readonly SentRow[], made: readonly MadeRow[]): string[] {
  const ids = new Set(sent.map((s) => s.connectorId));
  for (const m of made) if (m.connectorId) ids.add(m.connectorId);
  return [...ids];
}

/** Moves the outcomes of connectors not enabled now from sent back to the outbox, due at `at`. */
function disabledBack(enabled: Set<string>, sent: SentRow[], made: MadeRow[], madeSent: SentRow[], retry: { id: bigint; at: Date; errorCode: string }[], at: Date) {
  for (let i = sent.length - 1; i >= 0; i--) {
    if (enabled.has(sent[i].connectorId)) continue;
    retry.push({ id: sent[i].id, at, errorCode: 'connector_disabled' });
    sent.splice(i, 1);
  }
  for (let i = 0; i < made.length; i++) {
    const m = made[i];
    if (m.status !== 'sent' || enabled.has(m.connectorId!)) continue;
    made[i] = { ...m, status: 'queued', partsSent: 0, connectorId: null, upstreamId: null, errorCode: 'connector_disabled', nextAttemptAt: at };
  }
  for (let i = madeSent.length - 1; i >= 0; i--) if (!enabled.has(madeSent[i].connectorId)) madeSent.splice(i, 1);
}

export function createDispatcher(deps: { db: Db; clock: Clock; log: Logger; router: ConnectorRouter; settlement: Settlement; options?: Partial<DispatcherOptions>; onSentRecorded?: () => void; metrics?: MessageMetrics; enabledConnectors?: EnabledConnectors }) {
  const opts = { ...defaults, ...deps.options };
  const metrics = deps.metrics ?? noMessageMetrics;
  const repo = messageRepo(deps.db);
  let running = false;
  let loop: Promise<void> | null = null;
  const wakes = new Set<() => void>();
  const wakeAll = () => {
    for (const w of [...wakes]) w();
  };
  let ref = Math.floor(Math.random() * 0xffff);
  // slices whose messages are all recorded, deleted with the next write
  let finishedSlices: bigint[] = [];
  const starvedRecorders = new Set<() => void>();
  const gates = createSubmitGates({
    mark: (connectorId, ids) => repo.markSubmitting(opts.instanceId, connectorId, ids, deps.clock.now()),
    finished: (slice) => finishedSlices.push(slice),
    starved: () => {
      for (const f of starvedRecorders) f();
    },
  });

  async function submitMessage(m: ClaimedMessage): Promise<Outcome> {
    if (m.expiresAt <= deps.clock.now()) return { kind: 'expired' };
    const routes = deps.router.candidates(m);
    if (!routes.length) return deps.router.heldElsewhere?.(m) ? { kind: 'elsewhere' } : { kind: 'retry', code: 'no_route' };
    let last: SubmitFailure | null = null;
    let lastHeld: Held | undefined;
    // The operator keeps trying for no longer than the message is still valid here.
    const validityPeriod = Math.max(60, Math.min(opts.validitySeconds, Math.floor((m.expiresAt.getTime() - deps.clock.now().getTime()) / 1000)));
    for (const route of routes) {
      const up = route.upstream;
      const parts = up.splitsLongText
        ? [buildOutboundParts({ from: m.lineNumber, to: m.recipient, text: m.body, validityPeriod }, { ref: 0, ref16: m.ref16, maxParts: 1000 })[0]]
        : buildOutboundParts({ from: m.lineNumber, to: m.recipient, text: m.body, validityPeriod }, { ref: (ref = (ref + 1) & 0xffff), ref16: m.ref16 });
      if (up.splitsLongText) parts[0] = { ...parts[0], text: m.body, concat: undefined };
      // on the wire only once a slice names it: a crash leaves in doubt only what went out
      const held = await gates.acquire(route, m.id, parts.length);
      const started = performance.now();
      const results = await Promise.all(parts.map((p) => up.submit(p)));
      const answered = performance.now();
      metrics.submitted(route.id, (answered - started) / 1000, results.flatMap((r) => (r.ok ? [r.upstreamId] : [])), Date.now());
      const failure = results.find((r): r is SubmitFailure => !r.ok);
      if (!failure) return { kind: 'sent', connectorId: route.id, parts: results.map((r, i) => ({ upstreamId: (r as { upstreamId: string }).upstreamId, seq: i + 1 })), held };
      last = failure;
      lastHeld = held;
      const nothingWentOut = results.every((r) => !r.ok && !r.maybeAccepted);
      // Only a connector that is down is skipped for the next one; a refusal of the message itself is final.
      const connectorDown = ['bind_lost', 'not_bound', 'stopped', 'auth_failed', 'queue_full', 'throttled', 'timeout'].includes(failure.code);
      if (!(connectorDown && nothingWentOut)) break;
      held.release();
      lastHeld = undefined;
    }
    const held = lastHeld;
    return last!.retryable ? { kind: 'retry', code: last!.code, held } : { kind: 'failed', code: last!.code, held };
  }

  /**
   * Records outcomes as they come back, a slice at a time, instead of once the whole claim has
   * been answered: the SMSC's receipts often arrive before the last part of a big claim is
   * answered, and a receipt finds its message only once its sending is recorded.
   */
  function createRecorder() {
    let pending: { m: ClaimedMessage; o: Outcome }[] = [];
    let timer: NodeJS.Timeout | null = null;
    let chain: Promise<void> = Promise.resolve();
    let failed: unknown = null;
    let writing = 0;

    async function write(slice: readonly { m: ClaimedMessage; o: Outcome }[]) {
      const sent: Parameters<typeof repo.markSent>[0] = [];
      const retry: { id: bigint; at: Date; errorCode: string; attemptBack?: boolean }[] = [];
      const final: FinalUpdate[] = [];
      // recipients claimed from a chunk have no row yet: it is made here, with the outcome
      const made: Parameters<typeof repo.recordFromChunks>[0] = [];
      const madeSent: Parameters<typeof repo.insertParts>[0] = [];
      const after = deps.clock.now();
      for (const { m, o } of slice) {
        const finalStatus = o.kind === 'expired' ? { status: 'expired' as const, errorCode: 'validity_passed' }
          : o.kind === 'failed' || (o.kind === 'retry' && m.attempts >= opts.maxAttempts) ? { status: 'failed' as const, errorCode: o.code }
          : null;
        if (finalStatus) final.push({ id: m.id, ...finalStatus, neverSent: true });
        const retryAt = o.kind === 'elsewhere' ? new Date(after.getTime() + ELSEWHERE_MS)
          : o.kind === 'retry' && !finalStatus ? new Date(after.getTime() + backoffMs(m.attempts)) : null;
        if (m.chunkId !== null) {
          if (o.kind === 'sent') {
            made.push(chunkRow(m, m.chunkId, 'sent', o.parts.length, o.connectorId, o.parts.length === 1 ? o.parts[0].upstreamId : null));
            if (o.parts.length > 1) madeSent.push({ id: m.id, connectorId: o.connectorId, parts: o.parts });
          } else if (retryAt) made.push(chunkRow(m, m.chunkId, 'queued', 0, null, null, o.kind === 'retry' ? o.code : 'held_elsewhere', retryAt));
          else made.push(chunkRow(m, m.chunkId, 'sending'));
          continue;
        }
        if (o.kind === 'sent') sent.push({ id: m.id, connectorId: o.connectorId, parts: o.parts });
        else if (o.kind === 'retry' && retryAt) retry.push({ id: m.id, at: retryAt, errorCode: o.code });
        else if (o.kind === 'elsewhere' && retryAt) retry.push({ id: m.id, at: retryAt, errorCode: 'held_elsewhere', attemptBack: true });
      }
      const submitted: CountedMessage[] = [];
      let finalised: Finalised[] = [];
      const drop = finishedSlices;
      finishedSlices = [];
      await deps.db.transaction(async (tx) => {
        const r = messageRepo(tx);
        await r.dropSlices(drop);
        // Sent only through a connector enabled at this moment (the first statement, so a change
        // to it waits for this commit): a process that has not yet followed a disable must not
        // record what its stale session accepted. Those messages go back to the outbox.
        if (deps.enabledConnectors) disabledBack(await deps.enabledConnectors(tx, connectorsOf(sent, made)), sent, made, madeSent, retry, new Date(after.getTime() + ELSEWHERE_MS));
        // a chunk recipient whose row exists already went back to the outbox after the lease:
        // that row is no longer this round's to change
        const inserted = await r.recordFromChunks(made, after);
        const lost = new Set(made.filter((m) => !inserted.has(m.id)).map((m) => m.id));
        await r.insertParts(lost.size ? madeSent.filter((m) => !lost.has(m.id)) : madeSent, after);
        await r.markSent(sent, after);
        await r.requeue(retry, after);
        const finals = lost.size ? final.filter((f) => !lost.has(f.id)) : final;
        finalised = finals.length ? await deps.settlement.finalise(tx, finals, after) : [];
        for (const { m, o } of slice) if (o.kind === 'sent' && !lost.has(m.id)) submitted.push({ accountId: m.accountId, connectorId: o.connectorId, operator: m.operator });
      }).catch((err: unknown) => {
        finishedSlices.push(...drop);
        throw err;
      });
      metrics.count('submitted', submitted);
      deps.settlement.counted(finalised);
      if (sent.length || made.some((m) => m.status === 'sent')) deps.onSentRecorded?.();
    }

    function flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!pending.length) return;
      const slice = pending;
      pending = [];
      // One write at a time, in order. A slice that cannot commit is written again in halves: an
      // outcome that cannot be recorded fails alone (its message stays claimed and goes back to
      // the outbox after the lease) instead of sending every other message of the slice again;
      // nor does it stop the later slices.
      writing++;
      chain = chain.then(async () => {
        const r = await applyInHalves(slice, write, unreachable);
        if (r.failed.length) failed ??= r.err;
      }).finally(() => {
        writing--;
        // the sessions' places come back once the outcomes are recorded
        for (const { o } of slice) o.held?.release();
        if (pending.length && gates.waiting() > 0 && !writing) flush();
      });
    }

    // messages wait for room on a session that this recorder's outcomes hold: write them now
    const starved = () => {
      if (!writing && pending.length) flush();
    };
    starvedRecorders.add(starved);

    return {
      add(m: ClaimedMessage, o: Outcome) {
        pending.push({ m, o });
        if (pending.length >= opts.recordEvery) flush();
        else timer ??= setTimeout(flush, opts.recordMs);
      },
      async done() {
        flush();
        await chain;
        starvedRecorders.delete(starved);
        if (failed) throw failed;
      },
    };
  }

  /**
   * A round under throttling (or waiting on a slow SMSC) can outlast the lease: every third of
   * it, the round's claims that are still in flight get a fresh claimed_at. A renewal that fails
   * is logged; the claims then run out as a dead process's would.
   */
  function renewWhileWorking(claimed: readonly ClaimedMessage[]) {
    const ids = claimed.filter((m) => m.chunkId === null).map((m) => m.id);
    const chunkIds = [...new Set(claimed.filter((m) => m.chunkId !== null).map((m) => m.chunkId!))];
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(() => deps.db.transaction((tx) => messageRepo(tx).renewClaims(ids, chunkIds, deps.clock.now(), gates.openSlices())))
        .catch((err: unknown) => deps.log.error({ err }, 'claims not renewed'));
    }, Math.max(100, Math.floor(opts.leaseMs / 3)));
    return {
      async stop() {
        clearInterval(timer);
        await renewing;
      },
    };
  }

  /** One claim-submit-record round; returns how many messages it handled. */
  async function tick(): Promise<number> {
    // a process without a bind while others hold them leaves the outbox to them
    if (deps.router.ready && !deps.router.ready()) return 0;
    const now = deps.clock.now();
    const claimed = await repo.claim(opts.claimSize, now, opts.instanceId);
    if (!claimed.length) return 0;
    const recorder = createRecorder();
    const renewal = renewWhileWorking(claimed);
    try {
      await Promise.all(claimed.map((m) => submitMessage(m)
        .catch((err: unknown) => {
          deps.log.error({ err, messageId: m.id.toString() }, 'submit failed unexpectedly');
          return { kind: 'retry', code: 'internal' } as Outcome;
        })
        .then((o) => recorder.add(m, o))));
      await recorder.done();
    } finally {
      await renewal.stop();
    }
    return claimed.length;
  }

  /** When this process was first ready to send (engine clock, ms). */
  let readySince: number | null = null;

  /** Expired messages that could not be made final, and when to try them again (engine clock, ms). */
  const stuckExpired = new Map<bigint, number>();

  async function housekeeping() {
    const now = deps.clock.now();
    await repo.releaseScheduled(now);
    await repo.releaseHeld(now);
    // Messages in doubt are sent again only once this process has been able to hear their
    // receipts for the whole grace: a restart that takes longer than the grace to bind must not
    // resend what the receipts waiting at the SMSC would have settled.
    if (deps.router.ready?.() ?? true) readySince ??= now.getTime();
    const hearing = readySince !== null && now.getTime() - readySince >= opts.inDoubtGraceMs;
    const stale = await repo.reclaimStale(new Date(now.getTime() - opts.leaseMs), now, null, opts.inDoubtGraceMs, hearing);
    if (stale) deps.log.warn({ stale }, 'reclaimed messages from an expired dispatcher lease');
    for (const [id, until] of stuckExpired) if (until <= now.getTime()) stuckExpired.delete(id);
    const expired = await repo.findExpired(now, 5000, [...stuckExpired.keys()]);
    // in halves when they cannot all be made final together: one that cannot must not keep the
    // others' money reserved; it is left alone for a while instead of being tried every second
    const r = await applyInHalves(expired, (part) => deps.db.transaction((tx) => deps.settlement.finalise(tx, part.map((e) => ({ id: e.id, status: 'expired' as const, errorCode: e.sent ? 'no_receipt' : 'validity_passed', neverSent: !e.sent })), now)).then((f) => deps.settlement.counted(f)), unreachable);
    if (r.failed.length) {
      deps.log.error({ err: r.err, messages: r.failed.length, of: expired.length }, 'expired messages could not be made final; tried again in 10 minutes');
      if (!unreachable(r.err)) for (const e of r.failed) stuckExpired.set(e.id, now.getTime() + STUCK_RETRY_MS);
    }
  }

  async function run(lane: number) {
    let lastHousekeeping = 0;
    while (running) {
      try {
        if (lane === 0 && Date.now() - lastHousekeeping > 1000) {
          lastHousekeeping = Date.now();
          await housekeeping();
        }
        const n = await tick();
        if (n === 0 && running) await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(t);
            wakes.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, opts.idleMs);
          wakes.add(wake);
        });
      } catch (err) {
        deps.log.error({ err }, 'dispatcher round failed');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    /**
     * On the embedded database the data-folder lock guarantees no other dispatcher exists, so
     * every claim left by an earlier life of this process goes straight back to the outbox. On
     * PostgreSQL other dispatchers may hold claims: this instance's own go back at once (it has
     * just started, so it works on none of them), other instances' stale ones after the lease.
     * (A chunk records only its last claimer: another instance's recipients claimed earlier from
     * the same chunk come back with it, and may be submitted twice, never charged twice.)
     */
    async start() {
      if (running) return;
      const now = deps.clock.now();
      const back = deps.db.kind === 'pglite' ? await repo.reclaimStale(new Date(now.getTime() + 1), now, null, opts.inDoubtGraceMs, false)
        : await repo.reclaimStale(new Date(now.getTime() - opts.leaseMs), now, opts.instanceId, opts.inDoubtGraceMs, false);
      if (back) deps.log.warn({ back, instance: opts.instanceId }, 'messages claimed before a restart are back in the outbox');
      const inDoubt = await repo.countInDoubt();
      if (inDoubt) deps.log.warn({ inDoubt, graceMs: opts.inDoubtGraceMs }, 'messages handed to a connector before a crash wait for their receipts before they are sent again');
      running = true;
      loop = Promise.all(Array.from({ length: opts.lanes }, (_, lane) => run(lane))).then(() => undefined);
    },
    /** Finishes the round in progress, then stops. */
    async stop() {
      running = false;
      wakeAll();
      await loop;
      await repo.dropSlices(finishedSlices.splice(0)).catch((err: unknown) => deps.log.warn({ err }, 'submit slices not dropped; the next reclaim drops them'));
    },
    /** Skip the idle wait: new work was just accepted. */
    nudge() {
      wakeAll();
    },
    tick,
    housekeeping,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
