import { describe, expect, it } from 'vitest';
import { analyseText } from './sms-parts.ts';
import { mobileDigits, operatorOf } from './operators.ts';

// The panel's price preview imports these files (web/src/features/billing/PreviewPage.tsx): what
// it shows is what the send bills.
describe('numbers as people type them, and their operator', () => {
  it('reads every form and Persian digits', () => {
    expect(mobileDigits('۰۹۱۲۱۲۳۴۵۶۷')).toBe('9121234567');
    expect(mobileDigits('+98 935 123 4567')).toBe('9351234567');
    expect(mobileDigits('0098-912-123-4567')).toBe('9121234567');
    expect(mobileDigits('12345')).toBeNull();
  });

  it('finds the operator by prefix in the local and the E.164 form alike', () => {
    for (const [n, op] of [['09121234567', 'mci'], ['09941234567', 'mci'], ['09351234567', 'irancell'], ['09411234567', 'irancell'], ['09211234567', 'rightel'], ['09981234567', 'other'], ['02188001122', 'other']] as const) {
      expect(operatorOf(n)).toBe(op);
      expect(operatorOf(`+98${n.slice(1)}`)).toBe(op);
    }
  });

  it('counts an escape pair that does not fit as starting a new part, as the split on the wire does', () => {
    // 152 + 2 septets overflow a 153-septet part: the old panel counter said 2 parts, the bill 3
    expect(analyseText(`${'a'.repeat(152)}{${'a'.repeat(152)}`).parts).toBe(3);
  });
});
