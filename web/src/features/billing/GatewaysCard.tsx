// Your payment gateways: your children pay you through them. Merchant ids come back masked.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Modal, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import type { Gateway, GatewayKind } from '../wallet/types.ts';

export function GatewaysCard() {
  const { t, date } = useI18n();
  const [items, setItems] = useState<Gateway[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Gateway | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Gateway | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: Gateway[] }>('/api/v1/billing/gateways')).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async (g: Gateway) => {
    try {
      await api.patch(`/api/v1/billing/gateways/${encodeURIComponent(g.id)}`, { enabled: !g.enabled });
      await load();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const remove = useAction(async (g: Gateway) => {
    await api.delete(`/api/v1/billing/gateways/${encodeURIComponent(g.id)}`);
    setDeleting(null);
    notifySuccess(t('billing.gateways.deleted'));
    await load();
  });

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('billing.gateways.title')}
          </Title>
          <Button size="xs" onClick={() => setEditing('new')}>
            {t('billing.gateways.add')}
          </Button>
        </Group>
        <ErrorAlert error={error ?? remove.error} />
        {items && !items.length ? <Text c="dimmed">{t('billing.gateways.none')}</Text> : null}
        {items?.length ? (
          <Table verticalSpacing="xs" aria-label={t('billing.gateways.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.gateways.name')}</Table.Th>
                <Table.Th>{t('billing.gateways.kind')}</Table.Th>
                <Table.Th>{t('billing.gateways.merchant')}</Table.Th>
                <Table.Th>{t('billing.gateways.created')}</Table.Th>
                <Table.Th>{t('billing.gateways.enabled')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>
                    <bdi>{g.name}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`billing.gateways.kind.${g.kind}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{g.merchantId ? <Ltr>{g.merchantId}</Ltr> : t('common.none')}</Table.Td>
                  <Table.Td>{date(g.createdAt)}</Table.Td>
                  <Table.Td>
                    <Switch checked={g.enabled} onChange={() => void toggle(g)} aria-label={t('billing.gateways.enabled')} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-sm" variant="light" onClick={() => setEditing(g)}>
                        {t('billing.groups.edit')}
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(g)}>
                        {t('billing.groups.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
      {editing ? <GatewayModal gateway={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), void load())} /> : null}
      <ConfirmModal opened={deleting !== null} title={t('billing.groups.delete')} message={t('billing.gateways.deleteConfirm', { name: deleting?.name ?? '' })} confirmLabel={t('billing.groups.delete')} busy={remove.busy} onConfirm={() => deleting && void remove.run(deleting)} onClose={() => setDeleting(null)} />
    </Card>
  );
}

function GatewayModal({ gateway, onClose, onSaved }: { gateway: Gateway | null; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  // Only the platform's own gateway may talk to another address than the provider's (test mode).
  const customUrl = useMe().kind === 'platform' || Boolean(gateway?.baseUrl);
  const [kind, setKind] = useState<GatewayKind>(gateway?.kind ?? 'sandbox');
  const [name, setName] = useState(gateway?.name ?? '');
  const [merchantId, setMerchantId] = useState('');
  const [baseUrl, setBaseUrl] = useState(gateway?.baseUrl ?? '');
  const save = useAction(async () => {
    const settings = { ...(merchantId.trim() ? { merchantId: merchantId.trim() } : {}), ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}) };
    if (gateway) await api.patch(`/api/v1/billing/gateways/${encodeURIComponent(gateway.id)}`, { name: name.trim(), ...(Object.keys(settings).length ? { settings } : {}) });
    else await api.post('/api/v1/billing/gateways', { kind, name: name.trim(), settings });
    notifySuccess(t('common.saved'));
    onSaved();
  });
  return (
    <Modal opened onClose={onClose} title={gateway ? t('billing.groups.edit') : t('billing.gateways.add')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <ErrorAlert error={save.error} />
          <Select label={t('billing.gateways.kind')} disabled={Boolean(gateway)} value={kind} allowDeselect={false} onChange={(v) => setKind(v === 'zarinpal' ? 'zarinpal' : 'sandbox')} data={(['sandbox', 'zarinpal'] as const).map((k) => ({ value: k, label: t(`billing.gateways.kind.${k}`) }))} />
          <TextInput label={t('billing.gateways.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          {kind === 'zarinpal' ? (
            <>
              <TextInput label={t('billing.gateways.merchant')} description={gateway?.merchantId ? t('billing.gateways.merchantKeep', { masked: gateway.merchantId }) : t('billing.gateways.merchantHint')} dir="ltr" required={!gateway} value={merchantId} onChange={(e) => setMerchantId(e.currentTarget.value)} autoComplete="off" />
              {customUrl ? <TextInput label={`${t('billing.gateways.baseUrl')} (${t('common.optional')})`} dir="ltr" value={baseUrl} onChange={(e) => setBaseUrl(e.currentTarget.value)} /> : null}
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('billing.gateways.sandboxHint')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
