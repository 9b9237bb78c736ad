import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { rials } from '../billing/schema.ts';
import { lineTypes } from './types.ts';
import type { UsableLine, Line } from './types.ts';
import type { LineService } from './service.ts';
import { renewalStates } from './renewal-state.ts';

const operator = z.enum(['mci', 'irancell', 'rightel', 'other']);
const finalStatus = z.enum(['undelivered', 'failed', 'rejected', 'expired']);

const lineView = z.object({
  id: z.string(),
  number: z.string(),
  lineType: z.enum(lineTypes),
  operators: z.array(z.string()),
  canSend: z.boolean(),
  canReceive: z.boolean(),
  ref16: z.boolean(),
  refundStatuses: z.array(z.string()),
  renewalPrice: z.string().describe('rials a year, paid by each assignee of this dedicated line to its parent'),
  renewalGraceDays: z.number().int().describe('days an unpaid assignment keeps sending after its paid-until date'),
  isShared: z.boolean(),
  status: z.string(),
  maySend: z.boolean(),
  mayReceive: z.boolean(),
  isDefault: z.boolean(),
  renewal: z.object({
    state: z.enum(renewalStates).describe('none: nothing to renew (shared, free or the platform’s own); suspended: past the grace period, sending refused with LINE_EXPIRED'),
    paidUntil: z.string().nullable().describe('the earliest paid-until date of your assignment and your ancestors’'),
    graceUntil: z.string().nullable(),
  }),
});

export function lineRoutes(app: FastifyInstance, deps: { lines: LineService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = (l: UsableLine | Line) => ({
    id: l.id, number: l.number, lineType: l.lineType, operators: l.operators, canSend: l.canSend, canReceive: l.canReceive, ref16: l.ref16,
    refundStatuses: l.refundStatuses, renewalPrice: l.renewalPrice.toString(), renewalGraceDays: l.renewalGraceDays, isShared: l.isShared, status: l.status,
    maySend: 'maySend' in l ? l.maySend : l.canSend, mayReceive: 'mayReceive' in l ? l.mayReceive : l.canReceive, isDefault: 'isDefault' in l ? l.isDefault : false,
    renewal: deps.lines.renewalOf(l),
  });

  r.get('/api/v1/lines', { schema: { tags: ['lines'], summary: 'Lines you may use (the platform: every line)', response: { 200: z.object({ items: z.array(lineView) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    return { items: (await deps.lines.listLines(account)).map(view) };
  });

  r.post('/api/v1/lines', {
    schema: {
      tags: ['lines'], summary: 'Add a sender line (platform)',
      body: z.object({
        number: z.string().min(3).max(24), lineType: z.enum(lineTypes), operators: z.array(operator).min(1).optional(), canSend: z.boolean().optional(),
        canReceive: z.boolean().optional(), ref16: z.boolean().optional(), refundStatuses: z.array(finalStatus).optional(),
        renewalPrice: rials.optional(), renewalGraceDays: z.number().int().min(0).max(365).optional(), isShared: z.boolean().optional(),
      }),
      response: { 201: lineView },
    },
  }, async (req, reply) => {
    const { account } = requireCaller(req);
    const line = await deps.lines.createLine(account, { ...req.body, renewalPrice: req.body.renewalPrice ? BigInt(req.body.renewalPrice) : undefined });
    return reply.code(201).send(view(line));
  });

  r.patch('/api/v1/lines/:id', {
    schema: {
      tags: ['lines'], summary: 'Change a line (platform)', params: z.object({ id: z.string() }),
      body: z.object({ status: z.enum(['active', 'disabled']).optional(), refundStatuses: z.array(finalStatus).optional(), operators: z.array(operator).optional(), canSend: z.boolean().optional(), canReceive: z.boolean().optional(), ref16: z.boolean().optional(), isShared: z.boolean().optional(), renewalPrice: rials.optional(), renewalGraceDays: z.number().int().min(0).max(365).optional() }),
      response: { 200: lineView },
    },
  }, async (req) => {
    const { account } = requireCaller(req);
    const { renewalPrice, ...rest } = req.body;
    return view(await deps.lines.updateLine(account, req.params.id, { ...rest, ...(renewalPrice ? { renewalPrice: BigInt(renewalPrice) } : {}) }));
  });

  r.post('/api/v1/lines/:id/assignments', {
    schema: {
      tags: ['lines'], summary: 'Give a line you have to a direct child',
      description: 'A new assignment of a dedicated line with a renewal price charges the child the first year (paid to you) in the same transaction; short of credit it is refused with INSUFFICIENT_CREDIT (details.missing) and nothing is assigned. Assigning again only changes the rights.',
      params: z.object({ id: z.string() }), body: z.object({ accountId: z.string(), canSend: z.boolean().default(true), canReceive: z.boolean().default(true) }),
      response: { 200: z.object({ ok: z.literal(true), created: z.boolean(), charged: z.string(), paidUntil: z.string().nullable() }) },
    },
  }, async (req) => {
    const { account } = requireCaller(req);
    const a = await deps.lines.assignLine(account, req.params.id, req.body.accountId, req.body);
    return { ok: true as const, created: a.created, charged: a.charged.toString(), paidUntil: a.paidUntil?.toISOString() ?? null };
  });

  r.delete('/api/v1/lines/:id/assignments/:accountId', {
    schema: { tags: ['lines'], summary: 'Take a line back from an account of your subtree (and its subtree)', params: z.object({ id: z.string(), accountId: z.string() }), response: { 200: z.object({ ok: z.literal(true) }) } },
  }, async (req) => {
    const { account } = requireCaller(req);
    await deps.lines.unassignLine(account, req.params.id, req.params.accountId);
    return { ok: true as const };
  });

  r.post('/api/v1/lines/:id/default', { schema: { tags: ['lines'], summary: 'Make a line your default for sending', params: z.object({ id: z.string() }), response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    await deps.lines.setDefaultLine(account, req.params.id);
    return { ok: true as const };
  });
}
