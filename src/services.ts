// Builds every domain service from the database, the clock and the configuration. main.ts,
// cli.ts and the tests all compose Chapar through this one function.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/driver.ts';
import type { Clock } from './lib/clock.ts';
import { createAccountService } from './modules/accounts/service.ts';
import { createAuditService } from './modules/audit/service.ts';
import { createAuthService } from './modules/auth/service.ts';
import { createBillingService } from './modules/billing/service.ts';
import { createTopupService } from './modules/billing/topups.ts';
import { createBrandService } from './modules/brands/service.ts';
import { createNotificationService, type ChannelAdapter, type Channel } from './modules/notifications/service.ts';
import { createComplianceService } from './modules/compliance/service.ts';
import { createKycService } from './modules/kyc/service.ts';
import { createPhonebookService } from './modules/phonebook/service.ts';
import { createPatternService } from './modules/patterns/service.ts';
import { createCampaignRecipients } from './modules/campaigns/recipients.ts';
import { createCannedReplyService } from './modules/support/canned.ts';
import { createSupportService } from './modules/support/service.ts';
import { mailerFor } from './mail/mailer.ts';
import { createAnnouncer } from './modules/agencies/announce.ts';
import { createAgencyService } from './modules/agencies/service.ts';
import { createAgencySettingsService } from './modules/agencies/settings.ts';
import { createTermService } from './modules/agencies/validity.ts';
import { createUserManagement } from './modules/agencies/users.ts';
import { createBrandingService } from './modules/branding/service.ts';
import { createDomainService } from './modules/domains/service.ts';
import { createPackageService } from './modules/permission-packages/service.ts';
import { createMessageEngine, type EngineOptions, type MessageEngine } from './modules/messages/engine.ts';
import { createUpstream } from './upstreams/registry.ts';
import { createThreadedUpstream } from './upstreams/thread/upstream.ts';
import { createLineRenewalService } from './modules/lines/renewals.ts';
import { createSmppServerService } from './modules/smpp-server/service.ts';
import { createOutbound } from './lib/outbound.ts';
import { cachedFor, createMetrics, type Metrics } from './lib/metrics.ts';
import { databaseBytes } from './db/size.ts';

export type ServiceOptions = {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  channelAdapters?: Partial<Record<Channel, ChannelAdapter>>;
  engine?: EngineOptions;
};

export function createServices(o: ServiceOptions) {
  const audit = createAuditService({ db: o.db, clock: o.clock });
  const brands = createBrandService({ db: o.db, platformHosts: o.config.platformHosts });
  // E-mail: SMTP when configured, otherwise the outbox (the notifications row is the message).
  const mailer = mailerFor(o.config);
  const email: ChannelAdapter = { send: (n) => mailer.send({ to: n.recipient, subject: n.subject ?? '', text: n.body, fromName: n.fromName, attachments: n.attachments }) };
  const notifications = createNotificationService({ db: o.db, log: o.log, clock: o.clock, production: o.config.production, brands, adapters: { email, ...o.channelAdapters } });
  const accounts = createAccountService({ db: o.db, clock: o.clock, audit, brands });
  const billing = createBillingService({ db: o.db, clock: o.clock, log: o.log, accounts, notifications, audit });
  // Every URL a tenant gives (webhooks, forwarding, gateways) is opened through this one checker.
  const outbound = createOutbound({ ...o.config.outbound, dnsServers: o.config.dnsServers });
  const topups = createTopupService({ db: o.db, clock: o.clock, log: o.log, accounts, billing, production: o.config.production, audit, outbound, allowSandbox: o.config.allowSandboxGateway });
  // Access packages: registered after billing, so a package's credit moves once the wallet exists.
  const packages = createPackageService({ db: o.db, clock: o.clock, accounts, billing, audit });
  const auth = createAuthService({ db: o.db, clock: o.clock, accounts, brands, audit, notifications, sessionTtlHours: o.config.sessionTtlHours, limits: o.config.authLimits, permissions: packages });
  const terms = createTermService({ db: o.db, clock: o.clock, log: o.log, accounts, brands, billing, audit, notifications });
  const announce = createAnnouncer({ db: o.db, clock: o.clock, log: o.log, accounts, brands, notifications, mailer });
  const agencies = createAgencyService({ db: o.db, clock: o.clock, log: o.log, accounts, brands, billing, topups, audit, announce, terms });
  const agencySettings = createAgencySettingsService({ db: o.db, clock: o.clock, accounts, audit });
  const branding = createBrandingService({ db: o.db, clock: o.clock, accounts, brands, audit });
  const domains = createDomainService({
    db: o.db, clock: o.clock, log: o.log, accounts, brands, audit, platformHosts: o.config.platformHosts,
    dns: { canonicalHost: o.config.canonicalHost, publicIps: o.config.publicIps, servers: o.config.dnsServers },
  });
  const users = createUserManagement({ db: o.db, clock: o.clock, accounts, auth, brands, billing, audit, notifications, packages, settings: agencySettings });
  const support = createSupportService({ db: o.db, clock: o.clock, log: o.log, audit, accounts, notifications });
  const cannedReplies = createCannedReplyService({ db: o.db, clock: o.clock });
  const kyc = createKycService({ db: o.db, clock: o.clock, audit });
  const compliance = createComplianceService({ db: o.db, clock: o.clock, audit, kyc, accounts });
  const phonebook = createPhonebookService({ db: o.db, clock: o.clock, uploadLimits: o.config.uploads, onImportError: (err, importId) => o.log.error({ err, importId }, 'phonebook import failed') });
  const patterns = createPatternService({ db: o.db, clock: o.clock, audit });
  const campaignRecipients = createCampaignRecipients({ phonebook });
  const metrics = createMetrics();
  const engine = createMessageEngine({
    db: o.db, clock: o.clock, log: o.log, accounts, metrics, charging: billing, compliance, outbound,
    options: { connectors: o.config.role === 'all' || o.config.role === 'dispatcher', ...o.engine, routing: { ...o.config.routing, ...o.engine?.routing }, dispatcher: { leaseMs: o.config.claimLeaseMs, instanceId: o.config.instanceId, inDoubtGraceMs: o.config.inDoubtGraceMs, ...o.engine?.dispatcher } }, blocked: phonebook.blockedNumbers, notifications, permissions: (db, id, perm) => packages.check(db, id, perm),
    streamsPerAccount: o.config.streamsPerAccount, production: o.config.production,
    upstreamFactory: (c) => (c.kind === 'smpp' && o.config.connectorThreads ? createThreadedUpstream('smpp', c.settings, { splitsLongText: false }) : createUpstream(c.kind, c.settings as never)),
  });
  // Rented lines: charges the first year on assignment (a hook on engine.lines), renews, reminds.
  const lineRenewals = createLineRenewalService({ db: o.db, clock: o.clock, log: o.log, lines: engine.lines, accounts, billing, audit, notifications, brands });
  // Customers' SMPP: its receipt and inbound hooks are on even in processes without the listener.
  const smpp = createSmppServerService({ db: o.db, clock: o.clock, log: o.log, accounts, packages, audit, engine, limits: o.config.smpp.limits });
  setProbes(metrics, o, { billing, engine });
  return { db: o.db, clock: o.clock, config: o.config, log: o.log, audit, brands, notifications, accounts, billing, topups, engine, auth, support, cannedReplies, kyc, compliance, phonebook, patterns, campaignRecipients, mailer,
    packages, terms, agencies, agencySettings, branding, domains, users, smpp, lineRenewals, metrics };
}

export type Services = ReturnType<typeof createServices>;

/** What /metrics reads when scraped: one query each, the outbox's shared by its two gauges. */
function setProbes(metrics: Metrics, o: ServiceOptions, s: { billing: { countOpenReservations(): Promise<number> }; engine: MessageEngine }) {
  metrics.setProbes({
    outbox: cachedFor(1000, async () => {
      const now = o.clock.now();
      const f = await s.engine.outboxFigures(now);
      return { depth: f.depth, oldestDueSeconds: f.oldestDue ? Math.max(0, (now.getTime() - f.oldestDue.getTime()) / 1000) : 0 };
    }),
    openReservations: () => s.billing.countOpenReservations(),
    dataBytes: cachedFor(60_000, () => databaseBytes(o.db)),
    connectors: () => Object.fromEntries(Object.entries(s.engine.routing.stats()).map(([id, st]) => [id, {
      up: st.state === 'bound', binds: st.binds ?? 0, bindLosses: st.reconnects, throttles: st.throttled, genericNacks: st.genericNacks ?? 0,
    }])),
  });
}
