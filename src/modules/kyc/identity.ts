// Iranian identity numbers. کد ملی (natural persons): 10 digits, the last a mod-11 check digit.
// شناسه ملی (legal persons): 11 digits, the last a mod-11 check over the first ten, each plus
// (the tenth digit + 2), weighted 29 27 23 19 17 29 27 23 19 17.
import { toLatinDigits } from '../../lib/i18n.ts';
import { formatYmd, gregorianToJalali, isValidJalali, jalaliToGregorian, type YMD } from '../../lib/jalali.ts';

/** Digits only, Persian/Arabic digits made Latin, spaces and dashes dropped. */
export function cleanDigits(input: string): string {
  return toLatinDigits(input).replace(/[\s\-\u200c]/g, '');
}

export function isValidNationalCode(input: string): boolean {
  const code = cleanDigits(input);
  if (!/^\d{10}$/.test(code) || /^(\d)\1{9}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(code[i]) * (10 - i);
  const r = sum % 11;
  const check = Number(code[9]);
  return r < 2 ? check === r : check === 11 - r;
}

const idWeights = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17];

export function isValidNationalId(input: string): boolean {
  const id = cleanDigits(input);
  if (!/^\d{11}$/.test(id) || /^(\d)\1{10}$/.test(id)) return false;
  const plus = Number(id[9]) + 2;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (Number(id[i]) + plus) * idWeights[i];
  const r = sum % 11 === 10 ? 0 : sum % 11;
  return r === Number(id[10]);
}

/** A birth date as people type it: Jalali «۱۳۷۰/۰۵/۱۲» (years below 1700) or Gregorian
 * 1991-08-03; returns the Gregorian date and its Jalali form, or null. */
export function parseBirthDate(input: string): { gregorian: string; jalali: string } | null {
  const m = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(toLatinDigits(input).trim());
  if (!m) return null;
  const d: YMD = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (d.year < 1700) {
    if (!isValidJalali(d)) return null;
    return { gregorian: formatYmd(jalaliToGregorian(d)), jalali: formatYmd(d, '/') };
  }
  const dt = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (dt.getUTCFullYear() !== d.year || dt.getUTCMonth() !== d.month - 1 || dt.getUTCDate() !== d.day) return null;
  return { gregorian: formatYmd(d), jalali: formatYmd(gregorianToJalali(d), '/') };
}
