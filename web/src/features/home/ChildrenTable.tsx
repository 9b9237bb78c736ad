// Rows of child accounts with Persian digits and Jalali dates; suspend asks first.
import { useState } from 'react';
import { Badge, Button, Center, Loader, Table, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import type { Account } from '../../api/types.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../components/errors.tsx';
import { localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { kindLabel, statusColor, statusLabel } from './labels.ts';

export function ChildrenTable({ items, loading, onChanged }: { items: Account[]; loading: boolean; onChanged(a: Account): void }) {
  const { t, digits, date } = useI18n();
  const [confirming, setConfirming] = useState<Account | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const setStatus = async (a: Account, status: 'active' | 'suspended') => {
    setBusyId(a.id);
    try {
      const updated = await api.post<Account>(`/api/v1/accounts/${encodeURIComponent(a.id)}/status`, { status });
      onChanged(updated);
      notifySuccess(t(status === 'active' ? 'children.reactivated' : 'children.suspended', { username: a.username }));
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusyId(null);
      setConfirming(null);
    }
  };

  if (loading) {
    return (
      <Center py="lg">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (!items.length) {
    return (
      <Text c="dimmed" ta="center" py="lg">
        {t('children.empty')}
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={t('children.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('children.colUsername')}</Table.Th>
              <Table.Th>{t('children.colName')}</Table.Th>
              <Table.Th>{t('children.colKind')}</Table.Th>
              <Table.Th>{t('children.colStatus')}</Table.Th>
              <Table.Th>{t('children.colMobile')}</Table.Th>
              <Table.Th>{t('children.colCreated')}</Table.Th>
              <Table.Th>{t('children.colActions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Ltr>{a.username}</Ltr>
                </Table.Td>
                <Table.Td>{a.displayName || t('common.none')}</Table.Td>
                <Table.Td>{t(kindLabel(a.kind))}</Table.Td>
                <Table.Td>
                  <Badge color={statusColor(a.status)} variant="light">
                    {t(statusLabel(a.status))}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Ltr>{digits(localMobile(a.mobile))}</Ltr>
                </Table.Td>
                <Table.Td>{date(a.createdAt)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Button size="compact-sm" variant="subtle" component="a" href={`/accounts/${a.id}/wallet`} onClick={onLinkClick(`/accounts/${a.id}/wallet`)} aria-label={`${t('wallet.nav')} ${a.username}`}>
                    {t('wallet.nav')}
                  </Button>
                  {a.status === 'suspended' ? (
                    <Button size="compact-sm" variant="light" loading={busyId === a.id} onClick={() => void setStatus(a, 'active')}>
                      {t('children.reactivate')}
                    </Button>
                  ) : (
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => setConfirming(a)}>
                      {t('children.suspend')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={confirming !== null}
        title={t('children.suspendTitle')}
        message={confirming ? t('children.suspendConfirm', { username: confirming.username }) : ''}
        confirmLabel={t('children.suspend')}
        busy={busyId !== null}
        onConfirm={() => confirming && void setStatus(confirming, 'suspended')}
        onClose={() => setConfirming(null)}
      />
    </>
  );
}
