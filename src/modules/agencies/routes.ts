import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { AgencyService } from './service.ts';
import type { AgencySettingsService } from './settings.ts';
import type { TermService } from './validity.ts';
import * as s from './schema.ts';

const tags = ['agencies'];
const params = z.object({ id: z.string().max(64) });

export function agencyRoutes(app: FastifyInstance, deps: { agencies: AgencyService; terms: TermService; settings: AgencySettingsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const a = deps.agencies;
  const one = { params, response: { 200: s.applicationView } };

  r.post('/api/v1/agency-applications', { schema: { tags, summary: 'Apply to become an agency (a draft, with the written request)', body: s.fieldsBody, response: { 201: s.applicationView } } }, async (req, reply) => {
    return reply.code(201).send(s.toView(await a.apply(requireCaller(req).account, req.body, req.ip)));
  });

  r.get('/api/v1/agency-applications', {
    schema: { tags, summary: 'Your applications (side=mine) or the queue of applications you handle as the parent (side=queue), by state', querystring: s.listQuery, response: { 200: z.object({ items: z.array(s.applicationView), total: z.number(), counts: z.record(z.string(), z.number()) }) } },
  }, async (req) => {
    const { scope } = requireCaller(req);
    const { page, pageSize, ...f } = req.query;
    const { items, total } = await a.list(scope, { ...f, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map(s.toView), total, counts: f.side === 'queue' ? await a.queueCounts(scope) : {} };
  });

  r.get('/api/v1/agency-applications/:id', { schema: { tags, summary: 'One application (the applicant and the parent only)', params, response: { 200: s.applicationView.extend({ events: z.array(z.object({ from: z.string().nullable(), to: z.string(), actorId: z.string().nullable(), reason: z.string().nullable(), details: z.record(z.string(), z.unknown()), at: z.string() })), documents: z.array(z.object({ id: z.string(), kind: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() })) }) } } }, async (req) => {
    const { scope } = requireCaller(req);
    const app1 = await a.getApplication(scope, req.params.id);
    const events = await a.events(scope, app1.id);
    const docs = await a.documents(scope, app1.id);
    return {
      ...s.toView(app1),
      events: events.map((e) => ({ from: e.fromStatus, to: e.toStatus, actorId: e.actorId, reason: e.reason, details: e.details, at: e.at.toISOString() })),
      documents: docs.map((d) => ({ id: d.id, kind: d.kind, filename: d.filename, contentType: d.contentType, size: d.size, url: `/api/v1/agency-applications/${app1.id}/documents/${d.id}` })),
    };
  });

  r.patch('/api/v1/agency-applications/:id', { schema: { tags, summary: 'Edit your draft', params, body: s.fieldsPatch, response: { 200: s.applicationView } } }, async (req) => {
    return s.toView(await a.updateDraft(requireCaller(req).account, req.params.id, req.body));
  });

  r.post('/api/v1/agency-applications/:id/documents', { bodyLimit: 8 * 2 ** 20, schema: { tags, summary: 'Attach a document (JPEG, PNG or PDF by its bytes, ≤ 5 MB)', params, body: s.documentBody, response: { 201: z.object({ id: z.string(), kind: z.string(), filename: z.string(), contentType: z.string(), size: z.number() }) } } }, async (req, reply) => {
    const d = await a.addDocument(requireCaller(req).account, req.params.id, { kind: req.body.kind, filename: req.body.filename, data: Buffer.from(req.body.data, 'base64') });
    return reply.code(201).send({ id: d.id, kind: d.kind, filename: d.filename, contentType: d.contentType, size: d.size });
  });

  r.get('/api/v1/agency-applications/:id/documents/:docId', { schema: { tags, summary: 'Download a document', params: params.extend({ docId: z.string().max(64) }) } }, async (req, reply) => {
    const d = await a.document(requireCaller(req).scope, req.params.id, req.params.docId);
    return reply.type(d.contentType).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(d.filename)}`).header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').send(d.data);
  });

  r.get('/api/v1/agency-applications/:id/contract.pdf', { schema: { tags, summary: 'The contract PDF as sent (the applicant and the parent)', params } }, async (req, reply) => {
    const pdf = await a.contractPdf(requireCaller(req).scope, req.params.id);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="contract-${req.params.id}.pdf"`).header('cache-control', 'private, no-store').send(pdf);
  });

  const caller = (req: Parameters<typeof requireCaller>[0]) => requireCaller(req).account;
  r.post('/api/v1/agency-applications/:id/submit', { schema: { tags, summary: 'Applicant: submit the written request', ...one } }, async (req) => s.toView(await a.submit(caller(req), req.params.id, req.ip)));
  r.post('/api/v1/agency-applications/:id/cancel', { schema: { tags, summary: 'Applicant: withdraw the application', ...one, body: s.cancelBody } }, async (req) => s.toView(await a.cancel(caller(req), req.params.id, req.body.reason ?? null, req.ip)));
  r.post('/api/v1/agency-applications/:id/payment', { schema: { tags, summary: 'Applicant: declare the payment (an online payment or a bank deposit to the parent)', ...one, body: s.paymentBody } }, async (req) => s.toView(await a.declarePayment(caller(req), req.params.id, req.body, req.ip)));
  r.post('/api/v1/agency-applications/:id/posted', { schema: { tags, summary: 'Applicant: record posting the signed contract (date, postal tracking number)', ...one, body: s.postedBody } }, async (req) => s.toView(await a.recordPosted(caller(req), req.params.id, req.body, req.ip)));
  r.post('/api/v1/agency-applications/:id/quote', { schema: { tags, summary: 'Parent: announce the fee (and the yearly renewal fee)', ...one, body: s.quoteBody } }, async (req) =>
    s.toView(await a.quote(caller(req), req.params.id, { fee: BigInt(req.body.fee), renewalFee: req.body.renewalFee ? BigInt(req.body.renewalFee) : null, note: req.body.note }, req.ip)));
  r.post('/api/v1/agency-applications/:id/reject', { schema: { tags, summary: 'Parent: reject with a reason', ...one, body: s.reasonBody } }, async (req) => s.toView(await a.reject(caller(req), req.params.id, req.body.reason, req.ip)));
  r.post('/api/v1/agency-applications/:id/activate', { schema: { tags, summary: 'Parent: approve — the fee is debited from the applicant’s credit, the account becomes an agency for a year, the contract is e-mailed', ...one } }, async (req) =>
    s.toView(await a.activate(caller(req), req.params.id, req.ip)));
  r.post('/api/v1/agency-applications/:id/contract', { schema: { tags, summary: 'Parent: generate and e-mail the contract again', ...one } }, async (req) => s.toView(await a.sendContract(caller(req), req.params.id, req.ip)));
  r.post('/api/v1/agency-applications/:id/received', { schema: { tags, summary: 'Parent: record receiving the signed contract', ...one, body: s.receivedBody } }, async (req) => s.toView(await a.recordReceived(caller(req), req.params.id, req.body, req.ip)));
  r.post('/api/v1/agency-applications/:id/countersigned', { schema: { tags, summary: 'Parent: record posting the countersigned copy (date, postal tracking number)', ...one, body: s.postedBody } }, async (req) =>
    s.toView(await a.recordCountersigned(caller(req), req.params.id, req.body, req.ip)));

  const termView = z.object({ accountId: z.string(), parentId: z.string(), validUntil: z.string(), graceUntil: z.string(), renewalFee: z.string(), graceDays: z.number(), state: z.string(), adminState: z.enum(['active', 'expiring', 'grace', 'suspended']) });
  const term = (t: Awaited<ReturnType<TermService['getTerm']>>) => ({
    accountId: t.accountId, parentId: t.parentId, validUntil: t.validUntil.toISOString(), graceUntil: t.admin.graceUntil, renewalFee: t.renewalFee.toString(), graceDays: t.graceDays, state: t.state, adminState: t.admin.state,
  });
  r.get('/api/v1/agencies/:id/term', { schema: { tags, summary: 'An agency’s term: validity, renewal fee, grace, whether admin features are suspended', params, response: { 200: termView } } }, async (req) => term(await deps.terms.getTerm(caller(req), req.params.id)));
  r.put('/api/v1/agencies/:id/term', { schema: { tags, summary: 'Parent: set an agency’s renewal fee and grace period', params, body: s.termsBody, response: { 200: termView } } }, async (req) => {
    return term(await deps.terms.setTerms(caller(req), req.params.id, { renewalFee: req.body.renewalFee ? BigInt(req.body.renewalFee) : undefined, graceDays: req.body.graceDays }));
  });
  r.post('/api/v1/agencies/:id/renew', { schema: { tags, summary: 'Renew an agency for a year: the renewal fee is debited from the agency’s credit', params, response: { 200: termView } } }, async (req) => term(await deps.terms.renew(caller(req), req.params.id, req.ip)));

  const settingsView = z.object({ renewalFee: z.string().nullable(), graceDays: z.number(), userRenewalFee: z.string(), contractTemplate: z.string().nullable(), contractTemplateDefault: z.string(), legalName: z.string(), nationalNumber: z.string(), address: z.string(), phone: z.string() });
  const settings = (x: Awaited<ReturnType<AgencySettingsService['get']>>) => ({ ...x, renewalFee: x.renewalFee?.toString() ?? null, userRenewalFee: x.userRenewalFee.toString() });
  r.get('/api/v1/agency/settings', { schema: { tags, summary: 'Your settings as a parent: renewal fee and grace of your agencies, yearly cost of a user’s panel, contract template and your legal details', response: { 200: settingsView } } }, async (req) => settings(await deps.settings.get(caller(req))));
  r.put('/api/v1/agency/settings', { schema: { tags, summary: 'Change your settings as a parent', body: s.settingsBody, response: { 200: settingsView } } }, async (req) => {
    const b = req.body;
    return settings(await deps.settings.set(caller(req), { ...b, renewalFee: b.renewalFee === undefined ? undefined : b.renewalFee === null ? null : BigInt(b.renewalFee), userRenewalFee: b.userRenewalFee ? BigInt(b.userRenewalFee) : undefined }, req.ip));
  });
  r.post('/api/v1/agency/settings/contract-preview', { schema: { tags, summary: 'The contract PDF your template makes, with sample details', body: z.object({ template: z.string().max(50_000).optional() }) } }, async (req, reply) => {
    return reply.type('application/pdf').send(await deps.settings.previewContract(caller(req), req.body.template));
  });
}
