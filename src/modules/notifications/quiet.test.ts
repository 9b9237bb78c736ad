import { describe, expect, it } from 'vitest';
import { defaultQuietRule, insideSmsWindow, smsAllowed, tehranMinuteOfDay, type QuietRule } from './quiet.ts';

const at = (tehran: string) => new Date(`2026-03-10T${tehran}:00+03:30`);

describe('quiet rules for SMS alerts', () => {
  it('reads the wall clock in Asia/Tehran', () => {
    expect(tehranMinuteOfDay(new Date('2026-03-09T22:30:00Z'))).toBe(2 * 60);
    expect(tehranMinuteOfDay(new Date('2026-07-01T20:29:00Z'))).toBe(23 * 60 + 59);
  });

  it('sends every priority inside the window and only the minimum priority and above outside it', () => {
    const rule: QuietRule = { smsWindowStart: '08:00', smsWindowEnd: '22:00', minPriorityOutside: 'high' };
    expect(smsAllowed(rule, 'low', at('08:00'))).toBe(true);
    expect(smsAllowed(rule, 'low', at('21:59'))).toBe(true);
    expect(smsAllowed(rule, 'normal', at('22:00'))).toBe(false);
    expect(smsAllowed(rule, 'high', at('02:00'))).toBe(true);
    expect(smsAllowed(rule, 'urgent', at('07:59'))).toBe(true);
    expect(smsAllowed({ ...rule, minPriorityOutside: 'none' }, 'urgent', at('03:00'))).toBe(false);
  });

  it('handles a window across midnight and a whole-day window', () => {
    const night: QuietRule = { smsWindowStart: '20:00', smsWindowEnd: '06:00', minPriorityOutside: 'none' };
    expect(insideSmsWindow(night, at('23:00'))).toBe(true);
    expect(insideSmsWindow(night, at('05:59'))).toBe(true);
    expect(insideSmsWindow(night, at('12:00'))).toBe(false);
    expect(insideSmsWindow({ ...night, smsWindowEnd: '20:00' }, at('12:00'))).toBe(true);
  });

  it('defaults to SMS by day and only urgent ones at night', () => {
    expect(smsAllowed(defaultQuietRule, 'normal', at('10:00'))).toBe(true);
    expect(smsAllowed(defaultQuietRule, 'high', at('23:30'))).toBe(false);
    expect(smsAllowed(defaultQuietRule, 'urgent', at('23:30'))).toBe(true);
  });
});
