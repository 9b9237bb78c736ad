import { z } from 'zod';
import { applicationStatuses, type Application } from './repo.ts';
import { rials } from '../billing/schema.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const fieldsBody = z.object({
  businessName: z.string().trim().max(200).default(''),
  legalType: z.enum(['natural', 'legal']).describe('natural: national code (کد ملی, 10 digits); legal: national ID (شناسه ملی, 11 digits)'),
  nationalNumber: z.string().trim().max(20).default(''),
  address: z.string().trim().max(500).default(''),
  phone: z.string().trim().max(30).default(''),
  email: z.string().email().max(200).nullable().default(null),
  plan: z.string().trim().max(2000).default('').describe('what the applicant plans to sell'),
});
export const fieldsPatch = z.object({
  businessName: z.string().trim().max(200).optional(),
  legalType: z.enum(['natural', 'legal']).optional(),
  nationalNumber: z.string().trim().max(20).optional(),
  address: z.string().trim().max(500).optional(),
  phone: z.string().trim().max(30).optional(),
  email: z.string().email().max(200).nullable().optional(),
  plan: z.string().trim().max(2000).optional(),
});
export const documentBody = z.object({
  kind: z.enum(['national_card', 'company_registration', 'official_gazette', 'business_license', 'other']),
  filename: z.string().trim().min(1).max(200),
  data: z.string().max(7_200_000).describe('base64: JPEG, PNG or PDF by its bytes, at most 5 MB'),
});
export const quoteBody = z.object({ fee: rials, renewalFee: rials.optional(), note: z.string().trim().max(1000).optional() });
export const reasonBody = z.object({ reason: z.string().trim().min(1).max(1000) });
export const cancelBody = z.object({ reason: z.string().trim().max(1000).optional() });
export const paymentBody = z.object({ method: z.enum(['online', 'deposit']), reference: z.string().trim().min(3).max(64).describe('the payment id (pay_…) or deposit id (dep_…)') });
export const postedBody = z.object({ postedOn: day, trackingNumber: z.string().trim().min(4).max(40) });
export const receivedBody = z.object({ receivedOn: day });
export const listQuery = z.object({
  side: z.enum(['mine', 'queue']).default('queue'),
  status: z.enum(applicationStatuses).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const settingsBody = z.object({
  renewalFee: rials.nullable().optional(),
  graceDays: z.number().int().min(0).max(365).optional(),
  userRenewalFee: rials.optional(),
  contractTemplate: z.string().max(50_000).nullable().optional(),
  legalName: z.string().trim().max(200).optional(),
  nationalNumber: z.string().trim().max(20).optional(),
  address: z.string().trim().max(500).optional(),
  phone: z.string().trim().max(30).optional(),
});
export const termsBody = z.object({ renewalFee: rials.optional(), graceDays: z.number().int().min(0).max(365).optional() });

export const applicationView = z.object({
  id: z.string(), applicantId: z.string(), parentId: z.string(), status: z.enum(applicationStatuses),
  businessName: z.string(), legalType: z.enum(['natural', 'legal']), nationalNumber: z.string(), address: z.string(), phone: z.string(), email: z.string().nullable(), plan: z.string(),
  fee: z.string().nullable(), renewalFee: z.string().nullable(), quoteNote: z.string().nullable(), paymentMethod: z.string().nullable(), paymentReference: z.string().nullable(),
  feeTransactionId: z.string().nullable(), activatedAt: z.string().nullable(), validUntil: z.string().nullable(), contractNumber: z.string().nullable(), contractSentAt: z.string().nullable(),
  contractUrl: z.string().nullable(), signedPostedOn: z.string().nullable(), signedTracking: z.string().nullable(), receivedOn: z.string().nullable(),
  countersignedOn: z.string().nullable(), countersignedTracking: z.string().nullable(), reason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});

export function toView(a: Application): z.infer<typeof applicationView> {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: a.id, applicantId: a.applicantId, parentId: a.parentId, status: a.status, businessName: a.businessName, legalType: a.legalType, nationalNumber: a.nationalNumber,
    address: a.address, phone: a.phone, email: a.email, plan: a.plan, fee: a.fee?.toString() ?? null, renewalFee: a.renewalFee?.toString() ?? null, quoteNote: a.quoteNote,
    paymentMethod: a.paymentMethod, paymentReference: a.paymentReference, feeTransactionId: a.feeTransactionId, activatedAt: iso(a.activatedAt), validUntil: iso(a.validUntil),
    contractNumber: a.contractNumber, contractSentAt: iso(a.contractSentAt), contractUrl: a.contractSentAt ? `/api/v1/agency-applications/${a.id}/contract.pdf` : null,
    signedPostedOn: a.signedPostedOn, signedTracking: a.signedTracking, receivedOn: a.receivedOn, countersignedOn: a.countersignedOn, countersignedTracking: a.countersignedTracking,
    reason: a.reason, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(),
  };
}
