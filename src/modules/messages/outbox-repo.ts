// The outbox's moving parts: claiming due messages (rows, then recipients still in chunks),
// recording what was sent, receipts, final statuses and finished batches. Part of messageRepo.
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { FinalStatus, MessageClass } from './types.ts';

/**
 * Recipients of one message_chunks row at most: its block of ids in message_chunk_ids (migration
 * 0018), aligned on this size, so a recipient's chunk is its id rounded down to a multiple of it.
 */
export const CHUNK_RECIPIENTS = 4096;

/** Claims a reclaim returns to the outbox per statement: rows, and chunks (up to 4,096 recipients each). */
const RECLAIM_ROWS = 5000;
const RECLAIM_CHUNKS = 2;

/**
 * The ids that live submit slices handed to a connector (CTE `d`: id, connector, when), the most
 * recent slice of each. The table holds only the slices of rounds still in progress (or of a
 * dead process), so it is small.
 */
const inDoubtIds = `d AS (SELECT DISTINCT ON (s.id) s.id, s.connector_id FROM (SELECT unnest(ids) AS id, connector_id, sent_at FROM submit_slices) s ORDER BY s.id, s.sent_at DESC)`;

/** A column of array_agg in a statement's one answer row; null (nothing aggregated) is empty. */
const aggregated = (row: Record<string, unknown> | undefined, column: string): string[] => (row?.[column] as string[] | null) ?? [];

export type ClaimedMessage = {
  id: bigint;
  batchId: string;
  accountId: string;
  recipient: string;
  operator: string;
  parts: number;
  attempts: number;
  expiresAt: Date;
  body: string;
  messageClass: MessageClass;
  lineNumber: string;
  lineType: string;
  ref16: boolean;
  /** Claimed from this chunk (its first id): the row does not exist yet, recording makes it. */
  chunkId: bigint | null;
};

/** The claimed rows (CTE `claimed`) with what submitting them needs from their batch and line. */
const claimedWithBatch = `SELECT c.*, COALESCE(c.own_body, b.body) AS body, b.message_class, l.number AS line_number, l.line_type, l.ref16
  FROM claimed c JOIN batches b ON b.id = c.batch_id JOIN lines l ON l.id = b.line_id
  ORDER BY c.id`;

const toClaimed = (r: Record<string, unknown>): ClaimedMessage => ({
  id: toBigInt(r.id),
  batchId: r.batch_id as string,
  accountId: r.account_id as string,
  recipient: r.recipient as string,
  operator: r.operator as string,
  parts: Number(r.parts),
  attempts: Number(r.attempts),
  expiresAt: toDate(r.expires_at)!,
  body: r.body as string,
  messageClass: r.message_class as MessageClass,
  lineNumber: r.line_number as string,
  lineType: r.line_type as string,
  ref16: Boolean(r.ref16),
  chunkId: r.chunk_id === undefined || r.chunk_id === null ? null : toBigInt(r.chunk_id),
});

const finalisedColumns = 'm.id, m.batch_id, m.operator, m.parts, m.status, m.error_code, m.connector_id';

const toFinalised = (r: Record<string, unknown>) => ({
  id: toBigInt(r.id), batchId: r.batch_id as string, operator: r.operator as string, parts: Number(r.parts), status: r.status as FinalStatus, errorCode: (r.error_code as string) ?? null,
  connectorId: (r.connector_id as string | null) ?? null,
});

/**
 * A message that has just become final, with what settling it needs. (What a webhook adds — the
 * recipient, the cost — is read only for accounts that have a webhook: finalDetails.)
 */
export type FinalisedRow = ReturnType<typeof toFinalised>;

export function outboxRepo(db: Db) {
  return {
    /**
     * The outbox for /metrics: messages waiting (queued rows, recipients not yet claimed from
     * chunks) and when the oldest one that is due became due. Partial indexes answer both.
     */
    async outboxFigures(now: Date): Promise<{ depth: number; oldestDue: Date | null }> {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM messages WHERE status = 'queued') + (SELECT coalesce(sum(size - taken), 0) FROM message_chunks) AS depth,
           LEAST((SELECT min(next_attempt_at) FROM messages WHERE status = 'queued' AND next_attempt_at <= $1),
                 (SELECT min(ready_at) FROM message_chunks WHERE taken < size AND ready_at <= $1)) AS oldest`,
        [now],
      );
      return { depth: Number(rows[0].depth), oldestDue: toDate(rows[0].oldest) };
    },

    /**
     * Claims up to n messages that are due, in priority order (OTP, service, advertising) across
     * rows and recipients still in chunks: each round takes the rows as urgent as the most urgent
     * ready chunk, then recipients of that chunk (their rows made here, already claimed).
     */
    async claim(n: number, now: Date, by: string | null = null): Promise<ClaimedMessage[]> {
      const claimed: ClaimedMessage[] = [];
      for (let round = 0; round < 4 && claimed.length < n; round++) {
        const { rows } = await db.query('SELECT min(priority) AS p FROM message_chunks WHERE ready_at <= $1 AND taken < size', [now]);
        const chunkPriority = rows[0].p === null ? null : Number(rows[0].p);
        claimed.push(...(await this.claimRows(n - claimed.length, now, chunkPriority ?? 32767, by)));
        if (chunkPriority === null || claimed.length >= n) break;
        const more = await this.claimFromChunk(n - claimed.length, now, chunkPriority, by);
        if (!more.length) break;
        claimed.push(...more);
      }
      return claimed;
    },

    /**
     * Up to n due rows of at most this priority number. The ARRAY(SELECT … SKIP LOCKED) form lets
     * several dispatchers share the outbox without waiting on each other and uses the partial
     * index; `id IN (SELECT …)` would make the planner scan the table.
     */
    async claimRows(n: number, now: Date, maxPriority: number, by: string | null = null): Promise<ClaimedMessage[]> {
      const { rows } = await db.query(
        `WITH claimed AS (
           UPDATE messages SET status = 'sending', claimed_at = $2, claimed_by = $4, attempts = attempts + 1, updated_at = $2
           WHERE id = ANY(ARRAY(SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= $2 AND priority <= $3
                                ORDER BY priority, next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED))
           RETURNING id, batch_id, account_id, recipient, operator, parts, attempts, expires_at, body AS own_body)
         ${claimedWithBatch}`,
        [n, now, maxPriority, by],
      );
      return rows.map(toClaimed);
    },

    /**
     * Up to n recipients of the next chunk are claimed: the chunk's `taken` moves on, in one
     * statement. Their rows are made when their outcome is recorded (recordFromChunks), so a sent
     * message is written once. What they share is read once: the answer is one row with the
     * recipients as an array and the first id (ids run on from it).
     */
    async claimFromChunk(n: number, now: Date, priority: number, by: string | null = null): Promise<ClaimedMessage[]> {
      const { rows } = await db.query(
        `WITH ch AS (
           SELECT first_id, taken, least(size - taken, $1) AS k
           FROM message_chunks WHERE ready_at <= $2 AND priority = $3 AND taken < size
           ORDER BY priority, ready_at, first_id LIMIT 1 FOR UPDATE SKIP LOCKED),
         upd AS (UPDATE message_chunks m SET taken = m.taken + ch.k, claimed_at = $2, claimed_by = $4 FROM ch WHERE m.first_id = ch.first_id)
         SELECT m.first_id AS chunk_id, m.first_id + ch.taken AS start_id, m.recipients[ch.taken + 1:ch.taken + ch.k] AS recipients, m.batch_id, m.account_id,
                m.operator, m.parts, m.expires_at, b.body, b.message_class, l.number AS line_number, l.line_type, l.ref16
         FROM ch JOIN message_chunks m ON m.first_id = ch.first_id JOIN batches b ON b.id = m.batch_id JOIN lines l ON l.id = b.line_id`,
        [n, now, priority, by],
      );
      if (!rows.length) return [];
      const r = rows[0];
      const start = toBigInt(r.start_id);
      const shared = toClaimed({ ...r, id: r.start_id, recipient: '', attempts: 1 });
      return (r.recipients as string[]).map((recipient, i) => ({ ...shared, id: start + BigInt(i), recipient }));
    },

    /**
     * The rows of recipients claimed from chunks, made with their outcome: 'sent' with the
     * upstream id, 'queued' for a retry, 'sending' for one about to be made final. A row that
     * exists already (the lease ran out and it went back to the outbox) is left alone. Each chunk
     * counts its recorded recipients and goes once every one has its row.
     */
    async recordFromChunks(rows: { id: bigint; chunkId: bigint; recipient: string; status: 'sent' | 'queued' | 'sending'; partsSent: number; connectorId: string | null; upstreamId: string | null; errorCode: string | null; nextAttemptAt: Date | null }[], now: Date): Promise<Set<bigint>> {
      if (!rows.length) return new Set();
      // The chunks first, in the order a reclaim locks them: it locks a chunk and then makes the
      // rows of its claimed recipients, so a recorder that made a row and then waited for the
      // chunk would deadlock with it. (PGlite runs one transaction at a time.)
      if (db.kind === 'pg') {
        await db.query('SELECT first_id FROM message_chunks WHERE first_id = ANY($1::int8[]) ORDER BY first_id FOR UPDATE', [[...new Set(rows.map((r) => r.chunkId.toString()))]]);
      }
      // The recipient comes from the claim, not from the chunk's array: subscripting that
      // (toasted) array would decompress all of it for every row. Returns the ids inserted.
      const { rows: out } = await db.query(
        `WITH ins AS (
           INSERT INTO messages (id, batch_id, account_id, recipient, operator, status, priority, parts, parts_sent, cost, attempts, connector_id, upstream_id, error_code,
                                 next_attempt_at, claimed_at, expires_at, created_at, updated_at)
           SELECT t.id, c.batch_id, c.account_id, t.r, c.operator, t.s, c.priority, c.parts, t.n, c.cost, 1, t.con, t.u, t.e,
                  COALESCE(t.at, c.ready_at), $1, c.expires_at, c.created_at, $1
           FROM unnest($2::int8[], $3::int8[], $4::text[], $5::int2[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $11::text[]) AS t(id, chunk, s, n, con, u, e, at, r)
           JOIN message_chunks c ON c.first_id = t.chunk
           ON CONFLICT (id) DO NOTHING
           RETURNING id),
         upd AS (
           UPDATE message_chunks c SET recorded = c.recorded + x.n
           FROM (SELECT id - id % $10 AS f, count(*)::int AS n FROM ins GROUP BY 1) x
           WHERE c.first_id = x.f
           RETURNING c.first_id, c.batch_id, c.recorded >= c.size AS complete)
         SELECT (SELECT array_agg(id::text) FROM ins) AS ids,
                (SELECT array_agg(first_id::text) FROM upd WHERE complete) AS complete,
                (SELECT array_agg(DISTINCT batch_id) FROM upd WHERE complete) AS batches`,
        [now, rows.map((r) => r.id.toString()), rows.map((r) => r.chunkId.toString()), rows.map((r) => r.status), rows.map((r) => r.partsSent), rows.map((r) => r.connectorId),
          rows.map((r) => r.upstreamId), rows.map((r) => r.errorCode), rows.map((r) => r.nextAttemptAt), CHUNK_RECIPIENTS, rows.map((r) => r.recipient)],
      );
      const inserted = new Set(aggregated(out[0], 'ids').map((id) => BigInt(id)));
      // rows made now are not final yet, unless some existed already (a reclaim made them)
      await this.dropRecordedChunks(aggregated(out[0], 'complete'), inserted.size < rows.length ? aggregated(out[0], 'batches') : [], now);
      return inserted;
    },

    /**
     * Chunks whose every recipient has its row go; a batch whose last chunk that was may be done
     * (its rows may all be settled already when they were made by a reclaim).
     */
    async dropRecordedChunks(chunkIds: string[], batchIds: string[], now: Date): Promise<void> {
      if (!chunkIds.length) return;
      await db.query('DELETE FROM message_chunks WHERE first_id = ANY($1::int8[]) AND recorded >= size', [chunkIds]);
      await this.markBatchesDone(batchIds, now);
    },

    /**
     * After a crash: claims older than the lease go back to the outbox; with `of`, every claim of
     * that instance (it has just started again, so none of them is still being worked on). A
     * claimed message that a slice handed to a connector (submit_slices) may have reached the
     * SMSC: it stays 'sending', unclaimed, in doubt on that connector until `graceMs` from now,
     * so that its receipt can settle it (settleInDoubt); the rest of the claim never left and is
     * queued at once. With expireDoubts, in-doubt messages whose grace is over are queued too. The dead claims'
     * slices go last. In slices (rows, then a few chunks a statement): on the embedded database
     * each statement holds its one connection, and requests that arrive while a restart recovers
     * a big outbox get their turn between slices.
     */
    async reclaimStale(olderThan: Date, now: Date, of: string | null = null, graceMs = 60_000, expireDoubts = true): Promise<number> {
      let back = 0;
      for (; expireDoubts;) {
        const r = await db.query(
          `UPDATE messages SET status = 'queued', next_attempt_at = $1, in_doubt_until = NULL, updated_at = $1
           WHERE id = ANY(ARRAY(SELECT id FROM messages WHERE status = 'sending' AND in_doubt_until <= $1 LIMIT ${RECLAIM_ROWS}))
             AND status = 'sending' AND in_doubt_until <= $1`,
          [now],
        );
        back += r.rowCount;
        if (r.rowCount < RECLAIM_ROWS) break;
      }
      // the periodic sweep keeps its plain condition, which the partial index answers
      const mine = of === null ? '' : ' OR claimed_by = $4';
      const until = new Date(now.getTime() + graceMs);
      for (;;) {
        const r = await db.query(
          `WITH pick AS (SELECT id FROM messages WHERE status = 'sending' AND (claimed_at < $1${mine}) LIMIT ${RECLAIM_ROWS}),
           ${inDoubtIds}
           UPDATE messages m SET status = CASE WHEN d.id IS NULL THEN 'queued' ELSE 'sending' END, next_attempt_at = $2, updated_at = $2,
             claimed_at = NULL, claimed_by = NULL, in_doubt_until = CASE WHEN d.id IS NULL THEN NULL ELSE $3::timestamptz END,
             connector_id = COALESCE(d.connector_id, m.connector_id), parts_done = CASE WHEN d.id IS NULL THEN m.parts_done ELSE 0 END
           FROM pick LEFT JOIN d ON d.id = pick.id
           WHERE m.id = pick.id AND m.status = 'sending' AND (m.claimed_at < $1${mine.replace('claimed_by', 'm.claimed_by')})
           RETURNING (d.id IS NOT NULL) AS doubt`,
          of === null ? [olderThan, now, until] : [olderThan, now, until, of],
        );
        back += r.rows.filter((x) => !x.doubt).length;
        if (r.rowCount < RECLAIM_ROWS) break;
      }
      // recipients claimed from a chunk whose outcome was never recorded get their row: queued,
      // or in doubt when a slice handed them to a connector
      for (;;) {
        const { rows } = await db.query(
          `WITH ch AS (SELECT first_id, taken FROM message_chunks WHERE recorded < taken AND (claimed_at < $1 OR claimed_by = $3::text) ORDER BY first_id LIMIT ${RECLAIM_CHUNKS} FOR UPDATE),
           ${inDoubtIds},
           ins AS (
             INSERT INTO messages (id, batch_id, account_id, recipient, operator, status, priority, parts, cost, attempts, next_attempt_at, expires_at, created_at, updated_at,
                                   connector_id, in_doubt_until)
             SELECT c.first_id + u.i - 1, c.batch_id, c.account_id, u.r, c.operator, CASE WHEN d.id IS NULL THEN 'queued' ELSE 'sending' END, c.priority, c.parts, c.cost, 1, $2,
                    c.expires_at, c.created_at, $2, d.connector_id, CASE WHEN d.id IS NULL THEN NULL ELSE $4::timestamptz END
             FROM ch JOIN message_chunks c ON c.first_id = ch.first_id CROSS JOIN LATERAL unnest(c.recipients[1:ch.taken]) WITH ORDINALITY AS u(r, i)
             LEFT JOIN d ON d.id = c.first_id + u.i - 1
             ON CONFLICT (id) DO NOTHING
             RETURNING id, status),
           upd AS (UPDATE message_chunks c SET recorded = ch.taken FROM ch WHERE c.first_id = ch.first_id RETURNING c.first_id, c.batch_id, ch.taken >= c.size AS complete)
           SELECT (SELECT count(*)::int FROM ins WHERE status = 'queued') AS n, (SELECT count(*)::int FROM upd) AS chunks, (SELECT array_agg(first_id::text) FROM upd WHERE complete) AS complete,
                  (SELECT array_agg(DISTINCT batch_id) FROM upd WHERE complete) AS batches`,
          [olderThan, now, of, until],
        );
        await this.dropRecordedChunks(aggregated(rows[0], 'complete'), aggregated(rows[0], 'batches'), now);
        back += Number(rows[0]?.n ?? 0);
        if (Number(rows[0]?.chunks ?? 0) < RECLAIM_CHUNKS) break;
      }
      await db.query(`DELETE FROM submit_slices WHERE renewed_at < $1${of === null ? '' : ' OR claimed_by = $2'}`, of === null ? [olderThan] : [olderThan, of]);
      return back;
    },

    /**
     * A live dispatcher's claims stay its own: those still in flight (rows not yet recorded,
     * chunks with recipients claimed and not recorded) get a fresh claimed_at, so a round slowed
     * by throttling is not taken for a dead process's.
     */
    async renewClaims(ids: readonly bigint[], chunkIds: readonly bigint[], now: Date, sliceIds: readonly bigint[] = []): Promise<void> {
      if (sliceIds.length) await db.query('UPDATE submit_slices SET renewed_at = $2 WHERE id = ANY($1::int8[])', [sliceIds.map(String), now]);
      if (ids.length) {
        await db.query(
          `UPDATE messages m SET claimed_at = $2 FROM unnest($1::int8[], $3::text[]) AS t(id, was) WHERE m.id = t.id AND m.status = t.was`,
          [ids.map(String), now, ids.map(() => 'sending')],
        );
      }
      if (chunkIds.length) {
        await db.query('UPDATE message_chunks SET claimed_at = $2 WHERE first_id = ANY($1::int8[]) AND recorded < taken', [chunkIds.map(String), now]);
      }
    },

    async markSent(rows: { id: bigint; connectorId: string; parts: { upstreamId: string; seq: number }[] }[], now: Date): Promise<void> {
      if (!rows.length) return;
      // a single-part message's upstream id stays on its row; longer ones get a row per part
      // The status each row must still have comes with the row (t.was), not as a constant: with
      // a constant the planner reads every in-flight message through the partial index (and its
      // entries of messages long sent) to find these few; compared per row, it looks each up by id.
      await db.query(
        `UPDATE messages m SET status = 'sent', parts_sent = t.n, connector_id = t.c, upstream_id = t.u, updated_at = $5
         FROM unnest($1::int8[], $2::int2[], $3::text[], $4::text[], $6::text[]) AS t(id, n, c, u, was) WHERE m.id = t.id AND m.status = t.was`,
        [rows.map((r) => r.id.toString()), rows.map((r) => r.parts.length), rows.map((r) => r.connectorId), rows.map((r) => (r.parts.length === 1 ? r.parts[0].upstreamId : null)), now, rows.map(() => 'sending')],
      );
      await this.insertParts(rows, now);
    },

    /**
     * The upstream id of each part of the messages sent in more than one part (a row per part).
     * Keyed by the part: an id the SMSC gave before (it restarted, its counter wrapped) is stored
     * again for the new part; a part sent again takes the id of its latest submission.
     */
    async insertParts(rows: { id: bigint; connectorId: string; parts: { upstreamId: string; seq: number }[] }[], now: Date): Promise<void> {
      const parts = rows.filter((r) => r.parts.length > 1).flatMap((r) => r.parts.map((p) => ({ id: r.id, c: r.connectorId, u: p.upstreamId, s: p.seq })));
      if (!parts.length) return;
      await db.query(
        `INSERT INTO message_parts (connector_id, upstream_id, message_id, seq, updated_at)
         SELECT c, u, id, s, $5 FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[]) AS t(c, u, id, s)
         ON CONFLICT (message_id, seq) DO UPDATE SET connector_id = excluded.connector_id, upstream_id = excluded.upstream_id, updated_at = excluded.updated_at`,
        [parts.map((p) => p.c), parts.map((p) => p.u), parts.map((p) => p.id.toString()), parts.map((p) => p.s), now],
      );
    },

    /** attemptBack: the claim's attempt is not counted (the message was not tried here). */
    async requeue(rows: { id: bigint; at: Date; errorCode: string; attemptBack?: boolean }[], now: Date): Promise<void> {
      if (!rows.length) return;
      await db.query(
        `UPDATE messages m SET status = 'queued', next_attempt_at = t.at, error_code = t.e, attempts = m.attempts - t.b, updated_at = $4
         FROM unnest($1::int8[], $2::timestamptz[], $3::text[], $5::text[], $6::int2[]) AS t(id, at, e, was, b) WHERE m.id = t.id AND m.status = t.was`,
        [rows.map((r) => r.id.toString()), rows.map((r) => r.at), rows.map((r) => r.errorCode), now, rows.map(() => 'sending'), rows.map((r) => (r.attemptBack ? 1 : 0))],
      );
    },

    /**
     * Moves messages to a final status, once: only rows not yet final change. Returns what changed,
     * with what billing needs to settle or refund them.
     */
    async finalise(rows: { id: bigint; status: FinalStatus; errorCode: string | null }[], now: Date): Promise<FinalisedRow[]> {
      if (!rows.length) return [];
      const { rows: changed } = await db.query(
        `UPDATE messages m SET status = t.s, error_code = COALESCE(t.e, m.error_code), settled = true, updated_at = $4
         FROM unnest($1::int8[], $2::text[], $3::text[]) AS t(id, s, e)
         WHERE m.id = t.id AND NOT m.settled
         RETURNING ${finalisedColumns}`,
        [rows.map((r) => r.id.toString()), rows.map((r) => r.status), rows.map((r) => r.errorCode), now],
      );
      return changed.map(toFinalised);
    },

    /**
     * Single-part messages answered by their one receipt, found by their upstream id and made
     * final in the same statement (settlement then settles their money, their row is not
     * written again). Returns them with the index of the receipt each answered.
     *
     * A receipt settles exactly one message: the most recent submission with its id on its
     * connector. SMSCs reuse ids, so older open messages with the id stay open until their own
     * receipt or expiry; and when a multi-part message's part took the id later, the receipt is
     * that part's (applyPartReceipts). A receipt with `notBefore` (its id was given lately)
     * settles only a submission recorded since then: the one it belongs to may not be recorded yet.
     */
    async finaliseByReceipt(receipts: { connectorId: string; upstreamId: string; final: FinalStatus; errorCode: string | null; notBefore?: Date | null }[], now: Date) {
      if (!receipts.length) return [];
      const { rows } = await db.query(
        `WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[], $7::timestamptz[]) WITH ORDINALITY AS t(c, u, s, e, was, nb, k)),
         pick AS (
           SELECT DISTINCT ON (t.c, t.u) m.id, t.s, t.e, t.k FROM t
             JOIN messages m ON m.connector_id = t.c AND m.upstream_id = t.u AND m.upstream_id IS NOT NULL AND m.status = t.was AND NOT m.settled
              AND (t.nb IS NULL OR m.updated_at >= t.nb)
            WHERE NOT EXISTS (SELECT 1 FROM message_parts p WHERE p.connector_id = t.c AND p.upstream_id = t.u AND p.status = 'sent' AND p.updated_at > m.updated_at)
            ORDER BY t.c, t.u, m.updated_at DESC, m.id DESC)
         UPDATE messages m SET status = pick.s, error_code = COALESCE(pick.e, m.error_code), settled = true, updated_at = $5
           FROM pick WHERE m.id = pick.id
         RETURNING ${finalisedColumns}, pick.k`,
        // t.was: see markSent; here each row is found through its upstream id
        [receipts.map((r) => r.connectorId), receipts.map((r) => r.upstreamId), receipts.map((r) => r.final), receipts.map((r) => r.errorCode), now, receipts.map(() => 'sent'), receipts.map((r) => r.notBefore ?? null)],
      );
      return rows.map((r) => ({ ...toFinalised(r), receipt: Number(r.k) - 1 }));
    },

    /**
     * Records part receipts. Returns which receipts found their part (a receipt can overtake the
     * commit of its submit_sm_resp; the caller retries the others) and the messages whose every
     * part now has its final answer.
     */
    async applyPartReceipts(receipts: { connectorId: string; upstreamId: string; status: string; errorCode: string | null; notBefore?: Date | null }[], now: Date) {
      if (!receipts.length) return { matched: new Set<string>(), complete: [] };
      const { rows } = await db.query(
        // one part per receipt: the most recent submission with the id (see finaliseByReceipt)
        `WITH pick AS (
           SELECT DISTINCT ON (t.c, t.u) p.message_id, p.seq, t.s, t.e FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::timestamptz[]) AS t(c, u, s, e, nb)
             JOIN message_parts p ON p.connector_id = t.c AND p.upstream_id = t.u AND p.status = 'sent' AND (t.nb IS NULL OR p.updated_at >= t.nb)
            ORDER BY t.c, t.u, p.updated_at DESC, p.message_id DESC),
         upd AS (
           UPDATE message_parts p SET status = pick.s, error_code = pick.e, updated_at = $5 FROM pick
           WHERE p.message_id = pick.message_id AND p.seq = pick.seq
           RETURNING p.message_id, p.connector_id, p.upstream_id),
         agg AS (
           UPDATE messages m SET parts_done = m.parts_done + x.n, updated_at = $5
           FROM (SELECT message_id, count(*) AS n FROM upd GROUP BY message_id) x
           WHERE m.id = x.message_id
           RETURNING m.id, m.parts, m.parts_done)
         SELECT 'm' AS k, id::text AS a, parts::text AS b, parts_done::text AS c, NULL::text AS d, NULL::text AS e FROM agg
         UNION ALL SELECT 'p', connector_id, upstream_id, NULL, NULL, NULL FROM upd`,
        [receipts.map((r) => r.connectorId), receipts.map((r) => r.upstreamId), receipts.map((r) => r.status), receipts.map((r) => r.errorCode), now, receipts.map((r) => r.notBefore ?? null)],
      );
      const matched = new Set(rows.filter((r) => r.k === 'p').map((r) => `${r.a}\u0000${r.b}`));
      const done = rows.filter((r) => r.k === 'm' && Number(r.c) >= Number(r.b)).map((r) => BigInt(r.a as string));
      if (!done.length) return { matched, complete: [] };
      const { rows: parts } = await db.query(
        'SELECT message_id, status, error_code FROM message_parts WHERE message_id = ANY($1::int8[])',
        [done.map(String)],
      );
      const byMessage = new Map<string, { statuses: string[]; error: string | null }>();
      for (const p of parts) {
        const k = String(p.message_id);
        const e = byMessage.get(k) ?? { statuses: [], error: null };
        e.statuses.push(p.status as string);
        e.error ??= (p.error_code as string) ?? null;
        byMessage.set(k, e);
      }
      return { matched, complete: done.map((id) => ({ id, ...byMessage.get(id.toString())! })) };
    },

    /** The recipient and price of final messages (webhook payloads). */
    async finalDetails(ids: bigint[]): Promise<Map<string, { recipient: string; cost: bigint }>> {
      if (!ids.length) return new Map();
      const { rows } = await db.query('SELECT id, recipient, cost FROM messages WHERE id = ANY($1::int8[])', [ids.map(String)]);
      return new Map(rows.map((r) => [String(r.id), { recipient: r.recipient as string, cost: toBigInt(r.cost) }]));
    },

    /** Messages past their validity: those never sent, and those whose receipt never came; not the `skip` ids (they failed lately). */
    async findExpired(now: Date, limit: number, skip: readonly bigint[] = []): Promise<{ id: bigint; sent: boolean }[]> {
      const { rows } = await db.query(
        `SELECT id, status FROM messages WHERE status IN ('queued', 'sent') AND expires_at < $1 AND NOT settled${skip.length ? ' AND NOT (id = ANY($3::int8[]))' : ''}
         ORDER BY expires_at LIMIT $2`,
        skip.length ? [now, limit, skip.map(String)] : [now, limit],
      );
      return rows.map((r) => ({ id: toBigInt(r.id), sent: r.status === 'sent' }));
    },

    /**
     * Batches whose every message is settled become done. Two transactions settling the last
     * messages of one batch at once would each see the other's as unsettled and neither would
     * mark it: the batch rows are locked first, and the check runs as a second statement, so its
     * snapshot sees what the transaction that held the lock committed.
     */
    async markBatchesDone(batchIds: string[], now: Date): Promise<void> {
      if (!batchIds.length) return;
      const { rows } = await db.query(
        "SELECT id FROM batches WHERE id = ANY($1) AND status IN ('queued', 'sending') ORDER BY id FOR UPDATE",
        [batchIds],
      );
      if (!rows.length) return;
      await db.query(
        `UPDATE batches b SET status = 'done', finished_at = $2 WHERE b.id = ANY($1) AND b.status IN ('queued', 'sending')
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.batch_id = b.id AND NOT m.settled)
         AND NOT EXISTS (SELECT 1 FROM message_chunks c WHERE c.batch_id = b.id)`,
        [rows.map((r) => r.id as string), now],
      );
    },
  };
}
