// Ticket attachments: the type is decided by the bytes (magic numbers), never by the name or the
// declared content type, so an .exe renamed .png is refused. Served back only as a download.
import { createHash } from 'node:crypto';
import { AppError } from '../../lib/app-error.ts';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

export const attachmentTypes = ['image/png', 'image/jpeg', 'application/pdf', 'text/plain; charset=utf-8'] as const;
export type AttachmentType = (typeof attachmentTypes)[number];

export type Upload = { filename: string; data: Buffer };
export type CheckedAttachment = { filename: string; contentType: AttachmentType; size: number; sha256: string; data: Buffer };

const startsWith = (data: Uint8Array, magic: number[]) => magic.every((b, i) => data[i] === b);

/** UTF-8 (an optional BOM) with no control characters but tab, line feed, form feed, carriage return. */
function isPlainText(data: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

export function sniffContentType(data: Uint8Array): AttachmentType | null {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (isPlainText(data)) return 'text/plain; charset=utf-8';
  return null;
}

/** A name safe to store and to put in a header: no path, no control characters, bounded. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(-120);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'attachment';
}

/** RFC 6266: an ASCII fallback and the UTF-8 name (Persian file names survive). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function checkAttachments(files: Upload[]): CheckedAttachment[] {
  if (files.length > MAX_ATTACHMENTS) throw new AppError('TOO_MANY_ATTACHMENTS', { max: MAX_ATTACHMENTS });
  return files.map((f) => {
    const filename = safeFilename(f.filename);
    if (f.data.length > MAX_ATTACHMENT_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', { filename, maxBytes: MAX_ATTACHMENT_BYTES });
    const contentType = f.data.length ? sniffContentType(f.data) : null;
    if (!contentType) throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', { filename, allowed: ['png', 'jpeg', 'pdf', 'txt'] });
    return { filename, contentType, size: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex'), data: f.data };
  });
}
