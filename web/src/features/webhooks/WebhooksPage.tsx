// The caller's webhook endpoints: add (the signing secret is shown once), delete, attempts log.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Checkbox, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf } from '../batches/labels.ts';
import { AttemptsModal, SecretModal } from './WebhookModals.tsx';

type Endpoint = { id: string; url: string; events: string[]; enabled: boolean; createdAt: string };
const EVENTS = ['delivery', 'inbound'] as const;

export function WebhooksPage() {
  const { t, dateTime } = useI18n();
  const [items, setItems] = useState<Endpoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const [secret, setSecret] = useState<string | null>(null);
  const [attemptsOf, setAttemptsOf] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);

  const load = useCallback(() => {
    api
      .get<{ items: Endpoint[] }>('/api/v1/webhooks')
      .then((r) => (setItems(r.items), setError(null)))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const add = useAction(async () => {
    const r = await api.post<Endpoint & { secret: string }>('/api/v1/webhooks', { url: url.trim(), events });
    setSecret(r.secret);
    setUrl('');
    load();
  });
  const remove = async () => {
    if (!deleting) return;
    try {
      await api.delete(`/api/v1/webhooks/${encodeURIComponent(deleting.id)}`);
      notifySuccess(t('webhooks.deleted'));
      load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setDeleting(null);
    }
  };

  return (
    <Stack gap="lg">
      <Title order={2}>{t('webhooks.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('webhooks.intro')}
      </Text>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => (e.preventDefault(), void add.run())}>
          <Group align="flex-end" gap="md">
            <TextInput label={t('webhooks.url')} type="url" required placeholder="https://example.com/chapar" value={url} onChange={(e) => setUrl(e.currentTarget.value)} style={{ flex: '1 1 20rem' }} styles={{ input: { direction: 'ltr', textAlign: 'start' } }} />
            <Checkbox.Group label={t('webhooks.events')} value={events} onChange={setEvents}>
              <Group gap="sm" mt={8} mb={8}>
                {EVENTS.map((e) => (
                  <Checkbox key={e} value={e} label={t(`webhooks.event.${e}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Button type="submit" loading={add.busy} disabled={!events.length}>
              {t('webhooks.add')}
            </Button>
          </Group>
          <ErrorAlert error={add.error} />
        </form>
      </Card>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {!items ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('webhooks.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="xs" aria-label={t('webhooks.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('webhooks.colUrl')}</Table.Th>
                  <Table.Th>{t('webhooks.colEvents')}</Table.Th>
                  <Table.Th>{t('webhooks.colCreated')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((w) => (
                  <Table.Tr key={w.id}>
                    <Table.Td>
                      <Ltr>{w.url}</Ltr>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {w.events.map((e) => (
                          <Badge key={e} variant="light">
                            {labelOf(t, 'webhooks.event.', e)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(w.createdAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-sm" variant="light" onClick={() => setAttemptsOf(w.id)}>
                          {t('webhooks.attempts')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(w)}>
                          {t('webhooks.delete')}
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
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      <AttemptsModal endpointId={attemptsOf} onClose={() => setAttemptsOf(null)} />
      <ConfirmModal opened={deleting !== null} title={t('webhooks.deleteTitle')} message={t('webhooks.deleteConfirm')} confirmLabel={t('webhooks.delete')} onConfirm={() => void remove()} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
