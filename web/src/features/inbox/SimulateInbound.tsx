// Platform, demo mode: a handset texts one of our lines through the simulator SMSC (the same SMPP
// deliver_sm path a real operator uses).
import { useState } from 'react';
import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function SimulateInbound({ onSent }: { onSent(): void }) {
  const { t, digits } = useI18n();
  const [from, setFrom] = useState('09121234567');
  const [to, setTo] = useState('30001000');
  const [text, setText] = useState('');
  const send = useAction(async () => {
    await api.post('/api/v1/system/simulator/inbound', { from: latinDigits(from.trim()), to: latinDigits(to.trim()), text });
    notifySuccess(t('inbox.simSent'));
    setText('');
    onSent();
  });
  const ltr = { input: { direction: 'ltr' as const, textAlign: 'start' as const } };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('inbox.simTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('inbox.simTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('inbox.simIntro')}
          </Text>
          <Group grow align="flex-start">
            <TextInput label={t('inbox.simFrom')} required value={digits(from)} onChange={(e) => setFrom(latinDigits(e.currentTarget.value))} styles={ltr} />
            <TextInput label={t('inbox.simTo')} required value={digits(to)} onChange={(e) => setTo(latinDigits(e.currentTarget.value))} styles={ltr} />
          </Group>
          <TextInput label={t('inbox.simText')} required value={text} onChange={(e) => setText(e.currentTarget.value)} />
          <ErrorAlert error={send.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={send.busy}>
              {t('inbox.simSend')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
