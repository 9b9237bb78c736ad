// Request and response shapes of the top-up API: gateways, payments, bank accounts, deposits.
import { z } from 'zod';
import { gatewayKinds } from '../../payments/gateway.ts';
import { rials } from './schema.ts';

export const directionQuery = z.object({
  direction: z.enum(['mine', 'received']).default('mine').describe('mine: what you paid; received: what your direct children paid you'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const gatewaySettings = z.object({
  merchantId: z.string().trim().min(1).max(100).optional().describe('your merchant id at the gateway (Zarinpal: 36 characters)'),
  baseUrl: z.string().url().max(300).optional().describe('the gateway’s API address, when not the default'),
});
export const gatewayBody = z.object({ kind: z.enum(gatewayKinds), name: z.string().trim().min(1).max(100), settings: gatewaySettings.default({}), enabled: z.boolean().default(true) });
export const gatewayPatch = z.object({ name: z.string().trim().min(1).max(100).optional(), settings: gatewaySettings.optional(), enabled: z.boolean().optional() });
export const gatewayView = z.object({
  id: z.string(), kind: z.enum(gatewayKinds), name: z.string(), enabled: z.boolean(),
  merchantId: z.string().nullable().describe('masked: never returned in full'), baseUrl: z.string().nullable(), createdAt: z.string(),
});

export const bankAccountBody = z.object({
  bankName: z.string().trim().min(1).max(100),
  holderName: z.string().trim().min(1).max(200),
  iban: z.string().trim().min(24).max(40).describe('شبا: IR and 24 digits, checked with mod 97'),
  cardNumber: z.string().trim().max(30).nullable().optional().describe('16 digits, checked with Luhn'),
  accountNo: z.string().trim().max(40).nullable().optional(),
});
export const bankAccountView = z.object({ id: z.string(), bankName: z.string(), holderName: z.string(), iban: z.string(), cardNumber: z.string().nullable(), accountNo: z.string().nullable(), enabled: z.boolean() });

export const topupOptionsView = z.object({
  vatBp: z.number().describe('VAT in basis points (1000 = 10%), added on top of the amount'),
  gateways: z.array(z.object({ id: z.string(), kind: z.enum(gatewayKinds), name: z.string() })),
  bankAccounts: z.array(bankAccountView),
});

export const paymentBody = z.object({ gatewayId: z.string(), amount: rials.describe('the credit you want; you pay this plus VAT') });
export const paymentView = z.object({
  id: z.string(), payerId: z.string(), payeeId: z.string(), gatewayId: z.string(),
  amount: z.string().describe('credited'), vat: z.string(), total: z.string().describe('paid: amount + VAT'),
  status: z.enum(['pending', 'verifying', 'verified', 'failed']), credited: z.boolean(), refId: z.string().nullable(), cardPan: z.string().nullable(),
  errorCode: z.string().nullable(), createdAt: z.string(), verifiedAt: z.string().nullable(),
});
export const paymentStarted = paymentView.extend({ redirectUrl: z.string().describe('send the payer’s browser here') });

export const depositBody = z.object({
  amount: rials.describe('the whole sum deposited, VAT included'),
  paidOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('the deposit date, YYYY-MM-DD (Gregorian)'),
  trackingNumber: z.string().trim().min(3).max(60),
  bankAccountId: z.string().nullable().optional(),
  receipt: z.object({ data: z.string().max(7_200_000).describe('the receipt file, base64: JPEG, PNG or PDF, at most 5 MB') }),
});
export const depositView = z.object({
  id: z.string(), payerId: z.string(), payeeId: z.string(), bankAccountId: z.string().nullable(), amount: z.string(), vat: z.string(), total: z.string(),
  paidOn: z.string(), trackingNumber: z.string(), receiptType: z.string(), status: z.enum(['pending', 'approved', 'rejected']), reason: z.string().nullable(),
  decidedAt: z.string().nullable(), createdAt: z.string(),
});
export const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
export const vatView = z.object({ vatBp: z.number() });
export const vatBody = z.object({ vatBp: z.number().int().min(0).max(10_000) });
