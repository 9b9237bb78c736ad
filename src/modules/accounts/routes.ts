import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrand, requireCaller } from '../../http/context.ts';
import { accountView, brandView } from '../../http/views.ts';
import type { WordedNotice } from '../../http/brand-notice.ts';
import { accountView as accountSchema, brandView as brandSchema } from './schema.ts';
import type { BrandService } from '../brands/service.ts';
import type { AccountService } from './service.ts';
import * as s from './schema.ts';


export function accountRoutes(app: FastifyInstance, deps: { accounts: AccountService; brands: BrandService; brandNotice?: WordedNotice }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/brand', { schema: { tags: ['brand'], summary: 'The brand of this host (public: the sign-in page shows it, and why an agency’s panel is limited)', response: { 200: brandSchema.extend({ notice: s.brandNotice.nullable() }) } } }, async (req) => {
    const brand = requireBrand(req);
    // what the sign-in page must say about the brand's owner (an agency past its term)
    return { ...brandView(brand, req.lang), notice: deps.brandNotice ? await deps.brandNotice(brand, req.lang) : null };
  });

  r.get('/api/v1/me', { schema: { tags: ['accounts'], summary: 'Who you are', response: { 200: s.meView } } }, async (req) => {
    const { account, principal } = requireCaller(req);
    const { customerOf, owns } = await deps.brands.brandsOf(account);
    const brand = owns ?? customerOf ?? requireBrand(req);
    const parent = account.parentId ? await deps.accounts.findAccountForAuth(account.parentId) : null;
    return {
      id: account.id,
      username: account.username,
      kind: account.kind,
      parentId: account.parentId,
      brand: brandView(account.kind === 'platform' ? requireBrand(req) : (customerOf ?? brand), req.lang),
      displayName: account.displayName,
      mobile: account.mobile,
      email: account.email,
      status: account.status,
      locale: account.locale,
      twoFactorEnabled: Boolean(account.totpEnabledAt),
      parent: parent ? { id: parent.id, username: parent.username, displayName: parent.displayName, kind: parent.kind } : null,
      ownBrand: owns ? brandView(owns, req.lang) : null,
      childrenCount: await deps.accounts.countChildren(account.id),
      csrfToken: principal.csrfToken,
      impersonatedBy: principal.impersonatorId,
    };
  });

  r.patch('/api/v1/me', { schema: { tags: ['accounts'], summary: 'Change your name, e-mail or language', body: s.profileBody, response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    await deps.accounts.updateProfile(account.id, req.body);
    return { ok: true as const };
  });

  r.post('/api/v1/accounts', { schema: { tags: ['accounts'], summary: 'Create a user or agency under you', body: s.createAccountBody, response: { 201: accountSchema } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const created = await deps.accounts.createChild(account, req.body, req.ip);
    return reply.code(201).send(accountView(created));
  });

  r.get('/api/v1/accounts', { schema: { tags: ['accounts'], summary: 'Your subtree, filterable and paginated', querystring: s.listAccountsQuery, response: { 200: s.accountPage } } }, async (req) => {
    const { account, scope } = requireCaller(req);
    if (account.kind === 'user') return { items: [], total: 0, page: req.query.page, pageSize: req.query.pageSize };
    const { page, pageSize, ...filter } = req.query;
    const { items, total } = await deps.accounts.listAccounts(scope, { ...filter, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map(accountView), total, page, pageSize };
  });

  r.get('/api/v1/accounts/:id', { schema: { tags: ['accounts'], summary: 'One account of your subtree', params: z.object({ id: z.string() }), response: { 200: accountSchema } } }, async (req) => {
    const { scope } = requireCaller(req);
    return accountView(await deps.accounts.getAccount(scope, req.params.id));
  });

  r.post('/api/v1/accounts/:id/status', { schema: { tags: ['accounts'], summary: 'Suspend or reactivate an account of your subtree', params: z.object({ id: z.string() }), body: s.statusBody, response: { 200: accountSchema } } }, async (req) => {
    const { account } = requireCaller(req);
    return accountView(await deps.accounts.setStatus(account, req.params.id, req.body.status, req.ip));
  });
}
