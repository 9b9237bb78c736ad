// What an agency's sign-in page says about its term (GET /api/v1/brand on its hosts): past the
// grace period its admin features are suspended, and everyone signing in there should know why.
import { errorMessage } from '../../http/errors.ts';
import type { Lang } from '../../lib/i18n.ts';
import type { BrandNotice } from '../accounts/routes.ts';
import { jalaliDate } from '../../contracts/contract.ts';
import type { TermService } from './terms.ts';

export function adminStateNotice(terms: TermService): BrandNotice {
  return async (brand, lang: Lang) => {
    if (brand.isPlatform) return null;
    const s = await terms.adminState(brand.accountId);
    // An agency's customers need not hear that its term ends soon: only that it has ended.
    if (!s || s.state === 'active' || s.state === 'expiring') return null;
    const until = (iso: string) => (lang === 'fa' ? jalaliDate(new Date(iso)) : iso.slice(0, 10));
    const base = { validUntil: s.validUntil, graceUntil: s.graceUntil };
    if (s.state === 'suspended') return { ...base, code: 'AGENCY_ADMIN_SUSPENDED' as const, message: errorMessage('AGENCY_ADMIN_SUSPENDED', lang) };
    if (s.state === 'grace') {
      const message = lang === 'fa' ? `اعتبار این پنل به پایان رسیده است؛ تا ${until(s.graceUntil)} برای تمدید فرصت هست.` : `This panel’s term has ended; it can be renewed until ${until(s.graceUntil)}.`;
      return { ...base, code: 'AGENCY_IN_GRACE' as const, message };
    }
    return null;
  };
}
