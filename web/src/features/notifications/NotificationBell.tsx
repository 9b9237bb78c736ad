// The header's bell: the unread count (asked every 30 s, and again whenever something here marks
// notifications read) and a dropdown of the newest ones with mark-read and mark-all-read.
import { useCallback, useEffect, useState } from 'react';
import { ActionIcon, Button, Divider, Group, Indicator, Popover, ScrollArea, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { notifyError } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { NotificationList } from './NotificationList.tsx';
import { announceNotificationsChanged, onNotificationsChanged, type NotificationPage } from './types.ts';

const POLL_MS = 30_000;

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

export function NotificationBell() {
  const { t, num } = useI18n();
  const [unread, setUnread] = useState(0);
  const [opened, setOpened] = useState(false);
  const [page, setPage] = useState<NotificationPage | null>(null);

  const count = useCallback(() => {
    api.get<{ unread: number }>('/api/v1/notifications/unread-count').then(
      (r) => setUnread(r.unread),
      () => {},
    );
  }, []);

  const load = useCallback(() => {
    api.get<NotificationPage>('/api/v1/notifications', { pageSize: 10 }).then(
      (r) => (setPage(r), setUnread(r.unread)),
      (err) => notifyError(t, err),
    );
  }, [t]);

  useEffect(() => {
    count();
    const timer = window.setInterval(count, POLL_MS);
    const off = onNotificationsChanged(() => (opened ? load() : count()));
    return () => {
      window.clearInterval(timer);
      off();
    };
  }, [count, load, opened]);

  useEffect(() => {
    if (opened) load();
  }, [opened, load]);

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
      announceNotificationsChanged();
    } catch (err) {
      notifyError(t, err);
    }
  };

  const label = unread ? t('notifications.bellUnread', { count: num(unread) }) : t('notifications.bell');
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withinPortal trapFocus={false}>
      <Popover.Target>
        <Indicator label={num(unread)} disabled={!unread} size={18} color="red" offset={4} inline data-testid="bell-count">
          <ActionIcon variant="subtle" size="lg" color="gray" aria-label={label} onClick={() => setOpened((o) => !o)}>
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p="xs" aria-label={t('notifications.title')} role="dialog">
        <Group justify="space-between" mb="xs">
          <Text fw={700}>{t('notifications.title')}</Text>
          <Button size="compact-xs" variant="light" disabled={!unread} onClick={() => void markAll()}>
            {t('notifications.markAllRead')}
          </Button>
        </Group>
        <ScrollArea.Autosize mah={420}>
          <NotificationList items={page?.items ?? []} onRead={(id) => void markRead(id)} onNavigate={() => setOpened(false)} />
        </ScrollArea.Autosize>
        <Divider my="xs" />
        <Button
          fullWidth
          size="xs"
          variant="subtle"
          component="a"
          href="/notifications"
          onClick={(e) => {
            onLinkClick('/notifications')(e);
            setOpened(false);
          }}
        >
          {t('notifications.showAll')}
        </Button>
      </Popover.Dropdown>
    </Popover>
  );
}
