import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { NotificationService } from './service.ts';

const view = z.object({
  id: z.string(),
  channel: z.enum(['sms', 'email', 'panel']),
  recipient: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  kind: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

export function notificationRoutes(app: FastifyInstance, deps: { notifications: NotificationService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Demo mode: what the simulator's handset and the mail outbox received. Platform admin only:
  // it holds everyone's codes.
  r.get('/api/v1/system/outbox', {
    schema: { tags: ['system'], summary: 'Simulator handset and mail outbox (platform only)', querystring: z.object({ channel: z.enum(['sms', 'email']).default('sms'), recipient: z.string().optional() }), response: { 200: z.object({ items: z.array(view) }) } },
  }, async (req) => {
    const { account } = requireCaller(req);
    if (account.kind !== 'platform') throw new AppError('FORBIDDEN');
    const items = req.query.recipient
      ? await deps.notifications.listForRecipient(req.query.channel, req.query.recipient, 200)
      : await deps.notifications.listRecent(req.query.channel, 200);
    return { items: items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString() })) };
  });
}
