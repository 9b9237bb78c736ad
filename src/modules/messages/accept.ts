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
import { messageRepo, type Batch, type MessageClass, type NewMessage } from './repo.ts';

export const DEFAULT_VALIDITY_MS = 24 * 3_600_000;
export const MAX_RECIPIENTS = 2_000_000;

export type SendInput = { to: readonly string[]; text: string; class: MessageClass; from?: string; sendAt?: Date | null };
export type SendMeta = { idempotencyKey?: string; source: Batch['source'] };
export type SendResult = { batchId: string; accepted: number; rejected: RejectedRecipient[]; parts: number; cost: bigint; status: Batch['status']; replayed: boolean };

type Prepared = {
  line: UsableLine;
  alphabet: 'gsm7' | 'ucs2';
  parts: number;
  recipients: ReturnType<typeof parseRecipients>;
  cells: CountedCell[];
  cellOf: Map<string, number>;
};

export function createAcceptService(deps: { db: Db; clock: Clock; lines: LineService; charging: ChargingPort }) {
  async function prepare(caller: Account, input: SendInput): Promise<Prepared> {
    if (!input.text.trim()) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'text' }] });
    if (input.to.length > MAX_RECIPIENTS) throw new AppError('TOO_MANY_RECIPIENTS', { max: MAX_RECIPIENTS });
    const line = await deps.lines.resolveSendLine(caller, input.from);
    const text = analyseText(input.text, { ref16: line.ref16 });
    if (text.parts > MAX_PARTS) throw new AppError('TEXT_TOO_LONG', { parts: text.parts, max: MAX_PARTS });
    const recipients = parseRecipients(input.to, line.operators);
    const cells: CountedCell[] = [];
    const cellOf = new Map<string, number>();
    for (const r of recipients.valid) {
      const cell = { operator: r.operator, lineType: line.lineType, messageClass: input.class, alphabet: text.alphabet, parts: text.parts };
      const key = cellKey(cell);
      const i = cellOf.get(key);
      if (i === undefined) {
        cellOf.set(key, cells.length);
        cells.push({ ...cell, count: 1 });
      } else cells[i].count++;
    }
    return { line, alphabet: text.alphabet, parts: text.parts, recipients, cells, cellOf };
  }

  /** Parts and price before sending: the panel's live counter and POST /messages/quote. */
  async function quote(caller: Account, input: SendInput) {
    const p = await prepare(caller, input);
    const priced = await deps.charging.quote(caller.id, p.cells);
    const perOperator: Record<string, { count: number; cost: bigint }> = {};
    p.cells.forEach((c, i) => {
      const o = (perOperator[c.operator] ??= { count: 0, cost: 0n });
      o.count += c.count;
      o.cost += priced.unitPrices[i] * BigInt(c.count);
    });
    return {
      alphabet: p.alphabet,
      parts: p.parts,
      accepted: p.recipients.valid.length,
      rejected: p.recipients.rejected,
      duplicates: p.recipients.duplicates,
      cost: priced.total,
      perOperator,
      levels: priced.levels,
      line: { id: p.line.id, number: p.line.number },
    };
  }

  async function send(caller: Account, input: SendInput, meta: SendMeta): Promise<SendResult> {
    const repo = messageRepo(deps.db);
    if (meta.idempotencyKey) {
      const prior = await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey);
      if (prior) return { batchId: prior.id, accepted: prior.total, rejected: [], parts: prior.parts, cost: prior.cost, status: prior.status, replayed: true };
    }
    const p = await prepare(caller, input);
    if (!p.recipients.valid.length) throw new AppError('NO_VALID_RECIPIENTS', { rejected: p.recipients.rejected.slice(0, 100) });
    const now = deps.clock.now();
    const sendAt = input.sendAt && input.sendAt.getTime() > now.getTime() ? input.sendAt : null;
    const readyAt = sendAt ?? now;
    const batchId = newId('bat');
    const status: Batch['status'] = sendAt ? 'scheduled' : 'queued';
    const priority = input.class === 'otp' ? 1 : input.class === 'service' ? 3 : 5;

    const commit = () => deps.db.transaction(async (tx) => {
      const reservation = await deps.charging.reserve(tx, { accountId: caller.id, idempotencyKey: `send:${batchId}`, cells: p.cells });
      const rows: NewMessage[] = new Array(p.recipients.valid.length);
      const prices = p.cells.map((_, i) => reservation.unitPrices[i]);
      for (let i = 0; i < p.recipients.valid.length; i++) {
        const r = p.recipients.valid[i];
        const cell = p.cellOf.get(`${r.operator}|${p.line.lineType}|${input.class}|${p.alphabet}|${p.parts}`)!;
        rows[i] = { recipient: r.e164, operator: r.operator, status: sendAt ? 'scheduled' : 'queued', parts: p.parts, cost: prices[cell] };
      }
      const r = messageRepo(tx);
      await r.insertBatch({
        id: batchId, accountId: caller.id, accountPath: caller.path, lineId: p.line.id, messageClass: input.class, body: input.text,
        alphabet: p.alphabet, parts: p.parts, status, sendAt, total: rows.length, rejected: p.recipients.rejected.length,
        cost: reservation.total, reservationId: reservation.reservationId, idempotencyKey: meta.idempotencyKey ?? null, source: meta.source, priority,
      });
      await r.insertMessages({ id: batchId, accountId: caller.id, priority, expiresAt: new Date(readyAt.getTime() + DEFAULT_VALIDITY_MS), readyAt }, rows);
      return reservation.total;
    });
    let cost: bigint;
    try {
      cost = await commit();
    } catch (err) {
      // Two requests raced with one Idempotency-Key: the loser answers with the winner's batch.
      const prior = meta.idempotencyKey && (err as { code?: string }).code === '23505' ? await repo.findBatchByIdempotencyKey(caller.id, meta.idempotencyKey) : null;
      if (!prior) throw err;
      return { batchId: prior.id, accepted: prior.total, rejected: [], parts: prior.parts, cost: prior.cost, status: prior.status, replayed: true };
    }
    return { batchId, accepted: p.recipients.valid.length, rejected: p.recipients.rejected, parts: p.parts, cost, status, replayed: false };
  }

  return { quote, send };
}

export type AcceptService = ReturnType<typeof createAcceptService>;
