// Profile: your details, password, two-factor sign-in, API keys and how to bind over SMPP.
import { Stack, Title } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { ApiKeysCard } from './ApiKeysCard.tsx';
import { DetailsCard } from './DetailsCard.tsx';
import { PasswordCard } from './PasswordCard.tsx';
import { SmppCard } from './SmppCard.tsx';
import { TwoFactorCard } from './TwoFactorCard.tsx';

export function ProfilePage() {
  const { t } = useI18n();
  return (
    <Stack gap="lg" maw={960}>
      <Title order={2}>{t('profile.title')}</Title>
      <DetailsCard />
      <PasswordCard />
      <TwoFactorCard />
      <ApiKeysCard />
      <SmppCard />
    </Stack>
  );
}
