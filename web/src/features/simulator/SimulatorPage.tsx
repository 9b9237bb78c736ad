// Platform only: the SMS the built-in simulator received (sign-up codes in demo mode), newest first.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { OutboxItem } from '../../api/types.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { fa, type MessageKey } from '../../i18n/fa.ts';
import { localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** Kinds and statuses the catalog names; anything newer is shown as the server spells it. */
const known = (key: string): MessageKey | null => (key in fa ? (key as MessageKey) : null);

export function SimulatorPage() {
  const { t, digits, dateTime } = useI18n();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const label = (key: string, raw: string) => {
    const k = known(key);
    return k ? t(k) : <Ltr>{raw}</Ltr>;
  };

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.get<{ items: OutboxItem[] }>('/api/v1/system/outbox', { channel: 'sms' });
      setItems([...r.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('sim.title')}</Title>
        <Button variant="light" onClick={() => void load()} loading={loading}>
          {t('common.refresh')}
        </Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('sim.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {items === null ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('sim.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="sm" aria-label={t('sim.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('sim.colTime')}</Table.Th>
                  <Table.Th>{t('sim.colRecipient')}</Table.Th>
                  <Table.Th>{t('sim.colBody')}</Table.Th>
                  <Table.Th>{t('sim.colKind')}</Table.Th>
                  <Table.Th>{t('sim.colStatus')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(m.createdAt)}</Table.Td>
                    <Table.Td>
                      <Ltr>{digits(localMobile(m.recipient))}</Ltr>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
                      {m.redacted ? (
                        <Text span c="dimmed" size="sm">
                          {t('sim.redacted')}
                        </Text>
                      ) : (
                        <bdi>{m.body}</bdi>
                      )}
                    </Table.Td>
                    <Table.Td>{label(`sim.kind.${m.kind}`, m.kind)}</Table.Td>
                    <Table.Td>{label(`sim.status.${m.status}`, m.status)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
