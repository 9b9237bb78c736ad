import { Button, Center, Stack, Title } from '@mantine/core';
import { useI18n } from '../i18n/i18n.tsx';
import { navigate } from './router.tsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Center py="xl">
      <Stack align="center">
        <Title order={2}>{t('notFound.title')}</Title>
        <Button variant="light" onClick={() => navigate('/')}>
          {t('notFound.back')}
        </Button>
      </Stack>
    </Center>
  );
}
