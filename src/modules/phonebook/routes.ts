import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import type { ImportJob } from './imports-repo.ts';
import type { Contact, Group } from './repo.ts';
import * as s from './schema.ts';
import type { Filter, PhonebookService } from './service.ts';
import { filter as filterSchema } from './schema.ts';
import { rowReason } from './values.ts';

const tags = ['phonebook'];
const ok = z.object({ ok: z.literal(true) });
const id = z.object({ id: z.string().max(40) });

const groupView = (g: Group) => ({ id: g.id, name: g.name, description: g.description, contacts: g.contacts, createdAt: g.createdAt.toISOString() });
const contactView = (c: Contact) => ({ ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() });
const importView = (j: ImportJob) => ({
  id: j.id, groupId: j.groupId, filename: j.filename, status: j.status, rowsRead: j.rowsRead, imported: j.imported, merged: j.merged, failed: j.failed,
  error: j.error, createdAt: j.createdAt.toISOString(), finishedAt: j.finishedAt?.toISOString() ?? null,
});

function parseFilters(raw: string | undefined): Filter[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'querystring.filters', message: 'JSON expected' }] });
  }
  const r = z.array(filterSchema).max(20).safeParse(parsed);
  if (!r.success) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'querystring.filters', message: r.error.issues[0]?.message }] });
  return r.data;
}

function sendCsv(reply: FastifyReply, filename: string, lines: AsyncIterable<string>) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'private, no-store').send(Readable.from(lines));
}

export function phonebookRoutes(app: FastifyInstance, deps: { phonebook: PhonebookService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pb = deps.phonebook;
  const me = (req: Parameters<typeof requireCaller>[0]) => requireCaller(req).account;

  r.get('/api/v1/phonebook/groups', { schema: { tags, summary: 'Your phonebook groups with their contact counts', response: { 200: z.array(s.groupView) } } }, async (req) => (await pb.listGroups(me(req))).map(groupView));
  r.post('/api/v1/phonebook/groups', { schema: { tags, summary: 'Create a phonebook group', body: s.groupBody, response: { 201: s.groupView } } }, async (req, reply) => reply.code(201).send(groupView(await pb.createGroup(me(req), req.body))));
  r.get('/api/v1/phonebook/groups/:id', { schema: { tags, summary: 'One of your groups', params: id, response: { 200: s.groupView } } }, async (req) => groupView(await pb.getGroup(me(req), req.params.id)));
  r.patch('/api/v1/phonebook/groups/:id', { schema: { tags, summary: 'Rename a group or change its description', params: id, body: s.groupPatch, response: { 200: s.groupView } } }, async (req) => groupView(await pb.updateGroup(me(req), req.params.id, req.body)));
  r.delete('/api/v1/phonebook/groups/:id', { schema: { tags, summary: 'Delete a group and its contacts', params: id, response: { 200: ok } } }, async (req) => {
    await pb.deleteGroup(me(req), req.params.id);
    return { ok: true as const };
  });
  r.get('/api/v1/phonebook/groups/:id/export.csv', { schema: { tags, summary: 'Export a group as CSV (UTF-8 with BOM, opens in Excel)', params: id } }, async (req, reply) => {
    const account = me(req);
    await pb.getGroup(account, req.params.id);
    return sendCsv(reply, `${req.params.id}.csv`, pb.exportGroupCsv(account, req.params.id, req.lang));
  });

  r.get('/api/v1/phonebook/fields', { schema: { tags, summary: 'Your custom contact fields', response: { 200: z.array(s.fieldView) } } }, async (req) => pb.listFields(me(req)));
  r.post('/api/v1/phonebook/fields', { schema: { tags, summary: 'Define a custom field (text, number or date)', body: s.fieldBody, response: { 201: s.fieldView } } }, async (req, reply) => reply.code(201).send(await pb.createField(me(req), req.body)));
  r.delete('/api/v1/phonebook/fields/:key', { schema: { tags, summary: 'Delete a custom field and its values', params: z.object({ key: z.string().max(32) }), response: { 200: ok } } }, async (req) => {
    await pb.deleteField(me(req), req.params.key);
    return { ok: true as const };
  });

  r.get('/api/v1/phonebook/groups/:id/contacts', { schema: { tags, summary: 'Contacts of a group: search by name or number, tag, field filters; paginated', params: id, querystring: s.contactsQuery, response: { 200: z.object({ items: z.array(s.contactView), total: z.number(), page: z.number(), pageSize: z.number() }) } } }, async (req) => {
    const { page, pageSize, q, tag } = req.query;
    const res = await pb.listContacts(me(req), req.params.id, { q, tag, filters: parseFilters(req.query.filters), limit: pageSize, offset: (page - 1) * pageSize });
    return { items: res.items.map(contactView), total: res.total, page, pageSize };
  });
  r.post('/api/v1/phonebook/groups/:id/contacts', { schema: { tags, summary: 'Add a contact; a number already in the group is merged (200 instead of 201)', params: id, body: s.contactBody, response: { 200: s.contactView, 201: s.contactView } } }, async (req, reply) => {
    const res = await pb.addContact(me(req), req.params.id, req.body);
    return reply.code(res.merged ? 200 : 201).send(contactView(res.contact));
  });
  r.get('/api/v1/phonebook/contacts/:id', { schema: { tags, summary: 'One contact', params: id, response: { 200: s.contactView } } }, async (req) => contactView(await pb.getContact(me(req), req.params.id)));
  r.patch('/api/v1/phonebook/contacts/:id', { schema: { tags, summary: 'Change a contact (fields merge; null clears one)', params: id, body: s.contactPatch, response: { 200: s.contactView } } }, async (req) => contactView(await pb.updateContact(me(req), req.params.id, req.body)));
  r.delete('/api/v1/phonebook/contacts/:id', { schema: { tags, summary: 'Delete a contact', params: id, response: { 200: ok } } }, async (req) => {
    await pb.deleteContact(me(req), req.params.id);
    return { ok: true as const };
  });

  r.post('/api/v1/phonebook/uploads', { schema: { tags, summary: 'Upload a CSV or XLSX file (multipart field "file", at most CHAPAR_UPLOAD_MAX_MB): stored, and previewed with its first rows, detected columns and a suggested mapping', response: { 201: s.previewView } } }, async (req, reply) => {
    const account = me(req);
    if (!req.isMultipart()) throw new AppError('BAD_REQUEST', { reason: 'multipart/form-data with a file field expected' });
    // One byte past the cap reaches storeUpload, which refuses it by name; multipart would cut the
    // file at the cap without a word.
    const file = await req.file({ limits: { fileSize: pb.uploadLimits.maxBytes + 1, files: 1 } });
    if (!file) throw new AppError('IMPORT_FILE_INVALID', { reason: 'empty' });
    return reply.code(201).send(await pb.storeUpload(account, file.filename, file.file));
  });
  r.get('/api/v1/phonebook/uploads/:id', { schema: { tags, summary: 'The preview of an uploaded file again', params: id, response: { 200: s.previewView } } }, async (req) => pb.previewUpload(me(req), req.params.id));
  r.post('/api/v1/phonebook/uploads/:id/import', { schema: { tags, summary: 'Import an uploaded file into a group with a column mapping; runs in the background (poll the import for progress)', params: id, body: s.importBody, response: { 202: s.importView } } }, async (req, reply) => {
    return reply.code(202).send(importView(await pb.startImport(me(req), req.params.id, req.body)));
  });
  r.get('/api/v1/phonebook/imports', { schema: { tags, summary: 'Your recent imports with their progress and counts', response: { 200: z.array(s.importView) } } }, async (req) => (await pb.listImports(me(req))).map(importView));
  r.get('/api/v1/phonebook/imports/:id', { schema: { tags, summary: 'One import: status, rows read, imported, merged, failed, and the first 100 row errors', params: id, response: { 200: s.importView } } }, async (req) => {
    const account = me(req);
    const job = await pb.getImport(account, req.params.id);
    const errors = await pb.errorReport(account, job.id, 100);
    return { ...importView(job), errors: errors.map((e) => ({ ...e, reason: rowReason(e.code, req.lang) })) };
  });
  r.get('/api/v1/phonebook/imports/:id/errors.csv', { schema: { tags, summary: 'The whole per-row error report as CSV (row, value, code, reason)', params: id } }, async (req, reply) => {
    const account = me(req);
    await pb.getImport(account, req.params.id);
    return sendCsv(reply, `${req.params.id}-errors.csv`, pb.errorReportCsv(account, req.params.id, req.lang));
  });
}
