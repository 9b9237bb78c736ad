// A user's own agency application: start one (the written request), or follow the open one.
import { useCallback, useEffect, useState } from 'react';
import { Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { ApplicationView, StatusBadge } from './ApplicationView.tsx';
import { RequestForm } from './RequestForm.tsx';
import { isOpen, type ApplicationList } from './types.ts';

export function ApplyPage() {
  const { t, date } = useI18n();
  const me = useMe();
  const [data, setData] = useState<ApplicationList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api
      .get<ApplicationList>('/api/v1/agency-applications', { side: 'mine', pageSize: 50 })
      .then((r) => (setData(r), setError(null)))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const current = data?.items.find((a) => isOpen(a.status)) ?? null;
  const previous = data?.items.filter((a) => a !== current) ?? [];

  return (
    <Stack gap="lg">
      <Title order={2}>{t('agency.apply.title')}</Title>
      <ErrorAlert error={error} />
      {data && !current && me.kind === 'user' ? (
        <Card withBorder radius="md" padding="md">
          <Text mb="md">{t('agency.apply.intro')}</Text>
          <RequestForm application={null} onSaved={load} />
        </Card>
      ) : null}
      {current ? <ApplicationView key={current.id} id={current.id} side="applicant" onChanged={load} /> : null}
      {previous.length ? (
        <Card withBorder radius="md" padding="md">
          <Title order={4} mb="sm">
            {t('agency.apply.previous')}
          </Title>
          <Table aria-label={t('agency.apply.previous')}>
            <Table.Tbody>
              {previous.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <bdi>{a.businessName}</bdi>
                  </Table.Td>
                  <Table.Td>{date(a.createdAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <StatusBadge status={a.status} />
                      {a.reason ? (
                        <Text size="sm" c="dimmed">
                          <bdi>{a.reason}</bdi>
                        </Text>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ) : null}
    </Stack>
  );
}
