import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';

export type Session = {
  tokenHash: string;
  accountId: string;
  csrfToken: string;
  host: string;
  impersonatorId: string | null;
  expiresAt: Date;
  lastSeenAt: Date;
};

export type ApiKey = {
  id: string;
  accountId: string;
  name: string;
  keyPrefix: string;
  allowedIps: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export type VerificationCode = {
  id: string;
  purpose: 'signup' | 'password_reset' | 'mobile_change';
  mobile: string;
  codeHash: string;
  accountId: string | null;
  brandId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
};

const toKey = (r: Record<string, unknown>): ApiKey => ({
  id: r.id as string,
  accountId: r.account_id as string,
  name: r.name as string,
  keyPrefix: r.key_prefix as string,
  allowedIps: (r.allowed_ips as string[]) ?? [],
  createdAt: toDate(r.created_at)!,
  lastUsedAt: toDate(r.last_used_at),
  revokedAt: toDate(r.revoked_at),
});

export function authRepo(db: Db) {
  return {
    async insertSession(s: Session & { ip: string | null; userAgent: string | null }): Promise<void> {
      await db.query(
        `INSERT INTO sessions (token_hash, account_id, csrf_token, host, ip, user_agent, impersonator_id, expires_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [s.tokenHash, s.accountId, s.csrfToken, s.host, s.ip, s.userAgent, s.impersonatorId, s.expiresAt],
      );
    },
    async findLiveSessions(tokenHashes: string[], now: Date): Promise<Map<string, Session>> {
      const { rows } = await db.query('SELECT * FROM sessions WHERE token_hash = ANY($1) AND revoked_at IS NULL AND expires_at > $2', [tokenHashes, now]);
      return new Map(
        rows.map((r) => [
          r.token_hash as string,
          {
            tokenHash: r.token_hash as string,
            accountId: r.account_id as string,
            csrfToken: r.csrf_token as string,
            host: r.host as string,
            impersonatorId: (r.impersonator_id as string) ?? null,
            expiresAt: toDate(r.expires_at)!,
            lastSeenAt: toDate(r.last_seen_at)!,
          },
        ]),
      );
    },
    async touchSession(tokenHash: string, now: Date): Promise<void> {
      await db.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, now]);
    },
    async revokeSession(tokenHash: string, now: Date): Promise<void> {
      await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, now]);
    },
    /** After a password change or reset: every other session of the account ends. */
    async revokeOtherSessions(accountId: string, keepTokenHash: string | null, now: Date): Promise<void> {
      await db.query(
        'UPDATE sessions SET revoked_at = $3 WHERE account_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2',
        [accountId, keepTokenHash, now],
      );
    },

    async insertApiKey(k: { id: string; accountId: string; name: string; keyHash: string; keyPrefix: string; allowedIps: string[] }): Promise<void> {
      await db.query(
        'INSERT INTO api_keys (id, account_id, name, key_hash, key_prefix, allowed_ips) VALUES ($1,$2,$3,$4,$5,$6)',
        [k.id, k.accountId, k.name, k.keyHash, k.keyPrefix, k.allowedIps],
      );
    },
    async findLiveApiKeysByHash(keyHashes: string[]): Promise<Map<string, ApiKey>> {
      const { rows } = await db.query('SELECT * FROM api_keys WHERE key_hash = ANY($1) AND revoked_at IS NULL', [keyHashes]);
      return new Map(rows.map((r) => [r.key_hash as string, toKey(r)]));
    },
    async listApiKeys(accountId: string): Promise<ApiKey[]> {
      const { rows } = await db.query('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC', [accountId]);
      return rows.map(toKey);
    },
    async revokeApiKey(accountId: string, id: string, now: Date): Promise<boolean> {
      const r = await db.query('UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL', [id, accountId, now]);
      return r.rowCount > 0;
    },
    async touchApiKey(id: string, now: Date): Promise<void> {
      await db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, now]);
    },

    async insertCode(c: Omit<VerificationCode, 'attempts' | 'consumedAt'>): Promise<void> {
      await db.query(
        `INSERT INTO verification_codes (id, purpose, mobile, code_hash, account_id, brand_id, payload, expires_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [c.id, c.purpose, c.mobile, c.codeHash, c.accountId, c.brandId, JSON.stringify(c.payload), c.expiresAt],
      );
    },
    /** Locks the row: two concurrent attempts with one code cannot both consume it. */
    async findCodeForUpdate(id: string): Promise<VerificationCode | null> {
      const { rows } = await db.query('SELECT * FROM verification_codes WHERE id = $1 FOR UPDATE', [id]);
      const r = rows[0];
      return r
        ? {
            id: r.id as string,
            purpose: r.purpose as VerificationCode['purpose'],
            mobile: r.mobile as string,
            codeHash: r.code_hash as string,
            accountId: (r.account_id as string) ?? null,
            brandId: (r.brand_id as string) ?? null,
            payload: (r.payload as Record<string, unknown>) ?? {},
            attempts: Number(r.attempts),
            expiresAt: toDate(r.expires_at)!,
            consumedAt: toDate(r.consumed_at),
          }
        : null;
    },
    /** Held until the transaction ends: one request at a time checks and issues codes for a (mobile, purpose). */
    async lockCodeSlot(mobile: string, purpose: string): Promise<void> {
      await db.query("SELECT pg_advisory_xact_lock(hashtext('verification_code:' || $1 || ':' || $2))", [purpose, mobile]);
    },
    async setCodePayload(id: string, payload: Record<string, unknown>): Promise<void> {
      await db.query('UPDATE verification_codes SET payload = $2 WHERE id = $1', [id, JSON.stringify(payload)]);
    },
    async countRecentCodes(mobile: string, purpose: string, since: Date): Promise<{ count: number; latest: Date | null }> {
      const { rows } = await db.query(
        'SELECT count(*)::int8 AS n, max(created_at) AS latest FROM verification_codes WHERE mobile = $1 AND purpose = $2 AND created_at > $3',
        [mobile, purpose, since],
      );
      return { count: Number(rows[0].n), latest: toDate(rows[0].latest) };
    },
    async recordCodeAttempt(id: string): Promise<void> {
      await db.query('UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1', [id]);
    },
    async consumeCode(id: string, now: Date): Promise<void> {
      await db.query('UPDATE verification_codes SET consumed_at = $2 WHERE id = $1', [id, now]);
    },

    async insertCaptcha(id: string, answerHash: string, expiresAt: Date): Promise<void> {
      await db.query('INSERT INTO captchas (id, answer_hash, expires_at) VALUES ($1,$2,$3)', [id, answerHash, expiresAt]);
    },
    /** Marks the challenge used and returns its answer's hash, or null when unknown, used or expired. */
    async useCaptcha(id: string, now: Date): Promise<string | null> {
      const { rows } = await db.query('UPDATE captchas SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING answer_hash', [id, now]);
      return (rows[0]?.answer_hash as string) ?? null;
    },
    async deleteCaptchasExpiredBefore(now: Date): Promise<void> {
      await db.query('DELETE FROM captchas WHERE expires_at < $1', [new Date(now.getTime() - 3_600_000)]);
    },

    /** Held until the transaction ends: one password check at a time is counted for an address. */
    async lockLoginAddress(ip: string): Promise<void> {
      await db.query("SELECT pg_advisory_xact_lock(hashtext('login_failures:' || $1))", [ip]);
    },
    async findLoginFailure(username: string, ip: string): Promise<{ failures: number; blockedUntil: Date | null } | null> {
      const { rows } = await db.query('SELECT failures, blocked_until FROM login_failures WHERE username = $1 AND ip = $2', [username, ip]);
      return rows[0] ? { failures: Number(rows[0].failures), blockedUntil: toDate(rows[0].blocked_until) } : null;
    },
    /** How many names failed from this address since `since`, and when the earliest of them failed. */
    async countFailedNames(ip: string, since: Date): Promise<{ names: number; earliest: Date | null }> {
      const { rows } = await db.query(
        'SELECT count(*)::int8 AS n, min(last_failed_at) AS earliest FROM login_failures WHERE ip = $1 AND last_failed_at > $2',
        [ip, since],
      );
      return { names: Number(rows[0].n), earliest: toDate(rows[0].earliest) };
    },
    /**
     * One more failure for (username, ip); from `after` failures on the pair is held back for
     * base × 2^(failures − after) seconds, at most `maxSeconds`. Failures older than `forgetBefore`
     * no longer count.
     */
    async recordLoginFailure(f: { username: string; ip: string; now: Date; forgetBefore: Date; after: number; baseSeconds: number; maxSeconds: number }): Promise<{ failures: number; blockedUntil: Date | null }> {
      const { rows } = await db.query(
        `INSERT INTO login_failures AS l (username, ip, failures, last_failed_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (username, ip) DO UPDATE SET
           failures = CASE WHEN l.last_failed_at < $4 THEN 1 ELSE l.failures + 1 END,
           last_failed_at = $3
         RETURNING failures`,
        [f.username, f.ip, f.now, f.forgetBefore],
      );
      const failures = Number(rows[0].failures);
      if (failures < f.after) return { failures, blockedUntil: null };
      const seconds = Math.min(f.maxSeconds, f.baseSeconds * 2 ** Math.min(30, failures - f.after));
      const blockedUntil = new Date(f.now.getTime() + seconds * 1000);
      await db.query('UPDATE login_failures SET blocked_until = $3 WHERE username = $1 AND ip = $2', [f.username, f.ip, blockedUntil]);
      return { failures, blockedUntil };
    },
    async clearLoginFailures(username: string, ip: string): Promise<void> {
      await db.query('DELETE FROM login_failures WHERE username = $1 AND ip = $2', [username, ip]);
    },
    async deleteLoginFailuresBefore(before: Date): Promise<void> {
      await db.query('DELETE FROM login_failures WHERE last_failed_at < $1', [before]);
    },
  };
}
