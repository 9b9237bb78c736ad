// Change password (POST /api/v1/auth/password); the server ends your other sessions.
import { useState, type FormEvent } from 'react';
import { Button, Card, Group, Stack, Title } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function PasswordCard() {
  const { t } = useI18n();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch = repeat.length > 0 && repeat !== newPassword;

  const change = useAction(async () => {
    await api.post('/api/v1/auth/password', { currentPassword, newPassword });
    setCurrent('');
    setNew('');
    setRepeat('');
    notifySuccess(t('password.done'));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (newPassword !== repeat) return;
    void change.run();
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={3} size="h4" mb="md">
        {t('password.title')}
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={480}>
          <ErrorAlert error={change.error} />
          <PasswordField label={t('password.current')} autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.currentTarget.value)} />
          <PasswordField label={t('password.new')} autoComplete="new-password" required value={newPassword} onChange={(e) => setNew(e.currentTarget.value)} />
          <PasswordField label={t('password.repeat')} autoComplete="new-password" required value={repeat} error={mismatch ? t('password.mismatch') : undefined} onChange={(e) => setRepeat(e.currentTarget.value)} />
          <Group>
            <Button type="submit" loading={change.busy} disabled={!currentPassword || !newPassword || repeat !== newPassword}>
              {t('password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
