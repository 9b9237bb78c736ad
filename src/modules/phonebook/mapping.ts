// Column mapping (column index → mobile | name | tag | field:<key> | ignore) and the row walk
// shared by phonebook imports and campaign file sends: rows in, validated contacts and per-row
// errors out, in batches.
import { normaliseIranMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { ContactWrite } from './repo.ts';
import type { TableRow } from './table.ts';
import { MAX_NAME, parseFieldValue, parseTags, type FieldDef, type FieldValue, type RowErrorCode } from './values.ts';

export type Mapping = Record<string, string>;
export type ParsedMapping = { mobile: number; name: number | null; tags: number[]; fields: { index: number; def: FieldDef }[] };
export type RowError = { row: number; value: string; code: string };

/** Checks a mapping against the account's fields. `freeFields`: any field:<key> is accepted as
 * text (campaign files, whose columns are not phonebook fields). */
export function parseMapping(mapping: Mapping, defs: readonly FieldDef[], opts: { freeFields?: boolean } = {}): ParsedMapping {
  const out: ParsedMapping = { mobile: -1, name: null, tags: [], fields: [] };
  const bad = (path: string, message: string) => new AppError('VALIDATION_FAILED', { fields: [{ path: `mapping.${path}`, message }] });
  const seenFields = new Set<string>();
  for (const [key, target] of Object.entries(mapping)) {
    if (!/^\d{1,4}$/.test(key)) throw bad(key, 'column index expected');
    const index = Number(key);
    if (target === 'ignore') continue;
    if (target === 'mobile' || target === 'name') {
      if ((target === 'mobile' ? out.mobile >= 0 : out.name !== null)) throw bad(key, `${target} mapped twice`);
      if (target === 'mobile') out.mobile = index;
      else out.name = index;
    } else if (target === 'tag') out.tags.push(index);
    else if (target.startsWith('field:')) {
      const fieldKey = target.slice(6);
      const def = defs.find((d) => d.key === fieldKey) ?? (opts.freeFields && /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(fieldKey) ? { key: fieldKey, label: fieldKey, type: 'text' as const } : null);
      if (!def) throw bad(key, `unknown field ${fieldKey}`);
      if (seenFields.has(fieldKey)) throw bad(key, `${target} mapped twice`);
      seenFields.add(fieldKey);
      out.fields.push({ index, def });
    } else throw bad(key, `unknown target ${target}`);
  }
  if (out.mobile < 0) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'mapping', message: 'no column is mapped to mobile' }] });
  return out;
}

const headerNames: Array<[RegExp, string]> = [
  [/^(mobile|phone|cell|number|msisdn|tel|موبایل|شماره|شماره موبایل|شمارهٔ موبایل|تلفن|همراه|تلفن همراه)$/i, 'mobile'],
  [/^(name|full ?name|نام|نام و نام خانوادگی|نام کامل)$/i, 'name'],
  [/^(tags?|برچسب|برچسب‌ها|برچسب ها)$/i, 'tag'],
];

/** A first guess at the mapping from a header row and the first data rows. */
export function suggestMapping(header: readonly string[], sample: readonly string[][], defs: readonly FieldDef[]): Mapping {
  const mapping: Mapping = {};
  const taken = new Set<string>();
  const width = Math.max(header.length, ...sample.map((r) => r.length), 0);
  for (let i = 0; i < width; i++) {
    const h = (header[i] ?? '').trim().replace(/\u200c/g, ' ');
    let target = headerNames.find(([re]) => re.test(h))?.[1];
    const def = defs.find((d) => d.key.toLowerCase() === h.toLowerCase() || d.label === h);
    if (!target && def) target = `field:${def.key}`;
    // No header match: a column whose sample values are mobiles is the mobile column.
    if (!target && !taken.has('mobile') && sample.length && sample.every((r) => !r[i] || normaliseIranMobile(r[i]))) target = sample.some((r) => r[i]) ? 'mobile' : undefined;
    if (!target || (target !== 'tag' && taken.has(target))) target = 'ignore';
    taken.add(target);
    mapping[String(i)] = target;
  }
  return mapping;
}

/** duplicates: rows whose number appeared earlier in the file; mergedInBatch: those of them merged
 * here rather than by the database (so the caller adds them to its merged count). */
export type RowWalkResult = { rowsRead: number; duplicates: number; mergedInBatch: number; failed: number };

export type RowBatch = { batch: ContactWrite[]; errors: RowError[]; progress: RowWalkResult; last: boolean };

/** Walks data rows (skipping the header and blank rows) and yields batches of contacts unique by
 * mobile with the rows refused; the last batch (possibly empty) has `last` set and the totals. Duplicates inside the file are merged into the
 * earlier row (same batch) or left to the database's merge (earlier batch), and reported. */
export async function* walkRows(
  rows: AsyncIterable<TableRow>,
  opts: { mapping: ParsedMapping; hasHeader: boolean; batchSize: number; maxErrors?: number; dropLaterDuplicates?: boolean },
): AsyncGenerator<RowBatch> {
  const m = opts.mapping;
  const firstRow = new Map<number, number>(); // mobile digits → first row number, whole file
  let batch = new Map<number, ContactWrite>();
  let errors: RowError[] = [];
  const res: RowWalkResult = { rowsRead: 0, duplicates: 0, mergedInBatch: 0, failed: 0 };
  const maxErrors = opts.maxErrors ?? 100_000;
  let stored = 0;
  const refuse = (row: number, value: string, code: RowErrorCode, field?: string) => {
    if (code !== 'DUPLICATE') res.failed++;
    else res.duplicates++;
    if (stored++ < maxErrors) errors.push({ row, value: value.slice(0, 200), code: field ? `${code}:${field}` : code });
  };
  // The header is the first row with a value, as the preview shows it.
  let header = opts.hasHeader;
  for await (const { row: rowNo, cells } of rows) {
    if (!cells.some((c) => c)) continue;
    if (header) {
      header = false;
      continue;
    }
    res.rowsRead++;
    const raw = cells[m.mobile] ?? '';
    if (!raw) {
      refuse(rowNo, '', 'MISSING_NUMBER');
      continue;
    }
    const e164 = normaliseIranMobile(raw);
    if (!e164) {
      refuse(rowNo, raw, 'INVALID_NUMBER');
      continue;
    }
    const fields: Record<string, FieldValue> = {};
    let bad = false;
    for (const f of m.fields) {
      const v = cells[f.index] ?? '';
      if (!v) continue;
      const parsed = parseFieldValue(f.def.type, v);
      if (!parsed.ok) {
        refuse(rowNo, v, parsed.code, f.def.key);
        bad = true;
        break;
      }
      fields[f.def.key] = parsed.value;
    }
    if (bad) continue;
    const name = m.name === null ? '' : (cells[m.name] ?? '').slice(0, MAX_NAME);
    const tags = m.tags.flatMap((i) => (cells[i] ? parseTags(cells[i]) : []));
    const key = Number(e164.slice(1));
    const earlier = firstRow.get(key);
    if (earlier !== undefined) {
      refuse(rowNo, raw, 'DUPLICATE');
      const pending = batch.get(key);
      if (pending) {
        if (name) pending.name = name;
        Object.assign(pending.fields, fields);
        pending.tags = [...new Set([...pending.tags, ...tags])];
        res.mergedInBatch++;
        continue;
      }
      // A send goes once per number: a repeat after its batch left is dropped, not re-sent.
      if (opts.dropLaterDuplicates) continue;
    } else firstRow.set(key, rowNo);
    batch.set(key, { mobile: e164, name, fields, tags });
    if (batch.size >= opts.batchSize) {
      yield { batch: [...batch.values()], errors, progress: { ...res }, last: false };
      batch = new Map();
      errors = [];
    }
  }
  yield { batch: [...batch.values()], errors, progress: { ...res }, last: true };
}
