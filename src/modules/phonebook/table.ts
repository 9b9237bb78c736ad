// Rows of cells from an uploaded table, CSV or XLSX, streamed: neither format is ever held whole
// in memory (exceljs's WorkbookReader walks the zip as it arrives; zip-check.ts has bounded what
// it will inflate).
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { AppError } from '../../lib/app-error.ts';
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

// The most a sheet can have (Excel's own limits); a CSV gets the same width.
export const MAX_SHEET_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;
// No contact field needs more; a longer cell is a file built to exhaust memory.
export const MAX_CELL_CHARS = 65_536;
// Rows or cells read between two turns of the event loop, or milliseconds of the reader's and its
// consumer's work (an embedded database's statements resolve without turning the loop): other
// requests are answered while a big file is read, whatever it holds and wherever it goes.
const SLICE_UNITS = 20_000;
const SLICE_MS = 20;

export type TableLimits = { maxCells: number };
/** A row of the file: its number as a person sees it (spreadsheet row, or CSV record) and its cells. */
export type TableRow = { row: number; cells: string[] };

const tooLarge = (limit: string, max: number) => new AppError('IMPORT_FILE_TOO_LARGE', { limit, max });

async function* readXlsx(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<TableRow> {
  // loaded on first use: half a second of a (re)start that only sheet imports need
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        // Empty rows are absent from the sheet's XML: the number says where a row is, and the
        // rows between are never made.
        if (row.number > MAX_SHEET_ROWS) throw tooLarge('rows', MAX_SHEET_ROWS);
        const values = row.values as unknown[];
        if (values.length - 1 > MAX_COLUMNS) throw tooLarge('columns', MAX_COLUMNS);
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) {
          const text = cellText(values[i]).trim();
          if (text.length > MAX_CELL_CHARS) throw tooLarge('cell_chars', MAX_CELL_CHARS);
          cells.push(text);
        }
        yield { row: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('IMPORT_FILE_INVALID', { reason: 'unreadable_xlsx' }, { cause: err });
  }
}

async function* readCsvRows(source: AsyncIterable<Buffer | Uint8Array>, info: { delimiter?: string }): AsyncGenerator<TableRow> {
  let row = 0;
  for await (const record of readCsv(source, info, { maxCellChars: MAX_CELL_CHARS, maxColumns: MAX_COLUMNS })) {
    for (let i = 0; i < record.length; i++) record[i] = record[i].trim();
    yield { row: ++row, cells: record };
  }
}

/** Every row of the file (header included), as trimmed text cells, in slices that let the event
 * loop turn; refused with IMPORT_FILE_TOO_LARGE past the cell cap or the format's limits. */
export async function* readTable(source: AsyncIterable<Buffer | Uint8Array>, format: TableFormat, info: { delimiter?: string } = {}, limits: TableLimits = { maxCells: Infinity }): AsyncGenerator<TableRow> {
  let cells = 0;
  let slice = 0;
  let since = performance.now();
  for await (const row of format === 'xlsx' ? readXlsx(source) : readCsvRows(source, info)) {
    cells += row.cells.length;
    if (cells > limits.maxCells) throw tooLarge('cells', limits.maxCells);
    // No text column (nor jsonb) holds a NUL character: a cell's are dropped.
    for (let i = 0; i < row.cells.length; i++) if (row.cells[i].includes('\u0000')) row.cells[i] = row.cells[i].replaceAll('\u0000', '');
    slice += Math.max(1, row.cells.length);
    if (slice >= SLICE_UNITS || performance.now() - since >= SLICE_MS) {
      slice = 0;
      await setImmediate();
      since = performance.now();
    }
    yield row;
  }
}
