// The messaging pages (send, sends, inbox, lines, routing, webhooks, compliance, KYC) and their
// navbar entries, for App.tsx and Shell.tsx.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { BatchesPage } from '../batches/BatchesPage.tsx';
import { BatchPage } from '../batches/BatchPage.tsx';
import { CompliancePage } from '../compliance/CompliancePage.tsx';
import { ModerationPage } from '../compliance/ModerationPage.tsx';
import { InboxPage } from '../inbox/InboxPage.tsx';
import { KycPage } from '../kyc/KycPage.tsx';
import { KycReviewPage } from '../kyc/KycReviewPage.tsx';
import { LinesPage } from '../lines/LinesPage.tsx';
import { RoutingPage } from '../routing/RoutingPage.tsx';
import { WebhooksPage } from '../webhooks/WebhooksPage.tsx';
import { SendPage } from './SendPage.tsx';

type NavItem = { to: string; label: MessageKey; visible(me: Me): boolean };
const always = () => true;
const seller = (me: Me) => me.kind !== 'user';
const platform = (me: Me) => me.kind === 'platform';

export const messagingNav: NavItem[] = [
  { to: '/send', label: 'send.nav', visible: always },
  { to: '/batches', label: 'batch.nav', visible: always },
  { to: '/inbox', label: 'inbox.nav', visible: always },
  { to: '/lines', label: 'lines.nav', visible: always },
];

export const operationsNav: NavItem[] = [
  { to: '/webhooks', label: 'webhooks.nav', visible: always },
  { to: '/kyc', label: 'kyc.nav', visible: (me) => me.parentId !== null },
  { to: '/compliance', label: 'compliance.nav', visible: seller },
  { to: '/moderation', label: 'compliance.modNav', visible: seller },
  { to: '/kyc/reviews', label: 'kyc.reviewNav', visible: seller },
  { to: '/routing', label: 'routing.nav', visible: platform },
];

export function messagingPage(path: string, me: Me): JSX.Element | null {
  if (path === '/send') return <SendPage />;
  if (path === '/batches') return <BatchesPage />;
  const m = /^\/batches\/([^/]+)$/.exec(path);
  if (m) return <BatchPage key={m[1]} id={decodeURIComponent(m[1])} />;
  if (path === '/inbox') return <InboxPage />;
  if (path === '/lines') return <LinesPage />;
  if (path === '/webhooks') return <WebhooksPage />;
  if (path === '/kyc' && me.parentId !== null) return <KycPage />;
  if (!seller(me)) return null;
  if (path === '/compliance') return <CompliancePage />;
  if (path === '/moderation') return <ModerationPage />;
  if (path === '/kyc/reviews') return <KycReviewPage />;
  if (path === '/routing' && platform(me)) return <RoutingPage />;
  return null;
}
