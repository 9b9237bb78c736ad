import { z } from 'zod';

/** An account and a brand as the API shows them (auth's session answer includes the account). */
export const accountView = z.object({
  id: z.string(),
  username: z.string(),
  kind: z.enum(['platform', 'agency', 'user']),
  parentId: z.string().nullable(),
  displayName: z.string(),
  mobile: z.string(),
  email: z.string().nullable(),
  status: z.enum(['active', 'suspended', 'expired']),
  locale: z.enum(['fa', 'en']),
  createdAt: z.string(),
});

export const brandView = z.object({ id: z.string(), name: z.string(), nameFa: z.string(), nameEn: z.string(), isPlatform: z.boolean(), settings: z.record(z.string(), z.unknown()) });

export const createAccountBody = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_.-]{2,31}$/),
  password: z.string().min(1).max(200),
  mobile: z.string().trim().min(5).max(30),
  kind: z.enum(['user', 'agency']),
  email: z.string().email().max(200).optional().nullable(),
  displayName: z.string().trim().max(100).optional(),
  locale: z.enum(['fa', 'en']).optional(),
  groupId: z.string().optional().describe('one of your user groups; default your default group'),
  packageId: z.string().optional().describe('one of your access packages: its permissions, group, starting credit and validity'),
});

export const listAccountsQuery = z.object({
  kind: z.enum(['agency', 'user']).optional(),
  status: z.enum(['active', 'suspended', 'expired']).optional(),
  parentId: z.string().optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const accountPage = z.object({ items: z.array(accountView), total: z.number(), page: z.number(), pageSize: z.number() });

export const meView = z.object({
  id: z.string(),
  username: z.string(),
  kind: z.enum(['platform', 'agency', 'user']),
  parentId: z.string().nullable(),
  brand: brandView,
  displayName: z.string(),
  mobile: z.string(),
  email: z.string().nullable(),
  status: z.enum(['active', 'suspended', 'expired']),
  locale: z.enum(['fa', 'en']),
  twoFactorEnabled: z.boolean(),
  parent: z.object({ id: z.string(), username: z.string(), displayName: z.string(), kind: z.string() }).nullable(),
  ownBrand: brandView.nullable(),
  childrenCount: z.number(),
  csrfToken: z.string().nullable(),
  impersonatedBy: z.string().nullable(),
});

export const profileBody = z.object({
  displayName: z.string().trim().max(100).optional(),
  email: z.string().email().max(200).nullable().optional(),
  locale: z.enum(['fa', 'en']).optional(),
});

export const statusBody = z.object({ status: z.enum(['active', 'suspended']) });

export const brandNotice = z.object({
  code: z.enum(['AGENCY_ADMIN_SUSPENDED', 'AGENCY_IN_GRACE', 'AGENCY_EXPIRING']),
  message: z.string(),
  validUntil: z.string(),
  graceUntil: z.string(),
});
