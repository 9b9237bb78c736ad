import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDirectLocal, requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Domain } from './repo.ts';
import type { DnsRecord, DomainService } from './service.ts';

const tags = ['domains'];
const record = z.object({ type: z.enum(['CNAME', 'A', 'TXT']), name: z.string(), value: z.string(), purpose: z.enum(['point', 'ownership']) });
const domainView = z.object({
  host: z.string(),
  status: z.enum(['pending', 'verified', 'active', 'failed']),
  checkedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  records: z.object({
    options: z.array(z.array(record)).describe('create one of these sets to point the domain at us'),
    ownership: record.describe('and this TXT record to prove the domain is yours'),
    targetReachable: z.boolean().describe('false while the platform has no public host name or addresses (CHAPAR_CANONICAL_HOST / CHAPAR_PUBLIC_IPS): the pointing records cannot work yet'),
  }),
});
const view = (d: Domain & { records: { options: DnsRecord[][]; ownership: DnsRecord; targetReachable: boolean } }) => ({
  host: d.host, status: d.status, checkedAt: d.checkedAt?.toISOString() ?? null, verifiedAt: d.verifiedAt?.toISOString() ?? null,
  activatedAt: d.activatedAt?.toISOString() ?? null, lastError: d.lastError, records: d.records,
});
const hostParams = z.object({ host: z.string().max(253) });

export function domainRoutes(app: FastifyInstance, deps: { domains: DomainService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const withRecords = (d: Domain) => ({ ...d, records: deps.domains.recordsFor(d) });

  r.get('/api/v1/domains', { schema: { tags, summary: 'Your brand’s domains with the DNS records each needs', response: { 200: z.object({ items: z.array(domainView) }) } } }, async (req) => {
    return { items: (await deps.domains.list(requireCaller(req).account)).map(view) };
  });
  r.post('/api/v1/domains', { schema: { tags, summary: 'Add a domain or subdomain for your brand; DNS is checked at once', body: z.object({ host: z.string().trim().min(4).max(253) }), response: { 201: domainView } } }, async (req, reply) => {
    return reply.code(201).send(view(withRecords(await deps.domains.add(requireCaller(req).account, req.body.host, req.ip))));
  });
  r.get('/api/v1/domains/:host', { schema: { tags, summary: 'One of your domains', params: hostParams, response: { 200: domainView } } }, async (req) => view(await deps.domains.get(requireCaller(req).account, req.params.host)));
  r.post('/api/v1/domains/:host/check', { schema: { tags, summary: 'Check the domain’s DNS now', params: hostParams, response: { 200: domainView } } }, async (req) => {
    return view(withRecords(await deps.domains.check(requireCaller(req).account, req.params.host)));
  });
  r.delete('/api/v1/domains/:host', { schema: { tags, summary: 'Remove a domain: the brand is no longer served there', params: hostParams, response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    await deps.domains.remove(requireCaller(req).account, req.params.host, req.ip);
    return { ok: true as const };
  });

  // Caddy's on-demand TLS asks before it obtains a certificate for a name (docs/caddy.md), from this
  // machine: anyone else would learn which domains are ours and make us look them up.
  r.get('/internal/tls/ask', { schema: { hide: true, querystring: z.object({ domain: z.string().max(253).default('') }) } }, async (req, reply) => {
    if (!isDirectLocal(req)) throw new AppError('NOT_FOUND');
    const ok = await deps.domains.mayIssueCertificate(req.query.domain);
    return reply.code(ok ? 200 : 404).type('text/plain').send(ok ? 'ok' : 'unknown domain');
  });
}
