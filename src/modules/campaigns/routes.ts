// Sends built from other modules' data: a pattern (OTP template) on the priority path, and
// campaigns to phonebook groups, optionally with a text per recipient.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/driver.ts';
import { requireCaller } from '../../http/context.ts';
import type { CampaignRecipients } from './recipients.ts';
import type { AcceptService } from '../messages/accept.ts';
import type { Account } from '../accounts/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { messageClass, sendResponse } from '../messages/schema.ts';

type Uploads = { uploadSource(caller: Account, uploadId: string): Promise<{ filename: string; bytes: AsyncIterable<Uint8Array> }> };
type Patterns = { renderForSend(tx: Db, accountId: string, templateId: string, params: Record<string, unknown>): Promise<{ text: string }> };

const filter = z.object({ field: z.string().max(40), op: z.enum(['eq', 'contains', 'gt', 'lt', 'before', 'after']), value: z.union([z.string().max(200), z.number()]) });
const campaignBody = z.object({
  groupIds: z.array(z.string()).min(1).max(50).optional().describe('send to these phonebook groups …'),
  file: z.object({
    uploadId: z.string().describe('from POST /api/v1/phonebook/uploads'),
    mapping: z.record(z.string(), z.string()).describe('column index → mobile | name | tag | field:<key>'),
    hasHeader: z.boolean().default(true),
  }).optional().describe('… or to the numbers of an uploaded CSV/XLSX file; its columns fill {field:<key>} placeholders'),
  tags: z.array(z.string().max(40)).max(20).optional(),
  filters: z.array(filter).max(20).optional(),
  text: z.string().min(1).max(5000).describe('the text; with personalised: a template with {name}, {mobile} and your custom fields'),
  personalised: z.boolean().default(false),
  class: messageClass.default('advertising'),
  from: z.string().max(40).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional().nullable(),
  perMinute: z.number().int().min(1).max(1_000_000).optional(),
});

export function campaignRoutes(app: FastifyInstance, deps: { db: Db; accept: AcceptService; patterns: Patterns; recipients: CampaignRecipients; uploads: Uploads }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const answer = (res: Awaited<ReturnType<AcceptService['send']>>) => ({ batchId: res.batchId, status: res.status, accepted: res.accepted, blacklisted: res.blacklisted, rejected: res.rejected, parts: res.parts, cost: res.cost.toString() });

  r.post('/api/v1/messages/pattern', {
    schema: {
      tags: ['messages'],
      summary: 'Send an approved pattern (OTP) to one number: first in the outbox, never held by sending hours, allowed to blacklisted numbers',
      body: z.object({ templateId: z.string(), to: z.string().max(40), params: z.record(z.string(), z.union([z.string(), z.number()])), from: z.string().max(40).optional() }),
      response: { 202: sendResponse },
    },
  }, async (req, reply) => {
    const { account } = requireCaller(req);
    const { text } = await deps.patterns.renderForSend(deps.db, account.id, req.body.templateId, req.body.params);
    const key = req.headers['idempotency-key'];
    const res = await deps.accept.send(account, { to: [req.body.to], text, class: 'otp', from: req.body.from }, { idempotencyKey: typeof key === 'string' ? key : undefined, source: 'api' });
    return reply.code(202).send(answer(res));
  });

  /** The recipients of a campaign and their texts: from phonebook groups or an uploaded file. */
  async function build(caller: Account, body: z.infer<typeof campaignBody>) {
    if (Boolean(body.groupIds) === Boolean(body.file)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'groupIds', message: 'groups or a file, one of the two' }] });
    const to: string[] = [];
    const texts: string[] = [];
    const rejectedRows: { row: number; value: string; code: string }[] = [];
    const take = (rcp: { e164: string; fields: Record<string, string | number> }) => {
      to.push(rcp.e164);
      if (body.personalised) texts.push(deps.recipients.renderPerRecipient(body.text, rcp.fields));
    };
    if (body.file) {
      const source = await deps.uploads.uploadSource(caller, body.file.uploadId);
      for await (const b of deps.recipients.resolveFileRecipients(source.bytes, { filename: source.filename, mapping: body.file.mapping, hasHeader: body.file.hasHeader })) {
        b.recipients.forEach(take);
        if (rejectedRows.length < 1000) rejectedRows.push(...b.rejected.slice(0, 1000 - rejectedRows.length));
      }
    } else {
      for await (const batch of deps.recipients.resolveGroupRecipients(deps.db, caller.id, { groupIds: body.groupIds!, tags: body.tags, filters: body.filters })) batch.forEach(take);
    }
    return { to, texts: body.personalised ? texts : undefined, rejectedRows };
  }

  r.post('/api/v1/campaigns/quote', { schema: { tags: ['campaigns'], summary: 'Parts, cost and checks of a campaign (groups or an uploaded file) before sending; file rows that cannot be used are listed', body: campaignBody.omit({ sendAt: true, perMinute: true }) } }, async (req) => {
    const { account } = requireCaller(req);
    const { to, texts, rejectedRows } = await build(account, { ...req.body, sendAt: null });
    const q = await deps.accept.quote(account, { to, texts, text: req.body.text, class: req.body.class, from: req.body.from });
    return { ...q, recipients: to.length, rejectedRows, cost: q.cost.toString(), shortBy: q.shortBy.toString(), heldUntil: q.heldUntil?.toISOString() ?? null, perOperator: Object.fromEntries(Object.entries(q.perOperator).map(([k, v]) => [k, { count: v.count, cost: v.cost.toString() }])), levels: q.levels.map((l) => ({ ...l, amount: l.amount.toString() })) };
  });

  r.post('/api/v1/campaigns', { schema: { tags: ['campaigns'], summary: 'Send to phonebook groups (filtered) or an uploaded file, optionally a text per recipient, scheduled or gradual', body: campaignBody, response: { 202: sendResponse } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const { to, texts } = await build(account, req.body);
    const key = req.headers['idempotency-key'];
    const res = await deps.accept.send(account, { to, texts, text: req.body.text, class: req.body.class, from: req.body.from, sendAt: req.body.sendAt ? new Date(req.body.sendAt) : null, perMinute: req.body.perMinute }, { idempotencyKey: typeof key === 'string' ? key : undefined, source: 'panel' });
    return reply.code(202).send(answer(res));
  });
}
