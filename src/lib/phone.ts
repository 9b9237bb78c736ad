// Iranian numbers in every form people type, normalised to E.164 (+989121234567).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { toLatinDigits } from './i18n.ts';

export type Operator = 'mci' | 'irancell' | 'rightel' | 'other';

/** Strips what people add around a number: spaces, dashes, dots, brackets, bidi marks. */
function clean(input: string): string {
  return toLatinDigits(input).replace(/[\s\-().\u200c\u200e\u200f\u202a-\u202e]/g, '');
}

/** An Iranian mobile (09xx…) as E.164, or null when it is not one. */
export function normaliseIranMobile(input: string): string | null {
  let s = clean(input);
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (/^9\d{9}$/.test(s)) s = `0${s}`;
  if (/^98 ?9\d{9}$/.test(s)) s = `+${s}`;
  const parsed = parsePhoneNumberFromString(s, 'IR');
  if (!parsed || parsed.country !== 'IR' || !parsed.isValid()) return null;
  const e164 = parsed.number;
  return /^\+989\d{9}$/.test(e164) ? e164 : null;
}

// DESIGN.md: operators by prefix (the four digits after +98 → 09xx).
const prefixes: Array<[Operator, RegExp]> = [
  ['mci', /^\+98(91\d|99[0-4])/],
  ['irancell', /^\+98(90[1-5]|930|933|93[5-9]|941)/],
  ['rightel', /^\+98(92[0-2])/],
];

export function operatorOf(e164: string): Operator {
  for (const [op, re] of prefixes) if (re.test(e164)) return op;
  return 'other';
}

/** +989121234567 → 09121234567, the form Iranians read. */
export function toLocalMobile(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : e164;
}
