// The notification API's shapes (src/modules/notifications/routes.ts) and a signal that tells the
// header's bell to re-count after something here changed what is unread.
export type PanelNotification = { id: string; kind: string; title: string | null; body: string; data: Record<string, unknown>; read: boolean; createdAt: string; readAt: string | null };
export type NotificationPage = { items: PanelNotification[]; total: number; unread: number; page: number; pageSize: number };
export type QuietRule = { smsWindowStart: string; smsWindowEnd: string; minPriorityOutside: 'low' | 'normal' | 'high' | 'urgent' | 'none'; timeZone: string; custom: boolean };
export type TemplateRow = { kind: string; lang: 'fa' | 'en'; subject: string; body: string; sms: string; custom: boolean };

const EVENT = 'chapar:notifications-changed';

export function announceNotificationsChanged() {
  window.dispatchEvent(new Event(EVENT));
}

export function onNotificationsChanged(fn: () => void): () => void {
  window.addEventListener(EVENT, fn);
  return () => window.removeEventListener(EVENT, fn);
}

export const knownKinds = ['ticket.created', 'ticket.replied', 'ticket.forwarded', 'agency.welcome', 'agency.password_reset', 'agency.renewal_reminder', 'agency.low_credit', 'agency.application', 'line.renewal_reminder'] as const;
export type KnownKind = (typeof knownKinds)[number];
export const isKnownKind = (k: string): k is KnownKind => (knownKinds as readonly string[]).includes(k);

/** Where a notification leads: its ticket, when it is about one. */
export function linkOf(n: PanelNotification): string | null {
  const id = n.data.ticketId;
  return typeof id === 'string' && n.kind.startsWith('ticket.') ? `/tickets/${encodeURIComponent(id)}` : null;
}
