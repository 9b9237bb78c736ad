// Rows of cells from an uploaded table, CSV or XLSX, streamed: neither format is ever held whole
// in memory (exceljs's WorkbookReader walks the zip as it arrives).
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../http/errors.ts';
import { readCsv } from './csv.ts';

export type TableFormat = 'csv' | 'xlsx';

/** XLSX is a zip (PK\3\4); anything else is read as CSV text. */
export function detectFormat(head: Uint8Array, filename: string): TableFormat {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (/\.xlsx?$/i.test(filename)) throw new AppError('IMPORT_FILE_INVALID', { reason: 'not_xlsx' });
  return 'csv';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** An Excel cell as the text a person sees: dates as YYYY-MM-DD, formulas by their result. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    return `${pad(v.getUTCFullYear(), 4)}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return '';
  }
  return String(v);
}

async function* readXlsx(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      let expected = 1;
      for await (const row of sheet) {
        // Empty rows are absent from the sheet's XML; keep the numbering a person sees.
        for (; expected < row.number; expected++) yield [];
        expected = row.number + 1;
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
        yield cells;
      }
      return; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('IMPORT_FILE_INVALID', { reason: 'unreadable_xlsx' }, { cause: err });
  }
}

/** Every row of the file (header included), as trimmed text cells. */
export async function* readTable(source: AsyncIterable<Buffer | Uint8Array>, format: TableFormat, info: { delimiter?: string } = {}): AsyncGenerator<string[]> {
  if (format === 'xlsx') {
    yield* readXlsx(source);
    return;
  }
  for await (const record of readCsv(source, info)) {
    for (let i = 0; i < record.length; i++) record[i] = record[i].trim();
    yield record;
  }
}
