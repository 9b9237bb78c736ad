import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { fa } from './fa.ts';
import { formatDate, latinDigits, localDigits, localMobile, maskMobile } from './format.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalogs', () => {
  it('have the same keys and the same placeholders in Persian and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fa).sort());
    for (const key of Object.keys(fa) as (keyof typeof fa)[]) expect(placeholders(en[key]), key).toEqual(placeholders(fa[key]));
  });

  it('leave no string empty', () => {
    for (const [key, text] of [...Object.entries(fa), ...Object.entries(en)]) expect(text.trim(), key).not.toBe('');
  });
});

describe('digits and dates', () => {
  it('shows Persian digits in fa and leaves en alone', () => {
    expect(localDigits('fa', '09121234567')).toBe('۰۹۱۲۱۲۳۴۵۶۷');
    expect(localDigits('en', '09121234567')).toBe('09121234567');
  });

  it('reads Persian and Arabic-Indic digits typed into forms', () => {
    expect(latinDigits('۰۹۱۲۱۲۳۴۵۶۷')).toBe('09121234567');
    expect(latinDigits('٠٩١٢')).toBe('0912');
  });

  it('writes mobiles the Iranian way and masks the middle', () => {
    expect(localMobile('+989121234567')).toBe('09121234567');
    expect(maskMobile('+989121234567')).toBe('0912***4567');
  });

  it('dates in the Jalali calendar in Persian', () => {
    expect(formatDate('fa', '2025-03-21T12:00:00Z')).toBe('۱ فروردین ۱۴۰۴');
    expect(formatDate('en', '2025-03-21T12:00:00Z')).toBe('21 Mar 2025');
  });
});
