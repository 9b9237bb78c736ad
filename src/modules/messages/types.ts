// What other modules know of messages: their classes and statuses, without reaching into the messages repo.
export type MessageClass = 'service' | 'advertising' | 'otp';
export type RecipientStatus =
  | 'queued' | 'scheduled' | 'held' | 'sending' | 'sent' | 'delivered' | 'undelivered'
  | 'failed' | 'rejected' | 'blacklisted' | 'cancelled' | 'expired';
export const finalStatuses = ['delivered', 'undelivered', 'failed', 'rejected', 'blacklisted', 'cancelled', 'expired'] as const;
export type FinalStatus = (typeof finalStatuses)[number];
