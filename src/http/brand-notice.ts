// The words of a brand's notice on its sign-in page (agencies/notice.ts decides which), in the
// caller's language, dates Jalali in Persian.
import { jalaliDate } from '../contracts/contract.ts';
import type { Lang } from '../lib/i18n.ts';
import type { AdminNotice, BrandNotice } from '../modules/accounts/types.ts';
import { errorMessage } from './errors.ts';

export function noticeMessage(n: AdminNotice, lang: Lang): string {
  if (n.code === 'AGENCY_ADMIN_SUSPENDED') return errorMessage('AGENCY_ADMIN_SUSPENDED', lang);
  const until = lang === 'fa' ? jalaliDate(new Date(n.graceUntil)) : n.graceUntil.slice(0, 10);
  return lang === 'fa' ? `اعتبار این پنل به پایان رسیده است؛ تا ${until} برای تمدید فرصت هست.` : `This panel’s term has ended; it can be renewed until ${until}.`;
}

/** The notice as GET /api/v1/brand shows it: what agencies/notice.ts decided, in the caller's words. */
export type WordedNotice = (brand: { accountId: string; isPlatform: boolean }, lang: Lang) => Promise<(AdminNotice & { message: string }) | null>;

export function wordedNotice(notice: BrandNotice): WordedNotice {
  return async (brand, lang) => {
    const n = await notice(brand);
    return n && { ...n, message: noticeMessage(n, lang) };
  };
}
