// Messages received on the caller's lines (and its subtree's), newest first, with search; the
// platform gets the simulator form when a simulator connector is running.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Center, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { SimulateInbound } from './SimulateInbound.tsx';

type InboxItem = { id: string; lineId: string | null; accountId: string | null; from: string; to: string; text: string; parts: number; cost: string; receivedAt: string };
const PAGE = 50;

export function InboxPage() {
  const { t, num, digits, dateTime } = useI18n();
  const me = useMe();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(latinDigits(q.trim()), 300);
  const [page, setPage] = useState(1);
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [hasSimulator, setHasSimulator] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.get<{ items: InboxItem[] }>('/api/v1/inbox', { q: debouncedQ, page, pageSize: PAGE });
      setItems(r.items);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [debouncedQ, page]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => setPage(1), [debouncedQ]);

  useEffect(() => {
    if (me.kind !== 'platform') return;
    api
      .get<{ items: { kind: string; enabled: boolean }[] }>('/api/v1/connectors')
      .then((r) => setHasSimulator(r.items.some((c) => c.kind === 'simulator' && c.enabled)))
      .catch(() => setHasSimulator(false));
  }, [me.kind]);

  // The simulator answers at once, the inbox stores the message a moment later: look twice.
  const afterSimulated = () => {
    setTimeout(() => void load(), 700);
    setTimeout(() => void load(), 2500);
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('inbox.title')}</Title>
        <Button variant="light" onClick={() => void load()} loading={loading}>
          {t('common.refresh')}
        </Button>
      </Group>
      {hasSimulator ? <SimulateInbound onSent={afterSimulated} /> : null}
      <Card withBorder radius="md" padding="md">
        <Stack gap="md">
          <TextInput label={t('inbox.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
          <ErrorAlert error={error} />
          {!items ? (
            <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
          ) : !items.length ? (
            <Text c="dimmed" ta="center" py="lg">
              {t('inbox.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={680}>
              <Table striped verticalSpacing="xs" aria-label={t('inbox.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('inbox.colTime')}</Table.Th>
                    <Table.Th>{t('inbox.colFrom')}</Table.Th>
                    <Table.Th>{t('inbox.colTo')}</Table.Th>
                    <Table.Th>{t('inbox.colText')}</Table.Th>
                    <Table.Th>{t('inbox.colParts')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(m.receivedAt)}</Table.Td>
                      <Table.Td>
                        <Ltr>{digits(localMobile(m.from))}</Ltr>
                      </Table.Td>
                      <Table.Td>
                        <Ltr>{digits(m.to)}</Ltr>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
                        <bdi>{m.text}</bdi>
                      </Table.Td>
                      <Table.Td>{num(m.parts)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" disabled={page < 2} onClick={() => setPage((p) => p - 1)}>
              {t('common.previous')}
            </Button>
            <Button variant="default" size="xs" disabled={(items?.length ?? 0) < PAGE} onClick={() => setPage((p) => p + 1)}>
              {t('common.next')}
            </Button>
          </Group>
        </Stack>
      </Card>
    </Stack>
  );
}
