// The SMPP server's SQL: accounts' SMPP passwords, submissions (message id → batch), fragments of concatenated submits,
// accounts that bind as receivers, and the durable queue of deliver_sm (receipts, inbound).
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';

export type Submission = {
  messageId: string;
  accountId: string;
  idempotencyKey: string;
  seq: number;
  total: number;
  sourceAddr: string;
  destAddr: string;
  registeredDelivery: number;
  textHead: string;
  submittedAt: Date;
  keepUntil: Date;
  /** The transceiver session that submitted it (its receipt goes there while it is bound). */
  sessionId?: string | null;
};

/** An account's SMPP limits as its parent set them; null: the platform's default. */
export type StoredLimits = { tps: number | null; window: number | null; maxBinds: number | null };

export type Credential = { id: string; accountId: string; passwordHash: string; allowedIps: string[]; createdAt: Date; lastUsedAt: Date | null };

export type Fragment = {
  accountId: string;
  sourceAddr: string;
  destAddr: string;
  ref: number;
  total: number;
  seq: number;
  messageId: string;
  body: string;
  messageClass: string;
  registeredDelivery: number;
  sendAt: Date | null;
  validUntil: Date | null;
  receivedAt: Date;
};

export type ReceiptPayload = {
  messageId: string;
  /** the handset, as the ESME addressed it */
  destAddr: string;
  sourceAddr: string;
  stat: string;
  state: number;
  err: string;
  submittedAt: string;
  doneAt: string;
  text: string;
};
export type InboundPayload = { from: string; to: string; text: string };

export type Delivery =
  | { id: bigint; accountId: string; kind: 'receipt'; payload: ReceiptPayload; attempts: number; sessionId: string | null }
  | { id: bigint; accountId: string; kind: 'inbound'; payload: InboundPayload; attempts: number; sessionId: string | null };

const toFragment = (r: Record<string, unknown>): Fragment => ({
  accountId: r.account_id as string,
  sourceAddr: r.source_addr as string,
  destAddr: r.dest_addr as string,
  ref: Number(r.ref),
  total: Number(r.total),
  seq: Number(r.seq),
  messageId: r.message_id as string,
  body: r.body as string,
  messageClass: r.message_class as string,
  registeredDelivery: Number(r.registered_delivery),
  sendAt: toDate(r.send_at),
  validUntil: toDate(r.valid_until),
  receivedAt: toDate(r.received_at)!,
});

const toCredential = (r: Record<string, unknown>): Credential => ({
  id: r.id as string,
  accountId: r.account_id as string,
  passwordHash: r.password_hash as string,
  allowedIps: (r.allowed_ips as string[] | null) ?? [],
  createdAt: toDate(r.created_at)!,
  lastUsedAt: toDate(r.last_used_at),
});

export function smppRepo(db: Db) {
  return {
    async findCredential(accountId: string): Promise<Credential | null> {
      const { rows } = await db.query('SELECT * FROM smpp_credentials WHERE account_id = $1', [accountId]);
      return rows[0] ? toCredential(rows[0]) : null;
    },
    /** Replaces the account's password; returns the id of the one it replaced, if any. */
    async replaceCredential(c: Omit<Credential, 'lastUsedAt'>): Promise<string | null> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query('DELETE FROM smpp_credentials WHERE account_id = $1 RETURNING id', [c.accountId]);
        await tx.query('INSERT INTO smpp_credentials (account_id, id, password_hash, allowed_ips, created_at) VALUES ($1, $2, $3, $4, $5)', [c.accountId, c.id, c.passwordHash, c.allowedIps, c.createdAt]);
        return (rows[0]?.id as string | undefined) ?? null;
      });
    },
    async deleteCredential(accountId: string): Promise<string | null> {
      const { rows } = await db.query('DELETE FROM smpp_credentials WHERE account_id = $1 RETURNING id', [accountId]);
      return (rows[0]?.id as string | undefined) ?? null;
    },
    async touchCredential(id: string, at: Date): Promise<void> {
      await db.query('UPDATE smpp_credentials SET last_used_at = $2 WHERE id = $1', [id, at]);
    },
    /** Of these bound passwords, the ids still current. */
    async findCurrentCredentialIds(ids: string[]): Promise<Set<string>> {
      const { rows } = await db.query('SELECT id FROM smpp_credentials WHERE id = ANY($1)', [ids]);
      return new Set(rows.map((r) => r.id as string));
    },

    async findLimits(accountIds: string[]): Promise<Map<string, StoredLimits>> {
      const { rows } = await db.query('SELECT account_id, tps, "window", max_binds FROM smpp_limits WHERE account_id = ANY($1)', [accountIds]);
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return new Map(rows.map((r) => [r.account_id as string, { tps: num(r.tps), window: num(r.window), maxBinds: num(r.max_binds) }]));
    },
    async saveLimits(accountId: string, l: StoredLimits, by: string, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO smpp_limits (account_id, tps, "window", max_binds, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account_id) DO UPDATE SET tps = EXCLUDED.tps, "window" = EXCLUDED."window", max_binds = EXCLUDED.max_binds, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [accountId, l.tps, l.window, l.maxBinds, at, by],
      );
    },

    /** One statement for any number of rows (the listener's submits of one turn are written together). */
    async insertSubmissions(rows: Submission[]): Promise<void> {
      if (!rows.length) return;
      const col = <T>(f: (s: Submission) => T) => rows.map(f);
      await db.query(
        `INSERT INTO smpp_submissions (message_id, account_id, idempotency_key, seq, total, source_addr, dest_addr, registered_delivery, text_head, submitted_at, keep_until, session_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[])
         ON CONFLICT (message_id) DO NOTHING`,
        [
          col((s) => s.messageId), col((s) => s.accountId), col((s) => s.idempotencyKey), col((s) => s.seq), col((s) => s.total), col((s) => s.sourceAddr), col((s) => s.destAddr),
          col((s) => s.registeredDelivery), col((s) => s.textHead), col((s) => s.submittedAt.toISOString()), col((s) => s.keepUntil.toISOString()), col((s) => s.sessionId ?? null),
        ],
      );
    },
    /** The SMPP submissions behind these batches (only batches that came in over SMPP match). */
    async findSubmissionsOfBatches(batchIds: string[]): Promise<(Submission & { batchId: string })[]> {
      const { rows } = await db.query(
        `SELECT s.*, b.id AS the_batch FROM batches b
         JOIN smpp_submissions s ON s.account_id = b.account_id AND s.idempotency_key = b.idempotency_key
         WHERE b.id = ANY($1) AND b.source = 'smpp'`,
        [batchIds],
      );
      return rows.map((r) => ({
        messageId: r.message_id as string,
        accountId: r.account_id as string,
        idempotencyKey: r.idempotency_key as string,
        seq: Number(r.seq),
        total: Number(r.total),
        sourceAddr: r.source_addr as string,
        destAddr: r.dest_addr as string,
        registeredDelivery: Number(r.registered_delivery),
        textHead: r.text_head as string,
        submittedAt: toDate(r.submitted_at)!,
        keepUntil: toDate(r.keep_until)!,
        sessionId: (r.session_id as string) ?? null,
        batchId: r.the_batch as string,
      }));
    },
    /** Old submissions whose receipts can no longer come (the message's validity is long over). */
    async purgeSubmissions(now: Date): Promise<void> {
      await db.query('DELETE FROM smpp_submissions WHERE keep_until < $1', [now]);
    },

    /** Stores a part (a resent part keeps its first id) and returns the group's parts so far. */
    async addFragment(f: Fragment): Promise<Fragment[]> {
      await db.query(
        `INSERT INTO smpp_fragments (account_id, source_addr, dest_addr, ref, total, seq, message_id, body, message_class, registered_delivery, send_at, valid_until, received_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT DO NOTHING`,
        [f.accountId, f.sourceAddr, f.destAddr, f.ref, f.total, f.seq, f.messageId, f.body, f.messageClass, f.registeredDelivery, f.sendAt, f.validUntil, f.receivedAt],
      );
      const { rows } = await db.query(
        'SELECT * FROM smpp_fragments WHERE account_id = $1 AND source_addr = $2 AND dest_addr = $3 AND ref = $4 AND total = $5 ORDER BY seq',
        [f.accountId, f.sourceAddr, f.destAddr, f.ref, f.total],
      );
      return rows.map(toFragment);
    },
    async deleteFragments(f: Pick<Fragment, 'accountId' | 'sourceAddr' | 'destAddr' | 'ref' | 'total'>): Promise<void> {
      await db.query('DELETE FROM smpp_fragments WHERE account_id = $1 AND source_addr = $2 AND dest_addr = $3 AND ref = $4 AND total = $5', [f.accountId, f.sourceAddr, f.destAddr, f.ref, f.total]);
    },
    /** Removes and returns the parts of groups that stopped growing before the cutoff. */
    async takeStaleFragments(cutoff: Date): Promise<Fragment[]> {
      const { rows } = await db.query(
        `DELETE FROM smpp_fragments WHERE (account_id, source_addr, dest_addr, ref, total) IN
           (SELECT account_id, source_addr, dest_addr, ref, total FROM smpp_fragments GROUP BY 1, 2, 3, 4, 5 HAVING max(received_at) < $1)
         RETURNING *`,
        [cutoff],
      );
      return rows.map(toFragment);
    },

    async recordBind(accountId: string, receives: boolean, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO smpp_esmes (account_id, receives, last_bound_at) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET receives = smpp_esmes.receives OR EXCLUDED.receives, last_bound_at = EXCLUDED.last_bound_at`,
        [accountId, receives, at],
      );
    },
    async bindsAsReceiver(accountId: string): Promise<boolean> {
      const { rows } = await db.query('SELECT receives FROM smpp_esmes WHERE account_id = $1', [accountId]);
      return rows[0]?.receives === true;
    },

    async enqueue(rows: { accountId: string; kind: 'receipt' | 'inbound'; payload: ReceiptPayload | InboundPayload; sessionId?: string | null }[], now: Date, expiresAt: Date): Promise<void> {
      if (!rows.length) return;
      await db.query(
        `INSERT INTO smpp_deliveries (account_id, kind, payload, created_at, expires_at, session_id)
         SELECT a, k, p::jsonb, $4, $5, s FROM unnest($1::text[], $2::text[], $3::text[], $6::text[]) AS t(a, k, p, s)`,
        [rows.map((r) => r.accountId), rows.map((r) => r.kind), rows.map((r) => JSON.stringify(r.payload)), now, expiresAt, rows.map((r) => r.sessionId ?? null)],
      );
    },
    /**
     * Claims up to `limit` unclaimed rows of one account, oldest first, for this process: not the
     * rows meant for a session of another process (`owner:n`) unless they waited `sessionWaitUntil`
     * (that process is gone, or its session closed without a word).
     */
    async claim(accountId: string, limit: number, owner: string, now: Date, leaseUntil: Date, sessionWaitUntil: Date): Promise<Delivery[]> {
      const { rows } = await db.query(
        `UPDATE smpp_deliveries SET claimed_by = $3, claimed_until = $5, attempts = attempts + 1
         WHERE id IN (SELECT id FROM smpp_deliveries WHERE account_id = $1 AND (claimed_until IS NULL OR claimed_until < $4) AND expires_at > $4
                        AND (session_id IS NULL OR starts_with(session_id, $3 || ':') OR created_at < $6)
                      ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, account_id, kind, payload, attempts, session_id`,
        [accountId, limit, owner, now, leaseUntil, sessionWaitUntil],
      );
      return rows
        .map((r) => ({ id: toBigInt(r.id), accountId: r.account_id as string, kind: r.kind, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload, attempts: Number(r.attempts), sessionId: (r.session_id as string) ?? null }) as Delivery)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    /** A session closed: what was meant for it goes to any receiver bind of the account. */
    async forgetSession(sessionId: string): Promise<void> {
      await db.query('UPDATE smpp_deliveries SET session_id = NULL WHERE session_id = $1', [sessionId]);
    },
    async remove(id: bigint): Promise<void> {
      await db.query('DELETE FROM smpp_deliveries WHERE id = $1', [id]);
    },
    /** Back in the queue: at once (null) or, after an error answer, not before `retryAt`. */
    async release(id: bigint, retryAt: Date | null): Promise<void> {
      await db.query('UPDATE smpp_deliveries SET claimed_by = NULL, claimed_until = $2 WHERE id = $1', [id, retryAt]);
    },
    async purgeExpired(now: Date): Promise<number> {
      const r = await db.query('DELETE FROM smpp_deliveries WHERE expires_at <= $1', [now]);
      return r.rowCount;
    },
    async pendingCount(accountId: string): Promise<number> {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM smpp_deliveries WHERE account_id = $1', [accountId]);
      return Number(rows[0].n);
    },
  };
}
