// The branding page and its navbar entry, for App.tsx and Shell.tsx (agencies and the platform).
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { BrandingPage } from './BrandingPage.tsx';

const owner = (me: Me) => me.kind !== 'user';

export const brandingNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [{ to: '/branding', label: 'branding.nav', visible: owner }];

export function brandingPage(path: string, me: Me): JSX.Element | null {
  if (path === '/branding' && owner(me)) return <BrandingPage />;
  return null;
}
