import { describe, expect, it } from 'vitest';
import { normaliseMobile, operatorOf, smsParts } from './sms-math.ts';

describe('the preview’s parts and operators', () => {
  it('counts GSM-7 and UCS-2 parts at the Iranian limits', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ alphabet: 'gsm7', parts: 1, units: 160 });
    expect(smsParts('a'.repeat(161)).parts).toBe(2);
    expect(smsParts('{'.repeat(80)).parts).toBe(1);
    expect(smsParts('س'.repeat(70))).toEqual({ alphabet: 'ucs2', parts: 1, units: 70 });
    expect(smsParts('س'.repeat(71)).parts).toBe(2);
    expect(smsParts('hello سلام').alphabet).toBe('ucs2');
  });

  it('reads Persian digits and finds the operator by prefix', () => {
    expect(normaliseMobile('۰۹۱۲۱۲۳۴۵۶۷')).toBe('09121234567');
    expect(normaliseMobile('+98 935 123 4567')).toBe('09351234567');
    expect(normaliseMobile('12345')).toBeNull();
    expect(operatorOf('09121234567')).toBe('mci');
    expect(operatorOf('09351234567')).toBe('irancell');
    expect(operatorOf('09211234567')).toBe('rightel');
    expect(operatorOf('09981234567')).toBe('other');
  });
});
