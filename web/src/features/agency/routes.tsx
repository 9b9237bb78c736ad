// The agency application pages and their navbar entries, for App.tsx and Shell.tsx: a user with a
// parent applies; a platform or agency handles its users' applications.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { ApplyPage } from './ApplyPage.tsx';
import { QueueApplicationPage, QueuePage } from './QueuePage.tsx';

// An agency keeps seeing its own application (the contract steps come after activation).
const applicant = (me: Me) => me.kind !== 'platform' && me.parentId !== null;
const parent = (me: Me) => me.kind !== 'user';

export const agencyNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [
  { to: '/agency/apply', label: 'agency.nav.apply', visible: applicant },
  { to: '/agency/queue', label: 'agency.nav.queue', visible: parent },
];

export function agencyPage(path: string, me: Me): JSX.Element | null {
  if (path === '/agency/apply' && applicant(me)) return <ApplyPage />;
  if (!parent(me)) return null;
  if (path === '/agency/queue') return <QueuePage />;
  const m = /^\/agency\/applications\/([^/]+)$/.exec(path);
  if (m) return <QueueApplicationPage key={m[1]} id={decodeURIComponent(m[1])} />;
  return null;
}
