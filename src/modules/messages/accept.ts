// Accepting a send: nothing is acknowledged until its messages and its credit reservations are
// committed together, in one transaction.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import { readMemo } from '../../db/read-memo.ts';
import type { Clock } from '../../lib/clock.ts';
import { createGroupCommit } from '../../lib/group-commit.ts';
import { newId } from '../../lib/ids.ts';
import { createSlicer } from '../../lib/turns.ts';
import { analyseText, MAX_PARTS } from '../../lib/sms-parts.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { LineService } from '../lines/service.ts';
import type { UsableLine } from '../lines/types.ts';
import { type ChargingPort, type CountedCell, type Reserved } from './charging.ts';
import { parseRecipients, type RejectedRecipient } from './recipients.ts';
import type { ComplianceService, SendEvaluation } from '../compliance/service.ts';
import { messageRepo, type Batch, type KeyedBatch, type NewMessage, type RecipientGroup } from './repo.ts';
import type { MessageClass } from './types.ts';
import { noMessageMetrics, type MessageMetrics } from './metrics.ts';

export const DEFAULT_VALIDITY_MS = 24 * 3_600_000;
export const MAX_RECIPIENTS = 2_000_000;
/** Sends up to this many recipients are committed in groups; bigger ones alone. */
export const GROUP_MAX_RECIPIENTS = 1_000;
/** An immediate, uniform send to at least this many recipients is stored as recipient chunks (message_chunks), not a row each. */
export const CHUNKED_MIN_RECIPIENTS = 1_000;
/** At most this many sends in one group transaction. */
export const GROUP_MAX_SENDS = 256;

export type SendInput = {
  to: readonly string[];
  /** The text, or for a peer-to-peer send the template the per-recipient texts were made from. */
  text: string;
  class: MessageClass;
  from?: string;
  sendAt?: Date | null;
  /** The end of the messages' validity (SMPP validity_period); default DEFAULT_VALIDITY_MS after they are ready. */
  validUntil?: Date | null;
  /** Peer-to-peer: each recipient's own text, aligned with `to`. */
  texts?: readonly string[];
  /** Gradual sending: at most this many messages a minute. */
  perMinute?: number;
  /** A send whose every recipient is blacklisted or opted out is still accepted — uncharged, each
   * recipient final as `blacklisted` — instead of refused with RECIPIENTS_BLACKLISTED: over SMPP a
   * recipient-level refusal is the REJECTD receipt clients expect from an SMSC. */
  acceptBlocked?: boolean;
};
/** A thrown value as an Error, so a caller's promise is never resolved with it by mistake. */
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** The answer to a send whose Idempotency-Key a batch already holds: that batch. (The numbers it
 * rejected as invalid are not kept, only their count: `rejected` is empty.) */
const replayOf = (prior: KeyedBatch): SendResult => ({
  batchId: prior.id, accepted: prior.total - prior.blacklisted, blacklisted: prior.blacklisted, rejected: [], parts: prior.parts, cost: prior.cost, status: prior.status, replayed: true,
});

/**
 * Rows of the calling module that commit with the send, in its transaction, or not at all (a send
 * refused or answered from an earlier batch writes none). The sends of a group that share one
 * `write` are written with one call, their rows concatenated in order.
 */
export type WithSend = { rows: readonly unknown[]; write(tx: Db, rows: readonly unknown[]): Promise<void> };

/** secret: the text is a code or a password (system SMS), emptied once done (in production at once; elsewhere by the hourly purge). */
export type SendMeta = { idempotencyKey?: string; source: Batch['source']; secret?: { redactWhenDone: boolean }; withSend?: WithSend };

/** Each writer once, with the rows of every send that carries it. */
async function writeWithSends(tx: Db, metas: readonly SendMeta[]): Promise<void> {
  const byWriter = new Map<WithSend['write'], unknown[]>();
  for (const m of metas) {
    if (!m.withSend) continue;
    const rows = byWriter.get(m.withSend.write);
    if (rows) rows.push(...m.withSend.rows);
    else byWriter.set(m.withSend.write, [...m.withSend.rows]);
  }
  for (const [write, rows] of byWriter) await write(tx, rows);
}
export type SendResult = { batchId: string; accepted: number; blacklisted: number; rejected: RejectedRecipient[]; parts: number; cost: bigint; status: Batch['status']; replayed: boolean };

/** What the accept path needs from compliance, called inside its transaction. */
export type CompliancePort = Pick<ComplianceService, 'evaluateSend' | 'enqueue'>;

type Prepared = {
  line: UsableLine;
  recipients: Awaited<ReturnType<typeof parseRecipients>>;
};

type Priced = {
  text: string;
  alphabet: 'gsm7' | 'ucs2';
  /** the most parts of any message (all of them, unless peer-to-peer) */
  parts: number;
  /** peer-to-peer: each valid recipient's final text and parts */
  own: { text: string; parts: number }[] | null;
  evaluation: SendEvaluation;
  cells: CountedCell[];
  /** index into cells for each valid recipient, or -1 when compliance blocked it */
  cellIndex: Int32Array;
  blocked: number;
};

/** Numbers the sender's own contacts say not to send to (phonebook flags), looked up in tx. */
export type BlockedNumbers = (tx: Db, accountId: string, recipients: readonly { e164: string }[]) => Promise<Set<string>>;

/** Package permissions (a package may withhold advertising, or reading what its lines receive). */
export type PermissionCheck = (db: Db, accountId: string, permission: 'send_advertising' | 'receive') => Promise<void>;

export function createAcceptService(deps: { db: Db; clock: Clock; lines: LineService; charging: ChargingPort; compliance: CompliancePort; blocked?: BlockedNumbers; permissions?: PermissionCheck; log?: Logger; metrics?: MessageMetrics }) {
  const metrics = deps.metrics ?? noMessageMetrics;
  async function prepare(caller: Account, input: SendInput, db: Db = deps.db): Promise<Prepared> {
    if (!input.text.trim()) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'text' }] });
    if (input.to.length > MAX_RECIPIENTS) throw new AppError('TOO_MANY_RECIPIENTS', { max: MAX_RECIPIENTS });
    if (input.texts && input.texts.length !== input.to.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'texts', message: 'one text per recipient' }] });
    const line = await deps.lines.resolveSendLine(caller, input.from, db);
    return { line, recipients: await parseRecipients(input.to, line.operators) };
  }

  /** Compliance first (it may append the opt-out footer), then parts and price cells from the final text. */
  async function evaluate(db: Db, caller: Account, input: SendInput, p: Prepared, at: Date): Promise<Priced> {
    if (input.class === 'advertising' && deps.permissions) await deps.permissions(db, caller.id, 'send_advertising');
    const evaluation = await deps.compliance.evaluateSend(db, {
      account: { id: caller.id, path: caller.path, kind: caller.kind },
      line: { id: p.line.id, lineType: p.line.lineType, isShared: p.line.isShared },
      messageClass: input.class,
      text: input.text,
      texts: input.texts && p.recipients.valid.map((r) => input.texts![r.index]),
      recipients: p.recipients.valid,
      now: at,
      extraBlocked: deps.blocked ? [...(await deps.blocked(db, caller.id, p.recipients.valid))] : [],
    });
    if (evaluation.reject && !(input.acceptBlocked && evaluation.reject.code === 'RECIPIENTS_BLACKLISTED')) throw new AppError(evaluation.reject.code, evaluation.reject.details);
    const text = analyseText(evaluation.text, { ref16: p.line.ref16 });
    // Peer-to-peer: compliance judged the template and every text; a footer it appended goes on every text.
    const footer = evaluation.text.startsWith(input.text) ? evaluation.text.slice(input.text.length) : '';
    const own = input.texts
      ? p.recipients.valid.map((r) => {
          const t = `${input.texts![r.index]}${footer}`;
          const a = analyseText(t, { ref16: p.line.ref16 });
          return { text: t, parts: a.parts, alphabet: a.alphabet };
        })
      : null;
    const maxParts = own ? own.reduce((m, o) => Math.max(m, o.parts), 0) : text.parts;
    if (maxParts > MAX_PARTS) throw new AppError('TEXT_TOO_LONG', { parts: maxParts, max: MAX_PARTS });
    const cells: CountedCell[] = [];
    const byCell = new Map<string, number>();
    const cellIndex = new Int32Array(p.recipients.valid.length);
    let blocked = 0;
    // A million recipients take ~0.1 s here: other requests are answered between slices.
    const slicer = createSlicer();
    for (let i = 0; i < p.recipients.valid.length; i++) {
      if (slicer.due()) await slicer.pause();
      const r = p.recipients.valid[i];
      if (evaluation.perRecipient[i]) {
        cellIndex[i] = -1;
        blocked++;
        continue;
      }
      const parts = own ? own[i].parts : text.parts;
      const alphabet = own ? own[i].alphabet : text.alphabet;
      const key = `${r.operator}|${parts}|${alphabet}`;
      let c = byCell.get(key);
      if (c === undefined) {
        c = cells.length;
        byCell.set(key, c);
        cells.push({ operator: r.operator, lineType: p.line.lineType, messageClass: input.class, alphabet, parts, count: 0 });
      }
      cells[c].count++;
      cellIndex[i] = c;
    }
    return { text: evaluation.text, alphabet: text.alphabet, parts: maxParts, own: own && own.map((o) => ({ text: o.text, parts: o.parts })), evaluation, cells, cellIndex, blocked };
  }

  /** Parts and price before sending: the panel's live counter and POST /messages/quote. */
  async function quote(caller: Account, input: SendInput) {
    const p = await prepare(caller, input);
    const now = deps.clock.now();
    const at = input.sendAt && input.sendAt > now ? input.sendAt : now;
    const e = await evaluate(deps.db, caller, input, p, at);
    const priced = await deps.charging.quote(caller.id, e.cells);
    // What the sender's own credit lacks (an agency above it that is short is told at the send).
    const wallet = caller.kind === 'platform' ? null : await deps.charging.getWallet?.(scopeOf(caller));
    const available = wallet ? wallet.balance + wallet.creditLimit : null;
    const shortBy = available !== null && priced.total > available ? priced.total - available : 0n;
    const perOperator: Record<string, { count: number; cost: bigint }> = {};
    e.cells.forEach((c, i) => {
      const o = (perOperator[c.operator] ??= { count: 0, cost: 0n });
      o.count += c.count;
      o.cost += priced.unitPrices[i] * BigInt(c.count);
    });
    return {
      alphabet: e.alphabet,
      parts: e.parts,
      text: e.text,
      accepted: p.recipients.valid.length - e.blocked,
      blacklisted: e.blocked,
      rejected: p.recipients.rejected,
      duplicates: p.recipients.duplicates,
      cost: priced.total,
      shortBy,
      perOperator,
      levels: priced.levels,
      line: { id: p.line.id, number: p.line.number },
      heldUntil: e.evaluation.hold?.until ?? null,
      moderation: e.evaluation.moderation,
    };
  }

  type Job = { caller: Account; input: SendInput; meta: SendMeta; batchId: string; now: Date; sendAt: Date | null };
  type PerOperator = Record<string, { accepted: number; blacklisted: number }>;
  type Composed = { batch: Omit<Batch, 'createdAt'>; messages: Parameters<ReturnType<typeof messageRepo>['insertMessagesOfBatches']>[0][number]; chunks: RecipientGroup[]; e: Priced; moderated: boolean; perOperator: PerOperator };

  /**
   * The batch row and its message rows of an evaluated, reserved send. With `chunked`, a big send
   * that goes out now with one text keeps its sendable recipients in groups by price (stored as
   * chunks) and only its blacklisted ones as rows.
   */
  async function compose(j: Job, p: Prepared, e: Priced, reservation: Reserved, chunked = false): Promise<Composed> {
    const { input, caller } = j;
    const moderated = e.evaluation.moderation.length > 0;
    const held = moderated || e.evaluation.hold !== null;
    const status: Batch['status'] = held ? 'held' : j.sendAt ? 'scheduled' : 'queued';
    const readyAt = e.evaluation.hold?.until ?? j.sendAt ?? j.now;
    const total = p.recipients.valid.length;
    const asChunks = chunked && status === 'queued' && !e.own && !input.perMinute && total - e.blocked >= CHUNKED_MIN_RECIPIENTS;
    const groups = new Map<string, RecipientGroup>();
    const rows: NewMessage[] = [];
    let sendable = 0;
    // for /metrics, once committed
    const perOperator: PerOperator = {};
    const slicer = createSlicer();
    for (let i = 0; i < total; i++) {
      if (slicer.due()) await slicer.pause();
      const r = p.recipients.valid[i];
      const c = e.cellIndex[i];
      const tally = (perOperator[r.operator] ??= { accepted: 0, blacklisted: 0 });
      if (c >= 0) tally.accepted++;
      else tally.blacklisted++;
      if (asChunks && c >= 0) {
        const key = `${c}\u0000${r.operator}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { operator: r.operator, parts: e.parts, cost: reservation.unitPrices[c], recipients: [] }));
        g.recipients.push(r.e164);
        continue;
      }
      const body = e.own ? e.own[i].text : null;
      const parts = e.own ? e.own[i].parts : e.parts;
      // Gradual sending: the k-th sendable message is ready k ÷ perMinute minutes after the start.
      const at = input.perMinute && c >= 0 ? new Date(readyAt.getTime() + Math.floor(sendable++ / input.perMinute) * 60_000) : undefined;
      rows.push(c < 0
        ? { recipient: r.e164, operator: r.operator, status: 'blacklisted', parts, cost: 0n, body, errorCode: e.evaluation.perRecipient[i] }
        : { recipient: r.e164, operator: r.operator, status, parts, cost: reservation.unitPrices[c], body, readyAt: at });
    }
    const priority = input.class === 'otp' ? 1 : input.class === 'service' ? 3 : 5;
    return {
      e,
      moderated,
      batch: {
        id: j.batchId, accountId: caller.id, accountPath: caller.path, lineId: p.line.id, lineType: p.line.lineType, messageClass: input.class, body: e.text,
        alphabet: e.alphabet, parts: e.parts, status, sendAt: j.sendAt, total, rejected: p.recipients.rejected.length,
        cost: reservation.total, reservationId: reservation.reservationId, idempotencyKey: j.meta.idempotencyKey ?? null, source: j.meta.source, priority,
        perMinute: input.perMinute ?? null, personalised: Boolean(e.own), secret: Boolean(j.meta.secret), redactWhenDone: j.meta.secret?.redactWhenDone ?? false,
      },
      messages: { batch: { id: j.batchId, accountId: caller.id, priority, expiresAt: input.validUntil ?? new Date(readyAt.getTime() + DEFAULT_VALIDITY_MS), readyAt }, rows },
      chunks: [...groups.values()],
      perOperator,
    };
  }

  /** Every recipient final at accept (blacklisted: acceptBlocked): the batch is done as it is stored. */
  const nothingToSend = (c: Composed) => c.batch.total === c.e.blocked;

  async function moderate(tx: Db, j: Job, c: Composed) {
    if (!c.moderated) return;
    await deps.compliance.enqueue(tx, { batchId: j.batchId, account: { id: j.caller.id, path: j.caller.path }, reasons: c.e.evaluation.moderation, matched: c.e.evaluation.matched, messageClass: j.input.class, body: c.e.text, recipients: c.batch.total - c.e.blocked });
  }

  const answer = (j: Job, p: Prepared, c: Composed): SendResult => ({
    batchId: j.batchId, accepted: p.recipients.valid.length - c.e.blocked, blacklisted: c.e.blocked, rejected: p.recipients.rejected, parts: c.e.parts, cost: c.batch.cost, status: c.batch.status, replayed: false,
  });

  async function prepareSendable(caller: Account, input: SendInput, db: Db = deps.db): Promise<Prepared> {
    const p = await prepare(caller, input, db);
    if (!p.recipients.valid.length) throw new AppError('NO_VALID_RECIPIENTS', { rejected: p.recipients.rejected.slice(0, 100) });
    return p;
  }

  // Low-credit alerts are rows written with the reservation; they are sent once it has committed
  // (before that, another connection's claim would not see them).
  const deliverAlerts = () => void deps.charging.deliverLowCreditAlerts?.().catch((err: unknown) => deps.log?.warn({ err }, 'low-credit alerts not delivered'));

  /** One send in its own transaction (big sends, and any send of a group that could not commit). */
  async function commitAlone(j: Job): Promise<SendResult> {
    const p = await prepareSendable(j.caller, j.input);
    let alerts = false;
    let counts: PerOperator = {};
    const result = await deps.db.transaction(async (tx) => {
      const e = await evaluate(tx, j.caller, j.input, p, j.sendAt ?? j.now);
      const reservation = await deps.charging.reserve(tx, { accountId: j.caller.id, idempotencyKey: `send:${j.batchId}`, cells: e.cells });
      alerts = Boolean(reservation.lowCredit);
      const c = await compose(j, p, e, reservation, true);
      const r = messageRepo(tx);
      await r.insertBatch(c.batch);
      await r.insertMessages(c.messages.batch, c.messages.rows);
      await r.insertChunks(c.messages.batch, c.chunks);
      await moderate(tx, j, c);
      if (nothingToSend(c)) await r.markBatchesDone([c.batch.id], j.now);
      await writeWithSends(tx, [j.meta]);
      counts = c.perOperator;
      return answer(j, p, c);
    });
    metrics.accepted(j.caller, counts);
    if (alerts) deliverAlerts();
    return result;
  }

  /**
   * Group commit: the small sends that arrived while the previous group was committing go into
   * one transaction, each account's prices and every wallet read once and every table written in
   * one statement, instead of a transaction of ~20 statements per send. Each send still gets its
   * own batch, reservation and ledger transaction, and its own answer or error; if the group
   * cannot commit as a whole, each of its sends is committed alone, so a bad send costs the others
   * only time.
   */
  async function commitGroup(jobs: Job[]): Promise<Array<SendResult | Error>> {
    // A send whose Idempotency-Key an earlier batch holds answers with that batch; one whose key
    // another send of this group holds is committed alone after the group (and then answers with
    // the holder's batch): in the group its duplicate key would undo everyone's transaction.
    const later = new Set<number>();
    let alerts = false;
    let committed: { caller: Account; perOperator: PerOperator }[] = [];
    const out = await deps.db.transaction(async (tx) => {
      const results: Array<SendResult | Error | null> = jobs.map(() => null);
      const keyed = jobs.map((j, i) => ({ i, key: j.meta.idempotencyKey ? `${j.caller.id}\u0000${j.meta.idempotencyKey}` : null })).filter((k) => k.key);
      if (keyed.length) {
        const held = await messageRepo(tx).findBatchesByIdempotencyKeys(keyed.map(({ i }) => ({ accountId: jobs[i].caller.id, key: jobs[i].meta.idempotencyKey! })));
        const seen = new Set<string>();
        for (const { i, key } of keyed) {
          const prior = held.get(key!);
          if (prior) results[i] = replayOf(prior);
          else if (seen.has(key!)) later.add(i);
          seen.add(key!);
        }
      }
      const evaluated: { i: number; p: Prepared; e: Priced }[] = [];
      // Evaluating only reads: each account's policy, words, KYC state and lists once per group.
      const reads = readMemo(tx);
      for (let i = 0; i < jobs.length; i++) {
        const j = jobs[i];
        if (later.has(i) || results[i]) continue;
        try {
          const p = await prepareSendable(j.caller, j.input, reads);
          evaluated.push({ i, p, e: await evaluate(reads, j.caller, j.input, p, j.sendAt ?? j.now) });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          results[i] = err;
        }
      }
      const reserved = await deps.charging.reserveMany(tx, evaluated.map(({ i, e }) => ({ accountId: jobs[i].caller.id, idempotencyKey: `send:${jobs[i].batchId}`, cells: e.cells })));
      const composed: { i: number; p: Prepared; c: Composed }[] = [];
      for (const [k, { i, p, e }] of evaluated.entries()) {
        const r = reserved[k];
        if (r instanceof Error) results[i] = r;
        else {
          alerts ||= Boolean(r.lowCredit);
          composed.push({ i, p, c: await compose(jobs[i], p, e, r) });
        }
      }
      if (composed.length) {
        const repo = messageRepo(tx);
        await repo.insertBatches(composed.map(({ c }) => c.batch));
        await repo.insertMessagesOfBatches(composed.map(({ c }) => c.messages));
        for (const { i, c } of composed) await moderate(tx, jobs[i], c);
        await repo.markBatchesDone(composed.filter(({ c }) => nothingToSend(c)).map(({ c }) => c.batch.id), jobs[0].now);
        await writeWithSends(tx, composed.map(({ i }) => jobs[i].meta));
      }
      for (const { i, p, c } of composed) results[i] = answer(jobs[i], p, c);
      committed = composed.map(({ i, c }) => ({ caller: jobs[i].caller, perOperator: c.perOperator }));
      return results;
    }).catch((err: unknown) => {
      // Each send is then committed alone: a failure that is one send's is answered to that
      // send only, one that is everyone's (the database is down) to everyone.
      fallbacks++;
      metrics.groupFellBack();
      deps.log?.warn({ err, sends: jobs.length }, 'a group of sends could not commit together; committing them one by one');
      return null;
    });
    if (!out) return Promise.all(jobs.map((j) => commitAlone(j).catch((err: unknown) => asError(err))));
    metrics.groupCommitted(jobs.length);
    for (const s of committed) metrics.accepted(s.caller, s.perOperator);
    if (alerts) deliverAlerts();
    return Promise.all(out.map((r, i) => (r === null ? commitAlone(jobs[i]).catch((err: unknown) => asError(err)) : r)));
  }

  let fallbacks = 0;
  const group = createGroupCommit<Job, SendResult>(commitGroup, { maxGroup: GROUP_MAX_SENDS });
  /** Groups committed, sends in them, the largest group, and groups that had to be committed send by send. */
  const groupStats = () => ({ ...group.stats(), fallbacks });

  async function send(caller: Account, input: SendInput, meta: SendMeta): Promise<SendResult> {
    const repo = messageRepo(deps.db);
    const grouped = input.to.length <= GROUP_MAX_RECIPIENTS;
    // A group looks up its sends' keys in one query; a big send looks up its own.
    if (meta.idempotencyKey && !grouped) {
      const prior = await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey);
      if (prior) return replayOf(prior);
    }
    const now = deps.clock.now();
    const sendAt = input.sendAt && input.sendAt.getTime() > now.getTime() ? input.sendAt : null;
    const job: Job = { caller, input, meta, batchId: newId('bat'), now, sendAt };
    try {
      return grouped ? await group.submit(job) : await commitAlone(job);
    } catch (err) {
      // Two requests raced with one Idempotency-Key: the loser answers with the winner's batch.
      const prior = meta.idempotencyKey && (err as { code?: string }).code === '23505' ? await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey) : null;
      if (!prior) throw err;
      return replayOf(prior);
    }
  }

  return { quote, send, groupStats };
}

export type AcceptService = ReturnType<typeof createAcceptService>;
