// Request and response shapes of the money API. Amounts are strings of integer rials.
import { z } from 'zod';
import { MAX_RIALS } from '../../lib/money.ts';
import { alphabets, messageClasses, operators } from './pricing.ts';

/** At most MAX_RIALS either way: refused as VALIDATION_FAILED naming the bound (validation-messages.ts).
 * A string that is not digits is the regex's issue alone. */
const withinBound = (s: string) => !/^-?\d{1,18}$/.test(s) || (BigInt(s) <= MAX_RIALS && BigInt(s) >= -MAX_RIALS);
const bound = { params: { reason: 'rials_bound', maximum: MAX_RIALS.toString() } };
export const rials = z.string().trim().regex(/^\d{1,18}$/, 'a whole number of rials, as a string').refine(withinBound, bound).describe(`rials, as a string of digits, at most ${MAX_RIALS}`);
export const signedRials = z.string().trim().regex(/^-?\d{1,18}$/, 'a whole number of rials, as a string').refine(withinBound, bound).describe(`rials, as a string; negative takes credit back; at most ${MAX_RIALS} either way`);
const bp = z.number().int().min(0).max(10_000_000).describe('basis points: 10000 = 1.0');
const lineType = z.string().trim().min(1).max(20).describe('public, 1000, 2000, 3000, 5000, 9000, fixed, or a type of your own');

export const idParams = z.object({ id: z.string() });

export const balanceView = z.object({
  balance: z.string().describe('available to spend now'),
  reserved: z.string().describe('held by sends not yet settled'),
  creditLimit: z.string().describe('how far below zero the balance may go'),
  backing: z.string().describe('your own money set aside for the credit limits you granted your children (not spendable until you lower them)'),
  lowCreditThreshold: z.string().nullable(),
  currency: z.literal('IRR'),
});

export const walletView = balanceView.extend({ accountId: z.string(), groupId: z.string().nullable() });

export const thresholdBody = z.object({ threshold: rials.nullable() });

export const transactionTypes = ['topup', 'transfer', 'send_reserve', 'settle', 'refund', 'agency_fee', 'renewal', 'adjustment', 'credit_backing'] as const;

export const statementQuery = z.object({
  type: z.enum(transactionTypes).optional(),
  from: z.coerce.date().optional().describe('inclusive, ISO 8601'),
  to: z.coerce.date().optional().describe('exclusive, ISO 8601'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  format: z.enum(['json', 'csv']).default('json'),
  lang: z.enum(['fa', 'en']).optional().describe('the language of descriptions (and CSV headings); default: Accept-Language'),
});

export const statementItem = z.object({
  id: z.string(),
  type: z.enum(transactionTypes),
  amount: z.string().describe('change of the available balance'),
  reservedChange: z.string(),
  balanceAfter: z.string().nullable(),
  description: z.string().describe('what the transaction was, in the language asked for (lang, else Accept-Language)'),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('the facts the description is made from, e.g. {"messages": 12}'),
  note: z.string().describe('text a person typed (a transfer’s note), as typed; empty otherwise'),
  reference: z.string().nullable(),
  createdAt: z.string(),
});
export const statementPage = z.object({ items: z.array(statementItem), total: z.number(), page: z.number(), pageSize: z.number() });

export const creditBody = z.object({ amount: signedRials, note: z.string().trim().max(500).default('') });
export const creditResult = z.object({ transactionId: z.string(), amount: z.string(), balance: z.string(), childBalance: z.string(), replayed: z.boolean() });
export const creditLimitBody = z.object({ creditLimit: rials });
export const groupAssignBody = z.object({ groupId: z.string() });

export const coefficients = z
  .object({
    alphabet: z.object({ gsm7: bp.optional(), ucs2: bp.optional() }).optional(),
    operator: z.partialRecord(z.enum(operators), bp).optional(),
    lineType: z.record(z.string().max(20), bp).optional(),
    class: z.object({ service: bp.optional(), advertising: bp.optional(), otp: bp.optional() }).optional(),
  })
  .describe('coefficients in basis points; a missing one is 10000 (1.0)');

const override = z.object({ operator: z.enum(operators), lineType, messageClass: z.enum(messageClasses), alphabet: z.enum(alphabets), price: rials.describe('rials per part') });

export const groupBody = z.object({
  name: z.string().trim().min(1).max(100),
  basePrice: rials.optional().describe('rials per part of a Persian (UCS-2) message before coefficients'),
  receivePrice: rials.optional().describe('rials per received message'),
  coefficients: coefficients.optional(),
  overrides: z.array(override).max(500).optional().describe('explicit prices per part that replace base × coefficients for their cell'),
});
export const groupPatch = groupBody.partial();

export const groupView = z.object({
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  members: z.number(),
  basePrice: z.string(),
  receivePrice: z.string(),
  coefficients,
  overrides: z.array(override),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const groupDetail = groupView.extend({
  prices: z.array(z.object({
    operator: z.string(), lineType: z.string(), messageClass: z.string(), alphabet: z.string(), price: z.string(), overridden: z.boolean(),
    cost: z.string().nullable().describe('what you pay your parent for one part of this cell (null for the platform)'),
    ceiling: z.string().nullable().describe('the most the platform lets you charge for one part of this cell (null for the platform)'),
  })).describe('price of one part per cell'),
});

export const priceCeilingView = z.object({
  multiple: z.number().int().min(1).max(10_000).describe('an agency may charge at most this many times the platform’s price for a cell'),
  reference: rials.describe('rials per part used instead of the platform’s price when that is lower (a new install prices at 0)'),
});

const previewCount = z.object({ operator: z.enum(operators), alphabet: z.enum(alphabets), parts: z.number().int().min(1).max(20), count: z.number().int().min(1).max(10_000_000) });
export const previewBody = z
  .object({
    accountId: z.string().optional().describe('an account of your subtree; default you'),
    lineType,
    class: z.enum(messageClasses),
    recipients: z.array(previewCount.omit({ count: true })).max(100_000).optional(),
    counts: z.array(previewCount).max(1000).optional(),
  })
  .refine((b) => Boolean(b.recipients?.length) !== Boolean(b.counts?.length), { message: 'give recipients or counts', path: ['recipients'] });

export const previewView = z.object({
  accountId: z.string(),
  total: z.string().describe('what the account pays'),
  levels: z.array(
    z.object({
      level: z.number(),
      accountId: z.string(),
      kind: z.string(),
      paysTo: z.string(),
      amount: z.string(),
      perCell: z.array(z.object({ operator: z.string(), alphabet: z.string(), parts: z.number(), count: z.number(), unitPrice: z.string() })),
    }),
  ),
});

export const reconcileView = z.object({
  ok: z.boolean(),
  wallets: z.array(z.object({
    walletId: z.string(), accountId: z.string(), balance: z.string(), ledgerBalance: z.string(), reserved: z.string(), ledgerReserved: z.string(), openReservations: z.string(),
    backing: z.string(), ledgerBacking: z.string(),
  })),
  unbalancedTransactions: z.array(z.object({ transactionId: z.string(), total: z.string() })),
  unbackedCredit: z.array(z.object({ accountId: z.string(), backing: z.string(), granted: z.string() })).describe('agencies whose backing is not the sum of the credit limits they granted'),
});
