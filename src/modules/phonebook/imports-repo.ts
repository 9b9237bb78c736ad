// SQL for uploads (files kept as 256 KiB chunks), imports and their per-row error report.
import type { Db, Row } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import { deletePieces, readPiece, writePiece } from '../../db/files-repo.ts';
import type { Scope } from '../accounts/scope.ts';
import type { TableFormat } from './table.ts';

/** What the upload's first reading found: enough to show its preview again without the file. */
export type StoredPreview = { delimiter: string | null; rows: string[][] };
export type Upload = { id: string; filename: string; format: TableFormat; size: number; createdAt: Date };
export type ImportStatus = 'running' | 'done' | 'failed';
export type ImportJob = {
  id: string;
  groupId: string;
  uploadId: string | null;
  filename: string;
  mapping: Record<string, string>;
  status: ImportStatus;
  rowsRead: number;
  imported: number;
  merged: number;
  failed: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};
export type ImportError = { row: number; value: string; code: string };
export type Progress = { rowsRead: number; imported: number; merged: number; failed: number };

function toImport(r: Row): ImportJob {
  return {
    id: r.id as string, groupId: r.group_id as string, uploadId: (r.upload_id as string | null) ?? null, filename: r.filename as string,
    mapping: (typeof r.mapping === 'string' ? JSON.parse(r.mapping) : r.mapping) as Record<string, string>, status: r.status as ImportStatus,
    rowsRead: Number(r.rows_read), imported: Number(r.imported), merged: Number(r.merged), failed: Number(r.failed),
    error: (r.error as string | null) ?? null, createdAt: toDate(r.created_at)!, finishedAt: toDate(r.finished_at),
  };
}

export function importsRepo(db: Db) {
  return {
    /** Uploads made before `before` that no import used (their chunks go with them). */
    async deleteUnusedUploadsBefore(before: Date): Promise<number> {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM phonebook_uploads u WHERE u.created_at < $1 AND NOT EXISTS (SELECT 1 FROM phonebook_imports i WHERE i.upload_id = u.id)', [before]);
      for (const r of rows) await this.deleteUpload(r.id);
      return rows.length;
    },

    async insertUpload(scope: Scope, u: { id: string; filename: string; format: TableFormat }): Promise<void> {
      await db.query('INSERT INTO phonebook_uploads (id, account_id, filename, format) VALUES ($1,$2,$3,$4)', [u.id, scope.accountId, u.filename, u.format]);
    },
    async insertChunk(uploadId: string, seq: number, data: Uint8Array): Promise<void> {
      await writePiece(db, 'phonebook_upload_chunks', uploadId, seq, data);
      await db.query('UPDATE phonebook_uploads SET size = size + $2 WHERE id = $1', [uploadId, data.length]);
    },
    async findUpload(scope: Scope, id: string): Promise<Upload | null> {
      const { rows } = await db.query('SELECT id, filename, format, size, created_at FROM phonebook_uploads WHERE id = $1 AND account_id = $2', [id, scope.accountId]);
      const r = rows[0];
      return r ? { id: r.id as string, filename: r.filename as string, format: r.format as TableFormat, size: Number(r.size), createdAt: toDate(r.created_at)! } : null;
    },
    async savePreview(id: string, preview: StoredPreview): Promise<void> {
      await db.query('UPDATE phonebook_uploads SET preview = $2::jsonb WHERE id = $1', [id, JSON.stringify(preview)]);
    },
    async findPreview(scope: Scope, id: string): Promise<StoredPreview | null> {
      const { rows } = await db.query('SELECT preview FROM phonebook_uploads WHERE id = $1 AND account_id = $2', [id, scope.accountId]);
      const p = rows[0]?.preview;
      return p ? ((typeof p === 'string' ? JSON.parse(p) : p) as StoredPreview) : null;
    },
    async chunk(uploadId: string, seq: number): Promise<Uint8Array | null> {
      return readPiece(db, 'phonebook_upload_chunks', uploadId, seq);
    },
    /** The upload and its chunks, a few chunks per statement (files-repo.ts deletePieces). */
    async deleteUpload(id: string): Promise<void> {
      await db.transaction(async (tx) => {
        await deletePieces(tx, 'phonebook_upload_chunks', id);
        await tx.query('DELETE FROM phonebook_uploads WHERE id = $1', [id]);
      });
    },

    async insertImport(scope: Scope, i: { id: string; groupId: string; uploadId: string | null; filename: string; mapping: Record<string, string> }): Promise<ImportJob> {
      const { rows } = await db.query(
        'INSERT INTO phonebook_imports (id, account_id, group_id, upload_id, filename, mapping) VALUES ($1,$2,$3,$4,$5,$6::jsonb) RETURNING *',
        [i.id, scope.accountId, i.groupId, i.uploadId, i.filename, JSON.stringify(i.mapping)],
      );
      return toImport(rows[0]);
    },
    async saveProgress(id: string, p: Progress): Promise<void> {
      await db.query('UPDATE phonebook_imports SET rows_read = $2, imported = $3, merged = $4, failed = $5 WHERE id = $1', [id, p.rowsRead, p.imported, p.merged, p.failed]);
    },
    async finishImport(id: string, status: 'done' | 'failed', p: Progress, error: string | null, at: Date): Promise<void> {
      await db.query(
        'UPDATE phonebook_imports SET status = $2, rows_read = $3, imported = $4, merged = $5, failed = $6, error = $7, finished_at = $8 WHERE id = $1',
        [id, status, p.rowsRead, p.imported, p.merged, p.failed, error, at],
      );
    },
    async findImport(scope: Scope, id: string): Promise<ImportJob | null> {
      const { rows } = await db.query('SELECT * FROM phonebook_imports WHERE id = $1 AND account_id = $2', [id, scope.accountId]);
      return rows[0] ? toImport(rows[0]) : null;
    },
    async listImports(scope: Scope, limit: number): Promise<ImportJob[]> {
      const { rows } = await db.query(`SELECT * FROM phonebook_imports WHERE account_id = $1 ORDER BY created_at DESC, id LIMIT ${limit}`, [scope.accountId]);
      return rows.map(toImport);
    },
    async insertErrors(importId: string, errors: readonly ImportError[]): Promise<void> {
      if (!errors.length) return;
      await db.query(
        `INSERT INTO phonebook_import_errors (import_id, row_no, value, code)
         SELECT $1, u.r, u.v, u.c FROM unnest($2::int8[], $3::text[], $4::text[]) AS u(r, v, c) ON CONFLICT DO NOTHING`,
        [importId, errors.map((e) => e.row), errors.map((e) => e.value), errors.map((e) => e.code)],
      );
    },
    /** Keyset page of the error report (the import must already be known to be the caller's). */
    async errorsAfter(importId: string, afterRow: number, limit: number): Promise<ImportError[]> {
      const { rows } = await db.query(
        `SELECT row_no, value, code FROM phonebook_import_errors WHERE import_id = $1 AND row_no > $2 ORDER BY row_no, code LIMIT ${limit}`,
        [importId, afterRow],
      );
      return rows.map((r) => ({ row: Number(r.row_no), value: r.value as string, code: r.code as string }));
    },
  };
}
