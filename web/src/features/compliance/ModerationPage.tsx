// Sends held for moderation in the caller's subtree: approve, or reject with a comment.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf } from '../batches/labels.ts';
import { useModerationText } from '../send/QuoteCard.tsx';

type Item = { id: string; batchId: string; accountId: string; reasons: string[]; messageClass: string; body: string; recipients: number; status: 'pending' | 'approved' | 'rejected'; decidedBy: string | null; decidedAt: string | null; comment: string | null; createdAt: string };
const PAGE = 20;

function ItemCard({ item, onDone }: { item: Item; onDone(): void }) {
  const { t, num, dateTime } = useI18n();
  const reason = useModerationText();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const decide = async (d: 'approve' | 'reject') => {
    if (d === 'reject' && !comment.trim()) return setMissing(true);
    setBusy(d);
    try {
      await api.post(`/api/v1/compliance/moderation/${encodeURIComponent(item.id)}/${d}`, { comment: comment.trim() || undefined });
      notifySuccess(t('compliance.decided'));
      onDone();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Badge variant="light">{labelOf(t, 'send.class.', item.messageClass)}</Badge>
            <Text size="sm">{t('compliance.modRecipients', { count: num(item.recipients) })}</Text>
            <Text size="sm" c="dimmed">
              {dateTime(item.createdAt)}
            </Text>
          </Group>
          <Link to={`/batches/${encodeURIComponent(item.batchId)}`} size="sm">
            {t('compliance.batchLink')} <Ltr>{item.batchId}</Ltr>
          </Link>
        </Group>
        <Text style={{ whiteSpace: 'pre-wrap' }}>
          <bdi>{item.body}</bdi>
        </Text>
        <Group gap={4}>
          {item.reasons.map((r) => (
            <Badge key={r} color="yellow" variant="light">
              {reason(r)}
            </Badge>
          ))}
        </Group>
        {item.status === 'pending' ? (
          <>
            <Textarea label={t('compliance.modComment')} autosize minRows={1} value={comment} onChange={(e) => (setComment(e.currentTarget.value), setMissing(false))} error={missing ? t('compliance.modCommentRequired') : undefined} />
            <Group justify="flex-end" gap="xs">
              <Button color="red" variant="light" loading={busy === 'reject'} onClick={() => void decide('reject')}>
                {t('compliance.reject')}
              </Button>
              <Button loading={busy === 'approve'} onClick={() => void decide('approve')}>
                {t('compliance.approve')}
              </Button>
            </Group>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {labelOf(t, 'compliance.modStatus.', item.status)}
            {item.decidedAt ? `${t('common.sep')}${dateTime(item.decidedAt)}` : ''}
            {item.comment ? `${t('common.sep')}${item.comment}` : ''}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

export function ModerationPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected'>('pending');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Item[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api
      .get<{ items: Item[]; total: number }>('/api/v1/compliance/moderation', { status, page, pageSize: PAGE })
      .then((r) => (setData(r), setError(null)))
      .catch(setError);
  }, [status, page]);
  useEffect(load, [load]);
  return (
    <Stack gap="lg">
      <Title order={2}>{t('compliance.modTitle')}</Title>
      <SegmentedControl value={status} onChange={(v) => (setStatus(v as typeof status), setPage(1))} data={(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`compliance.modStatus.${s}`) }))} w="fit-content" />
      <ErrorAlert error={error} />
      {!data ? (
        <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
      ) : !data.items.length ? (
        <Text c="dimmed" ta="center" py="lg">
          {t('compliance.modEmpty')}
        </Text>
      ) : (
        data.items.map((i) => <ItemCard key={i.id} item={i} onDone={load} />)
      )}
      {data ? <Pager page={page} total={data.total} pageSize={PAGE} onChange={setPage} /> : null}
    </Stack>
  );
}
