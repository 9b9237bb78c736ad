// Your API keys: list (never the secret), create (shown once), revoke after confirmation.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { ApiKey, NewApiKey } from '../../api/types.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CreateApiKeyModal, ShowApiKeyModal } from './ApiKeyModals.tsx';

export function ApiKeysCard() {
  const { t, date, dateTime } = useI18n();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await api.get<{ items: ApiKey[] }>('/api/v1/api-keys');
      setKeys(r.items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (k: ApiKey) => {
    setBusy(true);
    try {
      await api.delete(`/api/v1/api-keys/${encodeURIComponent(k.id)}`);
      notifySuccess(t('apiKeys.revokedDone', { name: k.name }));
      await load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('apiKeys.title')}
          </Title>
          <Button onClick={() => setCreating(true)}>{t('apiKeys.create')}</Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t('apiKeys.intro')}
        </Text>
        <ErrorAlert error={error} />
        {keys === null && !error ? (
          <Center py="md">
            <Loader size="sm" aria-label={t('common.loading')} />
          </Center>
        ) : keys && keys.length === 0 ? (
          <Text c="dimmed" ta="center" py="md">
            {t('apiKeys.empty')}
          </Text>
        ) : keys ? (
          <Table.ScrollContainer minWidth={680}>
            <Table striped verticalSpacing="xs" aria-label={t('apiKeys.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('apiKeys.colName')}</Table.Th>
                  <Table.Th>{t('apiKeys.colPrefix')}</Table.Th>
                  <Table.Th>{t('apiKeys.colIps')}</Table.Th>
                  <Table.Th>{t('apiKeys.colCreated')}</Table.Th>
                  <Table.Th>{t('apiKeys.colLastUsed')}</Table.Th>
                  <Table.Th>{t('apiKeys.colStatus')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>
                      <bdi>{k.name}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <Ltr>
                        <code>{k.keyPrefix}…</code>
                      </Ltr>
                    </Table.Td>
                    <Table.Td>{k.allowedIps.length ? <Ltr>{k.allowedIps.join(', ')}</Ltr> : t('apiKeys.anyIp')}</Table.Td>
                    <Table.Td>{date(k.createdAt)}</Table.Td>
                    <Table.Td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : t('apiKeys.never')}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={k.revokedAt ? 'gray' : 'teal'}>
                        {k.revokedAt ? t('apiKeys.revoked') : t('apiKeys.active')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {k.revokedAt ? null : (
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(k)}>
                          {t('apiKeys.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Stack>
      <CreateApiKeyModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(k) => {
          setCreating(false);
          setCreated(k);
          void load();
        }}
      />
      <ShowApiKeyModal created={created} onClose={() => setCreated(null)} />
      <ConfirmModal
        opened={revoking !== null}
        title={t('apiKeys.revokeTitle')}
        message={revoking ? t('apiKeys.revokeConfirm', { name: revoking.name }) : ''}
        confirmLabel={t('apiKeys.revoke')}
        busy={busy}
        onConfirm={() => revoking && void revoke(revoking)}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}
