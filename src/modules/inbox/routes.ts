import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { InboxService } from './service.ts';

const item = z.object({ id: z.string(), lineId: z.string().nullable(), accountId: z.string().nullable(), from: z.string(), to: z.string(), text: z.string(), parts: z.number(), cost: z.string(), receivedAt: z.string() });

export function inboxRoutes(app: FastifyInstance, deps: { inbox: InboxService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/inbox', {
    schema: {
      tags: ['inbox'], summary: 'Messages received on your lines (and your subtree’s), newest first',
      querystring: z.object({ q: z.string().max(100).optional(), lineId: z.string().optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(item), page: z.number(), pageSize: z.number() }) },
    },
  }, async (req) => {
    const { scope } = requireCaller(req);
    const { items } = await deps.inbox.list(scope, { q: req.query.q, lineId: req.query.lineId, limit: req.query.pageSize, offset: (req.query.page - 1) * req.query.pageSize });
    return {
      items: items.map((m) => ({ id: m.id, lineId: m.lineId, accountId: m.accountId, from: m.sender, to: m.recipient, text: m.body, parts: m.parts, cost: m.cost.toString(), receivedAt: m.receivedAt.toISOString() })),
      page: req.query.page,
      pageSize: req.query.pageSize,
    };
  });
}
