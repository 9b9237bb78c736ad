// Custom field values and import rows: what a person may type, what we store, and the reason in
// Persian and English when a value is refused.
import { toLatinDigits } from '../../lib/i18n.ts';
import { isValidJalali, jalaliToGregorian, formatYmd } from '../../lib/jalali.ts';

export type FieldType = 'text' | 'number' | 'date';
export type FieldDef = { key: string; label: string; type: FieldType };
export type FieldValue = string | number;

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_TEXT = 500;
export const MAX_NAME = 200;
export const MAX_TAG = 50;

export type RowErrorCode = 'MISSING_NUMBER' | 'INVALID_NUMBER' | 'DUPLICATE' | 'BAD_NUMBER' | 'BAD_DATE' | 'TOO_LONG';

export type ValueResult = { ok: true; value: FieldValue } | { ok: false; code: 'BAD_NUMBER' | 'BAD_DATE' | 'TOO_LONG' };

function isValidGregorian(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1800 || y > 2200) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** 'YYYY-MM-DD' from Gregorian (2024-03-20, 2024/3/20) or Jalali (1403/01/01: years below 1700)
 * input, Persian digits allowed; null when it is not a real date. */
export function parseDate(input: string): string | null {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(toLatinDigits(input.trim()));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1700) {
    if (!isValidJalali({ year: y, month: mo, day: d })) return null;
    return formatYmd(jalaliToGregorian({ year: y, month: mo, day: d }));
  }
  return isValidGregorian(y, mo, d) ? formatYmd({ year: y, month: mo, day: d }) : null;
}

/** Numbers as people write them: Persian digits, thousands separators (, ٬), Persian decimal mark. */
export function parseNumber(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  const s = toLatinDigits(input.trim()).replace(/[,\u066c\s]/g, '').replace('\u066b', '.');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function parseFieldValue(type: FieldType, raw: unknown): ValueResult {
  if (type === 'number') {
    const n = typeof raw === 'number' || typeof raw === 'string' ? parseNumber(raw) : null;
    return n === null ? { ok: false, code: 'BAD_NUMBER' } : { ok: true, value: n };
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, code: type === 'date' ? 'BAD_DATE' : 'TOO_LONG' };
  const s = String(raw).trim();
  if (type === 'date') {
    const d = parseDate(s);
    return d ? { ok: true, value: d } : { ok: false, code: 'BAD_DATE' };
  }
  return s.length > MAX_TEXT ? { ok: false, code: 'TOO_LONG' } : { ok: true, value: s };
}

/** Tags from a cell: split on comma, Persian comma, semicolon or '|'; trimmed, deduplicated. */
export function parseTags(cell: string): string[] {
  return [...new Set(cell.split(/[,،;|]/).map((t) => t.trim()).filter((t) => t && t.length <= MAX_TAG))];
}

const reasons: Record<RowErrorCode, { fa: (f: string) => string; en: (f: string) => string }> = {
  MISSING_NUMBER: { fa: () => 'شمارهٔ موبایل خالی است', en: () => 'the mobile number is empty' },
  INVALID_NUMBER: { fa: () => 'شمارهٔ موبایل معتبر نیست', en: () => 'not a valid Iranian mobile number' },
  DUPLICATE: { fa: () => 'شمارهٔ تکراری در فایل؛ با ردیف قبلی ادغام شد', en: () => 'duplicate number in the file; merged into the earlier row' },
  BAD_NUMBER: { fa: (f) => `مقدار «${f}» عدد نیست`, en: (f) => `"${f}" is not a number` },
  BAD_DATE: { fa: (f) => `تاریخ «${f}» معتبر نیست (نمونه: ۱۴۰۳/۰۱/۱۵ یا 2024-04-03)`, en: (f) => `"${f}" is not a valid date (e.g. 1403/01/15 or 2024-04-03)` },
  TOO_LONG: { fa: (f) => `مقدار «${f}» بیش از اندازه بلند است`, en: (f) => `"${f}" is too long` },
};

/** A stored report code is 'CODE' or 'CODE:field'. */
export function rowReason(stored: string, lang: 'fa' | 'en'): string {
  const [code, field = ''] = stored.split(':');
  const r = reasons[code as RowErrorCode];
  return r ? r[lang](field) : stored;
}
