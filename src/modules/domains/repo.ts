// The only SQL of agency domains: rows of brand_hosts (pending → verified → active, or failed).
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';

export type DomainStatus = 'pending' | 'verified' | 'active' | 'failed';
export type Domain = {
  host: string;
  brandId: string;
  status: DomainStatus;
  verifyToken: string;
  checkedAt: Date | null;
  verifiedAt: Date | null;
  activatedAt: Date | null;
  lastError: string | null;
  failures: number;
  createdAt: Date;
};

function toDomain(r: Record<string, unknown>): Domain {
  return {
    host: r.host as string,
    brandId: r.brand_id as string,
    status: r.status as DomainStatus,
    verifyToken: r.verify_token as string,
    checkedAt: toDate(r.checked_at),
    verifiedAt: toDate(r.verified_at),
    activatedAt: toDate(r.activated_at),
    lastError: (r.last_error as string | null) ?? null,
    failures: Number(r.failures ?? 0),
    createdAt: toDate(r.created_at)!,
  };
}

export function domainRepo(db: Db) {
  return {
    async insert(d: { host: string; brandId: string; verifyToken: string; at: Date }): Promise<boolean> {
      const r = await db.query(
        `INSERT INTO brand_hosts (host, brand_id, status, verify_token, created_at) VALUES ($1,$2,'pending',$3,$4) ON CONFLICT (host) DO NOTHING`,
        [d.host, d.brandId, d.verifyToken, d.at],
      );
      return r.rowCount === 1;
    },
    async find(host: string): Promise<Domain | null> {
      const { rows } = await db.query('SELECT * FROM brand_hosts WHERE host = $1', [host]);
      return rows[0] ? toDomain(rows[0]) : null;
    },
    async listForBrand(brandId: string): Promise<Domain[]> {
      const { rows } = await db.query('SELECT * FROM brand_hosts WHERE brand_id = $1 ORDER BY created_at, host', [brandId]);
      return rows.map(toDomain);
    },
    /** Every domain the periodic check looks at, the least recently checked first. */
    async listForCheck(limit: number): Promise<Domain[]> {
      const { rows } = await db.query('SELECT * FROM brand_hosts ORDER BY checked_at NULLS FIRST, host LIMIT $1', [limit]);
      return rows.map(toDomain);
    },
    async recordCheck(host: string, c: { status: DomainStatus; error: string | null; failures: number; at: Date; verified: boolean; activated: boolean }): Promise<void> {
      await db.query(
        `UPDATE brand_hosts SET status = $2, last_error = $3, failures = $4, checked_at = $5,
           verified_at = CASE WHEN $6::boolean THEN COALESCE(verified_at, $5) ELSE verified_at END,
           activated_at = CASE WHEN $7::boolean THEN $5 ELSE activated_at END
         WHERE host = $1`,
        [host, c.status, c.error, c.failures, c.at, c.verified, c.activated],
      );
    },
    /** Deletes the claims still pending (ownership never shown) made before `before`: one host, one brand's, or all. */
    async expirePending(before: Date, only: { host?: string; brandId?: string } = {}): Promise<{ host: string; brandId: string; createdAt: Date }[]> {
      const params: unknown[] = [before];
      let extra = '';
      if (only.host) extra += ` AND host = $${params.push(only.host)}`;
      if (only.brandId) extra += ` AND brand_id = $${params.push(only.brandId)}`;
      const { rows } = await db.query(`DELETE FROM brand_hosts WHERE status = 'pending' AND created_at < $1${extra} RETURNING host, brand_id, created_at`, params);
      return rows.map((r) => ({ host: r.host as string, brandId: r.brand_id as string, createdAt: toDate(r.created_at)! }));
    },
    async remove(host: string, brandId: string): Promise<boolean> {
      const r = await db.query('DELETE FROM brand_hosts WHERE host = $1 AND brand_id = $2', [host, brandId]);
      return r.rowCount === 1;
    },
    async isActive(host: string): Promise<boolean> {
      const { rows } = await db.query("SELECT 1 FROM brand_hosts WHERE host = $1 AND status = 'active'", [host]);
      return rows.length > 0;
    },
  };
}
