// One send: its status and counts per recipient status moving live, the recipients, and cancel
// while it is scheduled or held.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Center, Group, Loader, Progress as Bar, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Batch } from '../send/types.ts';
import { labelOf, recipientStatuses, rials, statusColor } from './labels.ts';
import { RecipientsCard } from './RecipientsCard.tsx';
import { useBatchProgress } from './useBatchProgress.ts';

const FINISHED = ['delivered', 'undelivered', 'failed', 'rejected', 'blacklisted', 'cancelled', 'expired'];

export function BatchPage({ id }: { id: string }) {
  const { t, num, dateTime } = useI18n();
  const [batch, setBatch] = useState<Batch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .get<Batch>(`/api/v1/messages/${encodeURIComponent(id)}`)
      .then((b) => (setBatch(b), setError(null)))
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);

  const { progress, live } = useBatchProgress(id, batch !== null);
  const status = progress?.status ?? batch?.status ?? '';
  const counts = progress?.counts ?? batch?.counts ?? {};
  const total = progress?.total ?? batch?.total ?? 0;
  const done = FINISHED.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const version = JSON.stringify(counts) + status;

  const cancel = async () => {
    setBusy(true);
    try {
      setBatch(await api.post<Batch>(`/api/v1/messages/${encodeURIComponent(id)}/cancel`));
      notifySuccess(t('batch.cancelled'));
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  if (!batch) {
    return <Center py="xl">{error ? <ErrorAlert error={error} /> : <Loader aria-label={t('common.loading')} />}</Center>;
  }
  const shown = recipientStatuses.filter((s) => counts[s]);

  return (
    <Stack gap="lg">
      <Link to="/batches" size="sm">
        {t('batch.back')}
      </Link>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2}>{t('batch.title')}</Title>
          <Text c="dimmed" size="sm">
            <Ltr>{batch.id}</Ltr>
          </Text>
          <Badge color={statusColor(status)} size="lg" variant="light" data-testid="batch-status">
            {labelOf(t, 'batch.bstatus.', status)}
          </Badge>
          {live ? (
            <Badge color="teal" variant="dot">
              {t('batch.live')}
            </Badge>
          ) : null}
        </Group>
        {status === 'scheduled' || status === 'held' ? (
          <Button color="red" variant="light" onClick={() => setConfirming(true)}>
            {t('batch.cancel')}
          </Button>
        ) : null}
      </Group>
      {status === 'held' && batch.held ? (
        <Alert color="yellow" data-testid="batch-held">
          {batch.held.reason === 'moderation' ? t('batch.heldModeration') : t('batch.heldHours', { at: batch.held.until ? dateTime(batch.held.until) : '' })}
        </Alert>
      ) : null}
      <Card withBorder radius="md" padding="lg">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Fact label={t('batch.total')} value={num(total)} />
            <Fact label={t('batch.parts')} value={num(batch.parts)} />
            <Fact label={t('batch.cost')} value={t('send.rials', { amount: num(rials(batch.cost)) })} />
            <Fact label={batch.sendAt ? t('batch.sendAt') : t('batch.created')} value={dateTime(batch.sendAt ?? batch.createdAt)} />
          </SimpleGrid>
          <div>
            <Text size="sm" c="dimmed">
              {t('batch.text')}{t('common.sep')}{labelOf(t, 'send.class.', batch.class)}
            </Text>
            <Text style={{ whiteSpace: 'pre-wrap' }}>
              <bdi>{batch.text}</bdi>
            </Text>
          </div>
          <Bar value={total ? (done / total) * 100 : 0} color="teal" aria-label={t('batch.progress', { done: num(done), total: num(total) })} />
          <Text size="sm" data-testid="batch-progress">
            {t('batch.progress', { done: num(done), total: num(total) })}
          </Text>
          <Group gap="xs" data-testid="batch-counts">
            {shown.map((s) => (
              <Badge key={s} color={statusColor(s)} variant="light" size="lg">
                {labelOf(t, 'batch.status.', s)}: {num(counts[s])}
              </Badge>
            ))}
          </Group>
        </Stack>
      </Card>
      <RecipientsCard batchId={batch.id} version={version} />
      <ConfirmModal opened={confirming} title={t('batch.cancelTitle')} message={t('batch.cancelConfirm')} confirmLabel={t('batch.cancel')} busy={busy} onConfirm={() => void cancel()} onClose={() => setConfirming(false)} />
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
}
