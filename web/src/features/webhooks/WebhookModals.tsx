// The secret of a new endpoint (shown once, with copy) and the attempts log of one endpoint.
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf } from '../batches/labels.ts';

export type Attempt = { eventId: string; event: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number | null; at: string };

export function SecretModal({ secret, onClose }: { secret: string | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal opened={secret !== null} onClose={onClose} title={t('webhooks.secretTitle')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md">
        <Alert color="yellow" variant="light">
          {t('webhooks.secretOnce')}
        </Alert>
        <Code block dir="ltr" data-testid="webhook-secret">
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? t('common.copied') : t('common.copy')}</Button>}</CopyButton>
          <Button onClick={onClose}>{t('webhooks.secretDone')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function AttemptsModal({ endpointId, onClose }: { endpointId: string | null; onClose(): void }) {
  const { t, num, digits, dateTime } = useI18n();
  const [items, setItems] = useState<Attempt[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!endpointId) return;
    setItems(null);
    api
      .get<{ items: Attempt[] }>(`/api/v1/webhooks/${encodeURIComponent(endpointId)}/attempts`)
      .then((r) => (setItems(r.items), setError(null)))
      .catch(setError);
  }, [endpointId]);
  return (
    <Modal opened={endpointId !== null} onClose={onClose} title={t('webhooks.attemptsTitle')} centered size="xl" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <ErrorAlert error={error} />
      {!items ? (
        error ? null : <Loader size="sm" aria-label={t('common.loading')} />
      ) : !items.length ? (
        <Text c="dimmed">{t('webhooks.noAttempts')}</Text>
      ) : (
        <Table striped verticalSpacing="xs" aria-label={t('webhooks.attemptsTitle')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('webhooks.colAt')}</Table.Th>
              <Table.Th>{t('webhooks.colEvent')}</Table.Th>
              <Table.Th>{t('webhooks.colAttempt')}</Table.Th>
              <Table.Th>{t('webhooks.colResult')}</Table.Th>
              <Table.Th>{t('webhooks.colDuration')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={`${a.eventId}-${a.attempt}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(a.at)}</Table.Td>
                <Table.Td>{labelOf(t, 'webhooks.event.', a.event)}</Table.Td>
                <Table.Td>{num(a.attempt)}</Table.Td>
                <Table.Td>
                  <Badge color={a.statusCode && a.statusCode < 300 ? 'teal' : 'red'} variant="light">
                    <Ltr>{digits(a.statusCode ? String(a.statusCode) : labelOf(t, 'webhooks.failure.', a.error ?? '—'))}</Ltr>
                  </Badge>
                </Table.Td>
                <Table.Td>{a.durationMs === null ? '—' : num(a.durationMs)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}
