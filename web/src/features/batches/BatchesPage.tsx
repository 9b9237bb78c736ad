// The caller's sends (and its subtree's), newest first; a row opens the batch page.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link, onLinkClick } from '../../app/router.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Batch } from '../send/types.ts';
import { labelOf, rials, statusColor } from './labels.ts';

const PAGE = 25;

export function BatchesPage() {
  const { t, num, dateTime } = useI18n();
  const [page, setPage] = useState(1);
  const [items, setItems] = useState<Batch[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<{ items: Batch[] }>('/api/v1/messages', { page, pageSize: PAGE })
      .then((r) => live && (setItems(r.items), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [page]);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('batch.listTitle')}</Title>
        <Button component="a" href="/send" onClick={onLinkClick('/send')}>
          {t('send.title')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {!items ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('batch.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover verticalSpacing="xs" aria-label={t('batch.listTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('batch.colCreated')}</Table.Th>
                  <Table.Th>{t('batch.colText')}</Table.Th>
                  <Table.Th>{t('batch.colClass')}</Table.Th>
                  <Table.Th>{t('batch.colTotal')}</Table.Th>
                  <Table.Th>{t('batch.colParts')}</Table.Th>
                  <Table.Th>{t('batch.colCost')}</Table.Th>
                  <Table.Th>{t('batch.colStatus')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Link to={`/batches/${encodeURIComponent(b.id)}`}>{dateTime(b.sendAt ?? b.createdAt)}</Link>
                    </Table.Td>
                    <Table.Td maw={320}>
                      <Text size="sm" lineClamp={2}>
                        <bdi>{b.text}</bdi>
                      </Text>
                    </Table.Td>
                    <Table.Td>{labelOf(t, 'send.class.', b.class)}</Table.Td>
                    <Table.Td>{num(b.total)}</Table.Td>
                    <Table.Td>{num(b.parts)}</Table.Td>
                    <Table.Td>{num(rials(b.cost))}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor(b.status)} variant="light">
                        {labelOf(t, 'batch.bstatus.', b.status)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="flex-end" gap="xs" mt="md">
          <Button variant="default" size="xs" disabled={page < 2} onClick={() => setPage((p) => p - 1)}>
            {t('common.previous')}
          </Button>
          <Button variant="default" size="xs" disabled={(items?.length ?? 0) < PAGE} onClick={() => setPage((p) => p + 1)}>
            {t('common.next')}
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}
