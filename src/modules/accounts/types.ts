// What every module knows of an account: the shared core's types (accounts/repo.ts reads and
// writes the rows; a module that only needs the type imports this file).
export type AccountKind = 'platform' | 'agency' | 'user';
export type AccountStatus = 'active' | 'suspended' | 'expired';

export type Account = {
  id: string;
  kind: AccountKind;
  parentId: string | null;
  path: string;
  depth: number;
  username: string;
  passwordHash: string;
  displayName: string;
  mobile: string;
  mobileVerifiedAt: Date | null;
  email: string | null;
  status: AccountStatus;
  locale: 'fa' | 'en';
  totpSecret: string | null;
  totpEnabledAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** an agency's term end, or a user's package validity; null: no end */
  validUntil: Date | null;
  packageId: string | null;
};

/** What an agency's sign-in page must say about its term (agencies/notice.ts decides, http/brand-notice.ts words it). */
export type AdminNotice = { code: 'AGENCY_ADMIN_SUSPENDED' | 'AGENCY_IN_GRACE'; validUntil: string; graceUntil: string };
export type BrandNotice = (brand: { accountId: string; isPlatform: boolean }) => Promise<AdminNotice | null>;
