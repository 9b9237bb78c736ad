// Inbound messages (MO): long ones are reassembled from their parts, then each lands in the inbox
// of the line's owner and is handed to the listeners (webhooks, forwarding, opt-out keywords).
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import { toDate, toBigInt } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import type { InboundPart } from '../../upstreams/upstream.ts';
import type { Scope } from '../accounts/scope.ts';
import { lineRepo } from '../lines/repo.ts';

export type InboxMessage = {
  id: string;
  lineId: string | null;
  accountId: string | null;
  sender: string;
  recipient: string;
  body: string;
  parts: number;
  cost: bigint;
  receivedAt: Date;
};

export const REASSEMBLY_TIMEOUT_MS = 10 * 60_000;

const toInbox = (r: Record<string, unknown>): InboxMessage => ({
  id: r.id as string,
  lineId: (r.line_id as string) ?? null,
  accountId: (r.account_id as string) ?? null,
  sender: r.sender as string,
  recipient: r.recipient as string,
  body: r.body as string,
  parts: Number(r.parts),
  cost: toBigInt(r.cost),
  receivedAt: toDate(r.received_at)!,
});

/** The reader's package must allow receiving (packages.check: PERMISSION_DENIED otherwise). */
export type ReceivePermission = (db: Db, accountId: string, permission: 'receive') => Promise<void>;

export function createInboxService(deps: { db: Db; clock: Clock; log: Logger; chargeReceive?: (tx: Db, accountId: string, reference: string) => Promise<bigint | null>; permissions?: ReceivePermission }) {
  /** `later` runs a step after the delivering transaction commits (a reply SMS opens its own). */
  type Listener = (m: InboxMessage, tx: Db, later: (step: () => Promise<void>) => void) => Promise<void>;
  const listeners: Listener[] = [];

  /** Stores a part; when its siblings are all there, returns the whole text in order. */
  async function reassemble(tx: Db, part: InboundPart & { concat: NonNullable<InboundPart['concat']> }): Promise<string | null> {
    const { ref, total, seq } = part.concat;
    await tx.query(
      `INSERT INTO inbound_fragments (sender, recipient, ref, total, seq, body, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
       ON CONFLICT DO NOTHING`,
      [part.from, part.to, ref, total, seq, part.text, deps.clock.now()],
    );
    const { rows } = await tx.query(
      'SELECT seq, body FROM inbound_fragments WHERE sender = $1 AND recipient = $2 AND ref = $3 AND total = $4 ORDER BY seq FOR UPDATE',
      [part.from, part.to, ref, total],
    );
    if (rows.length < total) return null;
    await tx.query('DELETE FROM inbound_fragments WHERE sender = $1 AND recipient = $2 AND ref = $3 AND total = $4', [part.from, part.to, ref, total]);
    return rows.map((r) => r.body as string).join('');
  }

  async function deliver(tx: Db, m: { from: string; to: string; text: string; parts: number }, later: (step: () => Promise<void>) => void): Promise<InboxMessage> {
    // Inside the delivering transaction: every lookup through tx (PGlite has one connection).
    const lines = lineRepo(tx);
    const line = (await lines.findByNumber(m.to.replace(/^\+/, ''))) ?? (await lines.findByNumber(m.to));
    const receiver = line ? await lines.findReceiver(line.id) : null;
    const sender = normaliseIranMobile(m.from) ?? m.from;
    const msg: InboxMessage = {
      id: newId('in'), lineId: line?.id ?? null, accountId: receiver?.accountId ?? null, sender, recipient: m.to,
      body: m.text, parts: m.parts, cost: 0n, receivedAt: deps.clock.now(),
    };
    await tx.query(
      'INSERT INTO inbox (id, line_id, account_id, account_path, sender, recipient, body, parts, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
      [msg.id, msg.lineId, msg.accountId, receiver?.path ?? null, msg.sender, msg.recipient, msg.body, msg.parts, msg.receivedAt],
    );
    if (!receiver) deps.log.warn({ to: m.to }, 'inbound message for a line nobody receives on');
    if (receiver && deps.chargeReceive) {
      const paid = await deps.chargeReceive(tx, receiver.accountId, msg.id);
      if (paid === null) deps.log.warn({ account: receiver.accountId, inbox: msg.id }, 'received message kept unpaid: not enough credit');
      else if (paid > 0n) {
        msg.cost = paid;
        await tx.query('UPDATE inbox SET cost = $2 WHERE id = $1', [msg.id, paid]);
      }
    }
    for (const l of listeners) await l(msg, tx, later);
    return msg;
  }

  /** One inbound part from a connector. Returns the inbox message once it is whole. */
  async function receive(part: InboundPart): Promise<InboxMessage | null> {
    const steps: (() => Promise<void>)[] = [];
    const later = (step: () => Promise<void>) => steps.push(step);
    const msg = await deps.db.transaction(async (tx) => {
      if (!part.concat || part.concat.total <= 1) return deliver(tx, { from: part.from, to: part.to, text: part.text, parts: 1 }, later);
      const whole = await reassemble(tx, { ...part, concat: part.concat });
      return whole === null ? null : deliver(tx, { from: part.from, to: part.to, text: whole, parts: part.concat.total }, later);
    });
    await runLater(steps);
    return msg;
  }

  async function runLater(steps: (() => Promise<void>)[]) {
    for (const step of steps) {
      await step().catch((err: unknown) => deps.log.error({ err }, 'step after an inbound message failed'));
    }
  }

  /** Parts whose siblings never came are delivered as they are, marked incomplete, after the timeout. */
  async function flushStaleFragments(): Promise<number> {
    const cutoff = new Date(deps.clock.now().getTime() - REASSEMBLY_TIMEOUT_MS);
    const steps: (() => Promise<void>)[] = [];
    const later = (step: () => Promise<void>) => steps.push(step);
    const n = await deps.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `DELETE FROM inbound_fragments WHERE (sender, recipient, ref, total) IN
           (SELECT sender, recipient, ref, total FROM inbound_fragments GROUP BY 1, 2, 3, 4 HAVING max(received_at) < $1)
         RETURNING sender, recipient, ref, total, seq, body`,
        [cutoff],
      );
      const groups = new Map<string, { from: string; to: string; parts: { seq: number; body: string }[] }>();
      for (const r of rows) {
        const k = `${r.sender}|${r.recipient}|${r.ref}|${r.total}`;
        const g = groups.get(k) ?? { from: r.sender as string, to: r.recipient as string, parts: [] };
        g.parts.push({ seq: Number(r.seq), body: r.body as string });
        groups.set(k, g);
      }
      for (const g of groups.values()) {
        g.parts.sort((a, b) => a.seq - b.seq);
        await deliver(tx, { from: g.from, to: g.to, text: g.parts.map((p) => p.body).join('…'), parts: g.parts.length }, later);
      }
      return groups.size;
    });
    await runLater(steps);
    return n;
  }

  /** Messages still land in the inbox of an account whose package withholds `receive`; it may not read them. */
  async function list(scope: Scope, f: { q?: string; lineId?: string; limit: number; offset: number }): Promise<{ items: InboxMessage[] }> {
    await deps.permissions?.(deps.db, scope.accountId, 'receive');
    const params: unknown[] = [scope.path];
    let where = 'starts_with(account_path, $1)';
    if (f.q) {
      params.push(`%${f.q}%`);
      where += ` AND (body ILIKE $${params.length} OR sender LIKE $${params.length})`;
    }
    if (f.lineId) {
      params.push(f.lineId);
      where += ` AND line_id = $${params.length}`;
    }
    const { rows } = await deps.db.query(`SELECT * FROM inbox WHERE ${where} ORDER BY received_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`, params);
    return { items: rows.map(toInbox) };
  }

  return {
    receive,
    flushStaleFragments,
    list,
    /** Listeners run inside the delivering transaction (webhook jobs, opt-out, forwarding). */
    onMessage: (l: Listener) => listeners.push(l),
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
