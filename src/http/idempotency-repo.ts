// SQL for Idempotency-Key records: one row per (account, key), claimed before the handler runs and
// given its answer (or deleted, after a server failure) when the reply is sent. While in progress
// a row belongs to its owner (one process) until `locked_until`, a lease the owner extends.
import type { Db } from '../db/driver.ts';

export type IdempotencyRecord = { requestHash: string; statusCode: number | null; response: unknown; redacted: boolean };

export function idempotencyRepo(db: Db) {
  return {
    /** Records older than `before`: a key answers a retry for a day. */
    async deleteBefore(before: Date): Promise<number> {
      const r = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]);
      return r.rowCount;
    },

    /**
     * false when the key is held: answered, claimed for another request, or in progress under a
     * live lease. A row in progress for this same request whose lease ran out is taken over; so
     * is, when `oneProcess` (PGlite: nobody else can be running), one another process left.
     */
    async claim(r: { owner: string; leaseSeconds: number; oneProcess: boolean; accountId: string; key: string; method: string; path: string; hash: string }): Promise<boolean> {
      const claimed = await db.query(
        `INSERT INTO idempotency_keys (account_id, key, method, path, request_hash, owner, locked_until)
         VALUES ($1,$2,$3,$4,$5,$6, now() + make_interval(secs => $7))
         ON CONFLICT (account_id, key) DO UPDATE SET owner = EXCLUDED.owner, locked_until = EXCLUDED.locked_until
         WHERE idempotency_keys.status_code IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND (COALESCE(idempotency_keys.locked_until, '-infinity') < now()
                OR ($8::boolean AND idempotency_keys.owner IS DISTINCT FROM EXCLUDED.owner))`,
        [r.accountId, r.key, r.method, r.path, r.hash, r.owner, r.leaseSeconds, r.oneProcess],
      );
      return claimed.rowCount === 1;
    },

    /** Moves the lease of the owner's keys still in progress `leaseSeconds` ahead. */
    async extend(owner: string, keys: { accountId: string; key: string }[], leaseSeconds: number): Promise<void> {
      await db.query(
        `UPDATE idempotency_keys i SET locked_until = now() + make_interval(secs => $4)
         FROM unnest($2::text[], $3::text[]) AS t(a, k)
         WHERE i.account_id = t.a AND i.key = t.k AND i.owner = $1 AND i.status_code IS NULL`,
        [owner, keys.map((k) => k.accountId), keys.map((k) => k.key), leaseSeconds],
      );
    },

    async find(accountId: string, key: string): Promise<IdempotencyRecord | null> {
      const { rows } = await db.query('SELECT request_hash, status_code, response, redacted FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
      const r = rows[0];
      if (!r) return null;
      return { requestHash: r.request_hash as string, statusCode: r.status_code === null ? null : Number(r.status_code), response: r.response, redacted: Boolean(r.redacted) };
    },

    /** Gives the key up (after a server failure), unless another process has taken it over. */
    async release(owner: string, accountId: string, key: string): Promise<void> {
      await db.query('DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND owner = $3 AND status_code IS NULL', [accountId, key, owner]);
    },

    /** Stores the answer, unless another process has taken the key over (it answers then). */
    async answer(owner: string, accountId: string, key: string, a: { statusCode: number; response: unknown; redacted: boolean }): Promise<void> {
      await db.query(
        'UPDATE idempotency_keys SET status_code = $3, response = $4, redacted = $5, locked_until = NULL WHERE account_id = $1 AND key = $2 AND owner = $6 AND status_code IS NULL',
        [accountId, key, a.statusCode, JSON.stringify(a.response), a.redacted, owner],
      );
    },
  };
}
