// Liveness and readiness, on every role's HTTP port. /healthz answers as soon as the process
// listens; /readyz only once the database is reachable, migrated, and what this process runs in
// the background (connectors, the outbox's recovery) has started.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../db/driver.ts';
import { pendingMigrations } from '../db/migrate.ts';
import type { EarlyServer } from './early.ts';

/** What is still starting ("engine", "smpp server"), or null once everything runs. */
export type Starting = () => string | null;

export function registerHealth(app: FastifyInstance, deps: { db: Db; starting?: Starting }) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const starting = deps.starting?.() ?? null;
    if (starting) return reply.code(503).header('retry-after', '1').send({ status: 'starting', starting });
    try {
      const pending = await pendingMigrations(deps.db);
      if (pending.length) return reply.code(503).send({ status: 'migrations pending', pending });
      return { status: 'ready', database: deps.db.kind };
    } catch (err) {
      return reply.code(503).send({ status: 'database unreachable', error: (err as Error).message });
    }
  });
}

/**
 * The HTTP port of a process without the API (CHAPAR_ROLE=dispatcher or smpp): health only, for
 * an orchestrator's checks; anything else is a 404.
 */
export async function buildHealthApp(deps: { db: Db; logger: Logger; starting?: Starting; server?: EarlyServer }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger, ...(deps.server ? { serverFactory: deps.server.factory } : {}) }) as unknown as FastifyInstance;
  registerHealth(app, deps);
  return app;
}
