// Tickets you opened and tickets you answer: unread counts, box, status and priority filters.
import { useEffect, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';
import { onLinkClick } from '../../app/router.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { priorities, ticketStatuses, type TicketSummary } from './types.ts';

export const statusColor = (s: string) => (s === 'closed' ? 'gray' : s === 'answered' ? 'teal' : s === 'forwarded' ? 'grape' : s === 'waiting_for_user' ? 'yellow' : 'blue');

export function TicketsPage() {
  const { t, num, dateTime } = useI18n();
  const me = useMe();
  const [box, setBox] = useState<'all' | 'opened' | 'support'>('all');
  const [status, setStatus] = useState<string | null>(null);
  const [priority, setPriority] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<TicketSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<Page<TicketSummary>>('/api/v1/support/tickets', { box, status, priority, page, pageSize: 20 })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [box, status, priority, page]);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('tickets.title')}</Title>
        <Group>
          {me.kind !== 'user' ? (
            <Button variant="default" component="a" href="/tickets/canned" onClick={onLinkClick('/tickets/canned')}>
              {t('tickets.canned.title')}
            </Button>
          ) : null}
          {me.parentId ? (
            <Button component="a" href="/tickets/new" onClick={onLinkClick('/tickets/new')}>
              {t('tickets.new')}
            </Button>
          ) : null}
        </Group>
      </Group>
      <Group align="flex-end">
        {me.kind !== 'user' ? (
          <SegmentedControl value={box} onChange={(v) => (setBox(v as typeof box), setPage(1))} data={(['all', 'opened', 'support'] as const).map((b) => ({ value: b, label: t(`tickets.box.${b}`) }))} />
        ) : null}
        <Select label={t('tickets.status')} w={200} clearable placeholder={t('common.all')} value={status} onChange={(v) => (setStatus(v), setPage(1))} data={ticketStatuses.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} />
        <Select label={t('tickets.priority')} w={160} clearable placeholder={t('common.all')} value={priority} onChange={(v) => (setPriority(v), setPage(1))} data={priorities.map((p) => ({ value: p, label: t(`tickets.priority.${p}`) }))} />
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {data && !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('tickets.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label={t('tickets.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('tickets.subject')}</Table.Th>
                  <Table.Th>{t('tickets.opener')}</Table.Th>
                  <Table.Th>{t('tickets.status')}</Table.Th>
                  <Table.Th>{t('tickets.priority')}</Table.Th>
                  <Table.Th>{t('tickets.lastMessage')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.items ?? []).map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>
                      <Anchor href={`/tickets/${x.id}`} onClick={onLinkClick(`/tickets/${x.id}`)} fw={x.unread ? 700 : undefined}>
                        <bdi>{x.subject}</bdi>
                      </Anchor>
                      {x.unread ? (
                        <Badge ms="xs" size="sm" color="red" aria-label={t('tickets.unread', { count: num(x.unread) })}>
                          {num(x.unread)}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{x.side === 'user' ? t('tickets.me') : <bdi>{x.opener.displayName || x.opener.username}</bdi>}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={statusColor(x.status)}>
                        {t(`tickets.status.${x.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t(`tickets.priority.${x.priority}`)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(x.lastMessageAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data ? <Pager page={page} total={data.total} pageSize={20} onChange={setPage} /> : null}
      </Card>
    </Stack>
  );
}
