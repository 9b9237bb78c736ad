import { describe, expect, it } from 'vitest';
import { normaliseCardNumber, normaliseIban, sniffReceipt } from './bank-numbers.ts';

describe('Iranian bank numbers', () => {
  it('accepts a شبا with a valid mod-97 checksum, in any spacing or digits', () => {
    expect(normaliseIban('IR062960000000100324200001')).toBe('IR062960000000100324200001');
    expect(normaliseIban('ir06 2960 0000 0010 0324 2000 01')).toBe('IR062960000000100324200001');
    expect(normaliseIban('IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱')).toBe('IR062960000000100324200001');
  });

  it('refuses a شبا with a wrong checksum, length or country', () => {
    expect(normaliseIban('IR062960000000100324200002')).toBeNull();
    expect(normaliseIban('IR06296000000010032420000')).toBeNull();
    expect(normaliseIban('DE89370400440532013000')).toBeNull();
  });

  it('checks card numbers with Luhn', () => {
    expect(normaliseCardNumber('6037-9975-9999-9990')).toBeNull();
    expect(normaliseCardNumber('۶۰۳۷ ۹۹۷۵ ۹۹۹۹ ۹۹۹۳')).toBe('6037997599999993');
    expect(normaliseCardNumber('4111111111111111')).toBe('4111111111111111');
    expect(normaliseCardNumber('4111111111111112')).toBeNull();
    expect(normaliseCardNumber('411111111111111')).toBeNull();
  });

  it('reads a receipt’s type from its bytes', () => {
    expect(sniffReceipt(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffReceipt(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffReceipt(Buffer.from('GIF89a'))).toBeNull();
  });
});
