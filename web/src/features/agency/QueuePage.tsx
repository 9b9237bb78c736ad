// The parent's queue: applications from its own users, by state with counts; each opens its page.
import { useEffect, useState } from 'react';
import { Anchor, Card, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials } from '../wallet/money.tsx';
import { ApplicationView, StatusBadge } from './ApplicationView.tsx';
import { applicationStatuses, type ApplicationList, type ApplicationStatus } from './types.ts';

const queueStates = applicationStatuses.filter((s) => s !== 'draft');

export function QueuePage() {
  const { t, num, dateTime } = useI18n();
  const [status, setStatus] = useState<ApplicationStatus>('submitted');
  const [data, setData] = useState<ApplicationList | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<ApplicationList>('/api/v1/agency-applications', { side: 'queue', status, pageSize: 100 })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [status]);

  const count = (s: string) => data?.counts[s] ?? 0;

  return (
    <Stack gap="lg">
      <Title order={2}>{t('agency.queue.title')}</Title>
      <Tabs variant="pills" value={status} onChange={(v) => v && setStatus(v as ApplicationStatus)}>
        <Tabs.List>
          {queueStates.map((s) => (
            <Tabs.Tab key={s} value={s}>
              {count(s) ? `${t(`agency.status.${s}`)} (${num(count(s))})` : t(`agency.status.${s}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {data && !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('agency.queue.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label={t('agency.queue.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('agency.field.businessName')}</Table.Th>
                  <Table.Th>{t('agency.field.legalType')}</Table.Th>
                  <Table.Th>{t('agency.status')}</Table.Th>
                  <Table.Th>{t('agency.detail.fee')}</Table.Th>
                  <Table.Th>{t('agency.queue.updated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.items ?? []).map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor href={`/agency/applications/${a.id}`} onClick={onLinkClick(`/agency/applications/${a.id}`)}>
                        <bdi>{a.businessName}</bdi>
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t(a.legalType === 'natural' ? 'agency.legal.natural' : 'agency.legal.legal')}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={a.status} />
                    </Table.Td>
                    <Table.Td>{a.fee !== null ? <Rials value={a.fee} /> : t('common.none')}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(a.updatedAt)}</Table.Td>
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

export function QueueApplicationPage({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <Stack gap="md">
      <Anchor href="/agency/queue" onClick={onLinkClick('/agency/queue')} size="sm">
        {t('agency.detail.back')}
      </Anchor>
      <ApplicationView id={id} side="parent" />
    </Stack>
  );
}

