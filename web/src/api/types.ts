// The shapes the panel reads from the HTTP API (see /openapi.json).
export type AccountKind = 'platform' | 'agency' | 'user';
export type AccountStatus = 'active' | 'suspended' | 'expired';
export type Locale = 'fa' | 'en';

export type Brand = { id: string; name: string; nameFa: string; nameEn: string; isPlatform: boolean; settings: Record<string, unknown> };

export type Account = {
  id: string;
  username: string;
  kind: AccountKind;
  parentId: string | null;
  displayName: string;
  mobile: string;
  email: string | null;
  status: AccountStatus;
  locale: Locale;
  createdAt: string;
};

export type Me = {
  id: string;
  username: string;
  kind: AccountKind;
  parentId: string | null;
  brand: Brand;
  displayName: string;
  mobile: string;
  email: string | null;
  status: AccountStatus;
  locale: Locale;
  twoFactorEnabled: boolean;
  parent: { id: string; username: string; displayName: string; kind: string } | null;
  ownBrand: Brand | null;
  childrenCount: number;
  csrfToken: string | null;
  impersonatedBy: string | null;
};

export type Session = { token: string; csrfToken: string; expiresAt: string; account: Account };
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
export type Ok = { ok: true };

export type ApiKey = { id: string; name: string; keyPrefix: string; allowedIps: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
export type NewApiKey = { id: string; key: string; name: string; allowedIps: string[] };
export type TwoFactorSetup = { secret: string; otpauthUrl: string; qrDataUrl: string };

export type OutboxItem = { id: string; channel: 'sms' | 'email' | 'panel'; recipient: string; subject: string | null; body: string; kind: string; status: string; createdAt: string; redacted: boolean };
