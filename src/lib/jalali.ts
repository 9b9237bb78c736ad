// Jalali (Solar Hijri) ↔ Gregorian, written once. The arithmetic is the 33-year-cycle algorithm
// of jalaali-js (Borkowski's break years), exact for Jalali years −61 … 3177.
const breaks = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];

const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

export type YMD = { year: number; month: number; day: number };

function jalCal(jy: number): { leap: number; gy: number; march: number } {
  if (jy < breaks[0] || jy >= breaks[breaks.length - 1]) throw new RangeError(`Jalali year out of range: ${jy}`);
  const gy = jy + 621;
  let leapJ = -14;
  let jp = breaks[0];
  let jump = 0;
  for (let i = 1; i < breaks.length; i++) {
    const jm = breaks[i];
    jump = jm - jp;
    if (jy < jm) break;
    leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  let n = jy - jp;
  leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  const march = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  let leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap === -1) leap = 4;
  return { leap, gy, march };
}

function g2d(gy: number, gm: number, gd: number): number {
  const d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
  return d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
}

function d2g(jdn: number): YMD {
  let j = 4 * jdn + 139361631;
  j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
  const i = div(mod(j, 1461), 4) * 5 + 308;
  const day = div(mod(i, 153), 5) + 1;
  const month = mod(div(i, 153), 12) + 1;
  return { year: div(j, 1461) - 100100 + div(8 - month, 6), month, day };
}

export function isJalaliLeapYear(jy: number): boolean {
  return jalCal(jy).leap === 0;
}

export function jalaliMonthLength(jy: number, jm: number): number {
  if (jm <= 6) return 31;
  if (jm <= 11) return 30;
  return isJalaliLeapYear(jy) ? 30 : 29;
}

export function isValidJalali(d: YMD): boolean {
  return Number.isInteger(d.year) && d.year >= 1 && d.year < 3178 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= jalaliMonthLength(d.year, d.month);
}

export function jalaliToGregorian(d: YMD): YMD {
  if (!isValidJalali(d)) throw new RangeError(`not a Jalali date: ${d.year}/${d.month}/${d.day}`);
  const r = jalCal(d.year);
  const jdn = g2d(r.gy, 3, r.march) + (d.month - 1) * 31 - div(d.month, 7) * (d.month - 7) + d.day - 1;
  return d2g(jdn);
}

export function gregorianToJalali(d: YMD): YMD {
  const jdn = g2d(d.year, d.month, d.day);
  const gy = d2g(jdn).year;
  let jy = gy - 621;
  const r = jalCal(jy);
  let k = jdn - g2d(gy, 3, r.march);
  if (k >= 0) {
    if (k <= 185) return { year: jy, month: 1 + div(k, 31), day: mod(k, 31) + 1 };
    k -= 186;
  } else {
    jy -= 1;
    k += 179;
    if (jalCal(jy).leap === 0) k += 1;
  }
  return { year: jy, month: 7 + div(k, 30), day: mod(k, 30) + 1 };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const formatYmd = (d: YMD, sep = '-') => `${pad(d.year, 4)}${sep}${pad(d.month)}${sep}${pad(d.day)}`;
