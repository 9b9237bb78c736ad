// Does a domain point at us? Asks DNS through node:dns with the configured servers (tests run a
// DNS server on loopback): the TXT ownership token at _chapar-verify.<domain>, and a CNAME to the
// canonical host or A records among the configured addresses. Answers are values, never throws.
import { Resolver } from 'node:dns/promises';

export type DnsTarget = { canonicalHost: string; publicIps: string[]; servers: string[] };
export type DnsCheck = { owned: boolean; points: boolean; error: string | null; seen: { txt: string[]; cname: string[]; a: string[] } };

export const verifyName = (host: string) => `_chapar-verify.${host}`;

const noData = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);

async function ask<T>(q: () => Promise<T[]>): Promise<{ answers: T[]; error: string | null }> {
  try {
    return { answers: await q(), error: null };
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EDNS';
    return { answers: [], error: noData.has(code) ? null : code };
  }
}

export async function checkDns(host: string, token: string, target: DnsTarget): Promise<DnsCheck> {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (target.servers.length) resolver.setServers(target.servers);
  const [txt, cname, a] = await Promise.all([
    ask(() => resolver.resolveTxt(verifyName(host)).then((rows) => rows.map((parts) => parts.join('')))),
    ask(() => resolver.resolveCname(host)),
    ask(() => resolver.resolve4(host)),
  ]);
  const strip = (h: string) => h.toLowerCase().replace(/\.$/, '');
  const owned = txt.answers.some((t) => t.trim() === token);
  const points = cname.answers.some((c) => strip(c) === strip(target.canonicalHost)) || (target.publicIps.length > 0 && a.answers.length > 0 && a.answers.every((ip) => target.publicIps.includes(ip)));
  const error = owned && points ? null : (txt.error ?? cname.error ?? a.error ?? (!owned ? 'txt_missing' : 'not_pointing'));
  return { owned, points, error, seen: { txt: txt.answers, cname: cname.answers.map(strip), a: a.answers } };
}
