import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { AuditService } from './service.ts';

const query = z.object({
  action: z.string().trim().max(100).regex(/^[a-z_.]+\*?$/, 'an action, or a family such as ticket.*').optional(),
  subjectId: z.string().max(64).optional(),
  actorId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const eventView = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actor: z
    .object({ id: z.string().nullable(), username: z.string().nullable(), role: z.enum(['subtree', 'provider']) })
    .nullable()
    .describe('null: the system. role provider: someone above you (your agency or its support); who, and the IP, are not shown'),
  subject: z.object({ id: z.string(), username: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(app: FastifyInstance, deps: { audit: AuditService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The audit log of your subtree: who did what to which account, when, from which IP and what changed. Filter by action (or family, ticket.*), subject, actor and time [from, to); newest first, paginated',
      querystring: query,
      response: { 200: z.object({ items: z.array(eventView), total: z.number(), page: z.number(), pageSize: z.number() }) },
    },
  }, async (req) => {
    const { scope } = requireCaller(req);
    const { page, pageSize, from, to, ...rest } = req.query;
    const filter = { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined, limit: pageSize, offset: (page - 1) * pageSize };
    const [items, total] = [await deps.audit.list(scope, filter), await deps.audit.count(scope, filter)];
    return {
      items: items.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        action: e.action,
        actor: e.actorRole ? { id: e.actorId, username: e.actorUsername, role: e.actorRole } : null,
        subject: e.subjectId ? { id: e.subjectId, username: e.subjectUsername } : null,
        ip: e.ip,
        details: e.details,
      })),
      total,
      page,
      pageSize,
    };
  });
}
