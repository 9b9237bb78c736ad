// What an agency's sign-in page must say about its term (GET /api/v1/brand on its hosts): past the
// grace period its admin features are suspended, and everyone signing in there should know why.
// The words are the HTTP layer's (http/brand-notice.ts).
import type { BrandNotice } from '../accounts/types.ts';
import type { TermService } from './validity.ts';

export function adminStateNotice(terms: TermService): BrandNotice {
  return async (brand) => {
    if (brand.isPlatform) return null;
    const s = await terms.adminState(brand.accountId);
    // An agency's customers need not hear that its term ends soon: only that it has ended.
    if (!s || s.state === 'active' || s.state === 'expiring') return null;
    const base = { validUntil: s.validUntil, graceUntil: s.graceUntil };
    if (s.state === 'suspended') return { ...base, code: 'AGENCY_ADMIN_SUSPENDED' };
    if (s.state === 'grace') return { ...base, code: 'AGENCY_IN_GRACE' };
    return null;
  };
}
