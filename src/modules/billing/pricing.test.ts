import { describe, expect, it } from 'vitest';
import { addVat, priceMatrix, priceRecipientMessage, splitVat, type PriceList } from './pricing.ts';

const list: PriceList = {
  basePrice: 101n,
  receivePrice: 0n,
  coefficients: { alphabet: { gsm7: 25000 }, operator: { irancell: 10500 }, lineType: { '1000': 12000, '50004': 9000 }, class: { advertising: 15000 } },
  overrides: [{ operator: 'rightel', lineType: 'public', messageClass: 'otp', alphabet: 'ucs2', price: 77n }],
};
const cell = { operator: 'mci', lineType: '3000', messageClass: 'service', alphabet: 'ucs2' as const, parts: 1 };

describe('the price of a recipient message', () => {
  it('multiplies base, parts and every coefficient, and rounds once for all parts', () => {
    expect(priceRecipientMessage(list, { ...cell, messageClass: 'advertising' })).toBe(152n); // 151.5
    expect(priceRecipientMessage(list, { ...cell, messageClass: 'advertising', parts: 3 })).toBe(455n); // 454.5, not 3 × 152
    // 2 × 101 × 2.5 × 1.05 × 1.2 × 1.5 = 954.45
    expect(priceRecipientMessage(list, { operator: 'irancell', lineType: '1000', messageClass: 'advertising', alphabet: 'gsm7', parts: 2 })).toBe(954n);
  });

  it('uses an explicit override for its cell only, per part', () => {
    expect(priceRecipientMessage(list, { operator: 'rightel', lineType: 'public', messageClass: 'otp', alphabet: 'ucs2', parts: 4 })).toBe(308n);
    expect(priceRecipientMessage(list, { operator: 'rightel', lineType: 'public', messageClass: 'otp', alphabet: 'gsm7', parts: 1 })).toBe(253n); // 252.5
  });

  it('lists every operator × line type × class × alphabet, with line types of the list’s own', () => {
    const m = priceMatrix(list);
    expect(m).toHaveLength(4 * 8 * 3 * 2);
    expect(m.find((r) => r.lineType === '50004' && r.operator === 'mci' && r.messageClass === 'service' && r.alphabet === 'ucs2')!.price).toBe(91n); // 90.9
  });

  it('adds VAT on top of a top-up, and splits it out of a deposit', () => {
    expect(addVat(100000n, 1000)).toEqual({ amount: 100000n, vat: 10000n, total: 110000n });
    expect(splitVat(110000n, 1000)).toEqual({ amount: 100000n, vat: 10000n, total: 110000n });
    expect(splitVat(100n, 1000)).toEqual({ amount: 91n, vat: 9n, total: 100n }); // 90.909… → 91
  });
});
