import { z } from 'zod';
import { priorities } from '../notifications/quiet.ts';
import { categoryLabels, type TicketCategory } from './alerts.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './attachments.ts';

export const ticketStatuses = ['waiting_for_support', 'waiting_for_user', 'answered', 'closed', 'forwarded'] as const;
export const ticketCategories = Object.keys(categoryLabels) as [TicketCategory, ...TicketCategory[]];

const text = z.string().trim().min(1).max(10_000);

/** Fields of POST /tickets, as JSON or as multipart/form-data fields. */
export const openTicketFields = z.object({
  category: z.enum(ticketCategories).default('other'),
  priority: z.enum(priorities).default('normal'),
  subject: z.string().trim().min(1).max(200),
  text,
});

/** Fields of POST /tickets/{id}/messages. */
export const replyFields = z.object({
  text: text.optional(),
  cannedReplyId: z.string().max(64).optional(),
  /** support side only: what the ticket waits for after this reply */
  status: z.enum(['answered', 'waiting_for_user']).optional(),
});

export const formNote = `Send JSON, or multipart/form-data with the same fields plus up to ${MAX_ATTACHMENTS} files (PNG, JPEG, PDF or plain text, each at most ${MAX_ATTACHMENT_BYTES / 1048576} MB; the type is read from the bytes).`;

export const listTicketsQuery = z.object({
  box: z.enum(['all', 'opened', 'support']).default('all'),
  status: z.enum(ticketStatuses).optional(),
  priority: z.enum(priorities).optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ticketIdParams = z.object({ id: z.string().max(64) });
export const forwardBody = z.object({ note: z.string().trim().max(2000).optional() });
export const cannedBody = z.object({ title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(10_000) });

const person = z.object({ id: z.string(), username: z.string(), displayName: z.string() });

export const ticketSummaryView = z.object({
  id: z.string(),
  subject: z.string(),
  category: z.string(),
  priority: z.enum(priorities),
  status: z.enum(ticketStatuses),
  side: z.enum(['user', 'support']).describe('your side of this ticket: user = you opened it, support = you answer it'),
  opener: person,
  assignee: person.nullable().describe('the agency handling it now (support side only)'),
  unread: z.number().describe('messages by others you have not read'),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastMessageAt: z.string(),
  closedAt: z.string().nullable(),
});

export const attachmentView = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() });

export const ticketView = ticketSummaryView.extend({
  pathIds: z.array(z.string()).describe('agencies the ticket reached, in order (support side only; empty for the opener)'),
  messages: z.array(z.object({ id: z.string(), side: z.enum(['user', 'support']), author: person.nullable(), text: z.string(), createdAt: z.string(), attachments: z.array(attachmentView) })),
  forwards: z.array(z.object({ from: person, to: person, note: z.string().nullable(), at: z.string() })),
});

export const ticketPage = z.object({ items: z.array(ticketSummaryView), total: z.number(), page: z.number(), pageSize: z.number() });

export const unreadView = z.object({
  opened: z.object({ tickets: z.number(), messages: z.number() }).describe('tickets you opened'),
  support: z.object({ tickets: z.number(), messages: z.number() }).describe('tickets you answer'),
});

export const cannedView = z.object({ id: z.string(), title: z.string(), body: z.string(), createdAt: z.string(), updatedAt: z.string() });
