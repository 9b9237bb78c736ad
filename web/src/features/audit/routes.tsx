// The audit log page and its navbar entry (agencies and the platform), for App.tsx and Shell.tsx.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { AuditPage } from './AuditPage.tsx';

export const auditNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [{ to: '/audit', label: 'audit.nav', visible: (me) => me.kind !== 'user' }];

export function auditPage(path: string, me: Me): JSX.Element | null {
  if (path === '/audit' && me.kind !== 'user') return <AuditPage />;
  return null;
}
