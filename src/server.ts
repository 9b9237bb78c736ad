// Starting and stopping a whole Chapar: used by main.ts and by tests that need a live server.
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db/driver.ts';
import { openPglite } from './db/pglite.ts';
import { startPgliteMaintenance } from './db/maintenance.ts';
import { openPg } from './db/pg.ts';
import { lockDataDir } from './db/lock.ts';
import { migrate } from './db/migrate.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { buildApp } from './http/app.ts';
import { createServices, type Services } from './services.ts';
import { startJobQueue, type JobQueue } from './jobs/queue.ts';
import { purgeExpiredJob } from './jobs/purge-expired.ts';
import { agencyRenewalsJob, domainChecksJob } from './modules/agencies/jobs.ts';
import { lineRenewalsJob } from './modules/lines/jobs.ts';
import { notificationRetriesJob } from './modules/notifications/jobs.ts';
import type { EngineOptions } from './modules/messages/engine.ts';
import { deferredSms } from './modules/messages/system-sms.ts';
import { createSmppListener, type SmppListener } from './modules/smpp-server/listener.ts';

export type Chapar = {
  app: FastifyInstance;
  services: Services;
  jobs: JobQueue | null;
  /** customers' SMPP server, when CHAPAR_SMPP_PORT is set */
  smpp: SmppListener | null;
  adminPassword: string | undefined;
  stop(): Promise<void>;
};

export async function openDatabase(config: Config): Promise<{ db: Db; release: () => void }> {
  if (config.databaseUrl) return { db: await openPg(config.databaseUrl), release: () => {} };
  const release = lockDataDir(config.dataDir);
  try {
    return { db: await openPglite(path.join(config.dataDir, 'pgdata'), { sharedBuffersMb: config.pgliteSharedBuffersMb }), release };
  } catch (err) {
    release();
    throw err;
  }
}

export type StartOptions = {
  logger?: Logger;
  clock?: Clock;
  db?: Db;
  /** pg-boss workers (default on) */
  jobs?: boolean;
  /** connectors, dispatcher and receipt workers (default on) */
  engine?: boolean;
  engineOptions?: EngineOptions;
};

export async function startChapar(config: Config, opts: StartOptions = {}): Promise<Chapar> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  const opened = opts.db ? { db: opts.db, release: () => {} } : await openDatabase(config);
  const { db } = opened;
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const clock = opts.clock ?? systemClock;
  const services = createServices({ db, clock, config, log, engine: opts.engineOptions });
  const boot = await services.accounts.bootstrapPlatform(config.admin);
  const platform = await services.accounts.findPlatform();
  if (platform) await services.engine.ensureDefaults(platform.id);
  await services.topups.announceSandbox();
  const jobs = opts.jobs === false ? null : await startJobQueue({ db, databaseUrl: config.databaseUrl, log, jobs: [purgeExpiredJob({ db, clock }) as never, services.engine.webhooks.job as never, agencyRenewalsJob(services.terms) as never, domainChecksJob(services.domains) as never, lineRenewalsJob(services.lineRenewals) as never, notificationRetriesJob(services.notifications) as never] });
  if (jobs) services.engine.webhooks.attachQueue(jobs);
  // the embedded database has no autovacuum: the server does it for the tables it rewrites
  const stopMaintenance = db.kind === 'pglite' && opts.engine !== false ? startPgliteMaintenance(db, log) : null;
  if (opts.engine !== false) {
    await services.engine.start();
    // From now on system SMS (codes, alerts) travel through the engine like any message.
    services.notifications.setAdapter('sms', deferredSms);
  }
  const app = await buildApp(services, { logger: log });
  let smpp: SmppListener | null = null;
  if (config.smpp.port !== undefined) {
    smpp = createSmppListener({ service: services.smpp, log, options: { port: config.smpp.port, host: config.smpp.host, maxBinds: config.smpp.maxBindsPerAccount, maxTps: config.smpp.tpsPerAccount } });
    await smpp.start();
    log.info({ port: smpp.port, host: config.smpp.host }, 'SMPP server listening');
  }
  return {
    app,
    services,
    jobs,
    smpp,
    adminPassword: boot.password,
    async stop() {
      await app.close();
      await smpp?.stop();
      if (opts.engine !== false) await services.engine.stop();
      await stopMaintenance?.();
      await jobs?.stop();
      if (!opts.db) await db.close();
      opened.release();
    },
  };
}
