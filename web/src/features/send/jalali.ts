// Jalali dates for the panel's forms (schedule, birth date): the calendar arithmetic is the
// server's own (src/lib/jalali.ts), and Tehran wall-clock time ↔ an instant.
import { isValidJalali, jalaliToGregorian as toGregorian, type YMD } from '../../../../src/lib/jalali.ts';
export type { YMD } from '../../../../src/lib/jalali.ts';

/** Jalali → Gregorian, or null for a date that does not exist. */
export function jalaliToGregorian(d: YMD): YMD | null {
  return isValidJalali(d) ? toGregorian(d) : null;
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
