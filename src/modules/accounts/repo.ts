import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from './scope.ts';
import type { Account, AccountKind, AccountStatus } from './types.ts';

const columns = `id, kind, parent_id, path, depth, username, password_hash, display_name, mobile, mobile_verified_at,
  email, status, locale, totp_secret, totp_enabled_at, failed_logins, locked_until, created_at, updated_at, valid_until, package_id`;

function toAccount(r: Record<string, unknown>): Account {
  return {
    id: r.id as string,
    kind: r.kind as AccountKind,
    parentId: (r.parent_id as string | null) ?? null,
    path: r.path as string,
    depth: Number(r.depth),
    username: r.username as string,
    passwordHash: r.password_hash as string,
    displayName: (r.display_name as string) ?? '',
    mobile: r.mobile as string,
    mobileVerifiedAt: toDate(r.mobile_verified_at),
    email: (r.email as string | null) ?? null,
    status: r.status as AccountStatus,
    locale: r.locale as 'fa' | 'en',
    totpSecret: (r.totp_secret as string | null) ?? null,
    totpEnabledAt: toDate(r.totp_enabled_at),
    failedLogins: Number(r.failed_logins),
    lockedUntil: toDate(r.locked_until),
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
    validUntil: toDate(r.valid_until),
    packageId: (r.package_id as string | null) ?? null,
  };
}

export type NewAccount = {
  id: string;
  kind: AccountKind;
  parent: { id: string; path: string; depth: number } | null;
  username: string;
  passwordHash: string;
  displayName: string;
  mobile: string;
  mobileVerifiedAt: Date | null;
  email: string | null;
  locale: 'fa' | 'en';
  createdBy: string | null;
};

export type AccountFilter = {
  kind?: AccountKind;
  status?: AccountStatus;
  parentId?: string;
  q?: string;
  limit: number;
  offset: number;
};

export function accountRepo(db: Db) {
  return {
    async insert(a: NewAccount): Promise<Account> {
      const path = `${a.parent ? a.parent.path : '/'}${a.id}/`;
      const { rows } = await db.query(
        `INSERT INTO accounts (id, kind, parent_id, path, depth, username, password_hash, display_name, mobile,
           mobile_verified_at, email, locale, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING ${columns}`,
        [a.id, a.kind, a.parent?.id ?? null, path, a.parent ? a.parent.depth + 1 : 0, a.username, a.passwordHash,
          a.displayName, a.mobile, a.mobileVerifiedAt, a.email, a.locale, a.createdBy],
      );
      return toAccount(rows[0]);
    },

    /** Unscoped, several at once: only for session resolution, before there is a caller. */
    async findByIdsForAuth(ids: string[]): Promise<Map<string, Account>> {
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE id = ANY($1)`, [ids]);
      return new Map(rows.map((r) => [r.id as string, toAccount(r)]));
    },

    /** Unscoped: only for sign-in and session resolution, before there is a caller. */
    async findByIdForAuth(id: string): Promise<Account | null> {
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE id = $1`, [id]);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    /** Unscoped: each account's kind (its tier in /metrics), without the rest of the row. */
    async kindsOf(ids: readonly string[]): Promise<Map<string, AccountKind>> {
      if (!ids.length) return new Map();
      const { rows } = await db.query('SELECT id, kind FROM accounts WHERE id = ANY($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.id as string, r.kind as AccountKind]));
    },

    /** Unscoped: only for sign-in and uniqueness checks. */
    async findByUsernameForAuth(username: string): Promise<Account | null> {
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE username = $1`, [username.toLowerCase()]);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async findPlatform(): Promise<Account | null> {
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE kind = 'platform'`);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async findById(scope: Scope, id: string): Promise<Account | null> {
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE id = $1 AND starts_with(path, $2)`, [id, scope.path]);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    /** The caller's subtree (without the caller), newest first. */
    async list(scope: Scope, f: AccountFilter): Promise<{ items: Account[]; total: number }> {
      const where = ['starts_with(path, $1)', 'id <> $2'];
      const params: unknown[] = [scope.path, scope.accountId];
      const add = (column: string, v: unknown) => {
        params.push(v);
        where.push(`${column} = $${params.length}`);
      };
      if (f.kind) add('kind', f.kind);
      if (f.status) add('status', f.status);
      if (f.parentId) add('parent_id', f.parentId);
      if (f.q) {
        params.push(`%${f.q}%`);
        const n = params.length;
        where.push(`(username ILIKE $${n} OR display_name ILIKE $${n} OR mobile LIKE $${n})`);
      }
      const w = where.join(' AND ');
      const total = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM accounts WHERE ${w}`, params);
      const { rows } = await db.query(
        `SELECT ${columns} FROM accounts WHERE ${w} ORDER BY created_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`,
        params,
      );
      return { items: rows.map(toAccount), total: Number(total.rows[0].n) };
    },

    /** Ancestors from the root down to the parent, read from the materialised path. */
    async ancestors(account: Account): Promise<Account[]> {
      const ids = account.path.split('/').filter(Boolean).slice(0, -1);
      if (!ids.length) return [];
      const { rows } = await db.query(`SELECT ${columns} FROM accounts WHERE id = ANY($1) ORDER BY depth`, [ids]);
      return rows.map(toAccount);
    },

    async countChildren(id: string): Promise<number> {
      const { rows } = await db.query<{ n: bigint }>('SELECT count(*)::int8 AS n FROM accounts WHERE parent_id = $1', [id]);
      return Number(rows[0].n);
    },

    /**
     * Counts one two-factor try unless the account is locked at `now`, locking it until `lockUntil`
     * when this is try number `lockAfter` or later. One statement: PostgreSQL re-checks the lock on
     * the row a concurrent try has just updated, so parallel tries are counted one by one.
     */
    async reserveOtpAttempt(id: string, lockAfter: number, lockUntil: Date, now: Date): Promise<{ reserved: true; failedLogins: number } | { reserved: false; lockedUntil: Date | null }> {
      const { rows } = await db.query(
        `UPDATE accounts SET failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4) RETURNING failed_logins`,
        [id, lockAfter, lockUntil, now],
      );
      if (rows[0]) return { reserved: true, failedLogins: Number(rows[0].failed_logins) };
      const locked = await db.query('SELECT locked_until FROM accounts WHERE id = $1', [id]);
      return { reserved: false, lockedUntil: toDate(locked.rows[0]?.locked_until) };
    },

    async recordLoginSuccess(id: string): Promise<void> {
      await db.query('UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1', [id]);
    },

    async setPassword(id: string, passwordHash: string): Promise<void> {
      await db.query(
        'UPDATE accounts SET password_hash = $2, password_changed_at = now(), failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1',
        [id, passwordHash],
      );
    },

    /**
     * Claims a TOTP time step: true once per step, and never for a step at or before the last
     * one accepted (a code seen once cannot be replayed inside its window).
     */
    async claimTotpStep(id: string, step: number): Promise<boolean> {
      const r = await db.query('UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)', [id, step]);
      return r.rowCount > 0;
    },

    async setTotp(id: string, secret: string | null, enabledAt: Date | null): Promise<void> {
      await db.query('UPDATE accounts SET totp_secret = $2, totp_enabled_at = $3, updated_at = now() WHERE id = $1', [id, secret, enabledAt]);
    },

    async setStatus(id: string, status: AccountStatus): Promise<void> {
      await db.query('UPDATE accounts SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
    },

    /** The agency programme: a user account gains the agency capability. */
    async setKind(id: string, kind: AccountKind): Promise<void> {
      await db.query('UPDATE accounts SET kind = $2, updated_at = now() WHERE id = $1', [id, kind]);
    },

    async setValidity(id: string, validUntil: Date | null): Promise<void> {
      await db.query('UPDATE accounts SET valid_until = $2, updated_at = now() WHERE id = $1', [id, validUntil]);
    },

    async setPackage(id: string, packageId: string | null): Promise<void> {
      await db.query('UPDATE accounts SET package_id = $2, updated_at = now() WHERE id = $1', [id, packageId]);
    },

    async setMobile(id: string, mobile: string): Promise<void> {
      await db.query('UPDATE accounts SET mobile = $2, mobile_verified_at = now(), updated_at = now() WHERE id = $1', [id, mobile]);
    },

    async updateProfile(id: string, p: { displayName?: string; email?: string | null; locale?: 'fa' | 'en' }): Promise<void> {
      await db.query(
        `UPDATE accounts SET display_name = COALESCE($2, display_name), email = CASE WHEN $3::boolean THEN $4 ELSE email END,
           locale = COALESCE($5, locale), updated_at = now() WHERE id = $1`,
        [id, p.displayName ?? null, p.email !== undefined, p.email ?? null, p.locale ?? null],
      );
    },
  };
}

export type AccountRepo = ReturnType<typeof accountRepo>;
