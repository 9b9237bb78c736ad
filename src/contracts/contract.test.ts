import { describe, expect, it } from 'vitest';
import { pdfText } from '../../test/helpers/pdf-text.ts';
import { toPersianDigits } from '../lib/i18n.ts';
import { defaultContractTemplate, fillContract, jalaliDate, renderContract, rialsFa, unknownContractVariables, type ContractVars } from './contract.ts';
import { forFontkit } from './pdf.ts';

const vars: ContractVars = {
  contractNumber: '7Q2M', date: jalaliDate(new Date('2026-03-21T06:00:00Z')), parentName: 'چاپار', parentNationalNumber: toPersianDigits('10380284790'),
  parentAddress: 'تهران', parentPhone: toPersianDigits('02188001122'), applicantName: 'مریم احمدی', businessName: 'فروشگاه آفتاب', legalType: 'شخص حقیقی',
  nationalNumber: toPersianDigits('0013542419'), address: 'شیراز', phone: toPersianDigits('07132221100'), email: 'maryam@example.com', fee: rialsFa(12500000n),
  renewalFee: rialsFa(2500000n), validFrom: jalaliDate(new Date('2026-03-21T06:00:00Z')), validUntil: jalaliDate(new Date('2027-03-21T06:00:00Z')), graceDays: toPersianDigits(15),
};

describe('the agency contract', () => {
  it('dates Jalali on the Tehran calendar in Persian digits', () => {
    expect(jalaliDate(new Date('2026-03-21T06:00:00Z'))).toBe('۱۴۰۵/۰۱/۰۱');
    // 22:00 UTC is already the next day in Tehran.
    expect(jalaliDate(new Date('2026-03-20T21:00:00Z'))).toBe('۱۴۰۵/۰۱/۰۱');
    expect(rialsFa(12500000n)).toBe('۱۲,۵۰۰,۰۰۰');
  });

  it('fills the template into a title, headings and paragraphs, and names unknown variables', () => {
    const blocks = fillContract(defaultContractTemplate, vars);
    expect(blocks[0]).toEqual({ kind: 'title', text: 'قرارداد نمایندگی مستقل سامانهٔ پیامک' });
    expect(blocks.filter((b) => b.kind === 'heading')).toHaveLength(5);
    expect(unknownContractVariables(defaultContractTemplate)).toEqual([]);
    expect(unknownContractVariables('{{fee}} {{feee}} {{x}}')).toEqual(['feee', 'x']);
  });

  it('hands fontkit numbers pre-reversed and right-to-left words with their brackets mirrored', () => {
    expect(forFontkit('۱۴۰۵/۰۱/۰۱')).toBe('۱۰/۱۰/۵۰۴۱');
    expect(forFontkit('«سامانه»')).toBe('»سامانه«');
    expect(forFontkit('info@example.com')).toBe('info@example.com');
  });

  it('renders a PDF whose text reads back in order with both parties, Persian digits and Jalali dates', async () => {
    const pdf = await renderContract(defaultContractTemplate, vars);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('قرارداد نمایندگی مستقل');
    expect(text).toContain('طرف اول: چاپار با شناسه ۱۰۳۸۰۲۸۴۷۹۰');
    expect(text).toContain('طرف دوم: فروشگاه آفتاب');
    expect(text).toContain('به نمایندگی مریم احمدی با شناسه ۰۰۱۳۵۴۲۴۱۹');
    expect(text).toContain('maryam@example.com');
    expect(text).toContain('حق نمایندگی ۱۲,۵۰۰,۰۰۰ ریال');
    expect(text).toContain('از ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۶/۰۱/۰۱');
  });
});
