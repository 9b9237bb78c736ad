// The one place that reads the environment. Everything else receives a Config.
import { z } from 'zod';
import path from 'node:path';
import { parseCidr } from './lib/ip-ranges.ts';
import { DEFAULT_DENIED_PORTS } from './lib/outbound.ts';
import { BlockList, isIP } from 'node:net';
import { hostname } from 'node:os';

const hostList = z
  .string()
  .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
  .refine((hosts) => hosts.length > 0, 'must name at least one host');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  CHAPAR_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  CHAPAR_PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(65536).default(32),
  CHAPAR_CONNECTOR_THREADS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  CHAPAR_ROUTING_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  CHAPAR_BIND_LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(15),
  CHAPAR_PLATFORM_HOSTS: hostList.default(['localhost', '127.0.0.1']),
  CHAPAR_ADMIN_USERNAME: z.string().regex(/^[a-z][a-z0-9_.-]{2,31}$/, 'lowercase letters, digits, _ . - (3–32, starting with a letter)').default('admin'),
  CHAPAR_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  CHAPAR_ADMIN_MOBILE: z.string().default('+989120000000'),
  CHAPAR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  CHAPAR_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  CHAPAR_TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  CHAPAR_AUTH_CODES_PER_IP: z.coerce.number().int().min(1).default(10),
  CHAPAR_AUTH_CODES_PER_BRAND: z.coerce.number().int().min(1).default(300),
  CHAPAR_AUTH_CODES_GLOBAL: z.coerce.number().int().min(1).default(3000),
  CHAPAR_CAPTCHA_AFTER: z.coerce.number().int().min(0).default(3),
  CHAPAR_SMTP_URL: z.string().url().refine((u) => /^smtps?:/i.test(u), 'must be smtp://… or smtps://…').optional(),
  CHAPAR_MAIL_FROM: z.string().min(3).default('Chapar <no-reply@localhost>'),
  CHAPAR_CANONICAL_HOST: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+$/, 'a host name').optional(),
  CHAPAR_PUBLIC_IPS: z.string().default('').transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean)),
  CHAPAR_DNS_SERVERS: z.string().default('').transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean)),
  CHAPAR_OUTBOUND_ALLOW_PRIVATE: z
    .string()
    .default('false')
    .transform((s) => (s === 'true' ? true : s === 'false' ? false : s.split(',').map((c) => c.trim()).filter(Boolean)))
    .refine((v) => typeof v === 'boolean' || v.every((c) => parseCidr(c)), 'must be true, false or comma-separated addresses/CIDRs'),
  CHAPAR_OUTBOUND_DENY_PORTS: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? [...DEFAULT_DENIED_PORTS] : s.split(',').map((p) => p.trim()).filter(Boolean).map(Number)))
    .refine((ports) => ports.every((p) => Number.isInteger(p) && p >= 0 && p <= 65535), 'must be comma-separated port numbers'),
  CHAPAR_SMPP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CHAPAR_SMPP_HOST: z.string().default('0.0.0.0'),
  CHAPAR_SMPP_PUBLIC_HOST: z.string().trim().toLowerCase().regex(/^[a-z0-9.:-]+$/, 'a host name').optional(),
  CHAPAR_SMPP_MAX_BINDS: z.coerce.number().int().min(1).max(100).default(2),
  CHAPAR_SMPP_TPS: z.coerce.number().int().min(1).max(100_000).default(100),
  CHAPAR_SMPP_WINDOW: z.coerce.number().int().min(1).max(10_000).default(20),
  CHAPAR_SMPP_MAX_BINDS_MAX: z.coerce.number().int().min(1).max(100).default(10),
  CHAPAR_SMPP_TPS_MAX: z.coerce.number().int().min(1).max(100_000).default(1000),
  CHAPAR_SMPP_WINDOW_MAX: z.coerce.number().int().min(1).max(10_000).default(100),
  CHAPAR_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  CHAPAR_ALLOW_SANDBOX_GATEWAY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  CHAPAR_STREAMS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  CHAPAR_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(1024).default(64),
  CHAPAR_UPLOAD_MAX_UNCOMPRESSED_MB: z.coerce.number().int().min(1).max(4095).default(256),
  CHAPAR_UPLOAD_MAX_CELLS: z.coerce.number().int().min(1).max(1_000_000_000).default(20_000_000),
  CHAPAR_BODY_LIMIT_KB: z.coerce.number().int().min(64).max(20_480).default(1024),
  CHAPAR_SEND_BODY_LIMIT_MB: z.coerce.number().int().min(1).max(20).default(20),
  CHAPAR_ROLE: z.enum(['all', 'api', 'dispatcher', 'smpp']).default('all'),
  CHAPAR_INSTANCE_ID: z.string().trim().min(1).max(200).optional(),
  CHAPAR_CLAIM_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  // after a crash, messages handed to a connector and not recorded wait this long for a receipt before they are sent again
  CHAPAR_IN_DOUBT_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
});

/**
 * What one process does (CHAPAR_ROLE): all of it (the default); api: HTTP only, sends accepted
 * into the outbox for a dispatcher; dispatcher: connectors, the outbox, receipts and background
 * jobs, with only /healthz and /readyz over HTTP; smpp: customers' SMPP server only (and those two).
 */
/** An account's SMPP limits: submit_sm a second, unanswered submit_sm at once, binds at once (all across its binds). */
export type SmppLimitValues = { tps: number; window: number; maxBinds: number };

export type Role = 'all' | 'api' | 'dispatcher' | 'smpp';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PGlite only: its shared_buffers in MB. */
  pgliteSharedBuffersMb: number;
  /** Each SMPP connector in a worker thread of its own (its PDU coding on another core). */
  connectorThreads: boolean;
  /** how often each process compares the routing version (besides LISTEN); a bind's lease, renewed every fifth of it */
  routing: { pollMs: number; leaseMs: number };
  platformHosts: string[];
  admin: { username: string; password: string | undefined; mobile: string };
  logLevel: z.infer<typeof schema>['CHAPAR_LOG_LEVEL'];
  production: boolean;
  sessionTtlHours: number;
  /** false, how many proxy hops to believe in X-Forwarded-For, or the proxies' addresses/CIDRs */
  trustProxy: false | number | string[];
  /** SMS-code requests (sign-up, password reset) per hour; captchaAfter: requests from one address before a captcha */
  authLimits: { codesPerIp: number; codesPerBrand: number; codesGlobal: number; captchaAfter: number };
  /** unset: e-mail stays in the outbox (notifications table) for the platform admin to read */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** agency domains CNAME to this host (default: the first platform host) */
  canonicalHost: string;
  /** or point A records at these addresses */
  publicIps: string[];
  /** DNS servers for domain checks ("1.1.1.1", "127.0.0.1:5353"); empty: the system's */
  dnsServers: string[];
  /** tenants' URLs (webhooks, forwarding, gateways): private targets allowed (true, or these ranges), ports refused */
  outbound: { allowPrivate: boolean | string[]; deniedPorts: number[] };
  /** customers' SMPP server: unset = off; 0 picks a free port */
  /**
   * customers' SMPP server: unset = off; 0 picks a free port. `limits.default`: an account's TPS,
   * window and binds when its parent set none; `limits.max`: the platform's own, the top of the tree.
   */
  smpp: { port: number | undefined; host: string; publicHost: string | undefined; limits: { default: SmppLimitValues; max: SmppLimitValues } };
  /** bearer token for /metrics (a platform admin's session also works); unset: sessions only */
  metricsToken: string | undefined;
  /** production only: let an enabled sandbox gateway take payments (it verifies every payment) */
  allowSandboxGateway: boolean;
  /** live progress streams one account may hold open at once */
  streamsPerAccount: number;
  /** phonebook/campaign files: bytes as uploaded, bytes an XLSX inflates to, cells read */
  uploads: { maxBytes: number; maxUncompressedBytes: number; maxCells: number };
  /** JSON bodies: every route's limit, and the send and quote routes' (their recipient lists) */
  bodyLimits: { default: number; send: number };
  role: Role;
  /** This process across its restarts: its dispatcher's claims carry it (see messages/dispatcher.ts). */
  instanceId: string;
  /** How long a dispatcher's claim lasts without renewal before another process takes it over. */
  claimLeaseMs: number;
  inDoubtGraceMs: number;
};

/**
 * The widest proxy ranges accepted, [shortest prefix, longest]: 0.0.0.0/0 or ::/0 would trust every
 * hop like `true`, and anything wider than a private /8 (or a /16 of IPv6) takes in public addresses.
 */
const TRUST_PROXY_PREFIX = { v4: [8, 32], v6: [16, 128] } as const;

/** The prefix an IPv6 range amounts to over IPv4 clients (they are matched as ::ffff:a.b.c.d), or null. */
function ipv4PrefixOfMapped(addr: string, bits: number): number | null {
  const mapped = new BlockList();
  mapped.addSubnet('::ffff:0:0', 96, 'ipv6');
  if (bits >= 96) return mapped.check(addr, 'ipv6') ? bits - 96 : null;
  const range = new BlockList();
  range.addSubnet(addr, bits, 'ipv6');
  return range.check('::ffff:0:0', 'ipv6') ? 0 : null;
}


/**
 * `true` would believe every hop of X-Forwarded-For, so any client could name its own address to
 * the rate limits and API-key allow-lists; the operator says how many proxies, or which.
 */
function parseTrustProxy(raw: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = raw.trim().toLowerCase();
  if (v === 'false') return false;
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10) return Number(v);
  const entries = v.split(',').map((x) => x.trim()).filter(Boolean);
  const cidr = (c: string) => {
    const [addr, bits, extra] = c.split('/');
    const family = isIP(addr);
    if (!family || extra !== undefined) return false;
    const [shortest, longest] = family === 4 ? TRUST_PROXY_PREFIX.v4 : TRUST_PROXY_PREFIX.v6;
    if (bits === undefined) return true;
    const n = Number(bits);
    if (!/^\d+$/.test(bits) || n < shortest || n > longest) return false;
    const v4 = family === 6 ? ipv4PrefixOfMapped(addr, n) : null;
    return v4 === null || v4 >= TRUST_PROXY_PREFIX.v4[0];
  };
  if (v !== 'true' && entries.length && entries.every(cidr)) return entries;
  ctx.addIssue({
    code: 'custom',
    message: 'must be false, a hop count (1 behind one reverse proxy such as Caddy, 2 behind a load balancer and a proxy) or a comma list of proxy addresses/CIDRs (10.0.0.0/8,127.0.0.1) no wider than /8 (IPv4) or /16 (IPv6); true, 0.0.0.0/0 or ::/0 would trust any X-Forwarded-For a client sends',
  });
  return z.NEVER;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message} (got ${JSON.stringify(cleaned[variable] ?? '')})`);
  }
  const e = result.data;
  if (e.CHAPAR_ROLE !== 'all' && !e.DATABASE_URL) {
    throw new ConfigError(`Invalid configuration: CHAPAR_ROLE=${e.CHAPAR_ROLE} needs DATABASE_URL (a PostgreSQL server): the embedded database is one process's; run CHAPAR_ROLE=all with it`);
  }
  if (e.CHAPAR_ROLE === 'smpp' && e.CHAPAR_SMPP_PORT === undefined) {
    throw new ConfigError('Invalid configuration: CHAPAR_ROLE=smpp needs CHAPAR_SMPP_PORT');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CHAPAR_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    pgliteSharedBuffersMb: e.CHAPAR_PGLITE_SHARED_BUFFERS_MB,
    connectorThreads: e.CHAPAR_CONNECTOR_THREADS,
    routing: { pollMs: e.CHAPAR_ROUTING_POLL_MS, leaseMs: e.CHAPAR_BIND_LEASE_SECONDS * 1000 },
    platformHosts: e.CHAPAR_PLATFORM_HOSTS,
    admin: { username: e.CHAPAR_ADMIN_USERNAME, password: e.CHAPAR_ADMIN_PASSWORD, mobile: e.CHAPAR_ADMIN_MOBILE },
    logLevel: e.CHAPAR_LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    sessionTtlHours: e.CHAPAR_SESSION_TTL_HOURS,
    trustProxy: e.CHAPAR_TRUST_PROXY,
    authLimits: { codesPerIp: e.CHAPAR_AUTH_CODES_PER_IP, codesPerBrand: e.CHAPAR_AUTH_CODES_PER_BRAND, codesGlobal: e.CHAPAR_AUTH_CODES_GLOBAL, captchaAfter: e.CHAPAR_CAPTCHA_AFTER },
    smtpUrl: e.CHAPAR_SMTP_URL,
    mailFrom: e.CHAPAR_MAIL_FROM,
    canonicalHost: e.CHAPAR_CANONICAL_HOST ?? e.CHAPAR_PLATFORM_HOSTS[0],
    publicIps: e.CHAPAR_PUBLIC_IPS,
    dnsServers: e.CHAPAR_DNS_SERVERS,
    outbound: { allowPrivate: e.CHAPAR_OUTBOUND_ALLOW_PRIVATE, deniedPorts: e.CHAPAR_OUTBOUND_DENY_PORTS },
    smpp: {
      port: e.CHAPAR_SMPP_PORT,
      host: e.CHAPAR_SMPP_HOST,
      publicHost: e.CHAPAR_SMPP_PUBLIC_HOST,
      limits: {
        default: { tps: e.CHAPAR_SMPP_TPS, window: e.CHAPAR_SMPP_WINDOW, maxBinds: e.CHAPAR_SMPP_MAX_BINDS },
        // a default above the ceiling raises the ceiling: the default is always reachable
        max: { tps: Math.max(e.CHAPAR_SMPP_TPS, e.CHAPAR_SMPP_TPS_MAX), window: Math.max(e.CHAPAR_SMPP_WINDOW, e.CHAPAR_SMPP_WINDOW_MAX), maxBinds: Math.max(e.CHAPAR_SMPP_MAX_BINDS, e.CHAPAR_SMPP_MAX_BINDS_MAX) },
      },
    },
    metricsToken: e.CHAPAR_METRICS_TOKEN,
    allowSandboxGateway: e.CHAPAR_ALLOW_SANDBOX_GATEWAY,
    streamsPerAccount: e.CHAPAR_STREAMS_PER_ACCOUNT,
    uploads: { maxBytes: e.CHAPAR_UPLOAD_MAX_MB * 2 ** 20, maxUncompressedBytes: e.CHAPAR_UPLOAD_MAX_UNCOMPRESSED_MB * 2 ** 20, maxCells: e.CHAPAR_UPLOAD_MAX_CELLS },
    bodyLimits: { default: e.CHAPAR_BODY_LIMIT_KB * 1024, send: e.CHAPAR_SEND_BODY_LIMIT_MB * 2 ** 20 },
    role: e.CHAPAR_ROLE,
    // the same machine (container) and port is the same instance after a restart
    instanceId: e.CHAPAR_INSTANCE_ID ?? `${hostname()}:${e.CHAPAR_ROLE}:${e.DATABASE_URL ? e.PORT : path.resolve(e.CHAPAR_DATA_DIR)}`,
    claimLeaseMs: e.CHAPAR_CLAIM_LEASE_SECONDS * 1000,
    inDoubtGraceMs: e.CHAPAR_IN_DOUBT_GRACE_SECONDS * 1000,
  };
}
