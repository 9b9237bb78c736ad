// The outbox. Bulk statements everywhere: a send may carry a million recipients and the
// dispatcher moves thousands of rows a second, so rows travel as arrays through unnest().
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';

export type MessageClass = 'service' | 'advertising' | 'otp';
export type RecipientStatus =
  | 'queued' | 'scheduled' | 'held' | 'sending' | 'sent' | 'delivered' | 'undelivered'
  | 'failed' | 'rejected' | 'blacklisted' | 'cancelled' | 'expired';
export const finalStatuses = ['delivered', 'undelivered', 'failed', 'rejected', 'blacklisted', 'cancelled', 'expired'] as const;
export type FinalStatus = (typeof finalStatuses)[number];

export type Batch = {
  id: string;
  accountId: string;
  accountPath: string;
  lineId: string;
  messageClass: MessageClass;
  body: string;
  alphabet: 'gsm7' | 'ucs2';
  parts: number;
  status: 'scheduled' | 'queued' | 'sending' | 'done' | 'cancelled' | 'held';
  sendAt: Date | null;
  total: number;
  rejected: number;
  cost: bigint;
  reservationId: string | null;
  idempotencyKey: string | null;
  source: 'api' | 'panel' | 'smpp' | 'system';
  priority: number;
  perMinute: number | null;
  personalised: boolean;
  createdAt: Date;
};

/** `errorCode` on a blacklisted recipient says which list: `blacklisted` (a blacklist) or `opted_out` (it replied 11). */
export type NewMessage = { recipient: string; operator: string; status: RecipientStatus; parts: number; cost: bigint; body?: string | null; readyAt?: Date; errorCode?: string | null };

/** Recipients of a send that share an operator, a price and a number of parts. */
export type RecipientGroup = { operator: string; parts: number; cost: bigint; recipients: string[] };

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
};

const toBatch = (r: Record<string, unknown>): Batch => ({
  id: r.id as string,
  accountId: r.account_id as string,
  accountPath: r.account_path as string,
  lineId: r.line_id as string,
  messageClass: r.message_class as MessageClass,
  body: r.body as string,
  alphabet: r.alphabet as Batch['alphabet'],
  parts: Number(r.parts),
  status: r.status as Batch['status'],
  sendAt: toDate(r.send_at),
  total: Number(r.total),
  rejected: Number(r.rejected),
  cost: toBigInt(r.cost),
  reservationId: (r.reservation_id as string) ?? null,
  idempotencyKey: (r.idempotency_key as string) ?? null,
  source: r.source as Batch['source'],
  priority: Number(r.priority),
  perMinute: r.per_minute === null || r.per_minute === undefined ? null : Number(r.per_minute),
  personalised: Boolean(r.personalised),
  createdAt: toDate(r.created_at)!,
});

const CHUNK = 20_000;
/** Recipients of one message_chunks row at most (its block of ids in message_chunk_ids). */
export const CHUNK_RECIPIENTS = 4096;
const nulls = (n: number) => new Array<null>(n).fill(null);

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
});

const finalisedColumns = 'm.id, m.batch_id, m.account_id, m.recipient, m.operator, m.parts, m.cost, m.status, m.error_code';

const toFinalised = (r: Record<string, unknown>) => ({
  id: toBigInt(r.id), batchId: r.batch_id as string, accountId: r.account_id as string, recipient: r.recipient as string,
  operator: r.operator as string, parts: Number(r.parts), cost: toBigInt(r.cost), status: r.status as FinalStatus, errorCode: (r.error_code as string) ?? null,
});

/** A message that has just become final, with what billing and the listeners need. */
export type Finalised = ReturnType<typeof toFinalised>;

export function messageRepo(db: Db) {
  return {
    async insertBatch(b: Omit<Batch, 'createdAt'>): Promise<void> {
      await this.insertBatches([b]);
    },

    async insertBatches(bs: Omit<Batch, 'createdAt'>[]): Promise<void> {
      const col = <K extends keyof Omit<Batch, 'createdAt'>>(k: K) => bs.map((b) => (typeof b[k] === 'bigint' ? String(b[k]) : b[k]));
      await db.query(
        `INSERT INTO batches (id, account_id, account_path, line_id, message_class, body, alphabet, parts, status, send_at, total,
           rejected, cost, reservation_id, idempotency_key, source, priority, per_minute, personalised)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::timestamptz[], $11::int[],
           $12::int[], $13::int8[], $14::text[], $15::text[], $16::text[], $17::int[], $18::int[], $19::boolean[])`,
        [col('id'), col('accountId'), col('accountPath'), col('lineId'), col('messageClass'), col('body'), col('alphabet'), col('parts'), col('status'), col('sendAt'), col('total'),
          col('rejected'), col('cost'), col('reservationId'), col('idempotencyKey'), col('source'), col('priority'), col('perMinute'), col('personalised')],
      );
    },

    /** The messages of several small batches in one statement (group commit); big sends use insertMessages. */
    async insertMessagesOfBatches(sends: { batch: { id: string; accountId: string; priority: number; expiresAt: Date; readyAt: Date }; rows: NewMessage[] }[]): Promise<void> {
      const rows = sends.flatMap(({ batch, rows }) => rows.map((m) => ({ m, batch })));
      if (!rows.length) return;
      await db.query(
        `INSERT INTO messages (batch_id, account_id, recipient, operator, status, parts, cost, priority, expires_at, next_attempt_at, settled, body, error_code)
         SELECT bid, acc, r, o, s, p, c, pri, COALESCE(at, ready) + (exp - ready), COALESCE(at, ready), s = 'blacklisted', b, e
         FROM unnest($1::text[], $2::text[], $3::int2[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::int2[], $10::int8[], $11::text[], $12::timestamptz[], $13::text[])
           AS t(bid, acc, pri, ready, exp, r, o, s, p, c, b, at, e)`,
        [rows.map((x) => x.batch.id), rows.map((x) => x.batch.accountId), rows.map((x) => x.batch.priority), rows.map((x) => x.batch.readyAt), rows.map((x) => x.batch.expiresAt),
          rows.map((x) => x.m.recipient), rows.map((x) => x.m.operator), rows.map((x) => x.m.status), rows.map((x) => x.m.parts), rows.map((x) => x.m.cost.toString()),
          rows.map((x) => x.m.body ?? null), rows.map((x) => x.m.readyAt ?? null), rows.map((x) => x.m.errorCode ?? null)],
      );
    },

    async insertMessages(batch: { id: string; accountId: string; priority: number; expiresAt: Date; readyAt: Date }, rows: NewMessage[]): Promise<void> {
      const validityMs = batch.expiresAt.getTime() - batch.readyAt.getTime();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        // Per-message text and ready time only when some message has its own (P2P, gradual sends).
        const own = chunk.some((m) => m.body || m.readyAt);
        await db.query(
          `INSERT INTO messages (batch_id, account_id, recipient, operator, status, parts, cost, priority, expires_at, next_attempt_at, settled, body, error_code)
           SELECT $1, $2, r, o, s, p, c, $3, COALESCE(at, $4) + $5 * interval '1 millisecond', COALESCE(at, $4), s = 'blacklisted', b, e
           FROM unnest($6::text[], $7::text[], $8::text[], $9::int2[], $10::int8[], $11::text[], $12::timestamptz[], $13::text[]) AS t(r, o, s, p, c, b, at, e)`,
          [batch.id, batch.accountId, batch.priority, batch.readyAt, validityMs,
            chunk.map((m) => m.recipient), chunk.map((m) => m.operator), chunk.map((m) => m.status), chunk.map((m) => m.parts), chunk.map((m) => m.cost.toString()),
            own ? chunk.map((m) => m.body ?? null) : nulls(chunk.length), own ? chunk.map((m) => m.readyAt ?? null) : nulls(chunk.length),
            chunk.some((m) => m.errorCode) ? chunk.map((m) => m.errorCode ?? null) : nulls(chunk.length)],
        );
      }
    },

    /**
     * A big immediate send's recipients as chunks (one operator and price each), not a row each:
     * the dispatcher makes their rows as it claims them. Every recipient's id is fixed here.
     */
    async insertChunks(batch: { id: string; accountId: string; priority: number; expiresAt: Date; readyAt: Date }, groups: RecipientGroup[]): Promise<void> {
      const chunks = groups.flatMap((g) => {
        const out: { g: RecipientGroup; recipients: string }[] = [];
        for (let i = 0; i < g.recipients.length; i += CHUNK_RECIPIENTS) out.push({ g, recipients: g.recipients.slice(i, i + CHUNK_RECIPIENTS).join(',') });
        return out;
      });
      if (!chunks.length) return;
      const { rows } = await db.query('SELECT nextval(\'message_chunk_ids\') AS id FROM generate_series(1, $1)', [chunks.length]);
      const ids = rows.map((r) => toBigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (let i = 0; i < chunks.length; i += 64) {
        const part = chunks.slice(i, i + 64);
        await db.query(
          `INSERT INTO message_chunks (first_id, batch_id, account_id, operator, priority, parts, cost, ready_at, expires_at, recipients)
           SELECT f, $1, $2, o, $3, p, c, $4, $5, string_to_array(r, ',') FROM unnest($6::int8[], $7::text[], $8::int2[], $9::int8[], $10::text[]) AS t(f, o, p, c, r)`,
          [batch.id, batch.accountId, batch.priority, batch.readyAt, batch.expiresAt, ids.slice(i, i + 64).map(String),
            part.map((x) => x.g.operator), part.map((x) => x.g.parts), part.map((x) => x.g.cost.toString()), part.map((x) => x.recipients)],
        );
      }
    },

    /** The batches that already hold these (account, Idempotency-Key) pairs, by `account\0key`. */
    async findBatchesByIdempotencyKeys(pairs: { accountId: string; key: string }[]): Promise<Map<string, Batch>> {
      const { rows } = await db.query(
        'SELECT b.* FROM batches b JOIN unnest($1::text[], $2::text[]) AS t(a, k) ON b.account_id = t.a AND b.idempotency_key = t.k',
        [pairs.map((p) => p.accountId), pairs.map((p) => p.key)],
      );
      return new Map(rows.map((r) => [`${r.account_id as string}\u0000${r.idempotency_key as string}`, toBatch(r)]));
    },

    async findBatchByIdempotencyKey(accountId: string, key: string): Promise<Batch | null> {
      const { rows } = await db.query('SELECT * FROM batches WHERE account_id = $1 AND idempotency_key = $2', [accountId, key]);
      return rows[0] ? toBatch(rows[0]) : null;
    },

    async findBatch(scope: Scope, id: string): Promise<Batch | null> {
      const { rows } = await db.query('SELECT * FROM batches WHERE id = $1 AND starts_with(account_path, $2)', [id, scope.path]);
      return rows[0] ? toBatch(rows[0]) : null;
    },

    /** A batch and its recipients' counts per status, read in one statement (one snapshot). */
    async findBatchWithCounts(scope: Scope, id: string): Promise<(Batch & { counts: Record<string, number> }) | null> {
      const { rows } = await db.query(
        `SELECT b.*, (SELECT json_object_agg(c.status, c.n) FROM (SELECT status, count(*) AS n FROM outbox_messages WHERE batch_id = b.id GROUP BY status) c) AS counts
         FROM batches b WHERE b.id = $1 AND starts_with(b.account_path, $2)`,
        [id, scope.path],
      );
      if (!rows[0]) return null;
      const counts = (rows[0].counts ?? {}) as Record<string, number | string>;
      return { ...toBatch(rows[0]), counts: Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, Number(n)])) };
    },

    async findBatchForUpdate(id: string): Promise<Batch | null> {
      const { rows } = await db.query('SELECT * FROM batches WHERE id = $1 FOR UPDATE', [id]);
      return rows[0] ? toBatch(rows[0]) : null;
    },

    async listBatches(scope: Scope, f: { accountId?: string; limit: number; offset: number }): Promise<Batch[]> {
      const params: unknown[] = [scope.path];
      let where = 'starts_with(account_path, $1)';
      if (f.accountId) {
        params.push(f.accountId);
        where += ` AND account_id = $${params.length}`;
      }
      const { rows } = await db.query(`SELECT * FROM batches WHERE ${where} ORDER BY created_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`, params);
      return rows.map(toBatch);
    },

    async listRecipients(batchId: string, f: { status?: string; q?: string; limit: number; afterId?: bigint }) {
      const params: unknown[] = [batchId];
      let where = 'batch_id = $1';
      if (f.status) {
        params.push(f.status);
        where += ` AND status = $${params.length}`;
      }
      if (f.q) {
        params.push(`%${f.q}%`);
        where += ` AND recipient LIKE $${params.length}`;
      }
      if (f.afterId !== undefined) {
        params.push(f.afterId.toString());
        where += ` AND id > $${params.length}`;
      }
      const { rows } = await db.query(
        `SELECT id, recipient, operator, status, parts, cost, error_code, updated_at FROM outbox_messages WHERE ${where} ORDER BY id LIMIT ${f.limit}`,
        params,
      );
      return rows.map((r) => ({
        id: toBigInt(r.id),
        recipient: r.recipient as string,
        operator: r.operator as string,
        status: r.status as RecipientStatus,
        parts: Number(r.parts),
        cost: toBigInt(r.cost),
        errorCode: (r.error_code as string) ?? null,
        updatedAt: toDate(r.updated_at)!,
      }));
    },

    /** Scheduled batches whose time has come move to the outbox. */
    async releaseScheduled(now: Date): Promise<string[]> {
      const { rows } = await db.query(
        "UPDATE batches SET status = 'queued' WHERE status = 'scheduled' AND send_at <= $1 RETURNING id",
        [now],
      );
      const ids = rows.map((r) => r.id as string);
      if (ids.length) await db.query("UPDATE messages SET status = 'queued', updated_at = $2 WHERE batch_id = ANY($1) AND status = 'scheduled'", [ids, now]);
      return ids;
    },

    /** Held messages whose sending window has opened go to the outbox, unless moderation still holds their batch. */
    async releaseHeld(now: Date): Promise<number> {
      const { rows } = await db.query(
        `WITH due AS (
           UPDATE messages m SET status = 'queued', updated_at = $1
           WHERE m.status = 'held' AND m.next_attempt_at <= $1
             AND NOT EXISTS (SELECT 1 FROM moderation_items mi WHERE mi.batch_id = m.batch_id AND mi.status = 'pending')
           RETURNING m.batch_id)
         UPDATE batches b SET status = 'queued' FROM (SELECT DISTINCT batch_id FROM due) d
         WHERE b.id = d.batch_id AND b.status = 'held' RETURNING b.id`,
        [now],
      );
      return rows.length;
    },

    /**
     * Claims up to n messages that are due. The ARRAY(SELECT … SKIP LOCKED) form lets several
     * dispatchers share the outbox without waiting on each other and uses the partial index;
     * `id IN (SELECT …)` would make the planner scan the table.
     */
    async claim(n: number, now: Date): Promise<ClaimedMessage[]> {
      const { rows } = await db.query(
        `WITH claimed AS (
           UPDATE messages SET status = 'sending', claimed_at = $2, attempts = attempts + 1, updated_at = $2
           WHERE id = ANY(ARRAY(SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= $2
                                ORDER BY priority, next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED))
           RETURNING id, batch_id, account_id, recipient, operator, parts, attempts, expires_at, body AS own_body)
         ${claimedWithBatch}`,
        [n, now],
      );
      const claimed = rows.map(toClaimed);
      // then recipients still in chunks, whose rows are made here already claimed
      for (let i = 0; i < 4 && claimed.length < n; i++) {
        const more = await this.claimFromChunk(n - claimed.length, now);
        if (!more.length) break;
        claimed.push(...more);
      }
      return claimed;
    },

    /**
     * Up to n recipients of the next chunk become outbox rows, claimed ('sending'), in one
     * statement. What they share is read once: the answer is one row with the recipients as an
     * array and the first id (ids run on from it), not a row of thirteen columns per recipient.
     */
    async claimFromChunk(n: number, now: Date): Promise<ClaimedMessage[]> {
      const { rows } = await db.query(
        `WITH ch AS (
           SELECT first_id, taken, least(cardinality(recipients) - taken, $1) AS k, cardinality(recipients) - taken AS remaining
           FROM message_chunks WHERE ready_at <= $2 ORDER BY priority, ready_at, first_id LIMIT 1 FOR UPDATE SKIP LOCKED),
         upd AS (UPDATE message_chunks m SET taken = m.taken + ch.k FROM ch WHERE m.first_id = ch.first_id AND ch.k < ch.remaining),
         del AS (DELETE FROM message_chunks m USING ch WHERE m.first_id = ch.first_id AND ch.k = ch.remaining),
         ins AS (
           INSERT INTO messages (id, batch_id, account_id, recipient, operator, status, priority, parts, cost, attempts, next_attempt_at, claimed_at, expires_at, created_at, updated_at)
           SELECT m.first_id + ch.taken + u.i - 1, m.batch_id, m.account_id, u.r, m.operator, 'sending', m.priority, m.parts, m.cost, 1, m.ready_at, $2, m.expires_at, m.created_at, $2
           FROM ch JOIN message_chunks m ON m.first_id = ch.first_id CROSS JOIN LATERAL unnest(m.recipients[ch.taken + 1:ch.taken + ch.k]) WITH ORDINALITY AS u(r, i))
         SELECT m.first_id + ch.taken AS start_id, m.recipients[ch.taken + 1:ch.taken + ch.k] AS recipients, m.batch_id, m.account_id,
                m.operator, m.parts, m.expires_at, b.body, b.message_class, l.number AS line_number, l.line_type, l.ref16
         FROM ch JOIN message_chunks m ON m.first_id = ch.first_id JOIN batches b ON b.id = m.batch_id JOIN lines l ON l.id = b.line_id`,
        [n, now],
      );
      if (!rows.length) return [];
      const r = rows[0];
      const start = toBigInt(r.start_id);
      const shared = {
        batchId: r.batch_id as string,
        accountId: r.account_id as string,
        operator: r.operator as string,
        parts: Number(r.parts),
        attempts: 1,
        expiresAt: toDate(r.expires_at)!,
        body: r.body as string,
        messageClass: r.message_class as MessageClass,
        lineNumber: r.line_number as string,
        lineType: r.line_type as string,
        ref16: Boolean(r.ref16),
      };
      return (r.recipients as string[]).map((recipient, i) => ({ ...shared, id: start + BigInt(i), recipient }));
    },

    /** After a crash: claims older than the lease go back to the outbox. */
    async reclaimStale(olderThan: Date, now: Date): Promise<number> {
      const r = await db.query(
        "UPDATE messages SET status = 'queued', next_attempt_at = $2, updated_at = $2 WHERE status = 'sending' AND claimed_at < $1",
        [olderThan, now],
      );
      return r.rowCount;
    },

    async markSent(rows: { id: bigint; connectorId: string; parts: { upstreamId: string; seq: number }[] }[], now: Date): Promise<void> {
      if (!rows.length) return;
      // a single-part message's upstream id stays on its row; longer ones get a row per part
      await db.query(
        `UPDATE messages m SET status = 'sent', parts_sent = t.n, connector_id = t.c, upstream_id = t.u, updated_at = $5
         FROM unnest($1::int8[], $2::int2[], $3::text[], $4::text[]) AS t(id, n, c, u) WHERE m.id = t.id AND m.status = 'sending'`,
        [rows.map((r) => r.id.toString()), rows.map((r) => r.parts.length), rows.map((r) => r.connectorId), rows.map((r) => (r.parts.length === 1 ? r.parts[0].upstreamId : null)), now],
      );
      const parts = rows.filter((r) => r.parts.length > 1).flatMap((r) => r.parts.map((p) => ({ id: r.id, c: r.connectorId, u: p.upstreamId, s: p.seq })));
      if (!parts.length) return;
      await db.query(
        `INSERT INTO message_parts (connector_id, upstream_id, message_id, seq, updated_at)
         SELECT c, u, id, s, $5 FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[]) AS t(c, u, id, s)
         ON CONFLICT (connector_id, upstream_id) DO NOTHING`,
        [parts.map((p) => p.c), parts.map((p) => p.u), parts.map((p) => p.id.toString()), parts.map((p) => p.s), now],
      );
    },

    async requeue(rows: { id: bigint; at: Date; errorCode: string }[], now: Date): Promise<void> {
      if (!rows.length) return;
      await db.query(
        `UPDATE messages m SET status = 'queued', next_attempt_at = t.at, error_code = t.e, updated_at = $4
         FROM unnest($1::int8[], $2::timestamptz[], $3::text[]) AS t(id, at, e) WHERE m.id = t.id AND m.status = 'sending'`,
        [rows.map((r) => r.id.toString()), rows.map((r) => r.at), rows.map((r) => r.errorCode), now],
      );
    },

    /**
     * Moves messages to a final status, once: only rows not yet final change. Returns what changed,
     * with what billing needs to settle or refund them.
     */
    async finalise(rows: { id: bigint; status: FinalStatus; errorCode: string | null }[], now: Date): Promise<Finalised[]> {
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
     * written again). Returns them with the receipt (connector, upstream id) each answered.
     */
    async finaliseByReceipt(receipts: { connectorId: string; upstreamId: string; final: FinalStatus; errorCode: string | null }[], now: Date) {
      if (!receipts.length) return [];
      const { rows } = await db.query(
        `UPDATE messages m SET status = t.s, error_code = COALESCE(t.e, m.error_code), settled = true, updated_at = $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, u, s, e)
         WHERE m.connector_id = t.c AND m.upstream_id = t.u AND m.upstream_id IS NOT NULL AND m.status = 'sent' AND NOT m.settled
         RETURNING ${finalisedColumns}, t.c, t.u`,
        [receipts.map((r) => r.connectorId), receipts.map((r) => r.upstreamId), receipts.map((r) => r.final), receipts.map((r) => r.errorCode), now],
      );
      return rows.map((r) => ({ ...toFinalised(r), connectorId: r.c as string, upstreamId: r.u as string }));
    },

    /**
     * Records part receipts. Returns which receipts found their part (a receipt can overtake the
     * commit of its submit_sm_resp; the caller retries the others) and the messages whose every
     * part now has its final answer.
     */
    async applyPartReceipts(receipts: { connectorId: string; upstreamId: string; status: string; errorCode: string | null }[], now: Date) {
      if (!receipts.length) return { matched: new Set<string>(), complete: [] };
      const { rows } = await db.query(
        `WITH upd AS (
           UPDATE message_parts p SET status = t.s, error_code = t.e, updated_at = $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, u, s, e)
           WHERE p.connector_id = t.c AND p.upstream_id = t.u AND p.status = 'sent'
           RETURNING p.message_id, p.connector_id, p.upstream_id),
         agg AS (
           UPDATE messages m SET parts_done = m.parts_done + x.n, updated_at = $5
           FROM (SELECT message_id, count(*) AS n FROM upd GROUP BY message_id) x
           WHERE m.id = x.message_id
           RETURNING m.id, m.parts, m.parts_done)
         SELECT 'm' AS k, id::text AS a, parts::text AS b, parts_done::text AS c, NULL::text AS d, NULL::text AS e FROM agg
         UNION ALL SELECT 'p', connector_id, upstream_id, NULL, NULL, NULL FROM upd`,
        [receipts.map((r) => r.connectorId), receipts.map((r) => r.upstreamId), receipts.map((r) => r.status), receipts.map((r) => r.errorCode), now],
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

    /** Messages past their validity: those never sent, and those whose receipt never came. */
    async findExpired(now: Date, limit: number): Promise<{ id: bigint; sent: boolean }[]> {
      const { rows } = await db.query(
        "SELECT id, status FROM messages WHERE status IN ('queued', 'sent') AND expires_at < $1 AND NOT settled ORDER BY expires_at LIMIT $2",
        [now, limit],
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

    /** Why a held send waits: a pending moderation item, or the sending window (until when). */
    async heldInfo(batchId: string): Promise<{ reason: 'moderation' | 'sending_hours'; until: Date | null }> {
      const { rows } = await db.query(
        `SELECT EXISTS (SELECT 1 FROM moderation_items WHERE batch_id = $1 AND status = 'pending') AS moderated,
                (SELECT min(next_attempt_at) FROM messages WHERE batch_id = $1 AND status = 'held') AS until`,
        [batchId],
      );
      return rows[0].moderated ? { reason: 'moderation', until: null } : { reason: 'sending_hours', until: toDate(rows[0].until) };
    },

    async setBatchStatus(id: string, status: Batch['status'], now: Date): Promise<void> {
      await db.query('UPDATE batches SET status = $2, started_at = CASE WHEN $2 = \'sending\' THEN COALESCE(started_at, $3) ELSE started_at END WHERE id = $1', [id, status, now]);
    },
  };
}

export type MessageRepo = ReturnType<typeof messageRepo>;
