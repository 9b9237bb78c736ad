// Profile: your details, password, two-factor sign-in, API keys and how to bind over SMPP. Signed in
// as someone else (support), the password and two-factor cards give way to a note: the server
// refuses to change another's credentials.
import { Alert, Stack, Title } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { ApiKeysCard } from './ApiKeysCard.tsx';
import { DetailsCard } from './DetailsCard.tsx';
import { PasswordCard } from './PasswordCard.tsx';
import { SmppCard } from './SmppCard.tsx';
import { TwoFactorCard } from './TwoFactorCard.tsx';

export function ProfilePage() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <Stack gap="lg" maw={960}>
      <Title order={2}>{t('profile.title')}</Title>
      <DetailsCard />
      {me.impersonatedBy ? (
        <Alert color="gray" variant="light" data-testid="credentials-not-here">
          {t('profile.credentialsNotHere')}
        </Alert>
      ) : (
        <>
          <PasswordCard />
          <TwoFactorCard />
        </>
      )}
      <ApiKeysCard />
      <SmppCard />
    </Stack>
  );
}
