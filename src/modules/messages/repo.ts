// The outbox. Bulk statements everywhere: a send may carry a million recipients and the
// dispatcher moves thousands of rows a second, so rows travel as arrays through unnest().
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import { nextTurn } from '../../lib/turns.ts';
import type { Scope } from '../accounts/scope.ts';
import { CHUNK_RECIPIENTS, outboxRepo } from './outbox-repo.ts';
import { doubtRepo } from './doubt-repo.ts';
import type { MessageClass, RecipientStatus } from './types.ts';

/** Chunks written by one statement: ~16,000 recipients, ~20 ms of the embedded database, after
 * which the event loop turns (the statements share the send's transaction). */
export const CHUNKS_PER_STATEMENT = 4;

export type { ClaimedMessage, FinalisedRow } from './outbox-repo.ts';

export type Batch = {
  id: string;
  accountId: string;
  accountPath: string;
  lineId: string;
  /** The line's type when the send was accepted (null: accepted before migration 0021). */
  lineType: string | null;
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
  /** The text is a code or a password (a system SMS): shown to nobody, emptied once done (migration 0030). */
  secret: boolean;
  /** Production: the database empties the text as soon as the send is done or cancelled. */
  redactWhenDone: boolean;
  createdAt: Date;
};

/** `errorCode` on a blacklisted recipient says which list: `blacklisted` (a blacklist) or `opted_out` (it replied 11). */
export type NewMessage = { recipient: string; operator: string; status: RecipientStatus; parts: number; cost: bigint; body?: string | null; readyAt?: Date; errorCode?: string | null };

/** Recipients of a send that share an operator, a price and a number of parts. */
export type RecipientGroup = { operator: string; parts: number; cost: bigint; recipients: string[] };

/** A batch found by its Idempotency-Key, with what its first answer said apart from the batch row. */
export type KeyedBatch = Batch & { blacklisted: number };
const BLACKLISTED = "(SELECT count(*) FROM messages m WHERE m.batch_id = b.id AND m.status = 'blacklisted') AS blacklisted";

const toBatch = (r: Record<string, unknown>): Batch => ({
  id: r.id as string,
  accountId: r.account_id as string,
  accountPath: r.account_path as string,
  lineId: r.line_id as string,
  lineType: (r.line_type as string | null) ?? null,
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
  secret: Boolean(r.secret),
  redactWhenDone: Boolean(r.redact_when_done),
  createdAt: toDate(r.created_at)!,
});

const CHUNK = 20_000;
const nulls = (n: number) => new Array<null>(n).fill(null);

export function messageRepo(db: Db) {
  return {
    ...outboxRepo(db),
    ...doubtRepo(db),
    /** Empties the text of finished secret sends (system SMS with a code) made before `before`. */
    async redactSecretBatchesBefore(before: Date): Promise<number> {
      const r = await db.query("UPDATE batches SET body = '' WHERE secret AND body <> '' AND status IN ('done', 'cancelled') AND created_at < $1", [before]);
      return r.rowCount;
    },
    async insertBatch(b: Omit<Batch, 'createdAt'>): Promise<void> {
      await this.insertBatches([b]);
    },

    async insertBatches(bs: Omit<Batch, 'createdAt'>[]): Promise<void> {
      const col = <K extends keyof Omit<Batch, 'createdAt'>>(k: K) => bs.map((b) => (typeof b[k] === 'bigint' ? String(b[k]) : b[k]));
      await db.query(
        `INSERT INTO batches (id, account_id, account_path, line_id, message_class, body, alphabet, parts, status, send_at, total,
           rejected, cost, reservation_id, idempotency_key, source, priority, per_minute, personalised, line_type, secret, redact_when_done)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::timestamptz[], $11::int[],
           $12::int[], $13::int8[], $14::text[], $15::text[], $16::text[], $17::int[], $18::int[], $19::boolean[], $20::text[], $21::boolean[], $22::boolean[])`,
        [col('id'), col('accountId'), col('accountPath'), col('lineId'), col('messageClass'), col('body'), col('alphabet'), col('parts'), col('status'), col('sendAt'), col('total'),
          col('rejected'), col('cost'), col('reservationId'), col('idempotencyKey'), col('source'), col('priority'), col('perMinute'), col('personalised'), col('lineType'),
          col('secret'), col('redactWhenDone')],
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
        if (i > 0) await nextTurn();
        const chunk = rows.slice(i, i + CHUNK);
        // Per-message text and ready time only when some message has its own (P2P, gradual sends).
        const own = chunk.some((m) => m.body != null || m.readyAt);
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
        const out: { g: RecipientGroup; from: number; size: number }[] = [];
        for (let i = 0; i < g.recipients.length; i += CHUNK_RECIPIENTS) out.push({ g, from: i, size: Math.min(CHUNK_RECIPIENTS, g.recipients.length - i) });
        return out;
      });
      if (!chunks.length) return;
      const { rows } = await db.query('SELECT nextval(\'message_chunk_ids\') AS id FROM generate_series(1, $1)', [chunks.length]);
      const ids = rows.map((r) => toBigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (let i = 0; i < chunks.length; i += CHUNKS_PER_STATEMENT) {
        if (i > 0) await nextTurn();
        const part = chunks.slice(i, i + CHUNKS_PER_STATEMENT).map((x) => ({ ...x, recipients: x.g.recipients.slice(x.from, x.from + x.size).join(',') }));
        await db.query(
          `INSERT INTO message_chunks (first_id, batch_id, account_id, operator, priority, parts, cost, ready_at, expires_at, recipients, size)
           SELECT f, $1, $2, o, $3, p, c, $4, $5, string_to_array(r, ','), n FROM unnest($6::int8[], $7::text[], $8::int2[], $9::int8[], $10::text[], $11::int4[]) AS t(f, o, p, c, r, n)`,
          [batch.id, batch.accountId, batch.priority, batch.readyAt, batch.expiresAt, ids.slice(i, i + CHUNKS_PER_STATEMENT).map(String),
            part.map((x) => x.g.operator), part.map((x) => x.g.parts), part.map((x) => x.g.cost.toString()), part.map((x) => x.recipients), part.map((x) => x.size)],
        );
      }
    },

    /** The batches that already hold these (account, Idempotency-Key) pairs, by `account\0key`, with
     * their blacklisted recipients counted (rows of their own, never in chunks) for the answer. */
    async findBatchesByIdempotencyKeys(pairs: { accountId: string; key: string }[]): Promise<Map<string, KeyedBatch>> {
      const { rows } = await db.query(
        `SELECT b.*, ${BLACKLISTED} FROM batches b JOIN unnest($1::text[], $2::text[]) AS t(a, k) ON b.account_id = t.a AND b.idempotency_key = t.k`,
        [pairs.map((p) => p.accountId), pairs.map((p) => p.key)],
      );
      return new Map(rows.map((r) => [`${r.account_id as string}\u0000${r.idempotency_key as string}`, { ...toBatch(r), blacklisted: Number(r.blacklisted) }]));
    },

    async findBatchByIdempotencyKey(accountId: string, key: string): Promise<KeyedBatch | null> {
      const { rows } = await db.query(`SELECT b.*, ${BLACKLISTED} FROM batches b WHERE b.account_id = $1 AND b.idempotency_key = $2`, [accountId, key]);
      return rows[0] ? { ...toBatch(rows[0]), blacklisted: Number(rows[0].blacklisted) } : null;
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

    /** Why a held send waits: a pending moderation item, or the sending window (until when). */
    async heldInfo(batchId: string): Promise<{ reason: 'moderation' | 'sending_hours'; until: Date | null }> {
      const { rows } = await db.query(
        `SELECT EXISTS (SELECT 1 FROM moderation_items WHERE batch_id = $1 AND status = 'pending') AS moderated,
                (SELECT min(next_attempt_at) FROM messages WHERE batch_id = $1 AND status = 'held') AS until`,
        [batchId],
      );
      return rows[0].moderated ? { reason: 'moderation', until: null } : { reason: 'sending_hours', until: toDate(rows[0].until) };
    },

    /** A batch refused by moderation: cancelled, and finished now. */
    async cancelBatch(id: string, now: Date): Promise<void> {
      await db.query("UPDATE batches SET status = 'cancelled', finished_at = $2 WHERE id = $1", [id, now]);
    },
    /** The batch's messages in these statuses that are not settled yet (to cancel them). */
    async unsettledOfBatch(batchId: string, statuses: readonly RecipientStatus[]): Promise<bigint[]> {
      const { rows } = await db.query('SELECT id FROM messages WHERE batch_id = $1 AND status = ANY($2::text[]) AND NOT settled', [batchId, statuses]);
      return rows.map((r) => BigInt(r.id as string | bigint));
    },
    async setBatchStatus(id: string, status: Batch['status'], now: Date): Promise<void> {
      await db.query('UPDATE batches SET status = $2, started_at = CASE WHEN $2 = \'sending\' THEN COALESCE(started_at, $3) ELSE started_at END WHERE id = $1', [id, status, now]);
    },
  };
}

export type MessageRepo = ReturnType<typeof messageRepo>;
