// SQL for Idempotency-Key records: one row per (account, key), claimed before the handler runs and
// given its answer (or deleted, after a server failure) when the reply is sent.
import type { Db } from '../db/driver.ts';

export type IdempotencyRecord = { requestHash: string; statusCode: number | null; response: unknown; redacted: boolean };

export function idempotencyRepo(db: Db) {
  return {
    /** Records older than `before`: a key answers a retry for a day. */
    async deleteBefore(before: Date): Promise<number> {
      const r = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before]);
      return r.rowCount;
    },

    /** false when the account already holds the key */
    async claim(r: { accountId: string; key: string; method: string; path: string; hash: string }): Promise<boolean> {
      const inserted = await db.query(
        `INSERT INTO idempotency_keys (account_id, key, method, path, request_hash) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (account_id, key) DO NOTHING`,
        [r.accountId, r.key, r.method, r.path, r.hash],
      );
      return inserted.rowCount === 1;
    },

    async find(accountId: string, key: string): Promise<IdempotencyRecord | null> {
      const { rows } = await db.query('SELECT request_hash, status_code, response, redacted FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
      const r = rows[0];
      if (!r) return null;
      return { requestHash: r.request_hash as string, statusCode: r.status_code === null ? null : Number(r.status_code), response: r.response, redacted: Boolean(r.redacted) };
    },

    async release(accountId: string, key: string): Promise<void> {
      await db.query('DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
    },

    async answer(accountId: string, key: string, a: { statusCode: number; response: unknown; redacted: boolean }): Promise<void> {
      await db.query('UPDATE idempotency_keys SET status_code = $3, response = $4, redacted = $5 WHERE account_id = $1 AND key = $2', [
        accountId, key, a.statusCode, JSON.stringify(a.response), a.redacted,
      ]);
    },
  };
}
