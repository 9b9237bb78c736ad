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
import { buildHealthApp } from './http/health.ts';
import type { EarlyServer } from './http/early.ts';
import { withStartupLock } from './db/startup-lock.ts';
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
  /** customers' SMPP server, when CHAPAR_SMPP_PORT is set (and the role runs it) */
  smpp: SmppListener | null;
  adminPassword: string | undefined;
  /** Resolves once the engine and the SMPP server run (with `listen`, after HTTP already answers). */
  started: Promise<void>;
  /** How long each step of the start took, in ms, in order. */
  steps: Record<string, number>;
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
  /** pg-boss (default on); its workers run where the engine runs (all, dispatcher) */
  jobs?: boolean;
  /** connectors, dispatcher and receipt workers (default: the role's — all and dispatcher) */
  engine?: boolean;
  engineOptions?: EngineOptions;
  /**
   * Listen on this address once the database is open and migrated, before the engine starts:
   * HTTP answers (and /readyz says "starting") while connectors come up and the outbox is
   * recovered. Without it, startChapar returns after the engine has started.
   */
  listen?: { port: number; host: string };
  /**
   * Or the port main.ts opened before loading Chapar (http/early.ts): it answers "starting" until
   * the app is built here and takes it over.
   */
  server?: EarlyServer;
};

export async function startChapar(config: Config, opts: StartOptions = {}): Promise<Chapar> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  const steps: Record<string, number> = {};
  let mark = performance.now();
  const step = (name: string) => {
    const at = performance.now();
    steps[name] = Math.round(at - mark);
    mark = at;
  };
  const role = config.role;
  const runEngine = opts.engine ?? (role === 'all' || role === 'dispatcher');
  const runSmpp = config.smpp.port !== undefined && (role === 'all' || role === 'smpp');
  const opened = opts.db ? { db: opts.db, release: () => {} } : await openDatabase(config);
  const { db } = opened;
  step('open database');
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  step('migrate');
  const clock = opts.clock ?? systemClock;
  const services = createServices({ db, clock, config, log, engine: opts.engineOptions });
  // first start of several processes at once: one creates the admin and the default connector
  const boot = await withStartupLock(db, async () => {
    const created = await services.accounts.bootstrapPlatform(config.admin);
    const platform = await services.accounts.findPlatform();
    if (platform) await services.engine.ensureDefaults(platform.id);
    return created;
  });
  await services.topups.announceSandbox();
  step('bootstrap');
  // API and SMPP-server processes enqueue jobs (webhooks in the same transaction as their cause)
  // and leave the work to the dispatcher processes.
  // (pg-boss's own first start — its schema, its queues — deadlocks when processes race it)
  const jobs = opts.jobs === false ? null : await withStartupLock(db, () => startJobQueue({ db, databaseUrl: config.databaseUrl, log, work: role === 'all' || role === 'dispatcher', jobs: [purgeExpiredJob({ db, clock }) as never, services.engine.webhooks.job as never, agencyRenewalsJob(services.terms) as never, domainChecksJob(services.domains) as never, lineRenewalsJob(services.lineRenewals) as never, notificationRetriesJob(services.notifications) as never] }));
  if (jobs) services.engine.webhooks.attachQueue(jobs);
  step('job queue');
  // System SMS (codes, alerts) travel through the outbox like any message: the engine's worker
  // sends the pending ones, here or in a dispatcher process.
  if (runEngine || role !== 'all') services.notifications.setAdapter('sms', deferredSms);
  let starting: string | null = runEngine ? 'engine' : runSmpp ? 'smpp server' : null;
  const app = role === 'all' || role === 'api'
    ? await buildApp(services, { logger: log, starting: () => starting, server: opts.server })
    : await buildHealthApp({ db, logger: log, starting: () => starting, server: opts.server });
  step('http');
  if (opts.server) {
    await app.ready();
    opts.server.handOver();
    step('listen');
  } else if (opts.listen) {
    await app.listen(opts.listen);
    step('listen');
  }
  // the embedded database has no autovacuum: the server does it for the tables it rewrites
  const stopMaintenance = db.kind === 'pglite' && runEngine ? startPgliteMaintenance(db, log) : null;
  let smpp: SmppListener | null = null;
  const started = (async () => {
    if (runEngine) {
      await services.engine.start(step);
      step('engine: workers');
    }
    if (runSmpp) {
      starting = 'smpp server';
      smpp = createSmppListener({ service: services.smpp, log, options: { port: config.smpp.port!, host: config.smpp.host } });
      await smpp.start();
      log.info({ port: smpp.port, host: config.smpp.host }, 'SMPP server listening');
      step('smpp server');
    }
    starting = null;
    log.info({ role, instance: config.instanceId, steps }, 'started');
  })();
  if (!opts.listen && !opts.server) await started;
  else started.catch(() => undefined);
  const chapar: Chapar = {
    app,
    services,
    jobs,
    get smpp() {
      return smpp;
    },
    adminPassword: boot.password,
    started,
    steps,
    async stop() {
      const closing = opts.server?.close();
      await app.close();
      opts.server?.server.closeAllConnections();
      await closing;
      await started.catch(() => undefined);
      await smpp?.stop();
      if (runEngine) await services.engine.stop();
      await stopMaintenance?.();
      await jobs?.stop();
      if (!opts.db) await db.close();
      opened.release();
    },
  };
  return chapar;
}
