// Background jobs on pg-boss, on both PGlite and PostgreSQL. Job definitions are plain objects
// ({ name, schema, handler }); `send` can join the caller's transaction so a job is enqueued
// exactly when the change that needs it commits.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Db } from '../db/driver.ts';
import type { PgliteDb } from '../db/pglite.ts';

export type JobDefinition<S extends z.ZodType> = {
  name: string;
  schema: S;
  /** cron (UTC) for recurring jobs */
  cron?: string;
  retryLimit?: number;
  handler: (data: z.infer<S>) => Promise<void>;
};

export type JobQueue = {
  send<S extends z.ZodType>(job: JobDefinition<S>, data: z.infer<S>, opts?: { tx?: Db; startAfter?: Date; singletonKey?: string }): Promise<string | null>;
  stop(): Promise<void>;
  boss: PgBoss;
};

type SqlRunner = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/** pg-boss sends parameterless multi-statement blocks (BEGIN … COMMIT): those go through exec. */
function pgliteRunner(db: PgliteDb): SqlRunner {
  return {
    async executeSql(text, values) {
      if (values?.length) return db.raw.query(text, values);
      const results = await db.raw.exec(text);
      return { rows: results.flatMap((r) => r.rows ?? []) };
    },
  };
}

function txRunner(tx: Db): SqlRunner {
  return { executeSql: (text, values) => tx.query(text, values) };
}

export async function startJobQueue(opts: {
  db: Db;
  databaseUrl: string | undefined;
  log: Logger;
  jobs: JobDefinition<z.ZodType>[];
  work?: boolean;
}): Promise<JobQueue> {
  const common = { schema: 'pgboss', supervise: true, schedule: true, migrate: true } as const;
  const boss =
    opts.db.kind === 'pglite'
      ? new PgBoss({ ...common, db: pgliteRunner(opts.db as PgliteDb) } as PgBoss.ConstructorOptions)
      : new PgBoss({ ...common, connectionString: opts.databaseUrl, max: 4 });
  boss.on('error', (err) => opts.log.error({ err }, 'job queue error'));
  await boss.start();
  for (const job of opts.jobs) {
    await boss.createQueue(job.name, { name: job.name, retryLimit: job.retryLimit ?? 5, retryBackoff: true } as PgBoss.Queue);
    if (opts.work !== false) {
      await boss.work(job.name, async (batch) => {
        for (const j of batch) {
          const data = job.schema.parse(j.data);
          await job.handler(data);
        }
      });
    }
    if (job.cron) await boss.schedule(job.name, job.cron, {});
  }
  return {
    boss,
    async send(job, data, o) {
      const options: PgBoss.SendOptions & { db?: SqlRunner } = {};
      if (o?.startAfter) options.startAfter = o.startAfter;
      if (o?.singletonKey) options.singletonKey = o.singletonKey;
      if (o?.tx) options.db = txRunner(o.tx);
      return boss.send(job.name, job.schema.parse(data) as object, options as PgBoss.SendOptions);
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  };
}
