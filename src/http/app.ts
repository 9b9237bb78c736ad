// The HTTP application: plugins, per-request context, the public API, the panel's static files.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifySchema } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Services } from '../services.ts';
import { registerHealth, type Starting } from './health.ts';
import { checkBigBodyRoute, registerJsonParser } from './big-json/parser.ts';
import { accountRoutes } from '../modules/accounts/routes.ts';
import { billingRoutes } from '../modules/billing/routes.ts';
import { topupRoutes } from '../modules/billing/topup-routes.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { complianceRoutes } from '../modules/compliance/routes.ts';
import { kycRoutes } from '../modules/kyc/routes.ts';
import { notificationRoutes } from '../modules/notifications/routes.ts';
import { supportRoutes } from '../modules/support/routes.ts';
import { inboxRoutes } from '../modules/inbox/routes.ts';
import { lineRoutes } from '../modules/lines/routes.ts';
import { lineRenewalRoutes } from '../modules/lines/renewal-routes.ts';
import { messageRoutes } from '../modules/messages/routes.ts';
import { campaignRoutes } from '../modules/campaigns/routes.ts';
import { routingRoutes } from '../modules/routing/routes.ts';
import { webhookRoutes } from '../modules/webhooks/routes.ts';
import { phonebookRoutes } from '../modules/phonebook/routes.ts';
import { patternRoutes } from '../modules/patterns/routes.ts';
import { agencyRoutes } from '../modules/agencies/routes.ts';
import { userRoutes } from '../modules/agencies/users-routes.ts';
import { brandingRoutes } from '../modules/branding/routes.ts';
import { domainRoutes } from '../modules/domains/routes.ts';
import { packageRoutes } from '../modules/permission-packages/routes.ts';
import { adminStateNotice } from '../modules/agencies/notice.ts';
import { wordedNotice } from './brand-notice.ts';
import { registerContext } from './context.ts';
import { registerErrorHandler } from './errors-handler.ts';
import { AppError } from '../lib/app-error.ts';
import { pickLanguage } from '../lib/i18n.ts';
import type { EarlyServer } from './early.ts';
import { errorBody } from './errors.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerMetrics } from './metrics.ts';
import { requestForLog } from './redact.ts';
import { smppServerRoutes } from '../modules/smpp-server/routes.ts';

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Route plugins other modules add; each receives the services and the app. */
export type RouteModule = (app: FastifyInstance, services: Services) => void;

/** One registered route: the tenant-isolation sweep walks these, so a new route is swept without a list to update. */
export type RouteEntry = { method: string; url: string; schema: FastifySchema | undefined };
const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route the app registered (one entry per method, HEAD included), in registration order. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export async function buildApp(services: Services, opts: { logger: Logger; routes?: RouteModule[]; starting?: Starting; server?: EarlyServer }): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger,
    // main.ts's port, listening since the process began (early.ts)
    ...(opts.server ? { serverFactory: opts.server.factory } : {}),
    // A hop count as Fastify itself reads one: the nearest n addresses are proxies.
    trustProxy: typeof services.config.trustProxy === 'number' ? ((hops: number) => (_addr: string, i: number) => i < hops)(services.config.trustProxy) : services.config.trustProxy,
    // The router's own refusals (a path that is not valid UTF-8) answer in the shape every error has.
    frameworkErrors: (_err, req, reply) => (reply as FastifyReply).code(400).send(errorBody(new AppError('BAD_REQUEST'), pickLanguage(req.headers['accept-language']))),
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && /^[\x21-\x7e]{1,100}$/.test(req.headers['x-request-id']) ? req.headers['x-request-id'] : randomUUID()),
    // Routes that need more than the default say so (sends, files as base64, bulk lists), and their
    // big bodies are parsed on a worker thread (big-json/).
    bodyLimit: services.config.bodyLimits.default,
    childLoggerFactory: (logger, bindings, childOpts) => logger.child(bindings, { ...childOpts, serializers: { ...childOpts.serializers, req: requestForLog as never } }),
  }) as unknown as FastifyInstance;
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (r) => {
    checkBigBodyRoute(r, services.config.bodyLimits.default);
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, schema: r.schema });
  });
  // Big bodies (a million-recipient send) are parsed and validated off the event loop.
  registerJsonParser(app);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(cookie);
  // Uploads are read by the routes that take them (req.parts with their own, tighter limits);
  // these are the ceiling for every multipart request.
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 10, fields: 50, fieldSize: 256 * 1024, parts: 100 } });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Outside production the panel is plain HTTP, also on hosts other than loopback (an
        // agency's domain in the browser tests, a LAN address): upgrading would load nothing.
        upgradeInsecureRequests: services.config.production ? [] : null,
      },
    },
    strictTransportSecurity: services.config.production,
    // Browsers ignore COOP on plain HTTP and say so on the console; it protects only over HTTPS.
    crossOriginOpenerPolicy: services.config.production,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Chapar API', version: '1', description: 'Chapar public API v1: Persian-first SMS panel. Errors: { error: { code, message, details } }. Money: strings of integer rials.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session token from /api/v1/auth/login or an API key' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerErrorHandler(app);
  registerMetrics(app, { token: services.config.metricsToken, registry: services.metrics.registry });
  registerContext(app, { brands: services.brands, auth: services.auth });
  registerIdempotency(app, { db: services.db });

  registerHealth(app, { db: services.db, starting: opts.starting });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  authRoutes(app, { auth: services.auth, secureCookies: services.config.production });
  accountRoutes(app, { accounts: services.accounts, brands: services.brands, brandNotice: wordedNotice(adminStateNotice(services.terms)) });
  agencyRoutes(app, { agencies: services.agencies, terms: services.terms, settings: services.agencySettings });
  userRoutes(app, { users: services.users });
  brandingRoutes(app, { branding: services.branding });
  domainRoutes(app, { domains: services.domains });
  packageRoutes(app, { packages: services.packages });
  billingRoutes(app, { billing: services.billing });
  topupRoutes(app, { topups: services.topups });
  notificationRoutes(app, { notifications: services.notifications });
  supportRoutes(app, { support: services.support, cannedReplies: services.cannedReplies });
  auditRoutes(app, { audit: services.audit });
  complianceRoutes(app, { compliance: services.compliance });
  kycRoutes(app, { kyc: services.kyc });
  lineRoutes(app, { lines: services.engine.lines });
  lineRenewalRoutes(app, { renewals: services.lineRenewals });
  messageRoutes(app, { accept: services.engine.accept, batches: services.engine.batches, progress: services.engine.progress, bodyLimit: services.config.bodyLimits.send });
  campaignRoutes(app, { db: services.db, accept: services.engine.accept, patterns: services.patterns, recipients: services.campaignRecipients, uploads: services.phonebook });
  inboxRoutes(app, { inbox: services.engine.inbox, forwarding: services.engine.forwarding });
  routingRoutes(app, { routing: services.engine.routing });
  webhookRoutes(app, { webhooks: services.engine.webhooks });
  phonebookRoutes(app, { phonebook: services.phonebook });
  patternRoutes(app, { patterns: services.patterns });
  smppServerRoutes(app, { smpp: services.smpp, publicHost: services.config.smpp.publicHost });
  for (const add of opts.routes ?? []) add(app, services);

  registerPanel(app);
  return app;
}

/** The built panel (web/dist), with index.html for every non-API path (client-side routing). */
function registerPanel(app: FastifyInstance) {
  const indexFile = path.join(webDist, 'index.html');
  const hasPanel = existsSync(indexFile);
  if (hasPanel) {
    app.register(fastifyStatic, { root: webDist, prefix: '/assets-root/', serve: false });
    app.register(fastifyStatic, { root: path.join(webDist, 'assets'), prefix: '/assets/', decorateReply: false, maxAge: '7d', immutable: true });
  }
  const index = hasPanel ? readFileSync(indexFile, 'utf8') : null;
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET' || !index) throw new AppError('NOT_FOUND');
    const brand = request.brand;
    if (!brand) throw new AppError('UNKNOWN_HOST');
    const title = (request.lang === 'en' ? brand.nameEn : brand.nameFa).replace(/[<>&"]/g, '');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`));
  });
}
