// Upload → preview → import. The file is stored in 256 KiB chunks (any process can read it back);
// the import streams those chunks through the CSV/XLSX reader into batched upserts of 1 000
// rows, saving progress after each batch, and keeps a per-row error report.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { nextTurn } from '../../lib/turns.ts';
import { newId } from '../../lib/ids.ts';
import type { Lang } from '../../lib/i18n.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import { csvLine } from './csv.ts';
import { importsRepo, type ImportJob, type Progress, type StoredPreview } from './imports-repo.ts';
import { parseMapping, suggestMapping, walkRows, type Mapping } from './mapping.ts';
import { phonebookRepo } from './repo.ts';
import { detectFormat, readTable, type TableFormat } from './table.ts';
import { checkXlsxZip, type ByteRange } from './zip-check.ts';
import { rowReason } from './values.ts';

// A batch is one transaction that holds an embedded database's event loop: 1,000 rows take tens
// of milliseconds, 10,000 several hundred.
export const IMPORT_BATCH = 1_000;
// One chunk is one query's worth of bytes: small enough that storing or reading it keeps the event
// loop of an embedded database free within a few milliseconds.
export const CHUNK_BYTES = 256 * 1024;
const PREVIEW_ROWS = 10;

/** Bytes as uploaded, bytes an XLSX may inflate to, cells read from one file (config.uploads). */
export type UploadLimits = { maxBytes: number; maxUncompressedBytes: number; maxCells: number };
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 64 * 2 ** 20, maxUncompressedBytes: 256 * 2 ** 20, maxCells: 20_000_000 };

export type Preview = { format: TableFormat; delimiter: string | null; columns: { index: number; header: string; sample: string[] }[]; rows: string[][]; suggestedMapping: Mapping };
export type ImportRequest = { groupId: string; mapping: Mapping; hasHeader: boolean };

/** @fastify/multipart's error when the file passes the route's fileSize. */
const fileTooLarge = (err: unknown) => (err as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE';

/** Re-chunks any byte stream into pieces of `size` bytes (the last may be shorter). */
async function* rechunk(source: AsyncIterable<Uint8Array | Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const c of source) {
    let buf = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    while (length + buf.length >= size) {
      const take = size - length;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      length = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      parts.push(Buffer.from(buf));
      length += buf.length;
    }
  }
  if (length) yield Buffer.concat(parts);
}

export function createPhonebookImports(deps: { db: Db; clock: Clock; limits?: UploadLimits; onError?: (err: unknown, importId: string) => void }) {
  const repo = importsRepo(deps.db);
  const limits = deps.limits ?? DEFAULT_UPLOAD_LIMITS;
  const running = new Map<string, Promise<ImportJob>>();

  async function* uploadBytes(uploadId: string): AsyncGenerator<Uint8Array> {
    for (let seq = 0; ; seq++) {
      const data = await repo.chunk(uploadId, seq);
      if (!data) return;
      yield data;
    }
  }

  /** Random access to an upload stored by this process (every chunk CHUNK_BYTES but the last). */
  function uploadRange(uploadId: string): ByteRange {
    let cached: { seq: number; data: Uint8Array | null } | null = null;
    const chunk = async (seq: number) => {
      if (cached?.seq !== seq) cached = { seq, data: await repo.chunk(uploadId, seq) };
      return cached.data;
    };
    return async function* (offset: number, length: number) {
      let seq = Math.floor(offset / CHUNK_BYTES);
      let skip = offset - seq * CHUNK_BYTES;
      for (let left = length; left > 0; seq++) {
        const data = await chunk(seq);
        if (!data) return;
        const piece = data.subarray(skip, skip + left);
        skip = 0;
        left -= piece.length;
        yield piece;
      }
    };
  }

  /** The first rows of a file, read once at upload and kept with it. */
  async function readPreview(source: AsyncIterable<Uint8Array>, format: TableFormat): Promise<StoredPreview> {
    const info: { delimiter?: string } = {};
    const rows: string[][] = [];
    for await (const { cells } of readTable(source, format, info, limits)) {
      if (cells.some((c) => c)) rows.push(cells);
      if (rows.length > PREVIEW_ROWS) break;
    }
    return { delimiter: format === 'csv' ? (info.delimiter ?? ',') : null, rows };
  }

  /** Columns, samples and a suggested mapping from the kept rows and the account's fields now. */
  async function previewOf(stored: StoredPreview, format: TableFormat, scope: Scope): Promise<Preview> {
    const { rows } = stored;
    const defs = await phonebookRepo(deps.db).listFields(scope);
    const header = rows[0] ?? [];
    const width = Math.max(0, ...rows.map((r) => r.length));
    const looksLikeHeader = !header.some((c) => /\d{6,}/.test(c));
    const data = looksLikeHeader ? rows.slice(1) : rows;
    return {
      format,
      delimiter: stored.delimiter,
      columns: Array.from({ length: width }, (_, i) => ({ index: i, header: looksLikeHeader ? (header[i] ?? '') : '', sample: data.slice(0, 3).map((r) => r[i] ?? '') })),
      rows: rows.slice(0, PREVIEW_ROWS),
      suggestedMapping: suggestMapping(looksLikeHeader ? header : [], data, defs),
    };
  }

  /** Stores an uploaded file and returns its id with a preview of its first rows. */
  async function storeUpload(caller: Account, filename: string, source: AsyncIterable<Uint8Array | Buffer>): Promise<{ uploadId: string } & Preview> {
    const scope = scopeOf(caller);
    const id = newId('upl');
    let seq = 0;
    let size = 0;
    let format: TableFormat | null = null;
    try {
      for await (const chunk of rechunk(source, CHUNK_BYTES)) {
        if (!format) {
          format = detectFormat(chunk, filename);
          await repo.insertUpload(scope, { id, filename: filename.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'upload', format });
        }
        size += chunk.length;
        if (size > limits.maxBytes) throw new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'bytes', max: limits.maxBytes });
        // A fast client's next chunks are already read: without a turn here, the statements of
        // several chunks would run back to back on the event loop.
        if (seq > 0) await nextTurn();
        await repo.insertChunk(id, seq++, chunk);
      }
      if (!format) throw new AppError('IMPORT_FILE_INVALID', { reason: 'empty' });
      if (format === 'xlsx') await checkXlsxZip(uploadRange(id), size, limits.maxUncompressedBytes);
      const stored = await readPreview(uploadBytes(id), format);
      await repo.savePreview(id, stored);
      return { uploadId: id, ...(await previewOf(stored, format, scope)) };
    } catch (err) {
      if (format) await repo.deleteUpload(id);
      throw fileTooLarge(err) ? new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'bytes', max: limits.maxBytes }, { cause: err }) : err;
    }
  }

  async function previewUpload(caller: Account, uploadId: string): Promise<{ uploadId: string } & Preview> {
    const scope = scopeOf(caller);
    const upload = await repo.findUpload(scope, uploadId);
    if (!upload) throw new AppError('NOT_FOUND');
    let stored = await repo.findPreview(scope, uploadId);
    if (!stored) {
      stored = await readPreview(uploadBytes(uploadId), upload.format);
      await repo.savePreview(uploadId, stored);
    }
    return { uploadId, ...(await previewOf(stored, upload.format, scope)) };
  }

  /** An upload's bytes, for its owner only: a campaign to a file reads them back. */
  async function uploadSource(caller: Account, uploadId: string): Promise<{ filename: string; bytes: AsyncIterable<Uint8Array> }> {
    const upload = await repo.findUpload(scopeOf(caller), uploadId);
    if (!upload) throw new AppError('NOT_FOUND');
    return { filename: upload.filename, bytes: uploadBytes(uploadId) };
  }

  /** The import itself, from any byte stream: the upload's chunks, or a file (bench, CLI). */
  async function runImport(scope: Scope, job: ImportJob, source: AsyncIterable<Uint8Array>, format: TableFormat, req: ImportRequest): Promise<ImportJob> {
    const progress: Progress = { rowsRead: 0, imported: 0, merged: 0, failed: 0 };
    let mergedInBatch = 0;
    try {
      const defs = await phonebookRepo(deps.db).listFields(scope);
      const mapping = parseMapping(req.mapping, defs);
      for await (const { batch, errors, progress: at } of walkRows(readTable(source, format, {}, limits), { mapping, hasHeader: req.hasHeader, batchSize: IMPORT_BATCH })) {
        // One transaction per batch: its contacts, its report rows and the progress commit together.
        await deps.db.transaction(async (tx) => {
          const r = await phonebookRepo(tx).upsertContacts(scope, req.groupId, batch);
          await importsRepo(tx).insertErrors(job.id, errors);
          progress.imported += r.inserted;
          progress.merged += r.merged;
          progress.rowsRead = at.rowsRead;
          progress.failed = at.failed;
          mergedInBatch = at.mergedInBatch;
          await importsRepo(tx).saveProgress(job.id, { ...progress, merged: progress.merged + mergedInBatch });
        });
      }
      progress.merged += mergedInBatch;
      await repo.finishImport(job.id, 'done', progress, null, deps.clock.now());
    } catch (err) {
      const message = err instanceof AppError ? err.code : 'INTERNAL';
      await repo.finishImport(job.id, 'failed', { ...progress, merged: progress.merged + mergedInBatch }, message, deps.clock.now());
      if (!(err instanceof AppError)) deps.onError?.(err, job.id);
    }
    return (await repo.findImport(scope, job.id))!;
  }

  async function createJob(caller: Account, req: ImportRequest, meta: { uploadId: string | null; filename: string }) {
    const scope = scopeOf(caller);
    if (!(await phonebookRepo(deps.db).findGroup(scope, req.groupId))) throw new AppError('NOT_FOUND', { what: 'group' });
    parseMapping(req.mapping, await phonebookRepo(deps.db).listFields(scope));
    return { scope, job: await repo.insertImport(scope, { id: newId('imp'), groupId: req.groupId, uploadId: meta.uploadId, filename: meta.filename, mapping: req.mapping }) };
  }

  /** Starts importing a stored upload in the background; the answer is the running job. Poll
   * getImport (or await `settled(id)` in this process) for progress and the final counts. */
  async function startImport(caller: Account, uploadId: string, req: ImportRequest): Promise<ImportJob> {
    const upload = await repo.findUpload(scopeOf(caller), uploadId);
    if (!upload) throw new AppError('NOT_FOUND', { what: 'upload' });
    const { scope, job } = await createJob(caller, req, { uploadId, filename: upload.filename });
    const done = runImport(scope, job, uploadBytes(uploadId), upload.format, req).finally(() => running.delete(job.id));
    running.set(job.id, done);
    return job;
  }

  /** Imports a stream to the end within the call (bench, CLI, tests). */
  async function importStream(caller: Account, filename: string, source: AsyncIterable<Uint8Array>, format: TableFormat, req: ImportRequest): Promise<ImportJob> {
    const { scope, job } = await createJob(caller, req, { uploadId: null, filename });
    return runImport(scope, job, source, format, req);
  }

  async function getImport(caller: Account, id: string): Promise<ImportJob> {
    const job = await repo.findImport(scopeOf(caller), id);
    if (!job) throw new AppError('NOT_FOUND');
    return job;
  }

  /** The error report as CSV lines (BOM first, for Excel): row, value, code, reason. */
  async function* errorReportCsv(caller: Account, id: string, lang: Lang): AsyncGenerator<string> {
    const job = await getImport(caller, id);
    yield `\ufeff${csvLine(lang === 'fa' ? ['ردیف', 'مقدار', 'کد', 'علت'] : ['row', 'value', 'code', 'reason'])}\r\n`;
    for (let after = 0; ;) {
      const page = await repo.errorsAfter(job.id, after, 5000);
      if (!page.length) return;
      yield page.map((e) => `${csvLine([e.row, e.value, e.code, rowReason(e.code, lang)])}\r\n`).join('');
      after = page[page.length - 1].row;
    }
  }

  return {
    uploadLimits: limits,
    storeUpload,
    previewUpload,
    uploadSource,
    startImport,
    importStream,
    getImport,
    listImports: (caller: Account, limit = 50) => repo.listImports(scopeOf(caller), limit),
    errorReport: async (caller: Account, id: string, limit = 1000) => repo.errorsAfter((await getImport(caller, id)).id, 0, limit),
    errorReportCsv,
    /** Resolves when a background import started by this process ends (tests, shutdown). */
    settled: (id: string) => running.get(id) ?? Promise.resolve(null),
    runningCount: () => running.size,
  };
}

export type PhonebookImports = ReturnType<typeof createPhonebookImports>;
