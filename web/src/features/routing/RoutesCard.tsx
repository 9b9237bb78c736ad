// Routes in priority order: operator × line type × class → connector (empty = any); add, remove.
import { useState } from 'react';
import { Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf, messageClasses, operators } from '../batches/labels.ts';
import { lineTypes, useLineTypeLabel } from '../lines/LineModals.tsx';
import type { Connector, Route } from './types.ts';

export function RoutesCard({ routes, connectors, onChanged }: { routes: Route[]; connectors: Connector[]; onChanged(): void }) {
  const { t, num } = useI18n();
  const typeLabel = useLineTypeLabel();
  const [f, setF] = useState<{ priority: number; operator: string | null; lineType: string | null; messageClass: string | null; connectorId: string | null }>({ priority: 100, operator: null, lineType: null, messageClass: null, connectorId: null });
  const add = useAction(async () => {
    if (!f.connectorId) return;
    await api.post('/api/v1/routes', f);
    notifySuccess(t('routing.routeAdded'));
    onChanged();
  });
  const remove = async (r: Route) => {
    try {
      await api.delete(`/api/v1/routes/${encodeURIComponent(r.id)}`);
      notifySuccess(t('routing.routeRemoved'));
      onChanged();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const any = t('routing.any');
  const sorted = [...routes].sort((a, b) => a.priority - b.priority);
  const nameOf = (id: string) => connectors.find((c) => c.id === id)?.name ?? id;

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Title order={3} size="h4">
          {t('routing.routes')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('routing.routesIntro')}
        </Text>
        {!sorted.length ? (
          <Text c="dimmed">{t('routing.noRoutes')}</Text>
        ) : (
          <Table striped verticalSpacing="xs" aria-label={t('routing.routes')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('routing.colPriority')}</Table.Th>
                <Table.Th>{t('routing.colOperator')}</Table.Th>
                <Table.Th>{t('routing.colLineType')}</Table.Th>
                <Table.Th>{t('routing.colClass')}</Table.Th>
                <Table.Th>{t('routing.colConnector')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{num(r.priority)}</Table.Td>
                  <Table.Td>{r.operator ? labelOf(t, 'batch.op.', r.operator) : any}</Table.Td>
                  <Table.Td>{r.lineType ? typeLabel(r.lineType) : any}</Table.Td>
                  <Table.Td>{r.messageClass ? labelOf(t, 'send.class.', r.messageClass) : any}</Table.Td>
                  <Table.Td>
                    <bdi>{nameOf(r.connectorId)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => void remove(r)}>
                      {t('routing.delete')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={(e) => (e.preventDefault(), void add.run())}>
          <Group align="flex-end" gap="sm">
            <NumberInput label={t('routing.priority')} min={0} max={100000} w={110} value={f.priority} onChange={(v) => setF({ ...f, priority: Number(v) || 0 })} />
            <Select label={t('routing.colOperator')} placeholder={any} clearable w={150} value={f.operator} onChange={(v) => setF({ ...f, operator: v })} data={operators.map((o) => ({ value: o, label: labelOf(t, 'batch.op.', o) }))} />
            <Select label={t('routing.colLineType')} placeholder={any} clearable w={150} value={f.lineType} onChange={(v) => setF({ ...f, lineType: v })} data={lineTypes.map((v) => ({ value: v, label: typeLabel(v) }))} />
            <Select label={t('routing.colClass')} placeholder={any} clearable w={150} value={f.messageClass} onChange={(v) => setF({ ...f, messageClass: v })} data={messageClasses.map((c) => ({ value: c, label: t(`send.class.${c}`) }))} />
            <Select label={t('routing.colConnector')} required w={170} value={f.connectorId} onChange={(v) => setF({ ...f, connectorId: v })} data={connectors.map((c) => ({ value: c.id, label: c.name }))} />
            <Button type="submit" loading={add.busy} disabled={!f.connectorId}>
              {t('routing.addRoute')}
            </Button>
          </Group>
        </form>
        <ErrorAlert error={add.error} />
      </Stack>
    </Card>
  );
}
