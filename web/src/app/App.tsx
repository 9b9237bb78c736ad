// Providers and routes: signed-out pages, and the shell with the pages this account may see.
import { useEffect, type JSX } from 'react';
import { Center, DirectionProvider, Loader, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage.tsx';
import { SignInPage } from '../features/auth/SignInPage.tsx';
import { SignUpPage } from '../features/auth/SignUpPage.tsx';
import { HomePage } from '../features/home/HomePage.tsx';
import { ProfilePage } from '../features/profile/ProfilePage.tsx';
import { messagingPage } from '../features/send/routes.tsx';
import { SimulatorPage } from '../features/simulator/SimulatorPage.tsx';
import { moneyPage } from '../features/wallet/routes.tsx';
import { supportPage } from '../features/tickets/routes.tsx';
import { notificationsPage } from '../features/notifications/routes.tsx';
import { auditPage } from '../features/audit/routes.tsx';
import { phonebookPage } from '../features/phonebook/routes.tsx';
import { agencyPage } from '../features/agency/routes.tsx';
import { brandingPage } from '../features/branding/routes.tsx';
import { domainsPage } from '../features/domains/routes.tsx';
import { usersPage } from '../features/users/routes.tsx';
import type { Lang } from '../i18n/format.ts';
import { dirOf, I18nProvider, useI18n } from '../i18n/i18n.tsx';
import { SessionProvider, useSession } from '../session/session.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';
import { navigate, useLocation } from './router.tsx';
import { Shell } from './Shell.tsx';
import { theme } from './theme.ts';

const publicPages: Record<string, () => JSX.Element> = {
  '/sign-in': SignInPage,
  '/sign-up': SignUpPage,
  '/forgot-password': ForgotPasswordPage,
};

export function App({ initialLang }: { initialLang: Lang }) {
  return (
    <DirectionProvider initialDirection={dirOf(initialLang)} detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <I18nProvider initial={initialLang}>
          <Notifications position="top-center" />
          <SessionProvider>
            <Routes />
          </SessionProvider>
        </I18nProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}

function Routes() {
  const { state } = useSession();
  const { path } = useLocation();
  const { t, lang, chosen, setLang } = useI18n();
  const isPublic = path in publicPages;

  // Nobody chose a language on this device yet: follow the account's own.
  const accountLocale = state.status === 'signed-in' ? state.me.locale : null;
  useEffect(() => {
    if (accountLocale && !chosen && accountLocale !== lang) setLang(accountLocale);
  }, [accountLocale, chosen, lang, setLang]);

  useEffect(() => {
    if (state.status === 'anonymous' && !isPublic) {
      const here = location.pathname + location.search;
      navigate(here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    }
    if (state.status === 'signed-in' && isPublic) navigate('/', { replace: true });
  }, [state.status, isPublic]);

  if (state.status === 'loading' || (state.status === 'anonymous' && !isPublic) || (state.status === 'signed-in' && isPublic)) {
    return (
      <Center h="100vh">
        <Loader aria-label={t("common.loading")} />
      </Center>
    );
  }
  if (state.status === 'anonymous') {
    const Page = publicPages[path];
    return <Page />;
  }
  const me = state.me;
  let page: JSX.Element;
  if (path === '/') page = <HomePage />;
  else if (path === '/profile') page = <ProfilePage />;
  else if (path === '/simulator' && me.kind === 'platform') page = <SimulatorPage />;
  else page = messagingPage(path, me) ?? moneyPage(path, me) ?? supportPage(path, me) ?? notificationsPage(path, me) ?? auditPage(path, me) ?? phonebookPage(path, me) ?? agencyPage(path, me) ?? brandingPage(path, me) ?? domainsPage(path, me) ?? usersPage(path, me) ?? <NotFoundPage />;
  return <Shell>{page}</Shell>;
}
