import { describe, expect, it } from 'vitest';
import { checkAttachments, contentDisposition, safeFilename, sniffContentType } from './attachments.ts';

const bytes = (...b: number[]) => Buffer.from(b);

describe('attachment sniffing', () => {
  it('reads the type from the magic bytes', () => {
    expect(sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe('image/png');
    expect(sniffContentType(bytes(0xff, 0xd8, 0xff, 0xdb, 0, 0x43))).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from('%PDF-1.7\n%âãÏÓ'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('\ufeffسلام\r\n\tdone\f'))).toBe('text/plain; charset=utf-8');
  });

  it('refuses executables, archives, HTML-as-binary and text that is not UTF-8', () => {
    expect(sniffContentType(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(16)]))).toBeNull();
    expect(sniffContentType(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0))).toBeNull(); // ELF
    expect(sniffContentType(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0))).toBeNull(); // zip
    expect(sniffContentType(bytes(0x68, 0x69, 0xe9, 0x20))).toBeNull(); // latin-1 "hié"
    expect(sniffContentType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull(); // a truncated PNG signature is binary
  });

  it('rejects an empty file, a sixth file and a file over 5 MB', () => {
    expect(() => checkAttachments([{ filename: 'e.txt', data: Buffer.alloc(0) }])).toThrow('ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(() => checkAttachments(Array.from({ length: 6 }, () => ({ filename: 'a.txt', data: Buffer.from('a') })))).toThrow('TOO_MANY_ATTACHMENTS');
    expect(() => checkAttachments([{ filename: 'b.txt', data: Buffer.alloc(5 * 1024 * 1024 + 1, 0x61) }])).toThrow('ATTACHMENT_TOO_LARGE');
    expect(checkAttachments([{ filename: 'b.txt', data: Buffer.alloc(5 * 1024 * 1024, 0x61) }])[0].size).toBe(5 * 1024 * 1024);
  });

  it('keeps file names harmless in storage and in the download header', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(safeFilename('a"b\r\n.txt')).toBe('ab.txt');
    expect(safeFilename('..')).toBe('attachment');
    expect(contentDisposition('گزارش "1".txt')).toBe(`attachment; filename="_____ _1_.txt"; filename*=UTF-8''${encodeURIComponent('گزارش "1".txt')}`);
    expect(contentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
