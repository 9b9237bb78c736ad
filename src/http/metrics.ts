import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { AppError } from '../lib/app-error.ts';
import { sameSecret } from '../lib/same-secret.ts';

/**
 * Metrics name routes, volumes and the process's memory: worth something to someone mapping the
 * installation. They answer only on a platform host, and only to the scraper's bearer token
 * (CHAPAR_METRICS_TOKEN) or a platform admin's session; never from a loopback address alone,
 * since a reverse proxy on the same machine makes every visitor look like loopback. The registry
 * is the services' (lib/metrics.ts: messages, connectors, outbox…); HTTP latency is added here.
 */
export function registerMetrics(app: FastifyInstance, opts: { token: string | undefined; registry: Registry }): Registry {
  const { registry } = opts;
  const duration = new Histogram({
    name: 'chapar_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'not_found', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!req.brand?.isPlatform) throw new AppError('NOT_FOUND');
    if (!bearerMatches(req, opts.token) && req.principal?.account.kind !== 'platform') throw new AppError('UNAUTHENTICATED');
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

function bearerMatches(req: FastifyRequest, token: string | undefined): boolean {
  const auth = req.headers.authorization;
  if (!token || !auth?.toLowerCase().startsWith('bearer ')) return false;
  return sameSecret(token, auth.slice(7).trim());
}
