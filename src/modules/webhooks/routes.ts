import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { WebhookService } from './service.ts';

export function webhookRoutes(app: FastifyInstance, deps: { webhooks: WebhookService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/webhooks', { schema: { tags: ['webhooks'], summary: 'Your webhook endpoints' } }, async (req) => ({ items: await deps.webhooks.list(requireCaller(req).account) }));
  r.post('/api/v1/webhooks', {
    config: { secretFields: ['secret'] },
    schema: {
      tags: ['webhooks'],
      summary: 'Register a URL for delivery and inbound events. Each POST carries x-chapar-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>; the secret is shown once.',
      body: z.object({ url: z.string().url().max(500), events: z.array(z.enum(['delivery', 'inbound'])).optional() }),
    },
  }, async (req, reply) => reply.code(201).send(await deps.webhooks.create(requireCaller(req).account, req.body)));
  r.delete('/api/v1/webhooks/:id', { schema: { tags: ['webhooks'], summary: 'Remove an endpoint', params: z.object({ id: z.string() }) } }, async (req) => {
    await deps.webhooks.remove(requireCaller(req).account, req.params.id);
    return { ok: true };
  });
  r.get('/api/v1/webhooks/:id/attempts', { schema: { tags: ['webhooks'], summary: 'Every delivery attempt to an endpoint, newest first', params: z.object({ id: z.string() }) } }, async (req) => ({
    items: await deps.webhooks.attempts(requireCaller(req).account, req.params.id),
  }));
}
