// Jalali dates for the panel's forms (schedule, birth date): the 33-year-cycle arithmetic of
// src/modules/kyc/jalali.ts (jalaali-js), and Tehran wall-clock time ↔ an instant.
const breaks = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];
const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

export type YMD = { year: number; month: number; day: number };

function jalCal(jy: number): { leap: number; gy: number; march: number } {
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

function isValidJalali(d: YMD): boolean {
  if (!Number.isInteger(d.year) || d.year < 1200 || d.year > 1600 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  const len = d.month <= 6 ? 31 : d.month <= 11 ? 30 : jalCal(d.year).leap === 0 ? 30 : 29;
  return d.day <= len;
}

export function jalaliToGregorian(d: YMD): YMD | null {
  if (!isValidJalali(d)) return null;
  const r = jalCal(d.year);
  return d2g(g2d(r.gy, 3, r.march) + (d.month - 1) * 31 - div(d.month, 7) * (d.month - 7) + d.day - 1);
}

const latin = (s: string) => s.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));

/** Tehran wall-clock parts of an instant, in the Jalali calendar and Latin digits. */
export function tehranParts(at: Date): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Tehran' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}/${p.month}/${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * A Jalali date («۱۴۰۴/۰۵/۱۲») and a time («۱۴:۳۰») read as Tehran time → ISO instant, or null.
 * Iran has kept UTC+03:30 all year since 2022 (no daylight saving), so the offset is fixed.
 */
export function tehranToIso(date: string, time: string): string | null {
  const dm = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(latin(date).trim());
  const tm = /^(\d{1,2}):(\d{2})$/.exec(latin(time).trim());
  if (!dm || !tm) return null;
  const g = jalaliToGregorian({ year: Number(dm[1]), month: Number(dm[2]), day: Number(dm[3]) });
  const h = Number(tm[1]);
  const m = Number(tm[2]);
  if (!g || h > 23 || m > 59) return null;
  return new Date(Date.UTC(g.year, g.month - 1, g.day, h, m) - 210 * 60_000).toISOString();
}
