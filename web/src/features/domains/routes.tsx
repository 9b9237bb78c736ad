// The domains page and its navbar entry, for App.tsx and Shell.tsx (agencies and the platform).
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { DomainsPage } from './DomainsPage.tsx';

const owner = (me: Me) => me.kind !== 'user';

export const domainsNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [{ to: '/domains', label: 'domains.nav', visible: owner }];

export function domainsPage(path: string, me: Me): JSX.Element | null {
  if (path === '/domains' && owner(me)) return <DomainsPage />;
  return null;
}
