// An agency's (or the platform's) brand as its customers see it: names, colours, logo and favicon,
// sign-in page texts, footer and contact details, support phone, SMS/e-mail signature. Images are
// accepted by their bytes only (PNG, JPEG, WebP, ICO; never SVG, which can carry script) and
// served back from the brand's own hosts at /api/v1/brand/logo and /api/v1/brand/favicon.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { Brand, BrandSettings } from '../brands/types.ts';
import type { BrandService } from '../brands/service.ts';
import { assetRepo, type AssetKind } from './repo.ts';

export const MAX_ASSET_BYTES: Record<AssetKind, number> = { logo: 512 * 1024, favicon: 128 * 1024 };

export function sniffImage(data: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | 'image/x-icon' | null {
  const at = (magic: number[], offset = 0) => magic.every((b, i) => data[offset + i] === b);
  if (at([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at([0x52, 0x49, 0x46, 0x46]) && at([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (at([0x00, 0x00, 0x01, 0x00]) && data.length > 6) return 'image/x-icon';
  return null;
}

/** Settings a brand owner may write (URLs of assets are ours to set). */
export type EditableSettings = Omit<BrandSettings, 'logoUrl' | 'faviconUrl'>;

export function createBrandingService(deps: { db: Db; clock: Clock; accounts: AccountService; brands: BrandService; audit: AuditService }) {
  const assets = assetRepo(deps.db);

  async function ownBrand(caller: Account): Promise<Brand> {
    const brand = caller.kind === 'user' ? null : await deps.brands.findByAccount(caller.id);
    if (!brand) throw new AppError('FORBIDDEN');
    return brand;
  }

  async function update(caller: Account, patch: { nameFa?: string; nameEn?: string; settings?: EditableSettings }, ip: string | null): Promise<Brand> {
    const brand = await ownBrand(caller);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const settings = patch.settings ? { ...brand.settings, ...patch.settings, logoUrl: brand.settings.logoUrl, faviconUrl: brand.settings.faviconUrl } : undefined;
    await deps.brands.updateBrand(brand.id, { nameFa: patch.nameFa, nameEn: patch.nameEn, settings });
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'brand.changed', ip, details: { fields: [...Object.keys(patch.settings ?? {}), ...(patch.nameFa ? ['nameFa'] : []), ...(patch.nameEn ? ['nameEn'] : [])] } });
    return ownBrand(caller);
  }

  async function uploadAsset(caller: Account, kind: AssetKind, data: Buffer, ip: string | null): Promise<Brand> {
    const brand = await ownBrand(caller);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const contentType = sniffImage(data);
    if (!contentType || data.byteLength > MAX_ASSET_BYTES[kind]) throw new AppError('ASSET_NOT_ALLOWED', { maxBytes: MAX_ASSET_BYTES[kind] });
    const sha256 = createHash('sha256').update(data).digest('hex');
    await assets.upsert(brand.id, kind, { contentType, sha256, data }, deps.clock.now());
    // The version in the URL lets the panel cache the image for long and still see a new one.
    const url = `/api/v1/brand/${kind}?v=${sha256.slice(0, 12)}`;
    await deps.brands.updateBrand(brand.id, { settings: { ...brand.settings, [kind === 'logo' ? 'logoUrl' : 'faviconUrl']: url } });
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'brand.changed', ip, details: { asset: kind, contentType, size: data.byteLength } });
    return ownBrand(caller);
  }

  async function removeAsset(caller: Account, kind: AssetKind): Promise<Brand> {
    const brand = await ownBrand(caller);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    await assets.remove(brand.id, kind);
    const { logoUrl, faviconUrl, ...rest } = brand.settings;
    await deps.brands.updateBrand(brand.id, { settings: { ...rest, ...(kind === 'logo' ? { faviconUrl } : { logoUrl }) } });
    return ownBrand(caller);
  }

  return { ownBrand, update, uploadAsset, removeAsset, asset: (brandId: string, kind: AssetKind) => assets.find(brandId, kind) };
}

export type BrandingService = ReturnType<typeof createBrandingService>;
