// Bounds what an XLSX (a zip) may inflate to before exceljs reads it. exceljs walks the local
// entries one after the other and caches shared strings whole, so a few kilobytes of deflate can
// become gigabytes of XML in memory. The archive is checked from its central directory: every
// entry must sit where the directory says, one after the other with nothing hidden between (the
// streaming reader would read a hidden one), and inflating each entry — on zlib's thread pool, its
// output counted and dropped — must give no more than the size the directory declares, whose sum
// is capped.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { AppError } from '../../lib/app-error.ts';

/** Random access to the stored file: `length` bytes from `offset` (fewer at its end). */
export type ByteRange = (offset: number, length: number) => AsyncIterable<Uint8Array>;

type Entry = { name: string; flags: number; method: number; compressed: number; size: number; offset: number };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const MAX_ENTRIES = 10_000;

const invalid = (reason = 'unreadable_xlsx') => new AppError('IMPORT_FILE_INVALID', { reason });

async function readAll(range: ByteRange, offset: number, length: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of range(offset, length)) parts.push(p);
  const buf = Buffer.concat(parts);
  if (buf.length !== length) throw invalid();
  return buf;
}

async function centralDirectory(range: ByteRange, fileSize: number): Promise<{ entries: Entry[]; start: number }> {
  const tailLength = Math.min(fileSize, 22 + 65_535);
  const tail = await readAll(range, fileSize - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw invalid();
  const count = tail.readUInt16LE(at + 10);
  const size = tail.readUInt32LE(at + 12);
  const start = tail.readUInt32LE(at + 16);
  // zip64 and multi-disk archives: no contact list needs them.
  if (count === 0xffff || size === 0xffffffff || start === 0xffffffff || tail.readUInt16LE(at + 4) !== 0) throw invalid();
  if (count > MAX_ENTRIES || start + size !== fileSize - tailLength + at) throw invalid();
  const dir = await readAll(range, start, size);
  const entries: Entry[] = [];
  for (let p = 0; entries.length < count; ) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw invalid();
    const nameLength = dir.readUInt16LE(p + 28);
    entries.push({
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      compressed: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      offset: dir.readUInt32LE(p + 42),
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    if (p > dir.length) throw invalid();
  }
  return { entries, start };
}

/**
 * Inflates `compressed` bytes from `offset`, counting the output; refuses more than `max`, and a
 * deflate stream that ends before its declared bytes do: a streaming reader that finds the end of
 * the stream would read what follows it as the next entry, which nothing here would have counted.
 */
async function inflatedSize(range: ByteRange, offset: number, compressed: number, max: number): Promise<number> {
  let total = 0;
  const count = new Writable({
    write(chunk: Buffer, _enc, done) {
      total += chunk.length;
      done(total > max ? invalid('zip_sizes') : null);
    },
  });
  const inflate = createInflateRaw();
  try {
    await pipeline(Readable.from(range(offset, compressed)), inflate, count);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('IMPORT_FILE_INVALID', { reason: 'unreadable_xlsx' }, { cause: err });
  }
  if (inflate.bytesWritten !== compressed) throw invalid('zip_sizes');
  return total;
}

/** Checks an XLSX's zip structure and what it inflates to; throws IMPORT_FILE_TOO_LARGE
 * (uncompressed_bytes) or IMPORT_FILE_INVALID (zip_sizes: an entry inflates to more than declared). */
export async function checkXlsxZip(range: ByteRange, fileSize: number, maxUncompressed: number): Promise<void> {
  const { entries, start } = await centralDirectory(range, fileSize);
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > maxUncompressed) throw new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'uncompressed_bytes', max: maxUncompressed });
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  let expected = 0;
  for (const e of byOffset) {
    if (e.offset !== expected || (e.flags & 1) !== 0 || (e.method !== 0 && e.method !== 8)) throw invalid();
    const local = await readAll(range, e.offset, 30);
    if (local.readUInt32LE(0) !== LOCAL || local.readUInt16LE(8) !== e.method) throw invalid();
    const name = await readAll(range, e.offset + 30, local.readUInt16LE(26));
    if (name.toString('utf8') !== e.name) throw invalid();
    const describedLater = (local.readUInt16LE(6) & 8) !== 0;
    if (!describedLater && (local.readUInt32LE(18) !== e.compressed || local.readUInt32LE(22) !== e.size)) throw invalid('zip_sizes');
    const data = e.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    let end = data + e.compressed;
    if (end > start) throw invalid();
    if (e.method === 0 && e.compressed !== e.size) throw invalid('zip_sizes');
    if (e.method === 8 && (await inflatedSize(range, data, e.compressed, e.size)) !== e.size) throw invalid('zip_sizes');
    if (describedLater) end += end + 4 <= start && (await readAll(range, end, 4)).readUInt32LE(0) === DESCRIPTOR ? 16 : 12;
    expected = end;
  }
  if (expected !== start) throw invalid();
}
