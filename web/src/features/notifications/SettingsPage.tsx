// Notification settings of an agency or the platform: SMS quiet hours and the alert templates.
import { Stack, Title } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { QuietRulesCard } from './QuietRulesCard.tsx';
import { TemplatesCard } from './TemplatesCard.tsx';

export function NotificationSettingsPage() {
  const { t } = useI18n();
  return (
    <Stack gap="lg">
      <Title order={2}>{t('notifications.settings.title')}</Title>
      <QuietRulesCard />
      <TemplatesCard />
    </Stack>
  );
}
