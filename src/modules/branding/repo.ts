// The only SQL of branding: a brand's logo and favicon.
import type { Db } from '../../db/driver.ts';
import { deleteFile, readFile, writeFile } from '../../db/files-repo.ts';

export type AssetKind = 'logo' | 'favicon';
export type Asset = { contentType: string; sha256: string; data: Buffer };

export function assetRepo(db: Db) {
  return {
    async upsert(brandId: string, kind: AssetKind, a: Asset, at: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO brand_assets (brand_id, kind, content_type, size, sha256, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (brand_id, kind) DO UPDATE SET content_type = EXCLUDED.content_type, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
             updated_at = EXCLUDED.updated_at`,
          [brandId, kind, a.contentType, a.data.byteLength, a.sha256, at],
        );
        await writeFile(tx, `brand_assets/${brandId}/${kind}`, a.data);
      });
    },
    async find(brandId: string, kind: AssetKind): Promise<Asset | null> {
      const { rows } = await db.query('SELECT content_type, sha256 FROM brand_assets WHERE brand_id = $1 AND kind = $2', [brandId, kind]);
      return rows[0] ? { contentType: rows[0].content_type as string, sha256: rows[0].sha256 as string, data: await readFile(db, `brand_assets/${brandId}/${kind}`) } : null;
    },
    async remove(brandId: string, kind: AssetKind): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM brand_assets WHERE brand_id = $1 AND kind = $2', [brandId, kind]);
        await deleteFile(tx, `brand_assets/${brandId}/${kind}`);
      });
    },
  };
}
