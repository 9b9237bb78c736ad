import { describe, expect, it } from 'vitest';
import { NumberSet } from './number-set.ts';

describe('NumberSet', () => {
  it('says which numbers it already holds, across growth, like a Set', () => {
    const set = new NumberSet(4);
    const reference = new Set<number>();
    // consecutive mobiles, a repeated stride, and numbers that differ only above 2^32
    const inputs = [
      ...Array.from({ length: 5000 }, (_, i) => 989120000000 + i),
      ...Array.from({ length: 5000 }, (_, i) => 989120000000 + i * 3),
      ...Array.from({ length: 100 }, (_, i) => 4294967296 * (i + 1) + 7),
      1, Number.MAX_SAFE_INTEGER, 989120000000,
    ];
    for (const n of inputs) {
      expect(set.add(n)).toBe(!reference.has(n));
      reference.add(n);
    }
    expect(set.size).toBe(reference.size);
    expect([...reference].every((n) => set.has(n))).toBe(true);
    expect(set.has(989129999999)).toBe(false);
    expect(set.has(7)).toBe(false);
  });

  it('refuses what is not a whole number it can hold', () => {
    const set = new NumberSet();
    for (const bad of [0, -5, 1.5, Number.NaN, 2 ** 54]) expect(() => set.add(bad)).toThrow(RangeError);
  });
});
