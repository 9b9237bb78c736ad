// The phonebook, import, campaign and pattern pages and their navbar entries, for App.tsx and
// Shell.tsx.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { CampaignPage } from '../campaigns/CampaignPage.tsx';
import { PatternsPage } from '../patterns/PatternsPage.tsx';
import { PatternReviewPage } from '../patterns/ReviewPage.tsx';
import { GroupPage } from './GroupPage.tsx';
import { GroupsPage } from './GroupsPage.tsx';
import { ImportPage } from './ImportPage.tsx';

type NavItem = { to: string; label: MessageKey; visible(me: Me): boolean };
const always = () => true;

export const phonebookNav: NavItem[] = [
  { to: '/phonebook', label: 'pb.nav', visible: always },
  { to: '/campaigns', label: 'camp.nav', visible: always },
  { to: '/patterns', label: 'pat.nav', visible: always },
  { to: '/patterns/review', label: 'pat.reviewNav', visible: (me) => me.kind === 'platform' },
];

export function phonebookPage(path: string, me: Me): JSX.Element | null {
  if (path === '/phonebook') return <GroupsPage />;
  if (path === '/campaigns') return <CampaignPage />;
  if (path === '/patterns') return <PatternsPage />;
  if (path === '/patterns/review' && me.kind === 'platform') return <PatternReviewPage />;
  const imp = /^\/phonebook\/([^/]+)\/import$/.exec(path);
  if (imp) return <ImportPage key={imp[1]} groupId={decodeURIComponent(imp[1])} />;
  const g = /^\/phonebook\/([^/]+)$/.exec(path);
  if (g) return <GroupPage key={g[1]} id={decodeURIComponent(g[1])} />;
  return null;
}
