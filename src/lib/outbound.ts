// The one way Chapar opens a URL that a tenant gave it (webhooks, forwarding, payment gateways).
// A URL is checked before every connection: http or https only, a port the operator does not
// deny, and every address its host resolves to outside loopback, private, link-local, multicast
// and reserved ranges. The connection then goes to the address that was checked (a lookup
// pinned to it), so a DNS answer that changes between the check and the connect — rebinding —
// cannot move it. Redirects are checked the same way, hop by hop.
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress, inAnyRange, parseCidr, privateClasses, type AddressRange } from './ip-ranges.ts';

export type OutboundPolicy = {
  /** true: any loopback/private/link-local/CGNAT address; a list: only these ranges of them */
  allowPrivate: boolean | readonly string[];
  deniedPorts: readonly number[];
  /** DNS servers to ask ("1.1.1.1", "127.0.0.1:5353"); empty: the system's resolver (dns.lookup) */
  dnsServers?: readonly string[];
};

export type Refusal = 'scheme' | 'port' | 'address' | 'unresolved';
export type Checked = { ok: true; url: URL; address: string; family: 4 | 6 } | { ok: false; reason: Refusal };

export type OutboundRequest = {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** bytes of response body kept; a longer answer fails as too_large */
  maxBytes?: number;
  /** 0: a 3xx is the answer; n: up to n hops, each checked like the first */
  maxRedirects?: number;
};

/** What a caller may show a tenant: never which internal check failed or how long a connect took. */
export type OutboundFailure = 'destination_not_allowed' | 'connection_failed' | 'too_large' | 'too_many_redirects';
export type OutboundResult =
  | { ok: true; status: number; headers: http.IncomingHttpHeaders; body: Buffer; url: string }
  | { ok: false; failure: OutboundFailure; refusal?: Refusal };

export const DEFAULT_DENIED_PORTS: readonly number[] = [
  0, 19, 21, 22, 23, 25, 110, 111, 135, 139, 143, 389, 445, 465, 587, 636, 993, 995, 1433, 1521, 2049, 2375, 2376, 2379,
  2380, 2775, 3306, 3389, 4369, 5432, 5672, 5984, 6379, 6443, 8500, 9042, 9092, 9200, 9300, 10250, 11211, 27017,
];

export function createOutbound(policy: OutboundPolicy) {
  const allowed: AddressRange[] | 'all' | 'none' =
    policy.allowPrivate === true
      ? 'all'
      : policy.allowPrivate === false
        ? 'none'
        : policy.allowPrivate.map((c) => parseCidr(c)).filter((r): r is AddressRange => r !== null);
  const denied = new Set(policy.deniedPorts);
  const resolver = policy.dnsServers?.length ? new dns.Resolver({ timeout: 3000, tries: 2 }) : null;
  resolver?.setServers([...policy.dnsServers!]);

  function addressAllowed(ip: string): boolean {
    const cls = classifyAddress(ip);
    if (cls === 'public') return true;
    if (!privateClasses.includes(cls) || allowed === 'none') return false;
    return allowed === 'all' || inAnyRange(ip, allowed);
  }

  async function resolve(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const literal = isIP(bare);
    if (literal) return [{ address: bare, family: literal as 4 | 6 }];
    const name = host.toLowerCase().replace(/\.$/, '');
    // RFC 6761: these names are loopback whatever a resolver says.
    if (name === 'localhost' || name.endsWith('.localhost')) {
      return [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];
    }
    if (!resolver) {
      const found = await dns.lookup(host, { all: true, verbatim: true }).catch(() => []);
      return found.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    }
    const [a, aaaa] = await Promise.all([
      resolver.resolve4(name).catch(() => [] as string[]),
      resolver.resolve6(name).catch(() => [] as string[]),
    ]);
    const v4 = a.map((address) => ({ address, family: 4 as const }));
    return [...v4, ...aaaa.map((address) => ({ address, family: 6 as const }))];
  }

  /** Parses and resolves a URL; refused when any address its host resolves to is. */
  async function check(raw: string | URL): Promise<Checked> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, reason: 'scheme' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'scheme' };
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (denied.has(port)) return { ok: false, reason: 'port' };
    const addresses = await resolve(url.hostname);
    if (!addresses.length) return { ok: false, reason: 'unresolved' };
    if (!addresses.every((a) => addressAllowed(a.address))) return { ok: false, reason: 'address' };
    return { ok: true, url, address: addresses[0].address, family: addresses[0].family };
  }

  /**
   * Why a URL should be refused when a tenant saves it, or null. A name that does not resolve
   * yet is accepted: it leads nowhere now, and every send checks it again.
   */
  async function refusalOnSave(raw: string): Promise<Exclude<Refusal, 'unresolved'> | null> {
    const checked = await check(raw);
    return checked.ok || checked.reason === 'unresolved' ? null : checked.reason;
  }

  async function request(raw: string, req: OutboundRequest = {}): Promise<OutboundResult> {
    const signal = AbortSignal.timeout(req.timeoutMs ?? 10_000);
    let current = raw;
    let method = req.method ?? 'GET';
    let body = req.body;
    for (let hop = 0; ; hop++) {
      // A resolver that does not answer counts against the same deadline as the connection.
      const target = await Promise.race([check(current), abortedBy(signal)]);
      if (!target || signal.aborted) return { ok: false, failure: 'connection_failed' };
      if (!target.ok) return { ok: false, failure: 'destination_not_allowed', refusal: target.reason };
      const res = await send(target, { ...req, method, body }, signal);
      if (!res.ok) return res;
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || !location || !req.maxRedirects) return res;
      if (hop >= req.maxRedirects) return { ok: false, failure: 'too_many_redirects' };
      current = new URL(location, target.url).toString();
      // 307 and 308 repeat the request; the others turn it into a GET without a body.
      if (res.status !== 307 && res.status !== 308) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  return { check, refusalOnSave, request };
}

export type Outbound = ReturnType<typeof createOutbound>;

const abortedBy = (signal: AbortSignal) =>
  new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });

type Target = Extract<Checked, { ok: true }>;

function send(target: Target, req: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
  const { url, address, family } = target;
  // Node asks with all: true when it may try several families; either way only the checked address.
  const lookup = ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
  const maxBytes = req.maxBytes ?? 1024 * 1024;
  const length = req.body === undefined ? 0 : Buffer.byteLength(req.body);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const r = lib.request(
      {
        method: req.method ?? 'GET',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        headers: { ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(length) }) },
        lookup,
        // A pooled socket might have been opened for an earlier answer of the same name.
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            resolve({ ok: false, failure: 'too_large' });
          } else chunks.push(c);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body, url: url.toString() });
        });
        res.on('error', () => resolve({ ok: false, failure: 'connection_failed' }));
        // Cut off before its end: settles nothing if 'end' or the size cap came first.
        res.on('close', () => resolve({ ok: false, failure: 'connection_failed' }));
      },
    );
    r.on('error', () => resolve({ ok: false, failure: 'connection_failed' }));
    r.end(req.body);
  });
}
