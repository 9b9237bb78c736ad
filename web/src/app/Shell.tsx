// The signed-in frame: header (brand, language, user menu) and a navbar of the pages this
// account may see.
import type { ReactNode } from 'react';
import { Alert, AppShell, Burger, Button, Group, Menu, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Me } from '../api/types.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { brandColor, brandName, useBrandTitle } from '../components/brand.ts';
import { notifyError, notifySuccess } from '../components/errors.tsx';
import type { MessageKey } from '../i18n/fa.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe, useSession } from '../session/session.tsx';
import { messagingNav, operationsNav } from '../features/send/routes.tsx';
import { moneyNav } from '../features/wallet/routes.tsx';
import { supportNav } from '../features/tickets/routes.tsx';
import { notificationsNav } from '../features/notifications/routes.tsx';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { auditNav } from '../features/audit/routes.tsx';
import { phonebookNav } from '../features/phonebook/routes.tsx';
import { agencyNav } from '../features/agency/routes.tsx';
import { brandingNav } from '../features/branding/routes.tsx';
import { domainsNav } from '../features/domains/routes.tsx';
import { usersNav } from '../features/users/routes.tsx';
import { navigate, onLinkClick, useLocation } from './router.tsx';

type NavItem = { to: string; label: MessageKey; visible(me: Me): boolean };

export const navItems: NavItem[] = [
  { to: '/', label: 'nav.home', visible: () => true },
  ...messagingNav,
  ...phonebookNav,
  ...moneyNav,
  ...supportNav,
  ...notificationsNav,
  ...auditNav,
  ...agencyNav,
  ...brandingNav,
  ...domainsNav,
  ...usersNav,
  ...operationsNav,
  { to: '/profile', label: 'nav.profile', visible: () => true },
  { to: '/simulator', label: 'nav.simulator', visible: (me) => me.kind === 'platform' },
];

export function Shell({ children }: { children: ReactNode }) {
  const { t, lang } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const { path } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  useBrandTitle(brandName(me.brand, lang));

  const doSignOut = async () => {
    try {
      await signOut();
      notifySuccess(t('menu.signedOut'));
      navigate('/sign-in', { replace: true });
    } catch (err) {
      notifyError(t, err);
    }
  };

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Title order={3} c={brandColor(me.brand) ?? 'teal.8'} data-testid="brand-name" lineClamp={1}>
              {brandName(me.brand, lang)}
            </Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <LanguageSwitch />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="light" size="xs" aria-label={t('menu.account', { username: me.username })}>
                  <bdi>{me.displayName || me.username}</bdi>
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  <bdi>{me.username}</bdi>
                </Menu.Label>
                <Menu.Item component="a" href="/profile" onClick={onLinkClick('/profile')}>
                  {t('menu.profile')}
                </Menu.Item>
                <Menu.Item color="red" onClick={() => void doSignOut()}>
                  {t('menu.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label={t('nav.label')} style={{ overflowY: 'auto' }}>
        {navItems
          .filter((i) => i.visible(me))
          .map((i) => (
            <NavLink
              key={i.to}
              href={i.to}
              label={t(i.label)}
              active={path === i.to}
              onClick={(e) => {
                onLinkClick(i.to)(e);
                close();
              }}
            />
          ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {me.impersonatedBy ? (
          <Alert color="yellow" mb="md">
            <Text size="sm">{t('shell.impersonating')}</Text>
          </Alert>
        ) : null}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
