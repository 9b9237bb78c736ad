import { z } from 'zod';
import { lineTypeList, operators } from './policy.ts';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

export const windowRule = z.object({
  operator: z.enum([...operators, '*']).default('*'),
  lineType: z.enum([...lineTypeList, '*']).default('*'),
  start: clock,
  end: clock,
});

/** Every field optional: null or absent = inherit from above. */
export const policyBody = z.object({
  optOutFooter: z.enum(['append', 'reject']).nullable().default(null),
  outsideHours: z.enum(['hold', 'reject']).nullable().default(null),
  sendingWindows: z.array(windowRule).max(100).nullable().default(null),
  wordAction: z.enum(['moderate', 'reject']).nullable().default(null),
  linkAction: z.enum(['allow', 'moderate', 'reject']).nullable().default(null),
  cardAction: z.enum(['allow', 'moderate', 'reject']).nullable().default(null),
  moderationThreshold: z.number().int().min(0).max(100_000_000).nullable().default(null),
  moderateWithoutKyc: z.boolean().nullable().default(null),
  kycOwnMobileOnly: z.boolean().nullable().default(null),
});

export const policyView = z.object({
  accountId: z.string(),
  effective: z.object({
    optOutFooter: z.string(),
    outsideHours: z.string(),
    wordAction: z.string(),
    linkAction: z.string(),
    cardAction: z.string(),
    moderationThreshold: z.number(),
    moderateWithoutKyc: z.boolean(),
    kycOwnMobileOnly: z.boolean(),
    sendingWindows: z.array(z.object({ operator: z.string(), lineType: z.string(), start: z.string().nullable(), end: z.string().nullable() })),
  }),
  own: z.record(z.string(), z.unknown()),
});

export const accountIdParams = z.object({ accountId: z.string().max(64) });
export const page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
};

export const wordsBody = z.object({ words: z.array(z.string().trim().min(2).max(100)).min(1).max(1000) });
export const wordsView = z.object({ own: z.array(z.string()), inherited: z.array(z.string()) });

export const blacklistBody = z.object({ numbers: z.array(z.string().max(40)).min(1).max(100_000) });
export const blacklistPage = z.object({
  items: z.array(z.object({ number: z.string(), createdAt: z.string() })),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const importResult = z.object({ lines: z.number(), valid: z.number(), invalid: z.number(), added: z.number(), removed: z.number(), total: z.number() });

export const moderationItem = z.object({
  id: z.string(),
  batchId: z.string(),
  accountId: z.string(),
  reasons: z.array(z.string()),
  messageClass: z.string(),
  body: z.string(),
  recipients: z.number(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});

export const decisionBody = z.object({ comment: z.string().trim().max(2000).optional() });
