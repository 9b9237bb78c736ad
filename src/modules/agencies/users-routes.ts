import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrand, requireCaller } from '../../http/context.ts';
import { accountView } from '../../http/views.ts';
import { accountView as accountSchema } from '../accounts/schema.ts';
import { templateKinds } from '../notifications/templates.ts';
import type { UserManagement } from './users.ts';

const tags = ['users'];
const params = z.object({ id: z.string().max(64) });
const ok = z.object({ ok: z.literal(true) });
const recordQuery = z.object({
  accountId: z.string().max(64).optional().describe('one account of your subtree; default: all of it'),
  subtree: z.enum(['true', 'false']).default('true').describe('with accountId: include its own sub-accounts'),
  number: z.string().trim().max(20).optional(),
  text: z.string().trim().max(200).optional(),
  status: z.string().trim().max(20).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

const loginUrl = (req: FastifyRequest) => `${req.protocol}://${req.headers.host ?? ''}/`;

export function userRoutes(app: FastifyInstance, deps: { users: UserManagement }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const u = deps.users;
  const caller = (req: FastifyRequest) => requireCaller(req).account;

  r.post('/api/v1/users', {
    schema: {
      tags,
      summary: 'Create a user with a package; the welcome template (username and password) goes out by SMS and e-mail',
      body: z.object({
        username: z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_.-]{2,31}$/),
        password: z.string().min(1).max(200).optional().describe('default: generated, and sent in the welcome message'),
        mobile: z.string().trim().min(5).max(30),
        email: z.string().email().max(200).optional().nullable(),
        displayName: z.string().trim().max(100).optional(),
        locale: z.enum(['fa', 'en']).optional(),
        packageId: z.string().max(64).optional(),
        groupId: z.string().max(64).optional(),
      }),
      response: { 201: accountSchema.extend({ packageId: z.string().nullable(), validUntil: z.string().nullable() }) },
    },
  }, async (req, reply) => {
    const { account } = await u.createUser(caller(req), req.body, { ip: req.ip, loginUrl: loginUrl(req) });
    return reply.code(201).send({ ...accountView(account), packageId: req.body.packageId ?? null, validUntil: null });
  });

  r.patch('/api/v1/users/:id', {
    schema: { tags, summary: 'Edit a user of yours', params, body: z.object({ displayName: z.string().trim().max(100).optional(), email: z.string().email().max(200).nullable().optional(), locale: z.enum(['fa', 'en']).optional(), mobile: z.string().trim().min(5).max(30).optional() }), response: { 200: accountSchema } },
  }, async (req) => accountView(await u.updateUser(caller(req), req.params.id, req.body, req.ip)));

  r.post('/api/v1/users/:id/reset-password', { schema: { tags, summary: 'Give a user a new password; the forgot-password template sends it', params, response: { 200: ok } } }, async (req) => {
    await u.resetPassword(caller(req), req.params.id, { ip: req.ip, loginUrl: loginUrl(req) });
    return { ok: true as const };
  });

  r.post('/api/v1/users/:id/extend', { schema: { tags, summary: 'Extend a user’s panel validity; the yearly cost is charged to the user', params, body: z.object({ years: z.number().int().min(1).max(5).default(1) }), response: { 200: z.object({ validUntil: z.string(), fee: z.string() }) } } }, async (req) => {
    const x = await u.extendValidity(caller(req), req.params.id, req.body.years, req.ip);
    return { validUntil: x.validUntil.toISOString(), fee: x.fee.toString() };
  });

  r.put('/api/v1/users/:id/group', { schema: { tags, summary: 'Move a direct child to another of your user groups', params, body: z.object({ groupId: z.string().max(64) }), response: { 200: ok } } }, async (req) => {
    await u.setGroup(caller(req), req.params.id, req.body.groupId);
    return { ok: true as const };
  });

  r.get('/api/v1/users/:id/services', {
    schema: { tags, summary: 'A user’s active services: lines, package, validity, API keys', params, response: { 200: z.object({ lines: z.array(z.object({ number: z.string(), lineType: z.string(), canSend: z.boolean(), canReceive: z.boolean(), isDefault: z.boolean() })), apiKeys: z.array(z.object({ id: z.string(), name: z.string(), keyPrefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })), package: z.object({ id: z.string(), name: z.string(), permissions: z.array(z.string()) }).nullable(), validUntil: z.string().nullable(), status: z.string() }) } },
  }, async (req) => u.services(caller(req), req.params.id));

  r.get('/api/v1/users/:id/requests', { schema: { tags, summary: 'A user’s requests: agency applications, deposits, identity check, tickets (read-only)', params } }, async (req) => u.requests(caller(req), req.params.id));

  r.get('/api/v1/records/sent', { schema: { tags, summary: 'Sent messages of your subtree, searchable by number, text, date range, status and sub-account', querystring: recordQuery } }, async (req) => {
    const q = req.query;
    const r1 = await u.sent(caller(req), { ...q, subtree: q.subtree === 'true', from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { ...r1, page: q.page, pageSize: q.pageSize };
  });

  r.get('/api/v1/records/received', { schema: { tags, summary: 'Received messages of your subtree, searchable by number, text, date range and sub-account', querystring: recordQuery } }, async (req) => {
    const q = req.query;
    const r1 = await u.received(caller(req), { ...q, subtree: q.subtree === 'true', from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { ...r1, page: q.page, pageSize: q.pageSize };
  });

  r.post('/api/v1/users/:id/impersonate', {
    config: { secretFields: ['token', 'csrfToken'] },
    schema: { tags, summary: 'Sign in as an account of your subtree for support (audited; the account sees it)', params, response: { 200: z.object({ token: z.string(), csrfToken: z.string(), expiresAt: z.string(), account: accountSchema }) } },
  }, async (req) => {
    const s = await u.impersonate(caller(req), req.params.id, { ip: req.ip, userAgent: (req.headers['user-agent'] as string | undefined) ?? null, brand: requireBrand(req) });
    return { token: s.token, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString(), account: accountView(s.account) };
  });

  r.post('/api/v1/notifications/templates/:kind/:lang/preview', {
    schema: {
      tags: ['notifications'],
      summary: 'Preview a template of your brand with sample values: the saved one, or the draft in the body',
      params: z.object({ kind: z.enum(templateKinds), lang: z.enum(['fa', 'en']) }),
      body: z.object({ subject: z.string().max(300), body: z.string().max(5000), sms: z.string().max(500) }).partial().default({}),
      response: { 200: z.object({ subject: z.string(), body: z.string(), sms: z.string() }) },
    },
  }, async (req) => {
    const b = req.body;
    const draft = b.subject !== undefined || b.body !== undefined || b.sms !== undefined ? { subject: b.subject ?? '', body: b.body ?? '', sms: b.sms ?? '' } : undefined;
    return u.previewTemplate(caller(req), req.params.kind, req.params.lang, draft);
  });

  r.get('/api/v1/me/impersonations', {
    schema: { tags: ['accounts'], summary: 'When your agency’s support signed in as you (who, and from where, are theirs to know)', response: { 200: z.object({ items: z.array(z.object({ by: z.literal('provider'), createdAt: z.string(), expiresAt: z.string(), revokedAt: z.string().nullable() })) }) } },
  }, async (req) => ({ items: await u.impersonations(caller(req)) }));
}
