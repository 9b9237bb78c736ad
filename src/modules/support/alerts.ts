// Who hears about a ticket event, after it commits: a new ticket or a reply from the opener goes
// to the agency now handling it, a forward to the agency it reached, a reply from support to the
// opener. The opener never learns which agency above its own answered (the brand is white-label).
import type { Logger } from 'pino';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { TemplateKind, TemplateVars } from '../notifications/templates.ts';
import type { Ticket } from './repo.ts';

export const priorityLabels = { low: { fa: 'کم', en: 'low' }, normal: { fa: 'عادی', en: 'normal' }, high: { fa: 'بالا', en: 'high' }, urgent: { fa: 'فوری', en: 'urgent' } } as const;
export const categoryLabels = {
  technical: { fa: 'فنی', en: 'technical' },
  billing: { fa: 'مالی', en: 'billing' },
  lines: { fa: 'خطوط', en: 'lines' },
  account: { fa: 'حساب کاربری', en: 'account' },
  other: { fa: 'سایر', en: 'other' },
} as const;
export type TicketCategory = keyof typeof categoryLabels;

const SUPPORT = { fa: 'پشتیبانی', en: 'Support' };
const EXCERPT_CHARS = 300;

function vars(t: Ticket, author: string | { fa: string; en: string }, text: string): TemplateVars {
  return {
    ticketId: t.id,
    subject: t.subject,
    priority: priorityLabels[t.priority],
    category: categoryLabels[t.category as TicketCategory] ?? t.category,
    author,
    excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text,
    status: t.status,
  };
}

const nameOf = (a: Account) => a.displayName || a.username;

export function createTicketAlerts(deps: { accounts: AccountService; notifications: NotificationService; log: Logger }) {
  /** An alert that fails is logged, never undoes the ticket change that already committed. */
  async function alert(to: Account | undefined, kind: TemplateKind, t: Ticket, v: TemplateVars): Promise<void> {
    if (!to) return;
    try {
      await deps.notifications.alert({ to, kind, vars: v, priority: t.priority, data: { ticketId: t.id } });
    } catch (err) {
      deps.log.error({ err, ticketId: t.id, kind, to: to.id }, 'ticket alert failed');
    }
  }

  const ancestor = async (of: Account, id: string) => (await deps.accounts.ancestors(of)).find((a) => a.id === id);

  return {
    async opened(t: Ticket, opener: Account, text: string) {
      await alert(await ancestor(opener, t.assigneeId), 'ticket.created', t, vars(t, nameOf(opener), text));
    },
    async forwarded(t: Ticket, by: Account, note: string | null) {
      if (!by.parentId) return;
      await alert(await ancestor(by, by.parentId), 'ticket.forwarded', t, vars(t, nameOf(by), note ?? ''));
    },
    async replied(t: Ticket, author: Account, side: 'user' | 'support', text: string) {
      if (side === 'user') return alert(await ancestor(author, t.assigneeId), 'ticket.replied', t, vars(t, nameOf(author), text));
      const opener = await deps.accounts.getAccount(scopeOf(author), t.openerId);
      return alert(opener, 'ticket.replied', t, vars(t, SUPPORT, text));
    },
  };
}

export type TicketAlerts = ReturnType<typeof createTicketAlerts>;
