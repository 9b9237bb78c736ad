// Your user groups (گروه کاربری): base price, coefficients as multipliers, overrides; create, edit,
// delete an empty one, and open one to see its full price table.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials, useCoefficient } from '../wallet/money.tsx';
import type { Coefficients, Group as UserGroup } from '../wallet/types.ts';
import { dimLabel, GroupEditor } from './GroupEditor.tsx';

export function CoefficientBadges({ c }: { c: Coefficients }) {
  const i18n = useI18n();
  const x = useCoefficient();
  const items = (Object.entries(c) as [keyof Coefficients, Record<string, number>][]).flatMap(([dim, m]) => Object.entries(m ?? {}).map(([k, bp]) => ({ key: `${dim}.${k}`, label: `${dimLabel(i18n, dim, k)} ${x(bp)}` })));
  if (!items.length) return <Text size="sm">{i18n.t('common.none')}</Text>;
  return (
    <Group gap={4}>
      {items.map((i) => (
        <Badge key={i.key} variant="outline" color="gray" tt="none">
          {i.label}
        </Badge>
      ))}
    </Group>
  );
}

export function GroupsPage() {
  const { t, num } = useI18n();
  const [groups, setGroups] = useState<UserGroup[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<UserGroup | 'new' | null>(null);
  const [deleting, setDeleting] = useState<UserGroup | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setGroups((await api.get<{ items: UserGroup[] }>('/api/v1/billing/groups')).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (g: UserGroup) => {
    setBusy(true);
    try {
      await api.delete(`/api/v1/billing/groups/${encodeURIComponent(g.id)}`);
      notifySuccess(t('billing.groups.deleted', { name: g.name }));
      await load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('billing.groups.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('billing.groups.create')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('billing.groups.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="sm" aria-label={t('billing.groups.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.groups.name')}</Table.Th>
                <Table.Th>{t('billing.groups.members')}</Table.Th>
                <Table.Th>{t('billing.groups.basePrice')}</Table.Th>
                <Table.Th>{t('billing.groups.receivePrice')}</Table.Th>
                <Table.Th>{t('billing.groups.coefficients')}</Table.Th>
                <Table.Th>{t('billing.groups.overrides')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(groups ?? []).map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>
                    <bdi>{g.name}</bdi>
                    {g.isDefault ? (
                      <Badge ms="xs" size="sm" variant="light">
                        {t('billing.groups.default')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{num(g.members)}</Table.Td>
                  <Table.Td>
                    <Rials value={g.basePrice} />
                  </Table.Td>
                  <Table.Td>
                    <Rials value={g.receivePrice} />
                  </Table.Td>
                  <Table.Td>
                    <CoefficientBadges c={g.coefficients} />
                  </Table.Td>
                  <Table.Td>{num(g.overrides.length)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" component="a" href={`/billing/groups/${g.id}`} onClick={onLinkClick(`/billing/groups/${g.id}`)}>
                        {t('billing.groups.prices')}
                      </Button>
                      <Button size="compact-sm" variant="light" onClick={() => setEditing(g)} aria-label={t('billing.groups.editNamed', { name: g.name })}>
                        {t('billing.groups.edit')}
                      </Button>
                      {!g.isDefault && g.members === 0 ? (
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(g)}>
                          {t('billing.groups.delete')}
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      {editing ? (
        <GroupEditor
          key={editing === 'new' ? 'new' : editing.id}
          opened
          group={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
        />
      ) : null}
      <ConfirmModal
        opened={deleting !== null}
        title={t('billing.groups.delete')}
        message={deleting ? t('billing.groups.deleteConfirm', { name: deleting.name }) : ''}
        confirmLabel={t('billing.groups.delete')}
        busy={busy}
        onConfirm={() => deleting && void remove(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
