import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { InboxService } from './service.ts';
import type { createForwarding } from './forwarding.ts';

const item = z.object({ id: z.string(), lineId: z.string().nullable(), accountId: z.string().nullable(), from: z.string(), to: z.string(), text: z.string(), parts: z.number(), cost: z.string(), receivedAt: z.string() });

export function inboxRoutes(app: FastifyInstance, deps: { inbox: InboxService; forwarding: ReturnType<typeof createForwarding> }) {
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

  const rule = z.object({ id: z.string(), lineId: z.string(), kind: z.enum(['url', 'email', 'sms']), target: z.string(), endpointId: z.string().nullable() });
  const lineParams = z.object({ id: z.string() });
  r.get('/api/v1/lines/:id/forwarding', { schema: { tags: ['inbox'], summary: 'Where messages received on your line are forwarded', params: lineParams, response: { 200: z.object({ items: z.array(rule) }) } } }, async (req) => ({
    items: await deps.forwarding.list(requireCaller(req).account, req.params.id),
  }));
  r.post('/api/v1/lines/:id/forwarding', {
    schema: { tags: ['inbox'], summary: 'Forward every message received on your line to a URL (signed POST, retried; see its attempts under /webhooks), an e-mail or another mobile', params: lineParams, body: z.object({ kind: z.enum(['url', 'email', 'sms']), target: z.string().min(3).max(500) }), response: { 201: rule } },
  }, async (req, reply) => reply.code(201).send(await deps.forwarding.add(requireCaller(req).account, req.params.id, req.body)));
  r.delete('/api/v1/lines/:id/forwarding/:ruleId', { schema: { tags: ['inbox'], summary: 'Stop a forwarding rule', params: z.object({ id: z.string(), ruleId: z.string() }) } }, async (req) => {
    await deps.forwarding.remove(requireCaller(req).account, req.params.id, req.params.ruleId);
    return { ok: true };
  });
}
