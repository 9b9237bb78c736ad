// Profile: your details, password, two-factor sign-in and API keys.
import { Stack, Title } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { ApiKeysCard } from './ApiKeysCard.tsx';
import { DetailsCard } from './DetailsCard.tsx';
import { PasswordCard } from './PasswordCard.tsx';
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
    </Stack>
  );
}
