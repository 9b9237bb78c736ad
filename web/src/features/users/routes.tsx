// User management and the records search, with their navbar entries, for App.tsx and Shell.tsx
// (agencies and the platform).
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { RecordsPage } from './RecordsPage.tsx';
import { UsersPage } from './UsersPage.tsx';

const manager = (me: Me) => me.kind !== 'user';

export const usersNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [
  { to: '/users', label: 'users.nav', visible: manager },
  { to: '/records', label: 'users.nav.records', visible: manager },
];

export function usersPage(path: string, me: Me): JSX.Element | null {
  if (!manager(me)) return null;
  if (path === '/users') return <UsersPage />;
  if (path === '/records') return <RecordsPage key={location.search} />;
  return null;
}
