import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { Pattern } from './repo.ts';
import type { PatternService } from './service.ts';
import { MAX_BODY } from './template.ts';

const tags = ['patterns'];
const id = z.object({ id: z.string().max(40) });
const status = z.enum(['pending', 'approved', 'rejected']);
const variable = z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/), type: z.enum(['number', 'text', 'date']), maxLength: z.number().int().min(1).max(100) });
const patternBody = z.object({ name: z.string().trim().min(1).max(100), body: z.string().min(1).max(MAX_BODY).describe('text with %variables%'), variables: z.array(variable).max(20) });
const patternView = z.object({
  id: z.string(), accountId: z.string(), username: z.string().optional(), name: z.string(), body: z.string(), variables: z.array(variable), status,
  reviewComment: z.string().nullable(), reviewedAt: z.string().nullable(), createdAt: z.string(),
});
const listQuery = z.object({ status: status.optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) });
const params = z.record(z.string(), z.union([z.string().max(200), z.number()]));

const view = (p: Pattern & { username?: string }) => ({
  id: p.id, accountId: p.accountId, ...(p.username ? { username: p.username } : {}), name: p.name, body: p.body, variables: p.variables, status: p.status,
  reviewComment: p.reviewComment, reviewedAt: p.reviewedAt?.toISOString() ?? null, createdAt: p.createdAt.toISOString(),
});

export function patternRoutes(app: FastifyInstance, deps: { patterns: PatternService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const p = deps.patterns;

  r.post('/api/v1/patterns', { schema: { tags, summary: 'Submit a pattern (OTP template) with typed %variables% for the platform to approve', body: patternBody, response: { 201: patternView } } }, async (req, reply) => {
    return reply.code(201).send(view(await p.submit(requireCaller(req).account, req.body)));
  });
  r.get('/api/v1/patterns', { schema: { tags, summary: 'Your patterns', querystring: listQuery, response: { 200: z.array(patternView) } } }, async (req) => {
    const { page, pageSize, status: st } = req.query;
    return (await p.listOwn(requireCaller(req).account, { status: st, limit: pageSize, offset: (page - 1) * pageSize })).map(view);
  });
  r.get('/api/v1/patterns/review', { schema: { tags, summary: 'Platform: patterns to review (default pending), oldest first', querystring: listQuery, response: { 200: z.array(patternView) } } }, async (req) => {
    const { page, pageSize, status: st } = req.query;
    return (await p.reviewQueue(requireCaller(req).account, { status: st ?? 'pending', limit: pageSize, offset: (page - 1) * pageSize })).map(view);
  });
  r.get('/api/v1/patterns/:id', { schema: { tags, summary: 'One pattern', params: id, response: { 200: patternView } } }, async (req) => view(await p.getPattern(requireCaller(req).account, req.params.id)));
  r.put('/api/v1/patterns/:id', { schema: { tags, summary: 'Change a pending or rejected pattern (it goes back to pending)', params: id, body: patternBody, response: { 200: patternView } } }, async (req) => {
    return view(await p.update(requireCaller(req).account, req.params.id, req.body));
  });
  r.delete('/api/v1/patterns/:id', { schema: { tags, summary: 'Delete one of your patterns', params: id, response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    await p.remove(requireCaller(req).account, req.params.id);
    return { ok: true as const };
  });
  r.post('/api/v1/patterns/:id/review', { schema: { tags, summary: 'Platform: approve or reject a pending pattern (a rejection needs a comment)', params: id, body: z.object({ decision: z.enum(['approve', 'reject']), comment: z.string().max(1000).optional() }), response: { 200: patternView } } }, async (req) => {
    return view(await p.review(requireCaller(req).account, req.params.id, req.body, req.ip));
  });
  r.post('/api/v1/patterns/:id/preview', { schema: { tags, summary: 'Fill a pattern with parameters: the text, its alphabet and parts (validates every parameter)', params: id, body: z.object({ params }), response: { 200: z.object({ text: z.string(), alphabet: z.enum(['gsm7', 'ucs2']), parts: z.number(), status }) } } }, async (req) => {
    return p.preview(requireCaller(req).account, req.params.id, req.body.params);
  });
}
