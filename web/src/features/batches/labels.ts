// Names and colours of statuses, operators and classes, shared by the send, batch, lines and
// routing screens. Anything the catalog does not know is shown as the server spells it.
import { fa, type MessageKey } from '../../i18n/fa.ts';

export const recipientStatuses = ['queued', 'scheduled', 'held', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'rejected', 'blacklisted', 'cancelled', 'expired'] as const;
export const operators = ['mci', 'irancell', 'rightel', 'other'] as const;
export const messageClasses = ['service', 'advertising', 'otp'] as const;

/** A catalog key built from a server value, or null when the catalog has no such key. */
export const knownKey = (key: string): MessageKey | null => (key in fa ? (key as MessageKey) : null);

export function labelOf(t: (k: MessageKey) => string, prefix: string, value: string): string {
  const k = knownKey(`${prefix}${value}`);
  return k ? t(k) : value;
}

const colors: Record<string, string> = {
  delivered: 'teal', sent: 'blue', sending: 'blue', queued: 'gray', scheduled: 'violet', held: 'yellow',
  undelivered: 'orange', failed: 'red', rejected: 'red', blacklisted: 'dark', cancelled: 'gray', expired: 'orange', done: 'teal',
};
export const statusColor = (s: string) => colors[s] ?? 'gray';

/** Rials as the API sends them (integer strings), for num(): never through a float. */
export const rials = (s: string): bigint => {
  try {
    return BigInt(s);
  } catch {
    return 0n;
  }
};
