import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { SmppServerService } from './service.ts';

const credentialView = z.object({
  id: z.string(),
  allowedIps: z.array(z.string()).describe('binds only from these addresses or CIDR ranges; empty: from anywhere'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

const limitsView = z.object({
  tps: z.number().int().describe('submit_sm a second, shared by all binds; faster ones are held (paced) until their turn, not refused'),
  window: z.number().int().describe('submit_sm unanswered at once across all binds; one more is answered ESME_RTHROTTLED'),
  maxBinds: z.number().int().describe('binds at once; one more is refused with ESME_RBINDFAIL'),
});
const childLimitsView = z.object({
  own: z.object({ tps: z.number().int().nullable(), window: z.number().int().nullable(), maxBinds: z.number().int().nullable() }).describe('what you set; null: the platform default'),
  effective: limitsView.describe('what the account’s binds get now: its own (or the default), never above yours'),
  max: limitsView.describe('your own limits: the most you can give'),
  defaults: limitsView.describe('the platform defaults'),
});
const limitValue = (max: number) => z.number().int().min(1).max(max).nullable().optional();
const limitsBody = z
  .object({
    tps: limitValue(100_000).describe('null: the platform default'),
    window: limitValue(10_000).describe('null: the platform default'),
    maxBinds: limitValue(100).describe('null: the platform default'),
  })
  .strict();
const params = z.object({ id: z.string().max(64) });

const endpointView = z.object({
  enabled: z.boolean().describe('false: this installation runs no SMPP server'),
  host: z.string(),
  port: z.number().nullable(),
  systemId: z.string().describe('your username'),
  credential: credentialView.nullable().describe('your SMPP password (never the secret); null: SMPP is off for you until you generate one'),
  permitted: z.boolean().describe('whether your package allows SMPP binds'),
  limits: limitsView.describe('your throughput, window and binds, set by your provider'),
});

const passwordBody = z.object({ allowedIps: z.array(z.string().trim().max(64)).max(50).optional() });

const toView = (c: { id: string; allowedIps: string[]; createdAt: Date; lastUsedAt: Date | null }) => ({
  id: c.id, allowedIps: c.allowedIps, createdAt: c.createdAt.toISOString(), lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
});

export function smppServerRoutes(app: FastifyInstance, deps: { smpp: SmppServerService; publicHost: string | undefined }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/smpp', { schema: { tags: ['smpp'], summary: 'How to bind to the SMPP server', response: { 200: endpointView } } }, async (req) => {
    const { account } = requireCaller(req);
    const e = await deps.smpp.endpoint(account);
    return { ...e, host: deps.publicHost ?? req.hostname.replace(/:\d+$/, ''), credential: e.credential && toView(e.credential) };
  });

  r.post(
    '/api/v1/smpp/password',
    {
      config: { secretFields: ['password'] },
      schema: {
        tags: ['smpp'],
        summary: 'Generate your 8-character SMPP password (shown once); replaces the current one and drops the binds that use it',
        body: passwordBody,
        response: { 201: credentialView.extend({ password: z.string(), systemId: z.string() }) },
      },
    },
    async (req, reply) => {
      const { account } = requireCaller(req);
      const c = await deps.smpp.credentials.rotate(account, req.body, req.ip);
      return reply.code(201).send({ ...toView(c), password: c.password, systemId: account.username });
    },
  );

  r.get(
    '/api/v1/users/:id/smpp',
    { schema: { tags: ['smpp'], summary: 'A direct child’s SMPP limits: throughput, window and binds, as you set them and as they apply', params, response: { 200: childLimitsView } } },
    async (req) => deps.smpp.limits.forChild(requireCaller(req).account, req.params.id),
  );

  r.put(
    '/api/v1/users/:id/smpp',
    {
      schema: {
        tags: ['smpp'],
        summary: 'Set a direct child’s SMPP limits (each at most your own; null: the platform default); live binds follow within seconds',
        params,
        body: limitsBody,
        response: { 200: childLimitsView },
      },
    },
    async (req) => deps.smpp.limits.setForChild(requireCaller(req).account, req.params.id, req.body, req.ip),
  );

  r.delete('/api/v1/smpp/password', { schema: { tags: ['smpp'], summary: 'Turn SMPP off: removes your SMPP password and drops live binds', response: { 204: z.null() } } }, async (req, reply) => {
    await deps.smpp.credentials.disable(requireCaller(req).account, req.ip);
    return reply.code(204).send(null);
  });
}
