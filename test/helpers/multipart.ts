// multipart/form-data requests for upload endpoints, through the same app.inject as t.api.
import { randomBytes } from 'node:crypto';
import { PLATFORM_HOST, type TestChapar } from './app.ts';

export type FormFile = { filename: string; data: Buffer; contentType?: string; field?: string };

export function multipartBody(fields: Record<string, string>, files: FormFile[]): { payload: Buffer; contentType: string } {
  const boundary = `----chapar${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function postForm(t: TestChapar, req: { url: string; token: string; fields: Record<string, string>; files?: FormFile[]; host?: string }): Promise<{ status: number; body: any }> {
  const { payload, contentType } = multipartBody(req.fields, req.files ?? []);
  const res = await t.app.inject({
    method: 'POST',
    url: req.url,
    headers: { host: req.host ?? PLATFORM_HOST, 'accept-language': 'en', authorization: `Bearer ${req.token}`, 'content-type': contentType },
    payload,
  });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body };
}

/** Small files whose first bytes say what they are. */
export const fixtures = {
  png: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  text: Buffer.from('سلام، این گزارش خطاست.\nError 42 at line 7\n'),
  /** A Windows executable's header: "MZ", then binary. */
  exe: Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]), Buffer.alloc(120, 0), Buffer.from('This program cannot be run in DOS mode.')]),
};
