import { z } from 'zod';

export const messageClass = z.enum(['service', 'advertising', 'otp']);
const rials = z.string().describe('integer rials');

/** One JSON request names at most this many recipients (bench/accept-1m.ts); the send route's
 * body limit (CHAPAR_SEND_BODY_LIMIT_MB, 20 MB) bounds the rest. */
export const MAX_RECIPIENTS_PER_REQUEST = 1_000_000;

export const sendBody = z.object({
  to: z.array(z.string().max(40)).min(1).max(MAX_RECIPIENTS_PER_REQUEST),
  text: z.string().min(1).max(5000),
  class: messageClass.default('service'),
  from: z.string().max(40).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional().nullable(),
  perMinute: z.number().int().min(1).max(1_000_000).optional().describe('gradual sending: at most this many messages a minute'),
});
export const quoteBody = sendBody.omit({ sendAt: true, perMinute: true });

const rejected = z.array(z.object({ to: z.string(), code: z.string() }));

export const sendResponse = z.object({
  batchId: z.string(),
  status: z.string(),
  accepted: z.number().describe('recipients that will be sent to (and charged)'),
  blacklisted: z.number().describe('recipients kept as blacklisted: on a blacklist or opted out; not charged'),
  rejected,
  parts: z.number(),
  cost: rials,
});

export const quoteResponse = z.object({
  alphabet: z.enum(['gsm7', 'ucs2']),
  parts: z.number(),
  text: z.string().describe('the text as it will be sent (an advertising footer may have been added)'),
  accepted: z.number(),
  blacklisted: z.number(),
  heldUntil: z.string().nullable().describe('outside the sending hours: when the send would go out'),
  moderation: z.array(z.string()).describe('why the send would wait for moderation'),
  duplicates: z.number(),
  rejected,
  cost: rials,
  shortBy: rials.describe('how much your credit lacks for this send ("0" when it covers it)'),
  perOperator: z.record(z.string(), z.object({ count: z.number(), cost: rials })),
  levels: z.array(z.object({ accountId: z.string(), kind: z.string(), amount: rials })),
  line: z.object({ id: z.string(), number: z.string() }),
});

export const batchView = z.object({
  id: z.string(),
  accountId: z.string(),
  status: z.string(),
  class: messageClass,
  text: z.string(),
  alphabet: z.string(),
  parts: z.number(),
  total: z.number(),
  rejected: z.number(),
  cost: rials,
  counts: z.record(z.string(), z.number()),
  held: z
    .object({ reason: z.enum(['moderation', 'sending_hours']), until: z.string().nullable().describe('when the sending window opens (sending_hours)') })
    .nullable()
    .describe('why a held send waits'),
  lineId: z.string(),
  sendAt: z.string().nullable(),
  createdAt: z.string(),
});

export const recipientsQuery = z.object({
  status: z.string().max(20).optional(),
  q: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  // A message id: an int8, so at most 19 digits and 2^63 - 1.
  cursor: z.string().regex(/^\d{1,19}$/).refine((c) => !/^\d{1,19}$/.test(c) || BigInt(c) <= 9_223_372_036_854_775_807n).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const recipientView = z.object({ to: z.string(), operator: z.string(), status: z.string(), parts: z.number(), cost: rials, error: z.string().nullable(), updatedAt: z.string() });
