import { describe, expect, it } from 'vitest';
import { gregorianToJalali, isoToJalali, jalaliToGregorian, parseJalali, tehranDayStart } from './jalali.ts';

const intlJalali = (d: Date) => {
  const parts = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(d);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return [get('year'), get('month'), get('day')];
};

describe('Jalali dates', () => {
  it('agrees with Intl’s Persian calendar every day from 1990 to 2040, both ways', () => {
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2040, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const g: [number, number, number] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      const j = gregorianToJalali(...g);
      expect(j).toEqual(intlJalali(d));
      expect(jalaliToGregorian(...j)).toEqual(g);
    }
  });

  it('reads what people type and refuses days that do not exist', () => {
    expect(parseJalali('۱۴۰۴/۰۱/۰۱')).toBe('2025-03-21');
    expect(parseJalali('1404-5-12')).toBe('2025-08-03');
    expect(parseJalali('1404/07/31')).toBeNull();
    expect(parseJalali('1404/12/30')).toBeNull();
    expect(parseJalali('1403/12/30')).toBe('2025-03-20');
    expect(isoToJalali('2025-03-21')).toBe('1404/01/01');
  });

  it('starts a day at Tehran midnight', () => {
    expect(tehranDayStart('2025-03-21')).toBe('2025-03-20T20:30:00.000Z');
    expect(tehranDayStart('2025-03-21', 1)).toBe('2025-03-21T20:30:00.000Z');
  });
});
