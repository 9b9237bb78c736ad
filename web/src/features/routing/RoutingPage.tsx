// Platform: the upstream connectors with their live state (refreshed every few seconds) and the
// routes that pick one for each operator × line type × class.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { knownKey } from '../batches/labels.ts';
import { ConnectorModal } from './ConnectorModal.tsx';
import { RoutesCard } from './RoutesCard.tsx';
import type { Connector, Route } from './types.ts';

const stateColor: Record<string, string> = { bound: 'teal', connecting: 'blue', backoff: 'orange', stopped: 'gray', idle: 'gray' };

export function RoutingPage() {
  const { t, num, dateTime } = useI18n();
  const [connectors, setConnectors] = useState<Connector[] | null>(null);
  const [routes, setRoutes] = useState<Route[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<{ connector: Connector | null } | null>(null);
  const [deleting, setDeleting] = useState<Connector | null>(null);

  const load = useCallback(async () => {
    try {
      const [c, r] = await Promise.all([api.get<{ items: Connector[] }>('/api/v1/connectors'), api.get<{ items: Route[] }>('/api/v1/routes')]);
      setConnectors(c.items);
      setRoutes(r.items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);

  const toggle = async (c: Connector) => {
    try {
      await api.patch(`/api/v1/connectors/${encodeURIComponent(c.id)}`, { enabled: !c.enabled });
      await load();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const remove = async () => {
    if (!deleting) return;
    try {
      await api.delete(`/api/v1/connectors/${encodeURIComponent(deleting.id)}`);
      await load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setDeleting(null);
    }
  };
  const stateLabel = (s: string | undefined) => {
    const k = s ? knownKey(`routing.state.${s}`) : null;
    return k ? t(k) : s ?? t('routing.state.none');
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('routing.title')}</Title>
        <Button onClick={() => setEditing({ connector: null })}>{t('routing.addConnector')}</Button>
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="lg">
        <Title order={3} size="h4" mb="md">
          {t('routing.connectors')}
        </Title>
        {!connectors ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !connectors.length ? (
          <Text c="dimmed">{t('routing.noConnectors')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table striped verticalSpacing="xs" aria-label={t('routing.connectors')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('routing.colName')}</Table.Th>
                  <Table.Th>{t('routing.colKind')}</Table.Th>
                  <Table.Th>{t('routing.colState')}</Table.Th>
                  <Table.Th>{t('routing.colInFlight')}</Table.Th>
                  <Table.Th>{t('routing.colSubmitted')}</Table.Th>
                  <Table.Th>{t('routing.colReceipts')}</Table.Th>
                  <Table.Th>{t('routing.colFailed')}</Table.Th>
                  <Table.Th>{t('routing.colUnmatched')}</Table.Th>
                  <Table.Th>{t('routing.colActions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {connectors.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <bdi>{c.name}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <bdi>{c.kind.toUpperCase()}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Tooltip label={c.stats?.lastError ?? ''} disabled={!c.stats?.lastError}>
                          <Badge color={stateColor[c.stats?.state ?? ''] ?? 'gray'} variant="light">
                            {stateLabel(c.stats?.state)}
                          </Badge>
                        </Tooltip>
                        {!c.enabled ? (
                          <Badge color="gray" variant="outline">
                            {t('routing.disabledBadge')}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{num(c.stats?.inFlight ?? 0)}</Table.Td>
                    <Table.Td>{num(c.stats?.submitted ?? 0)}</Table.Td>
                    <Table.Td>{num(c.stats?.receipts ?? 0)}</Table.Td>
                    <Table.Td>{num(c.stats?.failed ?? 0)}</Table.Td>
                    <Table.Td>
                      <Tooltip
                        label={c.unmatchedReceipts?.lastUpstreamId ? t('routing.unmatchedLast', { id: c.unmatchedReceipts.lastUpstreamId, date: c.unmatchedReceipts.lastAt ? dateTime(c.unmatchedReceipts.lastAt) : '' }) : t('routing.unmatchedHint')}
                      >
                        <Text size="sm" c={c.unmatchedReceipts?.count ? 'orange' : undefined}>
                          {num(c.unmatchedReceipts?.count ?? 0)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-sm" variant="light" onClick={() => void toggle(c)}>
                          {c.enabled ? t('routing.disable') : t('routing.enable')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" onClick={() => setEditing({ connector: c })}>
                          {t('routing.edit')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(c)}>
                          {t('routing.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <RoutesCard routes={routes} connectors={connectors ?? []} onChanged={() => void load()} />
      <ConnectorModal opened={editing !== null} connector={editing?.connector ?? null} onClose={() => setEditing(null)} onDone={() => (setEditing(null), void load())} />
      <ConfirmModal opened={deleting !== null} title={t('routing.deleteTitle')} message={deleting ? t('routing.deleteConfirm', { name: deleting.name }) : ''} confirmLabel={t('routing.delete')} onConfirm={() => void remove()} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
