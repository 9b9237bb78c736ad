// The platform's pattern review queue: approve, or reject with a comment the submitter reads.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Pattern } from './types.ts';

export function PatternReviewPage() {
  const { t } = useI18n();
  const [queue, setQueue] = useState<Pattern[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.get<Pattern[]>('/api/v1/patterns/review', { pageSize: 100 }).then((q) => (setQueue(q), setError(null)), setError);
  }, []);
  useEffect(load, [load]);

  return (
    <Stack gap="lg">
      <Title order={2}>{t('pat.reviewTitle')}</Title>
      <ErrorAlert error={error} />
      {queue && !queue.length ? <Text c="dimmed">{t('pat.reviewEmpty')}</Text> : null}
      {queue?.map((p) => <ReviewCard key={p.id} pattern={p} onDone={load} />)}
    </Stack>
  );
}

function ReviewCard({ pattern, onDone }: { pattern: Pattern; onDone(): void }) {
  const { t, num, date } = useI18n();
  const [comment, setComment] = useState('');
  const decide = useAction(async (decision: 'approve' | 'reject') => {
    await api.post(`/api/v1/patterns/${encodeURIComponent(pattern.id)}/review`, { decision, comment: comment.trim() || undefined });
    notifySuccess(t(decision === 'approve' ? 'pat.approved' : 'pat.rejected'));
    onDone();
  });
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={pattern.name}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            <bdi>{pattern.name}</bdi>
          </Title>
          <Text size="sm" c="dimmed">
            {t('pat.colOwner')}: <bdi>{pattern.username ?? pattern.accountId}</bdi>{t('common.sep')}{date(pattern.createdAt)}
          </Text>
        </Group>
        <Text style={{ whiteSpace: 'pre-wrap', unicodeBidi: 'plaintext' }}>{pattern.body}</Text>
        <Group gap="xs">
          {pattern.variables.map((v) => (
            <Badge key={v.name} variant="light" style={{ textTransform: 'none' }}>
              <bdi dir="ltr">{`%${v.name}%`}</bdi>{t('common.sep')}{t(`pat.type.${v.type}`)}{t('common.sep')}{num(v.maxLength)}
            </Badge>
          ))}
        </Group>
        <Textarea label={t('pat.comment')} value={comment} onChange={(e) => setComment(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
        <ErrorAlert error={decide.error} />
        <Group justify="flex-end">
          <Button color="red" variant="light" onClick={() => void decide.run('reject')} loading={decide.busy} disabled={!comment.trim()}>
            {t('pat.reject')}
          </Button>
          <Button color="teal" onClick={() => void decide.run('approve')} loading={decide.busy}>
            {t('pat.approve')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
