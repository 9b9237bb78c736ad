// Accepting a send: nothing is acknowledged until its messages and its credit reservations are
// committed together, in one transaction.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { analyseText, MAX_PARTS } from '../../lib/sms-parts.ts';
import { AppError } from '../../http/errors.ts';
import type { Account } from '../accounts/repo.ts';
import type { LineService } from '../lines/service.ts';
import type { UsableLine } from '../lines/repo.ts';
import { cellKey, type ChargingPort, type CountedCell } from './charging.ts';
import { parseRecipients, type RejectedRecipient } from './recipients.ts';
import type { ComplianceService, SendEvaluation } from '../compliance/service.ts';
import { messageRepo, type Batch, type MessageClass, type NewMessage } from './repo.ts';

export const DEFAULT_VALIDITY_MS = 24 * 3_600_000;
export const MAX_RECIPIENTS = 2_000_000;

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
};
export type SendMeta = { idempotencyKey?: string; source: Batch['source'] };
export type SendResult = { batchId: string; accepted: number; blacklisted: number; rejected: RejectedRecipient[]; parts: number; cost: bigint; status: Batch['status']; replayed: boolean };

/** What the accept path needs from compliance, called inside its transaction. */
export type CompliancePort = Pick<ComplianceService, 'evaluateSend' | 'enqueue'>;

type Prepared = {
  line: UsableLine;
  recipients: ReturnType<typeof parseRecipients>;
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
export type BlockedNumbers = (tx: Db, accountId: string, e164s: readonly string[]) => Promise<Set<string>>;

/** Package permissions (a package may withhold advertising, or reading what its lines receive). */
export type PermissionCheck = (db: Db, accountId: string, permission: 'send_advertising' | 'receive') => Promise<void>;

export function createAcceptService(deps: { db: Db; clock: Clock; lines: LineService; charging: ChargingPort; compliance: CompliancePort; blocked?: BlockedNumbers; permissions?: PermissionCheck }) {
  async function prepare(caller: Account, input: SendInput): Promise<Prepared> {
    if (!input.text.trim()) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'text' }] });
    if (input.to.length > MAX_RECIPIENTS) throw new AppError('TOO_MANY_RECIPIENTS', { max: MAX_RECIPIENTS });
    if (input.texts && input.texts.length !== input.to.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'texts', message: 'one text per recipient' }] });
    const line = await deps.lines.resolveSendLine(caller, input.from);
    return { line, recipients: parseRecipients(input.to, line.operators) };
  }

  /** Compliance first (it may append the opt-out footer), then parts and price cells from the final text. */
  async function evaluate(db: Db, caller: Account, input: SendInput, p: Prepared, at: Date): Promise<Priced> {
    if (input.class === 'advertising' && deps.permissions) await deps.permissions(db, caller.id, 'send_advertising');
    const evaluation = await deps.compliance.evaluateSend(db, {
      account: { id: caller.id, path: caller.path, kind: caller.kind },
      line: { id: p.line.id, lineType: p.line.lineType, isShared: p.line.isShared },
      messageClass: input.class,
      text: input.text,
      recipients: p.recipients.valid,
      now: at,
      extraBlocked: deps.blocked ? [...(await deps.blocked(db, caller.id, p.recipients.valid.map((r) => r.e164)))] : [],
    });
    if (evaluation.reject) throw new AppError(evaluation.reject.code, evaluation.reject.details);
    const text = analyseText(evaluation.text, { ref16: p.line.ref16 });
    // Peer-to-peer: compliance judged the template; a footer it appended goes on every text.
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
    p.recipients.valid.forEach((r, i) => {
      if (evaluation.perRecipient[i]) {
        cellIndex[i] = -1;
        blocked++;
        return;
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
    });
    return { text: evaluation.text, alphabet: text.alphabet, parts: maxParts, own: own && own.map((o) => ({ text: o.text, parts: o.parts })), evaluation, cells, cellIndex, blocked };
  }

  /** Parts and price before sending: the panel's live counter and POST /messages/quote. */
  async function quote(caller: Account, input: SendInput) {
    const p = await prepare(caller, input);
    const now = deps.clock.now();
    const at = input.sendAt && input.sendAt > now ? input.sendAt : now;
    const e = await evaluate(deps.db, caller, input, p, at);
    const priced = await deps.charging.quote(caller.id, e.cells);
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
      perOperator,
      levels: priced.levels,
      line: { id: p.line.id, number: p.line.number },
      heldUntil: e.evaluation.hold?.until ?? null,
      moderation: e.evaluation.moderation,
    };
  }

  async function send(caller: Account, input: SendInput, meta: SendMeta): Promise<SendResult> {
    const repo = messageRepo(deps.db);
    const replay = (prior: Batch): SendResult => ({ batchId: prior.id, accepted: prior.total, blacklisted: 0, rejected: [], parts: prior.parts, cost: prior.cost, status: prior.status, replayed: true });
    if (meta.idempotencyKey) {
      const prior = await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey);
      if (prior) return replay(prior);
    }
    const p = await prepare(caller, input);
    if (!p.recipients.valid.length) throw new AppError('NO_VALID_RECIPIENTS', { rejected: p.recipients.rejected.slice(0, 100) });
    const now = deps.clock.now();
    const sendAt = input.sendAt && input.sendAt.getTime() > now.getTime() ? input.sendAt : null;
    const batchId = newId('bat');
    const priority = input.class === 'otp' ? 1 : input.class === 'service' ? 3 : 5;

    const commit = () => deps.db.transaction(async (tx) => {
      const e = await evaluate(tx, caller, input, p, sendAt ?? now);
      const moderated = e.evaluation.moderation.length > 0;
      const held = moderated || e.evaluation.hold !== null;
      const status: Batch['status'] = held ? 'held' : sendAt ? 'scheduled' : 'queued';
      const readyAt = e.evaluation.hold?.until ?? sendAt ?? now;
      const reservation = await deps.charging.reserve(tx, { accountId: caller.id, idempotencyKey: `send:${batchId}`, cells: e.cells });
      const rows: NewMessage[] = new Array(p.recipients.valid.length);
      const messageStatus = held ? 'held' : sendAt ? 'scheduled' : 'queued';
      let sendable = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = p.recipients.valid[i];
        const c = e.cellIndex[i];
        const body = e.own ? e.own[i].text : null;
        const parts = e.own ? e.own[i].parts : e.parts;
        // Gradual sending: the k-th sendable message is ready k ÷ perMinute minutes after the start.
        const at = input.perMinute && c >= 0 ? new Date(readyAt.getTime() + Math.floor(sendable++ / input.perMinute) * 60_000) : undefined;
        rows[i] = c < 0
          ? { recipient: r.e164, operator: r.operator, status: 'blacklisted', parts, cost: 0n, body, errorCode: e.evaluation.perRecipient[i] }
          : { recipient: r.e164, operator: r.operator, status: messageStatus, parts, cost: reservation.unitPrices[c], body, readyAt: at };
      }
      const r = messageRepo(tx);
      await r.insertBatch({
        id: batchId, accountId: caller.id, accountPath: caller.path, lineId: p.line.id, messageClass: input.class, body: e.text,
        alphabet: e.alphabet, parts: e.parts, status, sendAt, total: rows.length, rejected: p.recipients.rejected.length,
        cost: reservation.total, reservationId: reservation.reservationId, idempotencyKey: meta.idempotencyKey ?? null, source: meta.source, priority,
        perMinute: input.perMinute ?? null, personalised: Boolean(e.own),
      });
      await r.insertMessages({ id: batchId, accountId: caller.id, priority, expiresAt: input.validUntil ?? new Date(readyAt.getTime() + DEFAULT_VALIDITY_MS), readyAt }, rows);
      if (moderated) {
        await deps.compliance.enqueue(tx, { batchId, account: { id: caller.id, path: caller.path }, reasons: e.evaluation.moderation, messageClass: input.class, body: e.text, recipients: rows.length - e.blocked });
      }
      return { status, cost: reservation.total, parts: e.parts, blocked: e.blocked };
    });
    let done: Awaited<ReturnType<typeof commit>>;
    try {
      done = await commit();
    } catch (err) {
      // Two requests raced with one Idempotency-Key: the loser answers with the winner's batch.
      const prior = meta.idempotencyKey && (err as { code?: string }).code === '23505' ? await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey) : null;
      if (!prior) throw err;
      return replay(prior);
    }
    return { batchId, accepted: p.recipients.valid.length - done.blocked, blacklisted: done.blocked, rejected: p.recipients.rejected, parts: done.parts, cost: done.cost, status: done.status, replayed: false };
  }

  return { quote, send };
}

export type AcceptService = ReturnType<typeof createAcceptService>;
