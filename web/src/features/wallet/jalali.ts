// Jalali (Solar Hijri) ⇄ Gregorian for the date inputs; reading dates out uses Intl (format.ts).
// The arithmetic is the well-known 33-year-cycle algorithm, checked against Intl in jalali.test.ts.
import { latinDigits } from '../../i18n/format.ts';

const fl = Math.floor;

export function gregorianToJalali(gy: number, gm: number, gd: number): [number, number, number] {
  const gdm = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
  const gy2 = gm > 2 ? gy + 1 : gy;
  let days = 355666 + 365 * gy + fl((gy2 + 3) / 4) - fl((gy2 + 99) / 100) + fl((gy2 + 399) / 400) + gd + gdm[gm - 1];
  let jy = -1595 + 33 * fl(days / 12053);
  days %= 12053;
  jy += 4 * fl(days / 1461);
  days %= 1461;
  if (days > 365) {
    jy += fl((days - 1) / 365);
    days = (days - 1) % 365;
  }
  const jm = days < 186 ? 1 + fl(days / 31) : 7 + fl((days - 186) / 30);
  const jd = 1 + (days < 186 ? days % 31 : (days - 186) % 30);
  return [jy, jm, jd];
}

export function jalaliToGregorian(jy: number, jm: number, jd: number): [number, number, number] {
  const y = jy + 1595;
  let days = -355668 + 365 * y + fl(y / 33) * 8 + fl(((y % 33) + 3) / 4) + jd + (jm < 7 ? (jm - 1) * 31 : (jm - 7) * 30 + 186);
  let gy = 400 * fl(days / 146097);
  days %= 146097;
  if (days > 36524) {
    days--;
    gy += 100 * fl(days / 36524);
    days %= 36524;
    if (days >= 365) days++;
  }
  gy += 4 * fl(days / 1461);
  days %= 1461;
  if (days > 365) {
    gy += fl((days - 1) / 365);
    days = (days - 1) % 365;
  }
  let gd = days + 1;
  const leap = (gy % 4 === 0 && gy % 100 !== 0) || gy % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  let gm = 0;
  while (gm < 12 && gd > monthDays[gm]) gd -= monthDays[gm++];
  return [gy, gm + 1, gd];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "1404/05/12" (Persian or Latin digits, / or -) → "2025-08-03"; null when it is no real date. */
export function parseJalali(text: string): string | null {
  const m = /^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$/.exec(latinDigits(text));
  if (!m) return null;
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (jm < 1 || jm > 12 || jd < 1 || jd > (jm <= 6 ? 31 : 30)) return null;
  const [gy, gm, gd] = jalaliToGregorian(jy, jm, jd);
  const back = gregorianToJalali(gy, gm, gd);
  if (back[0] !== jy || back[1] !== jm || back[2] !== jd) return null; // 30 Esfand of a common year
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
