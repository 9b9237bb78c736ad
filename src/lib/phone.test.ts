import { describe, expect, it } from 'vitest';
import { normaliseIranMobile, numberFragment, toLocalMobile } from './phone.ts';
import { operatorOf } from './operators.ts';

describe('Iranian mobile numbers', () => {
  it.each([
    ['09121234567'],
    ['9121234567'],
    ['+989121234567'],
    ['00989121234567'],
    ['989121234567'],
    ['۰۹۱۲-۱۲۳ ۴۵۶۷'],
    ['٠٩١٢١٢٣٤٥٦٧'],
    ['(0912) 123.4567'],
    ['\u200e+98 912 123 4567'],
  ])('normalises %s to E.164', (input) => {
    expect(normaliseIranMobile(input)).toBe('+989121234567');
  });

  it.each([['02112345678'], ['0912123456'], ['091212345678'], ['+14155550100'], ['hello'], ['']])('rejects %s', (input) => {
    expect(normaliseIranMobile(input)).toBeNull();
  });

  it.each([
    ['09101234567', 'mci'],
    ['09191234567', 'mci'],
    ['09901234567', 'mci'],
    ['09941234567', 'mci'],
    ['09011234567', 'irancell'],
    ['09051234567', 'irancell'],
    ['09301234567', 'irancell'],
    ['09331234567', 'irancell'],
    ['09351234567', 'irancell'],
    ['09391234567', 'irancell'],
    ['09411234567', 'irancell'],
    ['09201234567', 'rightel'],
    ['09221234567', 'rightel'],
  ])('puts %s on %s', (input, op) => {
    expect(operatorOf(normaliseIranMobile(input)!)).toBe(op);
  });

  it('shows E.164 the way Iranians read it', () => {
    expect(toLocalMobile('+989121234567')).toBe('09121234567');
  });

  it.each([
    ['09351112233', '9351112233'],
    ['۰۹۳۵ ۱۱۱-۲۲۳۳', '9351112233'],
    ['+98935', '935'],
    ['0098 935', '935'],
    ['1112233', '1112233'],
  ])('searches %s as the digits %s inside stored numbers', (typed, digits) => {
    expect(numberFragment(typed)).toBe(digits);
  });
});
