// A streaming RFC 4180 reader and a writer. Files come from Excel and Persian tools in every
// dialect: UTF-8 with or without BOM, comma or semicolon (Excel with a European locale) or tab,
// CRLF or LF or lone CR, quoted cells with embedded newlines and doubled quotes.
import { AppError } from '../../lib/app-error.ts';

export type CsvRecord = string[];

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** The delimiter that splits the first line most often (outside quotes): ',', ';' or tab. */
export function detectDelimiter(head: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Bounds on one record: a file of one giant quoted cell or one endless line is refused before
 * it is held whole. */
export type CsvLimits = { maxCellChars?: number; maxColumns?: number };

/** Records from a byte or text stream, one array of cells each. The delimiter is detected from
 * the first line unless given; `info.delimiter` reports it. */
export async function* readCsv(source: AsyncIterable<Buffer | Uint8Array | string>, info: { delimiter?: string } = {}, limits: CsvLimits = {}): AsyncGenerator<CsvRecord> {
  const maxCell = limits.maxCellChars ?? Infinity;
  const maxColumns = limits.maxColumns ?? Infinity;
  const decoder = new TextDecoder('utf-8');
  let delim = info.delimiter ? info.delimiter.charCodeAt(0) : -1;
  let pending = '';
  let first = true;
  // Parser state survives chunk boundaries.
  let cell = '';
  let record: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // a quote inside a quoted cell: either the closing one or half of ""
  let lastWasCr = false;

  const push = (value: string) => {
    if (value.length > maxCell) throw new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'cell_chars', max: maxCell });
    if (record.length >= maxColumns) throw new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'columns', max: maxColumns });
    record.push(value);
  };
  const grow = (more: string) => {
    cell += more;
    if (cell.length > maxCell) throw new AppError('IMPORT_FILE_TOO_LARGE', { limit: 'cell_chars', max: maxCell });
  };

  function* feed(text: string, final: boolean): Generator<CsvRecord> {
    let start = 0; // start of the unquoted run not yet copied into `cell`
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === QUOTE) {
            grow('"');
            start = i + 1;
            continue;
          }
          inQuotes = false; // that quote closed the cell; fall through to handle c unquoted
          start = i;
        } else {
          if (c === QUOTE) {
            grow(text.slice(start, i));
            quoteSeen = true;
            start = i + 1;
          }
          continue;
        }
      }
      if (lastWasCr) {
        lastWasCr = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (c === delim) {
        push(cell + text.slice(start, i));
        cell = '';
        start = i + 1;
      } else if (c === LF || c === CR) {
        push(cell + text.slice(start, i));
        cell = '';
        start = i + 1;
        lastWasCr = c === CR;
        yield record;
        record = [];
      } else if (c === QUOTE && cell === '' && start === i) {
        inQuotes = true;
        start = i + 1;
      }
    }
    if (!(inQuotes && quoteSeen)) grow(text.slice(start));
    if (final) {
      if (inQuotes && quoteSeen) inQuotes = false;
      if (cell !== '' || record.length) {
        push(cell);
        yield record;
      }
      cell = '';
      record = [];
    }
  }

  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      pending += text;
      // Wait for a whole first line (or 64 KiB) before choosing the delimiter.
      if (!/[\r\n]/.test(pending) && pending.length < 65_536) continue;
      text = pending.charCodeAt(0) === 0xfeff ? pending.slice(1) : pending;
      pending = '';
      first = false;
      if (delim < 0) delim = detectDelimiter(text).charCodeAt(0);
      info.delimiter = String.fromCharCode(delim);
    }
    yield* feed(text, false);
  }
  let tail = decoder.decode();
  if (first) {
    tail = pending + tail;
    if (tail.charCodeAt(0) === 0xfeff) tail = tail.slice(1);
    if (delim < 0) delim = detectDelimiter(tail).charCodeAt(0);
    info.delimiter = String.fromCharCode(delim);
  }
  yield* feed(tail, true);
}

/** One CSV line (CRLF-free). Cells that a spreadsheet would run as a formula are prefixed with
 * an apostrophe (CSV injection): '=', '@', or '+'/'-' not followed by a digit. */
export function csvLine(cells: readonly (string | number | null | undefined)[], delimiter = ','): string {
  return cells
    .map((v) => {
      let s = v === null || v === undefined ? '' : String(v);
      if (/^[=@]|^[+-](?![\d.])/.test(s) || /^[\t\r]/.test(s)) s = `'${s}`;
      return /[",;\t\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(delimiter);
}
