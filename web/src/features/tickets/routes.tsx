// The support pages (tickets, canned replies) and their navbar entry, for App.tsx and Shell.tsx.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { CannedPage } from './CannedPage.tsx';
import { NewTicketPage } from './NewTicketPage.tsx';
import { TicketPage } from './TicketPage.tsx';
import { TicketsPage } from './TicketsPage.tsx';

export const supportNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [{ to: '/tickets', label: 'tickets.nav', visible: () => true }];

export function supportPage(path: string, me: Me): JSX.Element | null {
  if (path === '/tickets') return <TicketsPage />;
  if (path === '/tickets/new' && me.parentId) return <NewTicketPage />;
  if (path === '/tickets/canned' && me.kind !== 'user') return <CannedPage />;
  const m = /^\/tickets\/([^/]+)$/.exec(path);
  if (m) return <TicketPage key={m[1]} ticketId={decodeURIComponent(m[1])} />;
  return null;
}
