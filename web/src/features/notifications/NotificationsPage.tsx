// The notification centre: every notification of this account, all or only unread, newest first.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { NotificationList } from './NotificationList.tsx';
import { announceNotificationsChanged, onNotificationsChanged, type NotificationPage } from './types.ts';

const PAGE_SIZE = 20;

export function NotificationsPage() {
  const { t, num } = useI18n();
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<NotificationPage | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    api
      .get<NotificationPage>('/api/v1/notifications', { unread: filter === 'unread' ? 'true' : undefined, page, pageSize: PAGE_SIZE })
      .then((r) => (setData(r), setError(null)))
      .catch(setError);
  }, [filter, page]);

  useEffect(() => {
    load();
    return onNotificationsChanged(load);
  }, [load]);

  const markRead = async (id: string) => {
    try {
      await api.post(`/api/v1/notifications/${encodeURIComponent(id)}/read`);
      announceNotificationsChanged();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const markAll = async () => {
    try {
      await api.post('/api/v1/notifications/read-all');
      notifySuccess(t('notifications.markedAll'));
      announceNotificationsChanged();
    } catch (err) {
      notifyError(t, err);
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('notifications.title')}</Title>
        <Button variant="light" disabled={!data?.unread} onClick={() => void markAll()}>
          {t('notifications.markAllRead')}
        </Button>
      </Group>
      <Group>
        <SegmentedControl
          value={filter}
          onChange={(v) => (setFilter(v as typeof filter), setPage(1))}
          data={[
            { value: 'all', label: t('notifications.filter.all') },
            { value: 'unread', label: t('notifications.filter.unread') },
          ]}
        />
        {data ? (
          <Text size="sm" c="dimmed">
            {t('notifications.unreadCount', { count: num(data.unread) })}
          </Text>
        ) : null}
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {data ? <NotificationList items={data.items} onRead={(id) => void markRead(id)} /> : null}
        {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
      </Card>
    </Stack>
  );
}
