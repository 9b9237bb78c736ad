// Notifications as a list: kind, title, text, Jalali time, a "new" mark and a mark-read button.
import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { onLinkClick } from '../../app/router.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { isKnownKind, linkOf, type PanelNotification } from './types.ts';

export function NotificationList({ items, onRead, onNavigate }: { items: PanelNotification[]; onRead(id: string): void; onNavigate?(): void }) {
  const { t, dateTime } = useI18n();
  if (!items.length) {
    return (
      <Text c="dimmed" ta="center" py="md">
        {t('notifications.empty')}
      </Text>
    );
  }
  return (
    <Stack component="ul" gap={0} p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('notifications.title')}>
      {items.map((n) => {
        const to = linkOf(n);
        return (
          <Stack component="li" key={n.id} gap={4} py="xs" px="xs" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: n.read ? undefined : 'var(--mantine-color-teal-0)' }}>
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Group gap="xs" wrap="nowrap">
                <Badge variant="light" size="sm">
                  {isKnownKind(n.kind) ? t(`notifications.kind.${n.kind}`) : <bdi>{n.kind}</bdi>}
                </Badge>
                {!n.read ? (
                  <Badge color="red" size="xs">
                    {t('notifications.unreadBadge')}
                  </Badge>
                ) : null}
              </Group>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {dateTime(n.createdAt)}
              </Text>
            </Group>
            {n.title ? (
              <Text size="sm" fw={n.read ? 400 : 700}>
                <bdi>{n.title}</bdi>
              </Text>
            ) : null}
            <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
              <bdi>{n.body}</bdi>
            </Text>
            <Group gap="xs">
              {to ? (
                <Anchor
                  size="sm"
                  href={to}
                  onClick={(e) => {
                    if (!n.read) onRead(n.id);
                    onLinkClick(to)(e);
                    onNavigate?.();
                  }}
                >
                  {t('notifications.openTicket')}
                </Anchor>
              ) : null}
              {!n.read ? (
                <Button size="compact-xs" variant="subtle" onClick={() => onRead(n.id)}>
                  {t('notifications.markRead')}
                </Button>
              ) : null}
            </Group>
          </Stack>
        );
      })}
    </Stack>
  );
}
