import { describe, expect, it } from 'vitest';
import { isValidNationalCode, isValidNationalId, parseBirthDate } from '../kyc/identity.ts';
import { gregorianToJalali, jalaliToGregorian } from '../../lib/jalali.ts';
import { appendOptOutFooter, findCardNumbers, findForbiddenWords, findLinks, hasOptOutFooter, luhnValid, normaliseForMatch, parseKeyword, scanTexts } from './content.ts';
import { emptyRow, findLoosening, mergePolicies, type PolicyRow } from './policy.ts';
import { isInsideWindow, nextOpening, parseClock, tehranSecondOfDay, toTehranIso } from './tehran.ts';

const adWindow = { start: parseClock('08:00'), end: parseClock('21:00') };
const at = (tehran: string) => new Date(`${tehran}+03:30`);

describe('Tehran time and the advertising window', () => {
  it('converts with the fixed +03:30 offset (no DST since 2022), midsummer and midwinter alike', () => {
    expect(tehranSecondOfDay(new Date('2026-07-01T00:00:00Z'))).toBe(3 * 3600 + 30 * 60);
    expect(tehranSecondOfDay(new Date('2026-01-01T20:30:00Z'))).toBe(0);
    expect(toTehranIso(new Date('2026-07-01T17:30:00Z'))).toBe('2026-07-01T21:00:00+03:30');
  });
  it('puts 08:00:00 inside, 20:59:59 inside, 21:00:00 exactly outside and 07:59:59 outside', () => {
    expect(isInsideWindow(adWindow, at('2026-03-01T08:00:00'))).toBe(true);
    expect(isInsideWindow(adWindow, at('2026-03-01T20:59:59'))).toBe(true);
    expect(isInsideWindow(adWindow, at('2026-03-01T21:00:00'))).toBe(false);
    expect(isInsideWindow(adWindow, at('2026-03-01T07:59:59'))).toBe(false);
  });
  it('opens next at 08:00 the same morning before dawn, and the next morning after 21:00', () => {
    expect(nextOpening(adWindow, at('2026-03-01T03:10:00')).toISOString()).toBe(at('2026-03-01T08:00:00').toISOString());
    expect(nextOpening(adWindow, at('2026-03-01T21:00:00')).toISOString()).toBe(at('2026-03-02T08:00:00').toISOString());
    expect(nextOpening(adWindow, at('2026-03-01T23:59:59')).toISOString()).toBe(at('2026-03-02T08:00:00').toISOString());
    // Just after Tehran midnight is still UTC's previous day: the opening is the same Tehran day.
    expect(nextOpening(adWindow, at('2026-03-02T00:10:00')).toISOString()).toBe(at('2026-03-02T08:00:00').toISOString());
  });
});

describe('the «لغو۱۱» footer', () => {
  it.each(['حراج بهاره لغو۱۱', 'حراج بهاره\nلغو11', 'حراج بهاره لغو ۱۱', 'حراج لغو\u200c۱۱', 'حراج لغو۱۱.', 'حراج لغو 11 ! ', 'حراج لغو١١'])('accepts %j', (t) => {
    expect(hasOptOutFooter(t)).toBe(true);
  });
  it.each(['حراج بهاره', 'لغو۱۱ حراج بهاره', 'حراج لغو۱۱۱', 'حراج لغو 12'])('refuses %j', (t) => {
    expect(hasOptOutFooter(t)).toBe(false);
  });
  it('appends it on its own line, and the result passes', () => {
    expect(appendOptOutFooter('حراج  ')).toBe('حراج\nلغو۱۱');
    expect(hasOptOutFooter(appendOptOutFooter('حراج'))).toBe(true);
  });
  it('reads 11 and 12 in either digit set, trimmed, and nothing else', () => {
    expect(parseKeyword(' ۱۱ ')).toBe('opt_out');
    expect(parseKeyword('11')).toBe('opt_out');
    expect(parseKeyword('١٢')).toBe('opt_in');
    expect(parseKeyword('110')).toBeNull();
    expect(parseKeyword('لغو')).toBeNull();
  });
});

describe('content', () => {
  it('matches a forbidden word written with Arabic ي and ك and a ZWNJ', () => {
    const words = [normaliseForMatch('کازینو'), normaliseForMatch('شرط‌بندی')];
    expect(findForbiddenWords('بهترين كازينو آنلاين', words)).toEqual(['کازینو']);
    expect(findForbiddenWords('سایت شرطبندي', words)).toEqual(['شرطبندی']);
    expect(findForbiddenWords('کتاب خوب', words)).toEqual([]);
  });
  it('finds URLs, www. and bare domains, not version numbers or initials', () => {
    expect(findLinks('ببینید example.ir و https://x.com/a?b=1. و www.foo.org و t.me/chan')).toEqual(['example.ir', 'https://x.com/a?b=1', 'www.foo.org', 't.me/chan']);
    expect(findLinks('نسخهٔ ver.2 و Mr.Smith و ۱۲.۵ درصد')).toEqual([]);
  });
  it('flags a 16-digit card number that passes Luhn, in Persian digits with dashes, and ignores one that fails', () => {
    expect(luhnValid('6037997599123453')).toBe(true);
    expect(luhnValid('6037997599123456')).toBe(false);
    expect(findCardNumbers('واریز به ۶۰۳۷-۹۹۷۵-۹۹۱۲-۳۴۵۳')).toEqual(['603799******3453']);
    expect(findCardNumbers('واریز به 6037 9975 9912 3453')).toEqual(['603799******3453']);
    expect(findCardNumbers('کد پیگیری 6037997599123456')).toEqual([]);
    expect(findCardNumbers('شماره 60379975991234530')).toEqual([]);
  });
});

describe('policies: tightening and loosening', () => {
  const row = (p: Partial<PolicyRow>): PolicyRow => ({ ...emptyRow(), ...p });
  it('takes the strictest value on the path', () => {
    const eff = mergePolicies([row({ optOutFooter: 'append', moderationThreshold: 5000 }), row({ optOutFooter: 'reject', moderationThreshold: 9000, linkAction: 'moderate' }), row({ linkAction: 'allow' })]);
    expect(eff).toMatchObject({ optOutFooter: 'reject', moderationThreshold: 5000, linkAction: 'moderate' });
  });
  it('intersects sending windows: an agency 09:00–20:00 for MCI narrows the platform 08:00–21:00 for MCI only', () => {
    const eff = mergePolicies([row({}), row({ sendingWindows: [{ operator: 'mci', lineType: '*', start: '09:00', end: '20:00' }] })]);
    expect(eff.windows['mci|3000']).toEqual({ start: 9 * 3600, end: 20 * 3600 });
    expect(eff.windows['irancell|3000']).toEqual({ start: 8 * 3600, end: 21 * 3600 });
  });
  it('reports every loosening field and accepts tightening', () => {
    const inherited = mergePolicies([row({ linkAction: 'moderate' })]);
    expect(findLoosening(inherited, row({ linkAction: 'reject', moderationThreshold: 100 }))).toEqual([]);
    expect(findLoosening(inherited, row({ linkAction: 'allow', optOutFooter: 'append', moderationThreshold: 20_000, kycOwnMobileOnly: false })).map((l) => l.field))
      .toEqual(['optOutFooter', 'linkAction', 'moderationThreshold', 'kycOwnMobileOnly']);
    expect(findLoosening(inherited, row({ sendingWindows: [{ operator: '*', lineType: '*', start: '07:00', end: '21:00' }] }))[0].field).toBe('sendingWindows');
    expect(findLoosening(inherited, row({ sendingWindows: [{ operator: '*', lineType: '*', start: '10:00', end: '18:00' }] }))).toEqual([]);
  });
});

describe('Iranian identity numbers and dates', () => {
  it('checks the national code checksum (r < 2 and r ≥ 2 branches) and refuses all-same digits', () => {
    expect(isValidNationalCode('0012345679')).toBe(true);
    expect(isValidNationalCode('1234567891')).toBe(true);
    expect(isValidNationalCode('۰۰۸۱۲۳۴۵۶۲')).toBe(true);
    expect(isValidNationalCode('0012345670')).toBe(false);
    expect(isValidNationalCode('1111111111')).toBe(false);
    expect(isValidNationalCode('123456789')).toBe(false);
  });
  it('checks the legal national ID checksum', () => {
    expect(isValidNationalId('10100001235')).toBe(true);
    expect(isValidNationalId('10860000006')).toBe(true);
    expect(isValidNationalId('10100001234')).toBe(false);
    expect(isValidNationalId('11111111111')).toBe(false);
  });
  it('converts Jalali ↔ Gregorian, agreeing with ICU’s Persian calendar over ten years of days', () => {
    expect(jalaliToGregorian({ year: 1403, month: 1, day: 1 })).toEqual({ year: 2024, month: 3, day: 20 });
    expect(gregorianToJalali({ year: 1991, month: 8, day: 3 })).toEqual({ year: 1370, month: 5, day: 12 });
    const fmt = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    for (let t = Date.UTC(2018, 0, 1); t < Date.UTC(2028, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const parts = Object.fromEntries(fmt.formatToParts(d).map((p) => [p.type, p.value]));
      const j = gregorianToJalali({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
      expect([j.year, j.month, j.day]).toEqual([Number(String(parts.year).split(' ')[0]), Number(parts.month), Number(parts.day)]);
      expect(jalaliToGregorian(j)).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
    }
  });
  it('parses a birth date typed in Jalali with Persian digits or in Gregorian, and refuses impossible dates', () => {
    expect(parseBirthDate('۱۳۷۰/۰۵/۱۲')).toEqual({ gregorian: '1991-08-03', jalali: '1370/05/12' });
    expect(parseBirthDate('1991-08-03')).toEqual({ gregorian: '1991-08-03', jalali: '1370/05/12' });
    expect(parseBirthDate('1402/12/30')).toBeNull(); // 1402 is not a leap year
    expect(parseBirthDate('1991-02-30')).toBeNull();
  });
});

describe('content of many texts', () => {
  it('finds words, links and cards in any text, and nothing that runs from one text into the next', async () => {
    const filler = Array.from({ length: 5000 }, (_, i) => `سلام مشتری ${i} عزیز`);
    const found = await scanTexts([...filler, 'بازی قمار', 'https://a.example.com/x', 'واریز به 6037997599123453'], ['بازی قمار']);
    expect(found).toEqual({ words: ['بازی قمار'], links: ['https://a.example.com/x'], cards: ['603799******3453'] });
    const split = await scanTexts(['سلام بازی', 'قمار آنلاین', 'https://b.example.com', 'x', '60379975', '99123453'], ['بازی قمار']);
    expect(split).toEqual({ words: [], links: ['https://b.example.com'], cards: [] });
  });
});
