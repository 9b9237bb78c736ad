// The pages the payer's browser sees outside the panel: the sandbox gateway and the result of a
// payment. Persian first, English beside it; no scripts (the CSP allows none inline).
import { toPersianDigits } from '../../lib/i18n.ts';
import { groupDigits } from '../../lib/money.ts';
import type { Payment } from './topups-repo.ts';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: Vazirmatn, Tahoma, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #222; text-align: center">
${body}
</body></html>`;
}

const button = (href: string, color: string, label: string) =>
  `<a href="${esc(href)}" style="display: inline-block; margin: .5rem; padding: .8rem 1.6rem; border-radius: .5rem; background: ${color}; color: #fff; text-decoration: none">${label}</a>`;

export function sandboxPage(p: Payment, authority: string): string {
  const total = groupDigits(p.total);
  const back = (status: 'OK' | 'NOK') => `/pay/callback/${p.id}?Authority=${encodeURIComponent(authority)}&Status=${status}`;
  return page(
    'درگاه آزمایشی — Sandbox gateway',
    `<h1>درگاه پرداخت آزمایشی</h1>
<p dir="ltr" lang="en">Sandbox payment gateway: no real money moves.</p>
<p>مبلغ: <strong>${toPersianDigits(total)}</strong> ریال (شامل ${toPersianDigits(groupDigits(p.vat))} ریال مالیات بر ارزش افزوده)</p>
<p dir="ltr" lang="en">Amount: <strong>${total}</strong> IRR (VAT ${groupDigits(p.vat)} included)</p>
<p>${button(back('OK'), '#2b8a3e', 'پرداخت موفق — Pay (success)')}</p>
<p>${button(back('NOK'), '#c92a2a', 'پرداخت ناموفق — Fail')}</p>`,
  );
}

export function paymentResultPage(p: Payment | null): string {
  if (!p) return page('۴۰۴', '<h1>پرداخت پیدا نشد</h1><p dir="ltr" lang="en">Payment not found.</p>');
  const ok = p.status === 'verified';
  const head = ok ? 'پرداخت با موفقیت انجام شد' : p.status === 'failed' ? 'پرداخت ناموفق بود' : 'پرداخت در حال بررسی است';
  const en = ok ? 'Payment succeeded.' : p.status === 'failed' ? 'Payment failed.' : 'Payment is being checked.';
  const details = ok
    ? `<p>مبلغ شارژ: ${toPersianDigits(groupDigits(p.amount))} ریال — مالیات: ${toPersianDigits(groupDigits(p.vat))} ریال — جمع: ${toPersianDigits(groupDigits(p.total))} ریال</p>
<p>کد پیگیری: <span dir="ltr">${esc(p.refId ?? '')}</span></p>
<p dir="ltr" lang="en">Credit ${groupDigits(p.amount)} IRR + VAT ${groupDigits(p.vat)} = ${groupDigits(p.total)} IRR; reference ${esc(p.refId ?? '')}</p>`
    : '';
  return page(head, `<h1>${head}</h1><p dir="ltr" lang="en">${en}</p>${details}<p><a href="/topup/payments/${encodeURIComponent(p.id)}">بازگشت به پنل — Back to the panel</a></p>`);
}
