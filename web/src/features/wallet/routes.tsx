// The money pages (wallet, top-up, billing) and their navbar entries, for App.tsx and Shell.tsx.
import type { JSX } from 'react';
import type { Me } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/fa.ts';
import { BillingSettingsPage } from '../billing/BillingSettingsPage.tsx';
import { DepositsQueuePage } from '../billing/DepositsQueuePage.tsx';
import { GroupPricesPage } from '../billing/GroupPricesPage.tsx';
import { GroupsPage } from '../billing/GroupsPage.tsx';
import { PreviewPage } from '../billing/PreviewPage.tsx';
import { PaymentResultPage } from '../topup/PaymentResultPage.tsx';
import { TopupPage } from '../topup/TopupPage.tsx';
import { ChildWalletPage } from './ChildWalletPage.tsx';
import { WalletPage } from './WalletPage.tsx';

const seller = (me: Me) => me.kind !== 'user';

export const moneyNav: { to: string; label: MessageKey; visible(me: Me): boolean }[] = [
  { to: '/wallet', label: 'wallet.nav', visible: () => true },
  { to: '/topup', label: 'topup.nav', visible: (me) => me.parentId !== null },
  { to: '/billing/preview', label: 'billing.nav.preview', visible: () => true },
  { to: '/billing/groups', label: 'billing.nav.groups', visible: seller },
  { to: '/billing/deposits', label: 'billing.nav.deposits', visible: seller },
  { to: '/billing/settings', label: 'billing.nav.settings', visible: seller },
];

export function moneyPage(path: string, me: Me): JSX.Element | null {
  if (path === '/wallet') return <WalletPage />;
  if (path === '/topup' && me.parentId) return <TopupPage />;
  if (path === '/billing/preview') return <PreviewPage />;
  let m = /^\/topup\/payments\/([^/]+)$/.exec(path);
  if (m) return <PaymentResultPage paymentId={decodeURIComponent(m[1])} />;
  if (!seller(me)) return null;
  m = /^\/accounts\/([^/]+)\/wallet$/.exec(path);
  if (m) return <ChildWalletPage key={m[1]} accountId={decodeURIComponent(m[1])} />;
  if (path === '/billing/groups') return <GroupsPage />;
  m = /^\/billing\/groups\/([^/]+)$/.exec(path);
  if (m) return <GroupPricesPage key={m[1]} groupId={decodeURIComponent(m[1])} />;
  if (path === '/billing/deposits') return <DepositsQueuePage />;
  if (path === '/billing/settings') return <BillingSettingsPage />;
  return null;
}
