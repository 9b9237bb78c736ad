// Two-factor sign-in: setup shows the QR image and the secret, a code turns it on; password and
// a code turn it off.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Code, Group, Image, Stack, Text, TextInput, Title } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api } from '../../api/client.ts';
import type { TwoFactorSetup } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe, useSession } from '../../session/session.tsx';

export function TwoFactorCard() {
  const { t } = useI18n();
  const me = useMe();
  const { refresh } = useSession();
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');

  const begin = useAction(async () => {
    setSetup(await api.post<TwoFactorSetup>('/api/v1/auth/2fa/setup'));
    setCode('');
  });
  const enable = useAction(async () => {
    await api.post('/api/v1/auth/2fa/enable', { code: latinDigits(code.trim()) });
    setSetup(null);
    setCode('');
    await refresh();
    notifySuccess(t('twofa.enabled'));
  });
  const disable = useAction(async () => {
    await api.post('/api/v1/auth/2fa/disable', { password, code: latinDigits(code.trim()) });
    setPassword('');
    setCode('');
    await refresh();
    notifySuccess(t('twofa.disabled'));
  });

  const onEnable = (e: FormEvent) => {
    e.preventDefault();
    void enable.run();
  };
  const onDisable = (e: FormEvent) => {
    e.preventDefault();
    void disable.run();
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Group mb="md" gap="sm">
        <Title order={3} size="h4">
          {t('twofa.title')}
        </Title>
        <Badge color={me.twoFactorEnabled ? 'teal' : 'gray'} variant="light">
          {me.twoFactorEnabled ? t('twofa.on') : t('twofa.off')}
        </Badge>
      </Group>
      {me.twoFactorEnabled ? (
        <form onSubmit={onDisable} noValidate>
          <Stack gap="sm" maw={480}>
            <Text size="sm">{t('twofa.disableHint')}</Text>
            <ErrorAlert error={disable.error} />
            <PasswordField label={t('twofa.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <TextInput label={t('twofa.code')} inputMode="numeric" autoComplete="one-time-code" dir="ltr" maxLength={8} required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            <Group>
              <Button type="submit" color="red" variant="light" loading={disable.busy}>
                {t('twofa.disable')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : setup ? (
        <form onSubmit={onEnable} noValidate>
          <Stack gap="sm" maw={480}>
            <Text size="sm">{t('twofa.scan')}</Text>
            <Image src={setup.qrDataUrl} alt={t('twofa.qrAlt')} w={200} h={200} fit="contain" />
            <div>
              <Text size="xs" c="dimmed">
                {t('twofa.secret')}
              </Text>
              <Code data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
                {setup.secret}
              </Code>
            </div>
            <ErrorAlert error={enable.error} />
            <TextInput label={t('twofa.code')} inputMode="numeric" autoComplete="one-time-code" dir="ltr" maxLength={8} required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            <Group>
              <Button type="submit" loading={enable.busy}>
                {t('twofa.enable')}
              </Button>
              <Button variant="default" onClick={() => setSetup(null)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{t('twofa.intro')}</Text>
          <ErrorAlert error={begin.error} />
          <Button onClick={() => void begin.run()} loading={begin.busy}>
            {t('twofa.setup')}
          </Button>
        </Stack>
      )}
    </Card>
  );
}
