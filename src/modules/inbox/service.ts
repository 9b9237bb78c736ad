// Inbound messages (MO): long ones are reassembled from their parts, then each lands in the inbox
// of the line's owner and is handed to the listeners (webhooks, forwarding, opt-out keywords).
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import type { InboundPart } from '../../upstreams/upstream.ts';
import type { Scope } from '../accounts/scope.ts';
import type { LineService } from '../lines/service.ts';
import { inboxRepo, type InboxMessage } from './repo.ts';


export const REASSEMBLY_TIMEOUT_MS = 10 * 60_000;

/** The reader's package must allow receiving (packages.check: PERMISSION_DENIED otherwise). */
export type ReceivePermission = (db: Db, accountId: string, permission: 'receive') => Promise<void>;

export function createInboxService(deps: { db: Db; clock: Clock; log: Logger; lines: Pick<LineService, 'receivingLine'>; chargeReceive?: (tx: Db, accountId: string, reference: string) => Promise<bigint | null>; permissions?: ReceivePermission }) {
  /** `later` runs a step after the delivering transaction commits (a reply SMS opens its own). */
  type Listener = (m: InboxMessage, tx: Db, later: (step: () => Promise<void>) => void) => Promise<void>;
  const listeners: Listener[] = [];

  /** Stores a part; when its siblings are all there, returns the whole text in order. */
  async function reassemble(tx: Db, part: InboundPart & { concat: NonNullable<InboundPart['concat']> }): Promise<string | null> {
    const { ref, total, seq } = part.concat;
    const repo = inboxRepo(tx);
    const key = { from: part.from, to: part.to, ref, total };
    const bodies = await repo.addFragment({ ...key, seq, text: part.text, receivedAt: deps.clock.now() });
    if (bodies.length < total) return null;
    await repo.deleteFragments(key);
    return bodies.join('');
  }

  async function deliver(tx: Db, m: { from: string; to: string; text: string; parts: number }, later: (step: () => Promise<void>) => void): Promise<InboxMessage> {
    // Inside the delivering transaction: every lookup through tx (PGlite has one connection).
    const { line, receiver } = await deps.lines.receivingLine(tx, m.to);
    const sender = normaliseIranMobile(m.from) ?? m.from;
    const msg: InboxMessage = {
      id: newId('in'), lineId: line?.id ?? null, accountId: receiver?.accountId ?? null, sender, recipient: m.to,
      body: m.text, parts: m.parts, cost: 0n, receivedAt: deps.clock.now(),
    };
    await inboxRepo(tx).insert(msg, receiver?.path ?? null);
    if (!receiver) deps.log.warn({ to: m.to }, 'inbound message for a line nobody receives on');
    if (receiver && deps.chargeReceive) {
      const paid = await deps.chargeReceive(tx, receiver.accountId, msg.id);
      if (paid === null) deps.log.warn({ account: receiver.accountId, inbox: msg.id }, 'received message kept unpaid: not enough credit');
      else if (paid > 0n) {
        msg.cost = paid;
        await inboxRepo(tx).setCost(msg.id, paid);
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
      const groups = new Map<string, { from: string; to: string; parts: { seq: number; body: string }[] }>();
      for (const r of await inboxRepo(tx).takeStaleFragments(cutoff)) {
        const k = `${r.from}|${r.to}|${r.ref}|${r.total}`;
        const g = groups.get(k) ?? { from: r.from, to: r.to, parts: [] };
        g.parts.push({ seq: r.seq, body: r.body });
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
    return { items: await inboxRepo(deps.db).list(scope, f) };
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
