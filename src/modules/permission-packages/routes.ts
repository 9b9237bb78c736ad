import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { rials } from '../billing/schema.ts';
import { permissions, type Package } from './repo.ts';
import type { PackageService } from './service.ts';

const tags = ['packages'];
const body = z.object({
  name: z.string().trim().min(1).max(100),
  permissions: z.array(z.enum(permissions)).max(permissions.length).describe('what accounts given this package may do'),
  groupId: z.string().max(64).nullable().default(null).describe('the user group (price list) they join'),
  defaultCredit: rials.default('0').describe('rials moved from you to each new account'),
  maxSubaccounts: z.number().int().min(0).max(1_000_000).nullable().default(null),
  validityDays: z.number().int().min(1).max(3650).nullable().default(null),
});
const view = z.object({ id: z.string(), name: z.string(), permissions: z.array(z.enum(permissions)), groupId: z.string().nullable(), defaultCredit: z.string(), maxSubaccounts: z.number().nullable(), validityDays: z.number().nullable(), createdAt: z.string() });
const toView = (p: Package) => ({ id: p.id, name: p.name, permissions: p.permissions, groupId: p.groupId, defaultCredit: p.defaultCredit.toString(), maxSubaccounts: p.maxSubaccounts, validityDays: p.validityDays, createdAt: p.createdAt.toISOString() });
const params = z.object({ id: z.string().max(64) });

export function packageRoutes(app: FastifyInstance, deps: { packages: PackageService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const fields = (b: z.infer<typeof body>) => ({ ...b, permissions: [...new Set(b.permissions)], defaultCredit: BigInt(b.defaultCredit) });

  r.get('/api/v1/packages', { schema: { tags, summary: 'Your access packages (بسته) and the permissions there are', response: { 200: z.object({ permissions: z.array(z.string()), items: z.array(view) }) } } }, async (req) => {
    return { permissions: [...permissions], items: (await deps.packages.list(requireCaller(req).account)).map(toView) };
  });
  r.post('/api/v1/packages', { schema: { tags, summary: 'Define an access package: permissions, group, starting credit, sub-account limit, validity', body, response: { 201: view } } }, async (req, reply) => {
    return reply.code(201).send(toView(await deps.packages.create(requireCaller(req).account, fields(req.body), req.ip)));
  });
  r.put('/api/v1/packages/:id', { schema: { tags, summary: 'Change one of your packages (applies to every account that has it)', params, body, response: { 200: view } } }, async (req) => {
    return toView(await deps.packages.update(requireCaller(req).account, req.params.id, fields(req.body), req.ip));
  });
  r.delete('/api/v1/packages/:id', { schema: { tags, summary: 'Delete a package nobody has', params, response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    await deps.packages.remove(requireCaller(req).account, req.params.id);
    return { ok: true as const };
  });
  r.put('/api/v1/accounts/:id/package', { schema: { tags, summary: 'Give a direct child another of your packages (and its group)', params, body: z.object({ packageId: z.string().max(64) }), response: { 200: view } } }, async (req) => {
    return toView(await deps.packages.assign(requireCaller(req).account, req.params.id, req.body.packageId, req.ip));
  });
}
