// Builds every domain service from the database, the clock and the configuration. main.ts,
// cli.ts and the tests all compose Chapar through this one function.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/driver.ts';
import type { Clock } from './lib/clock.ts';
import { createAccountService } from './modules/accounts/service.ts';
import { createAuditService } from './modules/audit/service.ts';
import { createAuthService } from './modules/auth/service.ts';
import { createBrandService } from './modules/brands/service.ts';
import { createNotificationService, type ChannelAdapter, type Channel } from './modules/notifications/service.ts';

export type ServiceOptions = {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  channelAdapters?: Partial<Record<Channel, ChannelAdapter>>;
};

export function createServices(o: ServiceOptions) {
  const audit = createAuditService({ db: o.db });
  const brands = createBrandService({ db: o.db, platformHosts: o.config.platformHosts });
  const notifications = createNotificationService({ db: o.db, log: o.log, production: o.config.production, adapters: o.channelAdapters });
  const accounts = createAccountService({ db: o.db, clock: o.clock, audit, brands });
  const auth = createAuthService({ db: o.db, clock: o.clock, accounts, brands, audit, notifications, sessionTtlHours: o.config.sessionTtlHours });
  return { db: o.db, clock: o.clock, config: o.config, log: o.log, audit, brands, notifications, accounts, auth };
}

export type Services = ReturnType<typeof createServices>;
