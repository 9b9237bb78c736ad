import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import type { KycDocumentMeta, KycProfile } from './repo.ts';
import { gregorianToJalali, formatYmd } from '../../lib/jalali.ts';
import { documentKinds, MAX_DOCUMENT_BYTES, type KycService } from './service.ts';

const tags = ['kyc'];
const profileBody = z.object({
  personType: z.enum(['natural', 'legal']),
  fullName: z.string().max(200).nullish(),
  nationalCode: z.string().max(20).nullish(),
  birthDate: z.string().max(20).nullish().describe('Jalali 1370/05/12 or Gregorian 1991-08-03'),
  companyName: z.string().max(200).nullish(),
  nationalId: z.string().max(20).nullish(),
  ceoName: z.string().max(200).nullish(),
  ceoNationalCode: z.string().max(20).nullish(),
});
const documentView = z.object({ id: z.string(), kind: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), createdAt: z.string(), url: z.string() });
const kycView = z.object({
  accountId: z.string(),
  status: z.enum(['none', 'draft', 'submitted', 'approved', 'rejected']),
  personType: z.string().nullable(),
  fields: z.record(z.string(), z.string().nullable()),
  birthDateJalali: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  mobileVerified: z.boolean(),
  documents: z.array(documentView),
});

function view(accountId: string, d: { profile: KycProfile | null; documents: KycDocumentMeta[]; mobileVerified: boolean }): z.infer<typeof kycView> {
  const p = d.profile;
  const [y, m, day] = (p?.birthDate ?? '').split('-').map(Number);
  return {
    accountId,
    status: p?.status ?? ('none' as const),
    personType: p?.personType ?? null,
    fields: p ? { fullName: p.fullName, nationalCode: p.nationalCode, birthDate: p.birthDate, companyName: p.companyName, nationalId: p.nationalId, ceoName: p.ceoName, ceoNationalCode: p.ceoNationalCode } : {},
    birthDateJalali: p?.birthDate ? formatYmd(gregorianToJalali({ year: y, month: m, day }), '/') : null,
    rejectionReason: p?.rejectionReason ?? null,
    submittedAt: p?.submittedAt?.toISOString() ?? null,
    reviewedAt: p?.reviewedAt?.toISOString() ?? null,
    mobileVerified: d.mobileVerified,
    documents: d.documents.map((x) => ({ id: x.id, kind: x.kind, filename: x.filename, contentType: x.contentType, size: x.size, createdAt: x.createdAt.toISOString(), url: `/api/v1/kyc/${accountId}/documents/${x.id}` })),
  };
}

export function kycRoutes(app: FastifyInstance, deps: { kyc: KycService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const k = deps.kyc;
  const params = z.object({ accountId: z.string().max(64) });

  r.get('/api/v1/kyc', { schema: { tags, summary: 'Your identity check (احراز هویت): profile, status, documents', response: { 200: kycView } } }, async (req) => {
    const { account } = requireCaller(req);
    return view(account.id, await k.getOwn(account));
  });
  r.put('/api/v1/kyc', { schema: { tags, summary: 'Save your profile as a draft (national code/ID checksums, Jalali or Gregorian birth date)', body: profileBody, response: { 200: kycView } } }, async (req) => {
    const { account } = requireCaller(req);
    await k.saveProfile(account, req.body);
    return view(account.id, await k.getOwn(account));
  });
  r.post('/api/v1/kyc/documents', {
    schema: { tags, summary: `Upload a document (multipart: field "kind", one file; JPEG, PNG or PDF by content, at most ${MAX_DOCUMENT_BYTES / 1048576} MB)`, response: { 201: documentView } },
  }, async (req, reply) => {
    const { account } = requireCaller(req);
    if (!req.isMultipart()) throw new AppError('BAD_REQUEST', { reason: 'multipart/form-data expected' });
    let kind = 'other';
    let upload: { filename: string; data: Buffer } | null = null;
    try {
      for await (const part of req.parts({ limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5 } })) {
        if (part.type === 'file') upload = { filename: part.filename, data: await part.toBuffer() };
        else if (part.fieldname === 'kind') kind = String(part.value);
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('KYC_DOCUMENT_NOT_ALLOWED', { maxBytes: MAX_DOCUMENT_BYTES, reason: 'size' }, { cause: err });
      throw err;
    }
    if (!upload) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'file' }] });
    const parsedKind = z.enum(documentKinds).safeParse(kind);
    if (!parsedKind.success) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'kind' }] });
    const d = await k.addDocument(account, { kind: parsedKind.data, ...upload });
    return reply.code(201).send({ id: d.id, kind: d.kind, filename: d.filename, contentType: d.contentType, size: d.size, createdAt: d.createdAt.toISOString(), url: `/api/v1/kyc/${account.id}/documents/${d.id}` });
  });
  r.delete('/api/v1/kyc/documents/:id', { schema: { tags, summary: 'Remove one of your documents (draft or rejected only)', params: z.object({ id: z.string().max(64) }), response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    await k.deleteDocument(requireCaller(req).account, req.params.id);
    return { ok: true as const };
  });
  r.post('/api/v1/kyc/submit', { schema: { tags, summary: 'Submit for review by your parent agency (or the platform)', response: { 200: kycView } } }, async (req) => {
    const { account } = requireCaller(req);
    await k.submit(account, req.ip);
    return view(account.id, await k.getOwn(account));
  });
  r.get('/api/v1/kyc/reviews', {
    schema: { tags, summary: 'Identity checks below you waiting for review (or decided ones)', querystring: z.object({ status: z.enum(['submitted', 'approved', 'rejected']).default('submitted'), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: z.object({ items: z.array(z.object({ accountId: z.string(), personType: z.string(), status: z.string(), submittedAt: z.string().nullable() })) }) } },
  }, async (req) => {
    const { page, pageSize, status } = req.query;
    const items = await k.listForReview(requireCaller(req).account, { status, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map((p) => ({ accountId: p.accountId, personType: p.personType, status: p.status, submittedAt: p.submittedAt?.toISOString() ?? null })) };
  });
  r.get('/api/v1/kyc/:accountId', { schema: { tags, summary: 'The identity check of an account in your subtree', params, response: { 200: kycView } } }, async (req) => {
    return view(req.params.accountId, await k.getFor(requireCaller(req).account, req.params.accountId));
  });
  r.post('/api/v1/kyc/:accountId/approve', { schema: { tags, summary: 'Approve a submitted identity check (an ancestor of the account)', params, response: { 200: kycView } } }, async (req) => {
    const { account } = requireCaller(req);
    await k.review(account, req.params.accountId, { decision: 'approve' }, req.ip);
    return view(req.params.accountId, await k.getFor(account, req.params.accountId));
  });
  r.post('/api/v1/kyc/:accountId/reject', { schema: { tags, summary: 'Reject a submitted identity check with a reason the account will read', params, body: z.object({ reason: z.string().trim().min(1).max(2000) }), response: { 200: kycView } } }, async (req) => {
    const { account } = requireCaller(req);
    await k.review(account, req.params.accountId, { decision: 'reject', reason: req.body.reason }, req.ip);
    return view(req.params.accountId, await k.getFor(account, req.params.accountId));
  });
  r.get('/api/v1/kyc/:accountId/documents/:id', { schema: { tags, summary: 'Download a document (the owner and its ancestors only)', params: params.extend({ id: z.string().max(64) }) } }, async (req, reply) => {
    const d = await k.getDocument(requireCaller(req).account, req.params.accountId, req.params.id);
    return reply.header('content-type', d.contentType).header('content-disposition', `attachment; filename="${d.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')}"`).header('cache-control', 'private, no-store').send(d.data);
  });
}
