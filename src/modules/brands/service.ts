// Which brand a request is for (its Host header) and which brands an account belongs to.
// Platform hosts come from configuration; an agency's hosts are rows that become active once DNS
// points at us. A host nobody owns belongs to no brand at all.
import type { Db } from '../../db/driver.ts';
import { newId, newSecret } from '../../lib/ids.ts';
import { brandRepo } from './repo.ts';
import type { Brand, BrandHost } from './types.ts';

export type ResolvedBrand = Brand & { isPlatform: boolean };

const HOST_CACHE_MS = 5_000;

/** "Example.COM:3000" → "example.com"; IPv6 "[::1]:3000" → "::1". */
/** A DNS name or an IP address (IPv6 without its brackets), as normaliseHost leaves it. */
const HOST_NAME = /^[a-z0-9._:-]{1,253}$/;

export function normaliseHost(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  if (colon > -1 && h.indexOf(':') === colon) h = h.slice(0, colon);
  return h.replace(/\.$/, '');
}

export function createBrandService(deps: { db: Db; platformHosts: string[] }) {
  const repo = brandRepo(deps.db);
  const cache = new Map<string, { brand: ResolvedBrand | null; until: number }>();
  let platformBrand: ResolvedBrand | null = null;

  async function getPlatformBrand(): Promise<ResolvedBrand> {
    if (platformBrand) return platformBrand;
    const id = await repo.findPlatformBrandId();
    if (!id) throw new Error('the platform has no brand: run migrations and bootstrap first');
    const brand = await repo.findById(id);
    platformBrand = { ...brand!, isPlatform: true };
    return platformBrand;
  }

  async function resolveHost(hostHeader: string | undefined): Promise<ResolvedBrand | null> {
    const host = normaliseHost(hostHeader);
    // Anything but a host name (a NUL, spaces, 300 letters) is no brand's, and is not looked up.
    if (!HOST_NAME.test(host)) return null;
    if (deps.platformHosts.includes(host)) return getPlatformBrand();
    const hit = cache.get(host);
    if (hit && hit.until > Date.now()) return hit.brand;
    const row = await repo.findActiveHost(host);
    const brand = row ? await repo.findById(row.brandId) : null;
    const platform = await getPlatformBrand();
    const resolved = brand ? { ...brand, isPlatform: brand.id === platform.id } : null;
    cache.set(host, { brand: resolved, until: Date.now() + HOST_CACHE_MS });
    return resolved;
  }

  /**
   * The brand an account is a customer of: the one owned by its nearest ancestor that owns one.
   * An agency additionally owns a brand of its own.
   */
  async function brandsOf(account: { id: string; path: string }): Promise<{ customerOf: (Brand & { isPlatform: boolean }) | null; owns: (Brand & { isPlatform: boolean }) | null }> {
    const ids = account.path.split('/').filter(Boolean);
    const ancestors = ids.slice(0, -1);
    // The root of every path is the platform: its brand is the platform's.
    const marked = (b: Brand | null) => (b ? { ...b, isPlatform: b.accountId === ids[0] } : null);
    return { customerOf: marked(await repo.findNearestOwned(ancestors)), owns: marked(await repo.findByAccount(account.id)) };
  }

  /** The same account signs in only through its own brand's hosts or a platform host. */
  async function maySignInThrough(account: { id: string; path: string; kind: string }, brand: ResolvedBrand): Promise<boolean> {
    if (brand.isPlatform) return true;
    const { customerOf, owns } = await brandsOf(account);
    return customerOf?.id === brand.id || owns?.id === brand.id;
  }

  async function createBrandFor(account: { id: string; username: string; displayName: string }, db: Db = deps.db): Promise<Brand> {
    const name = account.displayName || account.username;
    return brandRepo(db).insert({ id: newId('brd'), accountId: account.id, nameFa: name, nameEn: name, settings: {} });
  }

  /** The brand's names in Persian and English (the platform's first start names its own). */
  async function setNames(accountId: string, names: { nameFa: string; nameEn: string }, db: Db = deps.db): Promise<void> {
    await brandRepo(db).setNames(accountId, names.nameFa, names.nameEn);
  }

  /** The account's own brand, created when it has none (an account that becomes an agency). */
  async function ensureBrandFor(account: { id: string; username: string; displayName: string }, db: Db = deps.db): Promise<Brand> {
    return (await brandRepo(db).findByAccount(account.id)) ?? createBrandFor(account, db);
  }

  /** Forget cached answers for these hosts (a domain just became active, or stopped being); none: all of them. */
  function invalidateHosts(hosts?: string[]) {
    if (!hosts) {
      cache.clear();
      platformBrand = null;
      return;
    }
    for (const h of hosts) cache.delete(normaliseHost(h));
  }

  /** Adds a host already active: the agency-domain flow (DNS checks) builds on this. */
  async function addActiveHost(brandId: string, host: string): Promise<BrandHost> {
    const h: BrandHost = { host: normaliseHost(host), brandId, status: 'active', verifyToken: newSecret('chapar-verify', 16) };
    await repo.insertHost(h);
    cache.delete(h.host);
    return h;
  }

  return {
    resolveHost, brandsOf, maySignInThrough, createBrandFor, ensureBrandFor, setNames, invalidateHosts, addActiveHost, getPlatformBrand, findByAccount: repo.findByAccount, brandById: repo.findById, listHosts: repo.listHosts,
    updateBrand: async (id: string, patch: Parameters<typeof repo.update>[1]) => {
      await repo.update(id, patch);
      invalidateHosts();
    },
  };
}

export type BrandService = ReturnType<typeof createBrandService>;
