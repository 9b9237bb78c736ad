import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import type { ModerationItem } from './repo.ts';
import * as s from './schema.ts';
import type { ComplianceService } from './service.ts';

const ok = z.object({ ok: z.literal(true) });
const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

const itemView = (i: ModerationItem) => ({
  id: i.id, batchId: i.batchId, accountId: i.accountId, reasons: i.reasons, messageClass: i.messageClass, body: i.body, recipients: i.recipients,
  status: i.status, decidedBy: i.decidedBy, decidedAt: i.decidedAt?.toISOString() ?? null, comment: i.comment, createdAt: i.createdAt.toISOString(),
});

export function complianceRoutes(app: FastifyInstance, deps: { compliance: ComplianceService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const c = deps.compliance;
  const tags = ['compliance'];

  r.get('/api/v1/compliance/policy', { schema: { tags, summary: 'Your effective compliance policy (platform rules tightened by each agency above you) and your own row', response: { 200: s.policyView } } }, async (req) => {
    return c.getPolicy(requireCaller(req).account);
  });
  r.put('/api/v1/compliance/policy', {
    schema: { tags, summary: 'Set your own policy (platform, agency): null inherits; below the platform only tightening is accepted (POLICY_LOOSENING)', body: s.policyBody, response: { 200: s.policyView } },
  }, async (req) => c.setPolicy(requireCaller(req).account, null, req.body, req.ip));
  r.get('/api/v1/compliance/policies/:accountId', { schema: { tags, summary: 'The effective policy of an account in your subtree', params: s.accountIdParams, response: { 200: s.policyView } } }, async (req) => {
    return c.getPolicy(requireCaller(req).account, req.params.accountId);
  });
  r.put('/api/v1/compliance/policies/:accountId', {
    schema: { tags, summary: 'Tighten the policy of a user below you (e.g. no links for this user)', params: s.accountIdParams, body: s.policyBody, response: { 200: s.policyView } },
  }, async (req) => c.setPolicy(requireCaller(req).account, req.params.accountId, req.body, req.ip));

  r.get('/api/v1/compliance/words', { schema: { tags, summary: 'Forbidden words: yours and those of the levels above you (normalised)', response: { 200: s.wordsView } } }, async (req) => {
    return c.listWords(requireCaller(req).account);
  });
  r.post('/api/v1/compliance/words', { schema: { tags, summary: 'Add forbidden words (platform, agency); they apply to your whole subtree', body: s.wordsBody, response: { 200: z.object({ added: z.number() }) } } }, async (req) => {
    return c.addWords(requireCaller(req).account, req.body.words, req.ip);
  });
  r.delete('/api/v1/compliance/words/:word', { schema: { tags, summary: 'Remove one of your forbidden words', params: z.object({ word: z.string().max(100) }), response: { 200: ok } } }, async (req) => {
    await c.removeWord(requireCaller(req).account, req.params.word, req.ip);
    return { ok: true as const };
  });

  r.post('/api/v1/compliance/operator-blacklist/import', {
    schema: {
      tags,
      summary: 'Platform: import the operator blacklist from a CSV or plain-text file (multipart field "file"), streamed; mode=replace drops numbers not in the file',
      querystring: z.object({ mode: z.enum(['add', 'replace']).default('add') }),
      response: { 200: s.importResult },
    },
  }, async (req) => {
    const { account } = requireCaller(req);
    if (account.kind !== 'platform') throw new AppError('FORBIDDEN');
    if (!req.isMultipart()) throw new AppError('BAD_REQUEST', { reason: 'multipart/form-data with a file field expected' });
    const file = await req.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } });
    if (!file) throw new AppError('BAD_REQUEST', { reason: 'no file' });
    return c.importOperatorBlacklist(account, file.file, req.query.mode, req.ip);
  });
  r.get('/api/v1/compliance/operator-blacklist', {
    schema: { tags, summary: 'Size of the operator blacklist, or whether one number is on it (?number=)', querystring: z.object({ number: z.string().max(40).optional() }), response: { 200: z.object({ total: z.number(), number: z.string().optional(), listed: z.boolean().optional() }) } },
  }, async (req) => {
    requireCaller(req);
    const total = await c.operatorBlacklistSize();
    return req.query.number ? { total, ...(await c.checkOperatorBlacklist(req.query.number)) } : { total };
  });

  r.get('/api/v1/compliance/blacklist', { schema: { tags, summary: 'Your own blacklist (also applied to the accounts below you), paginated', querystring: z.object({ q: z.string().max(20).optional(), ...s.page }), response: { 200: s.blacklistPage } } }, async (req) => {
    const { page, pageSize, q } = req.query;
    const res = await c.listBlacklist(requireCaller(req).account, { q, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: res.items.map((i) => ({ number: i.number, createdAt: i.createdAt.toISOString() })), total: res.total, page, pageSize };
  });
  r.post('/api/v1/compliance/blacklist', {
    // 100,000 numbers of up to 40 characters
    bodyLimit: 5 * 2 ** 20,
    schema: { tags, summary: 'Add numbers to your blacklist (bulk, up to 100,000)', body: s.blacklistBody, response: { 200: z.object({ added: z.number(), duplicates: z.number(), invalid: z.array(z.string()) }) } },
  }, async (req) => c.addToBlacklist(requireCaller(req).account, req.body.numbers));
  r.delete('/api/v1/compliance/blacklist/:number', { schema: { tags, summary: 'Remove a number from your blacklist', params: z.object({ number: z.string().max(40) }), response: { 200: ok } } }, async (req) => {
    await c.removeFromBlacklist(requireCaller(req).account, req.params.number);
    return { ok: true as const };
  });
  r.get('/api/v1/compliance/opt-outs', {
    schema: { tags, summary: 'Numbers that answered «11» to your lines (out of your advertising until they send «12»)', querystring: z.object(s.page), response: { 200: z.object({ items: z.array(z.object({ number: z.string(), lineId: z.string().nullable(), createdAt: z.string() })) }) } },
  }, async (req) => {
    const { page, pageSize } = req.query;
    const items = await c.listOptOuts(requireCaller(req).account, { limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })) };
  });

  r.get('/api/v1/compliance/moderation', {
    schema: { tags, summary: 'Sends held for moderation in your subtree (parent agency or platform decides)', querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional(), ...s.page }), response: { 200: z.object({ items: z.array(s.moderationItem), total: z.number() }) } },
  }, async (req) => {
    const { page, pageSize, status } = req.query;
    const res = await c.listModeration(requireCaller(req).account, { status, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: res.items.map(itemView), total: res.total };
  });
  for (const decision of ['approve', 'reject'] as const) {
    r.post(`/api/v1/compliance/moderation/:id/${decision}`, {
      schema: { tags, summary: decision === 'approve' ? 'Approve a held send (optional comment)' : 'Reject a held send (comment required)', params: z.object({ id: z.string().max(64) }), body: s.decisionBody, response: { 200: s.moderationItem } },
    }, async (req) => itemView(await c.decide(requireCaller(req).account, req.params.id, { decision, comment: req.body.comment }, req.ip)));
  }
}
