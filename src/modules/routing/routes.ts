import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { createHmac } from 'node:crypto';
import { sameSecret } from '../../lib/same-secret.ts';
import { AppError } from '../../lib/app-error.ts';
import type { HttpUpstream } from '../../upstreams/http/client.ts';
import type { SimulatorUpstream } from '../../upstreams/simulator/adapter.ts';
import { maskSecrets, type RoutingService } from './service.ts';

const connectorFields = { name: z.string().min(1).max(60), settings: z.record(z.string(), z.unknown()), enabled: z.boolean(), binds: z.number().int().min(1).max(64) };
const connectorBody = z.object({
  ...connectorFields, kind: z.enum(['smpp', 'http', 'simulator']), settings: connectorFields.settings.default({}), enabled: connectorFields.enabled.default(true), binds: connectorFields.binds.default(1),
});
// No defaults in a change: what it leaves out stays as it is (a default would re-enable a disabled connector).
const connectorPatch = z.object(connectorFields).partial();
const routeBody = z.object({
  priority: z.number().int().min(0).max(100_000),
  operator: z.enum(['mci', 'irancell', 'rightel', 'other']).nullable().default(null),
  lineType: z.string().max(20).nullable().default(null),
  messageClass: z.enum(['service', 'advertising', 'otp']).nullable().default(null),
  connectorId: z.string(),
});

export function routingRoutes(app: FastifyInstance, deps: { routing: RoutingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  type Unmatched = Awaited<ReturnType<RoutingService['unmatchedReceipts']>>;
  const show = (c: { id: string; name: string; kind: string; settings: Record<string, unknown>; enabled: boolean; binds: number }, unmatched?: Unmatched) => ({
    ...c, settings: maskSecrets(c.settings), stats: deps.routing.stats()[c.id] ?? null, sessions: deps.routing.binds()[c.id] ?? 0,
    ...(unmatched ? { unmatchedReceipts: ((u) => ({ count: u?.count ?? 0, lastUpstreamId: u?.lastUpstreamId ?? null, lastAt: u?.lastAt?.toISOString() ?? null }))(unmatched.get(c.id)) } : {}),
    ...(c.kind === 'http' && typeof c.settings.callbackToken === 'string' ? { receiptCallbackPath: `/internal/upstreams/${c.id}/receipts/${receiptSignature(c.settings.callbackToken, c.id)}` } : {}),
  });

  r.get('/api/v1/connectors', { schema: { tags: ['routing'], summary: 'Upstream connectors with live state (platform)' } }, async (req) => {
    const { account } = requireCaller(req);
    // receipts that matched no message, all processes together (kept 60 s for a late submit record first)
    const unmatched = await deps.routing.unmatchedReceipts(account);
    return { items: (await deps.routing.listConnectors(account)).map((c) => show(c, unmatched)) };
  });
  r.post('/api/v1/connectors', { schema: { tags: ['routing'], summary: 'Add an upstream connector: smpp {host, port, systemId, password, window, maxTps, …}, http {url, response, receipt, …}, simulator {smsc, client} (upstreams/settings.ts: unknown keys refused); binds: sessions all processes together may hold', body: connectorBody } }, async (req, reply) => {
    const { account } = requireCaller(req);
    return reply.code(201).send(show(await deps.routing.createConnector(account, req.body)));
  });
  r.patch('/api/v1/connectors/:id', { schema: { tags: ['routing'], summary: 'Change or disable a connector (reconnects it)', params: z.object({ id: z.string() }), body: connectorPatch } }, async (req) => {
    const { account } = requireCaller(req);
    return show(await deps.routing.updateConnector(account, req.params.id, req.body));
  });
  r.delete('/api/v1/connectors/:id', { schema: { tags: ['routing'], summary: 'Remove a connector and its routes', params: z.object({ id: z.string() }) } }, async (req) => {
    const { account } = requireCaller(req);
    await deps.routing.deleteConnector(account, req.params.id);
    return { ok: true };
  });
  r.get('/api/v1/routes', { schema: { tags: ['routing'], summary: 'Routes in order: the first match sends, the next ones are failover (platform)' } }, async (req) => {
    const { account } = requireCaller(req);
    return { items: await deps.routing.listRoutes(account) };
  });
  r.post('/api/v1/routes', { schema: { tags: ['routing'], summary: 'Add a route: operator × line type × class → connector (null = any)', body: routeBody } }, async (req, reply) => {
    const { account } = requireCaller(req);
    return reply.code(201).send(await deps.routing.createRoute(account, req.body));
  });
  r.delete('/api/v1/routes/:id', { schema: { tags: ['routing'], summary: 'Remove a route', params: z.object({ id: z.string() }) } }, async (req) => {
    const { account } = requireCaller(req);
    await deps.routing.deleteRoute(account, req.params.id);
    return { ok: true };
  });

  // Demo mode: a handset "replies" through the simulator SMSC, over the same SMPP path as a real
  // operator's deliver_sm.
  r.post('/api/v1/system/simulator/inbound', {
    schema: { tags: ['system'], summary: 'Make the simulator SMSC deliver an inbound SMS (platform, demo mode)', body: z.object({ from: z.string().min(3).max(20), to: z.string().min(3).max(20), text: z.string().min(1).max(2000) }) },
  }, async (req) => {
    const { account } = requireCaller(req);
    const connectors = (await deps.routing.listConnectors(account)).filter((c) => c.kind === 'simulator' && c.enabled);
    const sim = connectors.map((c) => deps.routing.upstream(c.id) as SimulatorUpstream | null).find((u) => u?.smsc);
    if (!sim) throw new AppError('NOT_FOUND');
    const result = await sim.smsc.injectInbound(req.body);
    if (!result.ok) throw new AppError('CONFLICT', { reason: result.code });
    return { ok: true, parts: result.parts };
  });

  // Delivery reports from HTTP providers, on a platform host. The provider proves itself with the
  // connector's settings.callbackToken in the X-Chapar-Callback-Token header, or, for a provider
  // that can only be given a URL, with the path's signature (an HMAC of the connector id under
  // that token): the token itself never travels in a URL, where proxies and logs keep it.
  const receipt = async (req: FastifyRequest, connectorId: string, proof: { header?: string; signature?: string }) => {
    if (!req.brand?.isPlatform) throw new AppError('NOT_FOUND');
    if (typeof (req.query as Record<string, unknown> | undefined)?.token === 'string') throw new AppError('CALLBACK_TOKEN_IN_URL');
    const upstream = deps.routing.upstream(connectorId) as HttpUpstream | null;
    const token = String(deps.routing.settings(connectorId)?.callbackToken ?? '');
    if (!upstream || upstream.kind !== 'http' || token.length < 16) throw new AppError('NOT_FOUND');
    const expected = proof.signature !== undefined ? receiptSignature(token, connectorId) : token;
    if (!sameSecret(expected, proof.signature ?? proof.header ?? '')) throw new AppError('NOT_FOUND');
    return { ok: Boolean(upstream.acceptReceipt(req.body)) };
  };
  r.post('/internal/upstreams/:connectorId/receipts', {
    schema: { tags: ['system'], summary: 'Receipt callback for an HTTP connector (header X-Chapar-Callback-Token: <settings.callbackToken>)', params: z.object({ connectorId: z.string() }) },
  }, async (req) => receipt(req, req.params.connectorId, { header: headerOf(req, CALLBACK_TOKEN_HEADER) }));
  r.post('/internal/upstreams/:connectorId/receipts/:signature', {
    schema: { tags: ['system'], summary: 'Receipt callback for an HTTP connector, signed path (see the connector\'s receiptCallbackPath)', params: z.object({ connectorId: z.string(), signature: z.string().max(100) }) },
  }, async (req) => receipt(req, req.params.connectorId, { signature: req.params.signature }));
}

export const CALLBACK_TOKEN_HEADER = 'x-chapar-callback-token';

/** The path segment that stands for the callback token: HMAC-SHA256 of the connector id, base64url. */
export function receiptSignature(callbackToken: string, connectorId: string): string {
  return createHmac('sha256', callbackToken).update(`receipts:${connectorId}`).digest('base64url');
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

