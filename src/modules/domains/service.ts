// An agency's own domains: it adds one, we show the exact DNS records to create, check them
// (now, on request, and periodically), and serve its brand on the domain as soon as it is active.
// pending → verified (the TXT token is there) → active (and the name points at us); an active
// domain that stops answering three checks in a row becomes failed and is no longer served.
// A claim still pending after PENDING_CLAIM_DAYS lapses (audited), so nobody can hold a name
// they cannot prove: the periodic check deletes it, and every read of it does so first.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newSecret } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import { normaliseHost, type BrandService } from '../brands/service.ts';
import { checkDns, verifyName, type DnsCheck, type DnsTarget } from './dns.ts';
import { domainRepo, type Domain, type DomainStatus } from './repo.ts';

export const FAILURES_BEFORE_FAILED = 3;
export const PENDING_CLAIM_DAYS = 7;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export type DnsRecord = { type: 'CNAME' | 'A' | 'TXT'; name: string; value: string; purpose: 'point' | 'ownership' };

export function createDomainService(deps: { db: Db; clock: Clock; log: Logger; accounts: AccountService; brands: BrandService; audit: AuditService; dns: DnsTarget; platformHosts: string[] }) {
  const repo = domainRepo(deps.db);

  // A fresh install's canonical host is its first platform host (localhost): nobody's DNS can
  // point there, and the panel says so until the operator sets a public name or addresses.
  const local = /^(localhost|.*\.localhost|.*\.local|127(\.\d+){3}|\[?::1\]?|[^.]+)$/i;
  const targetReachable = deps.dns.publicIps.length > 0 || !local.test(deps.dns.canonicalHost);

  /** The records to create: a CNAME (subdomains) or A records, and the TXT ownership token. */
  function recordsFor(d: Domain): { options: DnsRecord[][]; ownership: DnsRecord; targetReachable: boolean } {
    const options: DnsRecord[][] = [];
    const isApex = d.host.split('.').length <= 2;
    if (!isApex) options.push([{ type: 'CNAME', name: d.host, value: `${deps.dns.canonicalHost}.`, purpose: 'point' }]);
    if (deps.dns.publicIps.length) options.push(deps.dns.publicIps.map((ip) => ({ type: 'A' as const, name: d.host, value: ip, purpose: 'point' as const })));
    return { options, ownership: { type: 'TXT', name: verifyName(d.host), value: d.verifyToken, purpose: 'ownership' }, targetReachable };
  }

  async function ownBrand(caller: Account) {
    const brand = caller.kind === 'user' ? null : await deps.brands.findByAccount(caller.id);
    if (!brand) throw new AppError('FORBIDDEN');
    return brand;
  }

  /** Lets the unproven claims older than PENDING_CLAIM_DAYS lapse: one host's, one brand's or all. */
  async function expireClaims(only: { host?: string; brandId?: string } = {}): Promise<number> {
    const before = new Date(deps.clock.now().getTime() - PENDING_CLAIM_DAYS * 24 * 3_600_000);
    const lapsed = await repo.expirePending(before, only);
    for (const d of lapsed) {
      const owner = await deps.accounts.findAccountForAuth((await deps.brands.brandById(d.brandId))?.accountId ?? '');
      await deps.audit.record({ actorId: null, subject: owner, action: 'domain.expired', details: { host: d.host, claimedAt: d.createdAt.toISOString(), days: PENDING_CLAIM_DAYS } });
    }
    return lapsed.length;
  }

  async function ownDomain(caller: Account, host: string): Promise<Domain> {
    const brand = await ownBrand(caller);
    await expireClaims({ host: normaliseHost(host) });
    const d = await repo.find(normaliseHost(host));
    if (!d || d.brandId !== brand.id) throw new AppError('NOT_FOUND');
    return d;
  }

  async function add(caller: Account, hostInput: string, ip: string | null): Promise<Domain> {
    const brand = await ownBrand(caller);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const host = normaliseHost(hostInput);
    if (!DOMAIN.test(host) || deps.platformHosts.includes(host) || host === deps.dns.canonicalHost) throw new AppError('INVALID_DOMAIN', { fields: [{ path: 'host' }] });
    await expireClaims({ host });
    if (!(await repo.insert({ host, brandId: brand.id, verifyToken: newSecret('chapar-verify', 16), at: deps.clock.now() }))) throw new AppError('DOMAIN_TAKEN');
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'domain.added', ip, details: { host } });
    return check(host);
  }

  /** One DNS check and its consequence; the brand's cache entry is dropped when serving changes. */
  async function check(host: string): Promise<Domain> {
    const d = await repo.find(host);
    if (!d) throw new AppError('NOT_FOUND');
    const c: DnsCheck = await checkDns(d.host, d.verifyToken, deps.dns);
    const ok = c.owned && c.points;
    let status: DomainStatus = d.status;
    let failures = 0;
    if (ok) status = 'active';
    else if (d.status === 'active') {
      failures = d.failures + 1;
      if (failures >= FAILURES_BEFORE_FAILED) status = 'failed';
    } else if (c.owned && d.status === 'pending') status = 'verified';
    await repo.recordCheck(d.host, { status, error: ok ? null : c.error, failures, at: deps.clock.now(), verified: c.owned, activated: ok && d.status !== 'active' });
    if (status !== d.status) {
      if (status === 'active' || d.status === 'active') deps.brands.invalidateHosts([d.host]);
      const owner = await deps.accounts.findAccountForAuth((await deps.brands.brandById(d.brandId))?.accountId ?? '');
      await deps.audit.record({ actorId: null, subject: owner, action: 'domain.status_changed', details: { host: d.host, from: d.status, to: status, error: c.error } });
    }
    return (await repo.find(d.host))!;
  }

  async function remove(caller: Account, host: string, ip: string | null): Promise<void> {
    const d = await ownDomain(caller, host);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    await repo.remove(d.host, d.brandId);
    deps.brands.invalidateHosts([d.host]);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'domain.removed', ip, details: { host: d.host } });
  }

  /** The periodic re-check: every domain not yet failed for good, least recently checked first. */
  async function checkAll(limit = 500): Promise<number> {
    await expireClaims();
    let n = 0;
    for (const d of await repo.listForCheck(limit)) {
      await check(d.host).catch((err: unknown) => deps.log.warn({ err, host: d.host }, 'domain check failed'));
      n++;
    }
    return n;
  }

  /** Caddy's on-demand TLS `ask`: a certificate only for platform hosts and active domains. */
  async function mayIssueCertificate(domain: string): Promise<boolean> {
    const host = normaliseHost(domain);
    if (!host) return false;
    if (deps.platformHosts.includes(host) || host === deps.dns.canonicalHost) return true;
    return repo.isActive(host);
  }

  return {
    add,
    check: async (caller: Account, host: string) => check((await ownDomain(caller, host)).host),
    checkAll,
    remove,
    list: async (caller: Account) => {
      const brand = await ownBrand(caller);
      await expireClaims({ brandId: brand.id });
      return (await repo.listForBrand(brand.id)).map((d) => ({ ...d, records: recordsFor(d) }));
    },
    expireClaims,
    get: async (caller: Account, host: string) => {
      const d = await ownDomain(caller, host);
      return { ...d, records: recordsFor(d) };
    },
    recordsFor,
    mayIssueCertificate,
  };
}

export type DomainService = ReturnType<typeof createDomainService>;
