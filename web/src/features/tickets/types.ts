// The support API's shapes (src/modules/support/schema.ts).
export const ticketStatuses = ['waiting_for_support', 'waiting_for_user', 'answered', 'closed', 'forwarded'] as const;
export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export const categories = ['technical', 'billing', 'lines', 'account', 'other'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export type Priority = (typeof priorities)[number];
export type Person = { id: string; username: string; displayName: string };
export type TicketSummary = {
  id: string; subject: string; category: string; priority: Priority; status: TicketStatus; side: 'user' | 'support'; opener: Person; assignee: Person | null;
  unread: number; createdAt: string; updatedAt: string; lastMessageAt: string; closedAt: string | null;
};
export type Attachment = { id: string; filename: string; contentType: string; size: number; url: string };
export type Ticket = TicketSummary & {
  pathIds: string[];
  messages: { id: string; side: 'user' | 'support'; author: Person | null; text: string; createdAt: string; attachments: Attachment[] }[];
  forwards: { from: Person; to: Person; note: string | null; at: string }[];
};
export type Canned = { id: string; title: string; body: string };
export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const FILE_ACCEPT = 'image/png,image/jpeg,application/pdf,text/plain';
