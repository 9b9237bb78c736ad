import type { Db } from '../../db/driver.ts';
import type { BrandSettings, Brand, BrandHostStatus, BrandHost } from './types.ts';

function toBrand(r: Record<string, unknown>): Brand {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    nameFa: r.name_fa as string,
    nameEn: r.name_en as string,
    settings: (r.settings as BrandSettings) ?? {},
  };
}

export function brandRepo(db: Db) {
  return {
    async insert(b: Brand): Promise<Brand> {
      const { rows } = await db.query(
        'INSERT INTO brands (id, account_id, name_fa, name_en, settings) VALUES ($1,$2,$3,$4,$5) RETURNING *',
        [b.id, b.accountId, b.nameFa, b.nameEn, JSON.stringify(b.settings)],
      );
      return toBrand(rows[0]);
    },
    async findPlatformBrandId(): Promise<string | null> {
      const { rows } = await db.query("SELECT b.id FROM brands b JOIN accounts a ON a.id = b.account_id WHERE a.kind = 'platform'");
      return (rows[0]?.id as string | undefined) ?? null;
    },
    async setNames(accountId: string, nameFa: string, nameEn: string): Promise<void> {
      await db.query('UPDATE brands SET name_fa = $2, name_en = $3 WHERE account_id = $1', [accountId, nameFa, nameEn]);
    },
    async findById(id: string): Promise<Brand | null> {
      const { rows } = await db.query('SELECT * FROM brands WHERE id = $1', [id]);
      return rows[0] ? toBrand(rows[0]) : null;
    },
    async findByAccount(accountId: string): Promise<Brand | null> {
      const { rows } = await db.query('SELECT * FROM brands WHERE account_id = $1', [accountId]);
      return rows[0] ? toBrand(rows[0]) : null;
    },
    /** The brand owned by the deepest of these accounts that owns one (ids ordered root → leaf). */
    async findNearestOwned(ancestorIds: string[]): Promise<Brand | null> {
      if (!ancestorIds.length) return null;
      const { rows } = await db.query(
        `SELECT b.* FROM brands b JOIN accounts a ON a.id = b.account_id
         WHERE b.account_id = ANY($1) ORDER BY a.depth DESC LIMIT 1`,
        [ancestorIds],
      );
      return rows[0] ? toBrand(rows[0]) : null;
    },
    async findActiveHost(host: string): Promise<BrandHost | null> {
      const { rows } = await db.query("SELECT * FROM brand_hosts WHERE host = $1 AND status = 'active'", [host]);
      const r = rows[0];
      return r ? { host: r.host as string, brandId: r.brand_id as string, status: r.status as BrandHostStatus, verifyToken: r.verify_token as string } : null;
    },
    async insertHost(h: BrandHost): Promise<void> {
      await db.query(
        `INSERT INTO brand_hosts (host, brand_id, status, verify_token, activated_at)
         VALUES ($1,$2,$3,$4, CASE WHEN $3 = 'active' THEN now() END)`,
        [h.host, h.brandId, h.status, h.verifyToken],
      );
    },
    async listHosts(brandId: string): Promise<BrandHost[]> {
      const { rows } = await db.query('SELECT * FROM brand_hosts WHERE brand_id = $1 ORDER BY created_at', [brandId]);
      return rows.map((r) => ({ host: r.host as string, brandId: r.brand_id as string, status: r.status as BrandHostStatus, verifyToken: r.verify_token as string }));
    },
    async update(id: string, patch: { nameFa?: string; nameEn?: string; settings?: BrandSettings }): Promise<void> {
      await db.query(
        `UPDATE brands SET name_fa = COALESCE($2, name_fa), name_en = COALESCE($3, name_en),
           settings = COALESCE($4::jsonb, settings), updated_at = now() WHERE id = $1`,
        [id, patch.nameFa ?? null, patch.nameEn ?? null, patch.settings ? JSON.stringify(patch.settings) : null],
      );
    },
  };
}
