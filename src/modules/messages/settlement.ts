// A message reaches its final status exactly once, and in the same transaction its reserved money
// is either spent (settled) or given back (released), at every level, per the line's refund policy.
import type { Db } from '../../db/driver.ts';
import { detectAlphabet, type Alphabet } from '../../lib/sms-parts.ts';
import type { ChargingPort, CountedCell } from './charging.ts';
import { messageRepo, type FinalisedRow } from './repo.ts';
import type { FinalStatus, MessageClass } from './types.ts';
import { noMessageMetrics, type MessageMetrics } from './metrics.ts';

export type FinalUpdate = { id: bigint; status: FinalStatus; errorCode: string | null; neverSent?: boolean };

/** A message that has just become final, whose it is, and where its send came from. */
export type Finalised = FinalisedRow & { accountId: string; source: string };

/** Runs inside the finalising transaction: what it enqueues commits with the status change. */
export type FinalListener = (tx: Db, finals: Finalised[]) => Promise<void>;

export function createSettlement(deps: { charging: ChargingPort; metrics?: MessageMetrics }) {
  const metrics = deps.metrics ?? noMessageMetrics;
  const listeners: FinalListener[] = [];
  /**
   * Finalises the rows not yet final (inside tx) and settles or releases their money, with that
   * of `already`: rows this transaction has just made final itself (single-part receipts).
   */
  async function finalise(tx: Db, updates: FinalUpdate[], now: Date, already: FinalisedRow[] = []): Promise<Finalised[]> {
    const changed = [...already, ...(await messageRepo(tx).finalise(updates, now))];
    if (!changed.length) return [];
    const forced = new Set(updates.filter((u) => u.neverSent).map((u) => u.id.toString()));
    const batchIds = [...new Set(changed.map((c) => c.batchId))];
    const { rows } = await tx.query(
      `SELECT b.id, b.account_id, b.source, b.reservation_id, b.message_class, b.alphabet, b.personalised, COALESCE(b.line_type, l.line_type) AS line_type, l.refund_statuses
       FROM batches b JOIN lines l ON l.id = b.line_id WHERE b.id = ANY($1)`,
      [batchIds],
    );
    const info = new Map(rows.map((r) => [r.id as string, r]));
    // A peer-to-peer send reserved each recipient's text at its own alphabet; the batch's is
    // its template's. Those messages are read back (they are rows with their text).
    const own = changed.filter((m) => {
      const b = info.get(m.batchId);
      return b?.personalised && b.reservation_id;
    });
    const ownAlphabet = new Map<bigint, Alphabet>();
    if (own.length) {
      const texts = await tx.query<{ id: string | bigint; body: string | null }>('SELECT id, body FROM messages WHERE id = ANY($1::int8[])', [own.map((m) => m.id.toString())]);
      for (const r of texts.rows) if (r.body !== null) ownAlphabet.set(BigInt(r.id), detectAlphabet(r.body));
    }
    // Per reservation (the sends of one account committed together share one), its cells to
    // settle and to release. Within a batch only the operator, the parts and the status vary (and
    // the alphabet, peer to peer), so a message is counted with a short key and no object of its own.
    type Plan = { settle: Map<string, CountedCell>; release: Map<string, CountedCell> };
    type Of = { plan: Plan; cell: string; alphabet: Alphabet; refunds: Set<string> };
    const plan = new Map<string, Plan>();
    const ofBatch = new Map<string, Of | null>();
    for (const m of changed) {
      let o = ofBatch.get(m.batchId);
      if (o === undefined) {
        const b = info.get(m.batchId)!;
        const reservationId = b.reservation_id as string | null;
        let p = reservationId ? plan.get(reservationId) : undefined;
        if (reservationId && !p) plan.set(reservationId, (p = { settle: new Map(), release: new Map() }));
        o = p ? { plan: p, cell: `${b.line_type}|${b.message_class}`, alphabet: b.alphabet as Alphabet, refunds: new Set(['cancelled', 'blacklisted', ...(b.refund_statuses as string[])]) } : null;
        ofBatch.set(m.batchId, o);
      }
      if (!o) continue;
      const refund = o.refunds.has(m.status) || (forced.size > 0 && forced.has(m.id.toString()));
      const target = refund ? o.plan.release : o.plan.settle;
      const alphabet = ownAlphabet.get(m.id) ?? o.alphabet;
      const key = `${o.cell}|${alphabet}|${m.operator}|${m.parts}`;
      const c = target.get(key);
      if (c) c.count++;
      else {
        const b = info.get(m.batchId)!;
        target.set(key, { operator: m.operator, lineType: b.line_type as string, messageClass: b.message_class as MessageClass, alphabet, parts: m.parts, count: 1 });
      }
    }
    // Everything the closings lock is locked first, in order (lines, then wallets): two
    // transactions settling reservations that pay the same parent wait instead of deadlocking.
    const ordered = [...plan].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (ordered.length > 1) await deps.charging.lockForClosing?.(tx, ordered.map(([id]) => id));
    await deps.charging.closeMany(tx, ordered.flatMap(([reservationId, p]) => [
      ...(p.settle.size ? [{ reservationId, cells: [...p.settle.values()], mode: 'settle' as const }] : []),
      ...(p.release.size ? [{ reservationId, cells: [...p.release.values()], mode: 'release' as const }] : []),
    ]));
    await messageRepo(tx).markBatchesDone(batchIds, now);
    const finals = changed.map((m) => ({ ...m, accountId: info.get(m.batchId)!.account_id as string, source: info.get(m.batchId)!.source as string }));
    for (const l of listeners) await l(tx, finals);
    return finals;
  }

  /** Counts messages made final by a transaction that has committed (/metrics), by status. */
  function counted(finals: readonly Finalised[]): void {
    const byStatus = new Map<FinalStatus, Finalised[]>();
    for (const f of finals) {
      const list = byStatus.get(f.status);
      if (list) list.push(f);
      else byStatus.set(f.status, [f]);
    }
    for (const [status, list] of byStatus) metrics.count(status, list);
  }

  return { finalise, counted, onFinal: (l: FinalListener) => listeners.push(l) };
}

export type Settlement = ReturnType<typeof createSettlement>;

/** A message's status from its parts' receipts: delivered only when every part was. */
export function statusFromParts(statuses: string[]): FinalStatus {
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  if (statuses.includes('rejected')) return 'rejected';
  if (statuses.includes('expired')) return 'expired';
  return 'undelivered';
}
