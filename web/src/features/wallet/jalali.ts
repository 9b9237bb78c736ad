// Jalali (Solar Hijri) ⇄ Gregorian for the date inputs; reading dates out uses Intl (format.ts).
// The arithmetic is the server's (src/lib/jalali.ts), checked against Intl in jalali.test.ts.
import { latinDigits } from '../../i18n/format.ts';
import { gregorianToJalali as toJalali, isValidJalali, jalaliToGregorian as toGregorian } from '../../../../src/lib/jalali.ts';

/** Gregorian → Jalali as [year, month, day]. */
export function gregorianToJalali(gy: number, gm: number, gd: number): [number, number, number] {
  const j = toJalali({ year: gy, month: gm, day: gd });
  return [j.year, j.month, j.day];
}

/** Jalali → Gregorian as [year, month, day]. */
export function jalaliToGregorian(jy: number, jm: number, jd: number): [number, number, number] {
  const g = toGregorian({ year: jy, month: jm, day: jd });
  return [g.year, g.month, g.day];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "1404/05/12" (Persian or Latin digits, / or -) → "2025-08-03"; null when it is no real date. */
export function parseJalali(text: string): string | null {
  const m = /^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$/.exec(latinDigits(text));
  if (!m) return null;
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidJalali({ year: jy, month: jm, day: jd })) return null; // e.g. 30 Esfand of a common year
  const [gy, gm, gd] = jalaliToGregorian(jy, jm, jd);
  return `${gy}-${pad(gm)}-${pad(gd)}`;
}

/** "2025-08-03" → "1404/05/12" (Latin digits; the caller localises). */
export function isoToJalali(iso: string): string {
  const [gy, gm, gd] = iso.split('-').map(Number);
  const [jy, jm, jd] = gregorianToJalali(gy, gm, gd);
  return `${jy}/${pad(jm)}/${pad(jd)}`;
}

/** Today on the Tehran wall clock, as YYYY-MM-DD. */
export function todayTehran(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The start of a Tehran calendar day as an instant (Iran keeps +03:30 all year since 2022). */
export function tehranDayStart(iso: string, addDays = 0): string {
  const d = new Date(`${iso}T00:00:00+03:30`);
  d.setUTCDate(d.getUTCDate() + addDays);
  return d.toISOString();
}
