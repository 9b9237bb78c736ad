import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { LineRenewalService } from './renewals.ts';

export function lineRenewalRoutes(app: FastifyInstance, deps: { renewals: LineRenewalService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/lines/:id/renew', {
    schema: {
      tags: ['lines'], summary: 'Renew a rented line now (one more year)',
      description: 'The assignee pays the line’s renewal price to its parent from its own credit; a parent may renew for its direct child (the child still pays). Open from 30 days before the paid-until date; within the grace period the year runs on from the old date, after it from today, and sending is restored at once. Refused with LINE_NOT_RENEWABLE (reason not_due or no_renewal) or INSUFFICIENT_CREDIT (details.missing).',
      params: z.object({ id: z.string() }),
      body: z.object({ accountId: z.string().optional().describe('a direct child; default yourself') }).default({}),
      response: { 200: z.object({ lineId: z.string(), accountId: z.string(), paidUntil: z.string(), charged: z.string(), transactionId: z.string().nullable() }) },
    },
  }, async (req) => {
    const { account } = requireCaller(req);
    const done = await deps.renewals.renew(account, req.params.id, req.body.accountId, req.ip);
    return { ...done, paidUntil: done.paidUntil.toISOString(), charged: done.charged.toString() };
  });
}
