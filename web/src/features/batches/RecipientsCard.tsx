// The recipients of one send: status filter, number search, cursor pages, CSV export of the same
// filter. Reloaded whenever the live counts move.
import { useEffect, useState } from 'react';
import { Anchor, Badge, Button, Card, Center, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api, withQuery } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Recipient } from '../send/types.ts';
import { knownKey, labelOf, recipientStatuses, rials, statusColor } from './labels.ts';

const PAGE = 50;

export function RecipientsCard({ batchId, version }: { batchId: string; version: string }) {
  const { t, num, digits, dateTime } = useI18n();
  const [status, setStatus] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(latinDigits(q.trim()), 300);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [data, setData] = useState<{ items: Recipient[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const cursor = cursors[cursors.length - 1];
  const filter = { status: status ?? undefined, q: debouncedQ || undefined };

  useEffect(() => setCursors([undefined]), [status, debouncedQ]);
  useEffect(() => {
    let live = true;
    api
      .get<{ items: Recipient[]; nextCursor: string | null }>(`/api/v1/messages/${encodeURIComponent(batchId)}/recipients`, { ...filter, limit: PAGE, cursor })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [batchId, status, debouncedQ, cursor, version]);

  const csv = withQuery(`/api/v1/messages/${encodeURIComponent(batchId)}/recipients`, { ...filter, format: 'csv', limit: 5000 });

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('batch.recipients')}
          </Title>
          <Anchor href={csv} download={`${batchId}.csv`} size="sm">
            {t('batch.exportCsv')}
          </Anchor>
        </Group>
        <Group align="flex-end" gap="md">
          <Select
            label={t('batch.filterStatus')}
            clearable
            placeholder={t('common.all')}
            value={status}
            onChange={setStatus}
            data={recipientStatuses.map((s) => ({ value: s, label: t(`batch.status.${s}`) }))}
            w={200}
          />
          <TextInput label={t('batch.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} style={{ flex: '1 1 14rem' }} styles={{ input: { direction: 'ltr', textAlign: 'start' } }} />
        </Group>
        <ErrorAlert error={error} />
        {!data ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('batch.noRecipients')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="xs" aria-label={t('batch.recipients')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('batch.colTo')}</Table.Th>
                  <Table.Th>{t('batch.colOperator')}</Table.Th>
                  <Table.Th>{t('batch.colStatus')}</Table.Th>
                  <Table.Th>{t('batch.colParts')}</Table.Th>
                  <Table.Th>{t('batch.colCost')}</Table.Th>
                  <Table.Th>{t('batch.colError')}</Table.Th>
                  <Table.Th>{t('batch.colUpdated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((r) => (
                  <Table.Tr key={r.to}>
                    <Table.Td>
                      <Ltr>{digits(localMobile(r.to))}</Ltr>
                    </Table.Td>
                    <Table.Td>{labelOf(t, 'batch.op.', r.operator)}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor(r.status)} variant="light">
                        {labelOf(t, 'batch.status.', r.status)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{num(r.parts)}</Table.Td>
                    <Table.Td>{num(rials(r.cost))}</Table.Td>
                    <Table.Td>{!r.error ? t('common.none') : knownKey(`batch.reason.${r.error}`) ? labelOf(t, 'batch.reason.', r.error) : <Ltr>{digits(r.error)}</Ltr>}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(r.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('common.previous')}
          </Button>
          <Button variant="default" size="xs" disabled={!data?.nextCursor} onClick={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor!])}>
            {t('common.next')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
