// A ticket message arrives as JSON, or as multipart/form-data when it carries files. Multipart is
// read here with the attachment limits, so a too-big file is refused while it streams in.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../../lib/app-error.ts';
import { nulIssues } from '../../lib/nul.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, safeFilename, type Upload } from './attachments.ts';

export async function readForm(req: FastifyRequest): Promise<{ fields: Record<string, unknown>; files: Upload[] }> {
  if (!req.isMultipart()) return { fields: (req.body ?? {}) as Record<string, unknown>, files: [] };
  const fields: Record<string, unknown> = {};
  const files: Upload[] = [];
  let current = '';
  try {
    const parts = req.parts({ limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    for await (const part of parts) {
      if (part.type === 'file') {
        current = safeFilename(part.filename);
        files.push({ filename: part.filename, data: await part.toBuffer() });
      } else if (!Object.hasOwn(fields, part.fieldname)) {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('ATTACHMENT_TOO_LARGE', { filename: current, maxBytes: MAX_ATTACHMENT_BYTES }, { cause: err });
    if (code === 'FST_FILES_LIMIT') throw new AppError('TOO_MANY_ATTACHMENTS', { max: MAX_ATTACHMENTS }, { cause: err });
    if (code?.startsWith('FST_')) throw new AppError('BAD_REQUEST', { reason: code }, { cause: err });
    throw err;
  }
  return { fields, files };
}

/** Fields checked with the same zod schema for JSON and multipart; errors read like the others. */
export function parseFields<S extends z.ZodType>(schema: S, fields: Record<string, unknown>): z.infer<S> {
  // Multipart fields skip the validator compiler, so they are searched for NUL here (lib/nul.ts).
  const nul = nulIssues(fields);
  const r = nul.length ? null : schema.safeParse(fields);
  if (r?.success) return r.data;
  const issues = r ? r.error.issues : nul;
  throw new AppError('VALIDATION_FAILED', { fields: issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })) });
}
