// The agency contract: an editable template per parent (plain text, "# " a title, "## " a
// heading, a blank line between paragraphs, {{variables}}), filled with both parties' details
// in Persian digits and Jalali dates, rendered to a right-to-left PDF.
import { toPersianDigits } from '../lib/i18n.ts';
import { groupDigits } from '../lib/money.ts';
import { formatYmd, gregorianToJalali } from '../lib/jalali.ts';
import { renderRtlPdf, type Block } from './pdf.ts';

export const contractVariables = [
  'contractNumber', 'date', 'parentName', 'parentNationalNumber', 'parentAddress', 'parentPhone',
  'applicantName', 'businessName', 'legalType', 'nationalNumber', 'address', 'phone', 'email',
  'fee', 'renewalFee', 'validFrom', 'validUntil', 'graceDays',
] as const;
export type ContractVars = Record<(typeof contractVariables)[number], string>;

export const defaultContractTemplate = `# قرارداد نمایندگی مستقل سامانهٔ پیامک

شماره قرارداد: {{contractNumber}} — تاریخ: {{date}}

## ماده ۱ — طرفین قرارداد

طرف اول: {{parentName}} با شناسه {{parentNationalNumber}} به نشانی {{parentAddress}} و تلفن {{parentPhone}} که در این قرارداد «سامانه» نامیده می‌شود.

طرف دوم: {{businessName}} ({{legalType}}) به نمایندگی {{applicantName}} با شناسه {{nationalNumber}} به نشانی {{address}}، تلفن {{phone}} و رایانامه {{email}} که در این قرارداد «نماینده» نامیده می‌شود.

## ماده ۲ — موضوع قرارداد

واگذاری حق استفاده از پنل ارسال و دریافت پیامک با نام تجاری نماینده، برای فروش خدمات پیامک به مشتریان نماینده، مطابق ضوابط سامانه و مقررات کشور.

## ماده ۳ — مبلغ و مدت

حق نمایندگی {{fee}} ریال است که از اعتبار حساب نماینده کسر شد. مدت قرارداد از {{validFrom}} تا {{validUntil}} است و با پرداخت هزینهٔ تمدید به مبلغ {{renewalFee}} ریال برای یک سال دیگر تمدید می‌شود. پس از پایان مدت، نماینده {{graceDays}} روز مهلت تمدید دارد؛ پس از آن امکانات مدیریتی پنل تا تمدید متوقف می‌شود ولی ارسال مشتریان ادامه می‌یابد و هیچ داده‌ای حذف نمی‌شود.

## ماده ۴ — تعهدات نماینده

نماینده مسئول احراز هویت مشتریان خود، رعایت قوانین ارسال پیامک تبلیغاتی و پاسخ‌گویی به مشتریان خود است.

## ماده ۵ — نسخه‌ها

این قرارداد در دو نسخه تنظیم شده است. نماینده نسخهٔ امضاشده را با پست برای سامانه می‌فرستد و سامانه نسخهٔ دوم را پس از امضا باز می‌گرداند.

امضای سامانه: {{parentName}}          امضای نماینده: {{applicantName}}
`;

const templateVariable = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export function unknownContractVariables(template: string): string[] {
  const known = new Set<string>(contractVariables);
  return [...new Set([...template.matchAll(templateVariable)].map((m) => m[1]).filter((n) => !known.has(n)))];
}

/** 2026-01-10 (a UTC instant read on the Tehran calendar) → «۱۴۰۴/۱۰/۲۰». */
export function jalaliDate(at: Date): string {
  const tehran = new Date(at.getTime() + 3.5 * 3_600_000);
  const j = gregorianToJalali({ year: tehran.getUTCFullYear(), month: tehran.getUTCMonth() + 1, day: tehran.getUTCDate() });
  return toPersianDigits(formatYmd(j, '/'));
}

export const rialsFa = (amount: bigint) => toPersianDigits(groupDigits(amount));

export function fillContract(template: string, vars: ContractVars): Block[] {
  const filled = template.replace(templateVariable, (_m, name: string) => (name in vars ? vars[name as keyof ContractVars] : ''));
  return filled
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p): Block => {
      if (p.startsWith('## ')) return { kind: 'heading', text: p.slice(3) };
      if (p.startsWith('# ')) return { kind: 'title', text: p.slice(2) };
      return { kind: 'paragraph', text: p.replace(/\s*\n\s*/g, ' ') };
    });
}

export async function renderContract(template: string, vars: ContractVars): Promise<Buffer> {
  return renderRtlPdf(fillContract(template, vars), { title: `قرارداد نمایندگی ${vars.contractNumber}`, author: vars.parentName });
}
