import { describe, expect, it } from 'vitest';
import { applyBasisPoints, groupDigits, parseRials, roundHalfUp } from './money.ts';

describe('money', () => {
  it('parses and formats rials as strings of digits, never through a float', () => {
    expect(parseRials('9007199254740993')).toBe(9007199254740993n);
    expect(parseRials('-13300')).toBe(-13300n);
    for (const bad of ['1.5', '1e3', '', ' ', '۱۲', '12,000']) expect(() => parseRials(bad)).toThrow(RangeError);
    expect(groupDigits(-1234567n)).toBe('-1,234,567');
  });

  it('rounds half away from zero, once', () => {
    expect(roundHalfUp(9n, 2n)).toBe(5n);
    expect(roundHalfUp(7n, 2n)).toBe(4n);
    expect(roundHalfUp(13n, 10n)).toBe(1n);
    expect(roundHalfUp(-9n, 2n)).toBe(-5n);
    expect(roundHalfUp(9n, -2n)).toBe(-5n);
    expect(() => roundHalfUp(1n, 0n)).toThrow();
  });

  it('applies basis points (10000 = 1.0)', () => {
    expect(applyBasisPoints(12345n, 1000)).toBe(1235n); // 1234.5 → 1235
    expect(applyBasisPoints(100n, 25000n)).toBe(250n);
  });
});
