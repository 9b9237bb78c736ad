// The notification pages and their navbar entries, for App.tsx and Shell.tsx (the bell is
// NotificationBell.tsx, in the header).
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { NotificationsPage } from './NotificationsPage.tsx';
import { NotificationSettingsPage } from './SettingsPage.tsx';

// The centre itself is reached from the bell in the header; only its settings take a navbar line.
export const notificationsNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [
  { to: '/notifications/settings', label: 'notifications.settingsNav', visible: (me) => me.kind !== 'user' },
];

export function notificationsPage(path: string, me: Me): JSX.Element | null {
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/notifications/settings' && me.kind !== 'user') return <NotificationSettingsPage />;
  return null;
}
