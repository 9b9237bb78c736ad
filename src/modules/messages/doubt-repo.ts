// Messages in doubt after a crash: the slices a dispatcher records before it hands messages to a
// connector (submit_slices, migration 0059), and the receipts that settle what a crash left in
// doubt without a resend. The reclaim that makes them is outbox-repo.ts reclaimStale. Part of messageRepo.
import type { Db } from '../../db/driver.ts';
import { toBigInt } from '../../db/driver.ts';

export function doubtRepo(db: Db) {
  return {
    /** In doubt now: what the reclaim left 'sending' for receipts to settle. */
    async countInDoubt(): Promise<number> {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM messages WHERE status = 'sending' AND in_doubt_until IS NOT NULL");
      return Number(rows[0].n);
    },

    /**
     * A slice of claimed messages about to be handed to a connector: one row, whatever its size.
     * Returns its id (the dispatcher deletes it once every message of it is recorded).
     */
    async markSubmitting(by: string | null, connectorId: string, ids: readonly bigint[], now: Date): Promise<bigint> {
      const { rows } = await db.query(
        'INSERT INTO submit_slices (claimed_by, connector_id, sent_at, renewed_at, ids) VALUES ($1, $2, $3, $3, $4::int8[]) RETURNING id',
        [by, connectorId, now, ids.map(String)],
      );
      return toBigInt(rows[0].id);
    },

    async dropSlices(ids: readonly bigint[]): Promise<void> {
      if (ids.length) await db.query('DELETE FROM submit_slices WHERE id = ANY($1::int8[])', [ids.map(String)]);
    },

    /**
     * In-doubt messages that receipts of their connector to their recipient may settle, oldest
     * first, locked: their parts, the parts answered so far, and those answers' upstream ids.
     */
    async findInDoubt(pairs: readonly { connectorId: string; recipient: string }[]) {
      if (!pairs.length) return [];
      const { rows } = await db.query(
        `SELECT m.id, m.connector_id, m.recipient, m.parts, m.parts_done,
                ARRAY(SELECT p.upstream_id FROM message_parts p WHERE p.message_id = m.id AND p.seq <= m.parts_done) AS answered,
                ARRAY(SELECT p.status FROM message_parts p WHERE p.message_id = m.id AND p.seq <= m.parts_done) AS statuses,
                (SELECT p.error_code FROM message_parts p WHERE p.message_id = m.id AND p.seq <= m.parts_done AND p.error_code IS NOT NULL LIMIT 1) AS error_code
         FROM messages m JOIN (SELECT DISTINCT c, r FROM unnest($1::text[], $2::text[]) AS t(c, r)) t ON m.connector_id = t.c AND m.recipient = t.r
         WHERE m.status = 'sending' AND m.in_doubt_until IS NOT NULL AND NOT m.settled
         ORDER BY m.id FOR UPDATE OF m`,
        [pairs.map((p) => p.connectorId), pairs.map((p) => p.recipient)],
      );
      return rows.map((r) => ({ id: toBigInt(r.id), connectorId: r.connector_id as string, recipient: r.recipient as string, parts: Number(r.parts), partsDone: Number(r.parts_done),
        answered: (r.answered as string[]) ?? [], statuses: (r.statuses as string[]) ?? [], errorCode: (r.error_code as string | null) ?? null }));
    },

    /** Answers to parts of in-doubt messages (by receipt): a row per part, counted in parts_done. */
    async recordInDoubtParts(parts: readonly { id: bigint; connectorId: string; upstreamId: string; seq: number; status: string; errorCode: string | null }[], now: Date): Promise<void> {
      if (!parts.length) return;
      await db.query(
        `INSERT INTO message_parts (connector_id, upstream_id, message_id, seq, status, error_code, updated_at)
         SELECT c, u, id, s, st, e, $7 FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[], $5::text[], $6::text[]) AS t(c, u, id, s, st, e)
         ON CONFLICT (message_id, seq) DO UPDATE SET connector_id = excluded.connector_id, upstream_id = excluded.upstream_id, status = excluded.status,
           error_code = excluded.error_code, updated_at = excluded.updated_at`,
        [parts.map((p) => p.connectorId), parts.map((p) => p.upstreamId), parts.map((p) => p.id.toString()), parts.map((p) => p.seq), parts.map((p) => p.status), parts.map((p) => p.errorCode), now],
      );
      const byId = new Map<bigint, number>();
      for (const p of parts) byId.set(p.id, Math.max(byId.get(p.id) ?? 0, p.seq));
      await db.query(
        'UPDATE messages m SET parts_done = t.n, updated_at = $3 FROM unnest($1::int8[], $2::int2[]) AS t(id, n) WHERE m.id = t.id',
        [[...byId.keys()].map(String), [...byId.values()], now],
      );
    },
  };
}
