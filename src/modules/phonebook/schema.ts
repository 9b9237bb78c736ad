import { z } from 'zod';

export const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(50) };

export const groupBody = z.object({ name: z.string().trim().min(1).max(100), description: z.string().max(500).optional() });
export const groupPatch = groupBody.partial();
export const groupView = z.object({ id: z.string(), name: z.string(), description: z.string(), contacts: z.number(), createdAt: z.string() });

export const fieldBody = z.object({ key: z.string().max(32), label: z.string().max(100).default(''), type: z.enum(['text', 'number', 'date']) });
export const fieldView = z.object({ key: z.string(), label: z.string(), type: z.enum(['text', 'number', 'date']) });

const fieldValue = z.union([z.string().max(500), z.number(), z.null()]);
export const contactBody = z.object({
  mobile: z.string().trim().min(5).max(30),
  name: z.string().max(200).optional(),
  fields: z.record(z.string(), fieldValue).optional(),
  tags: z.array(z.string().max(50)).max(50).optional(),
  blockSend: z.boolean().optional().describe('never send to this number'),
  blockReceive: z.boolean().optional().describe('drop inbound messages from this number'),
});
export const contactPatch = contactBody.partial();
export const contactView = z.object({
  id: z.string(), groupId: z.string(), mobile: z.string().describe('E.164'), name: z.string(),
  fields: z.record(z.string(), z.union([z.string(), z.number()])), tags: z.array(z.string()),
  blockSend: z.boolean(), blockReceive: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
});

export const filter = z.object({ field: z.string().max(32), op: z.enum(['eq', 'contains', 'gt', 'lt', 'before', 'after']), value: z.union([z.string().max(200), z.number()]) });
export const contactsQuery = z.object({
  q: z.string().trim().max(100).optional(),
  tag: z.string().max(50).optional(),
  filters: z.string().max(4000).optional().describe('JSON array of {field, op: eq|contains|gt|lt|before|after, value}'),
  ...page,
});

export const previewView = z.object({
  uploadId: z.string(),
  format: z.enum(['csv', 'xlsx']),
  delimiter: z.string().nullable(),
  columns: z.array(z.object({ index: z.number(), header: z.string(), sample: z.array(z.string()) })),
  rows: z.array(z.array(z.string())),
  suggestedMapping: z.record(z.string(), z.string()),
});

export const importBody = z.object({
  groupId: z.string(),
  mapping: z.record(z.string(), z.string()).describe('column index (0-based) → mobile | name | tag | field:<key> | ignore'),
  hasHeader: z.boolean().default(true),
});
export const importView = z.object({
  id: z.string(), groupId: z.string(), filename: z.string(), status: z.enum(['running', 'done', 'failed']),
  rowsRead: z.number(), imported: z.number(), merged: z.number(), failed: z.number(), error: z.string().nullable(),
  createdAt: z.string(), finishedAt: z.string().nullable(),
  errors: z.array(z.object({ row: z.number(), value: z.string(), code: z.string(), reason: z.string() })).optional(),
});
