// A direct child's wallet, for its parent: give or take back credit, set its credit limit, move it
// to another of your user groups. Ancestors further up only read it (the server refuses the rest).
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { clientError, put } from './http.ts';
import { parseAmount, useRials } from './money.tsx';
import type { Group as UserGroup, Wallet } from './types.ts';
import { Stat } from './WalletPage.tsx';

export function ChildWalletPage({ accountId }: { accountId: string }) {
  const { t, num } = useI18n();
  const me = useMe();
  const rials = useRials();
  const [account, setAccount] = useState<Account | null>(null);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [groups, setGroups] = useState<UserGroup[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [direction, setDirection] = useState<'give' | 'take'>('give');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [limit, setLimit] = useState('');

  const load = useCallback(async () => {
    try {
      const id = encodeURIComponent(accountId);
      const [a, w] = await Promise.all([api.get<Account>(`/api/v1/accounts/${id}`), api.get<Wallet>(`/api/v1/accounts/${id}/wallet`)]);
      setAccount(a);
      setWallet(w);
      setLimit(num(BigInt(w.creditLimit)));
      if (a.parentId === me.id) setGroups((await api.get<{ items: UserGroup[] }>('/api/v1/billing/groups')).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [accountId, me.id, num]);
  useEffect(() => {
    void load();
  }, [load]);

  const isParent = account?.parentId === me.id;
  const id = encodeURIComponent(accountId);

  const transfer = useAction(async () => {
    const v = parseAmount(amount);
    if (!v || v === '0') throw clientError(t('wallet.money.badAmount'));
    const r = await api.post<{ amount: string; childBalance: string }>(`/api/v1/accounts/${id}/credit`, { amount: direction === 'give' ? v : `-${v}`, note: note.trim() });
    notifySuccess(t(direction === 'give' ? 'wallet.child.given' : 'wallet.child.taken', { amount: rials(v), balance: rials(r.childBalance) }));
    setAmount('');
    setNote('');
    await load();
  });
  const saveLimit = useAction(async () => {
    const v = parseAmount(limit);
    if (v === null) throw clientError(t('wallet.money.badAmount'));
    setWallet(await put<Wallet>(`/api/v1/accounts/${id}/credit-limit`, { creditLimit: v }));
    notifySuccess(t('common.saved'));
  });
  const setGroup = useAction(async (groupId: string) => {
    setWallet(await put<Wallet>(`/api/v1/accounts/${id}/group`, { groupId }));
    notifySuccess(t('common.saved'));
  });

  return (
    <Stack gap="lg" maw={960}>
      <Title order={2}>
        {t('wallet.child.title')} {account ? <Ltr>{account.username}</Ltr> : null}
      </Title>
      <ErrorAlert error={error} />
      {wallet ? (
        <Card withBorder radius="md" padding="lg">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Stat label={t('wallet.balance')} value={wallet.balance} testId="child-balance" />
            <Stat label={t('wallet.reserved')} value={wallet.reserved} />
            <Stat label={t('wallet.creditLimit')} value={wallet.creditLimit} />
          </SimpleGrid>
        </Card>
      ) : null}
      {wallet && !isParent ? <Text c="dimmed">{t('wallet.child.readOnly')}</Text> : null}
      {wallet && isParent ? (
        <>
          <Card withBorder radius="md" padding="lg">
            <form onSubmit={(e) => (e.preventDefault(), void transfer.run())}>
              <Stack gap="sm">
                <Title order={3} size="h4">
                  {t('wallet.child.transferTitle')}
                </Title>
                <ErrorAlert error={transfer.error} />
                <SegmentedControl
                  value={direction}
                  onChange={(v) => setDirection(v === 'take' ? 'take' : 'give')}
                  data={[
                    { value: 'give', label: t('wallet.child.give') },
                    { value: 'take', label: t('wallet.child.take') },
                  ]}
                  w="fit-content"
                />
                <Group align="flex-end">
                  <TextInput label={t('wallet.child.amount')} required inputMode="numeric" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} w={220} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
                  <TextInput label={`${t('wallet.child.note')} (${t('common.optional')})`} value={note} onChange={(e) => setNote(e.currentTarget.value)} style={{ flex: '1 1 14rem' }} />
                  <Button type="submit" loading={transfer.busy}>
                    {t(direction === 'give' ? 'wallet.child.giveSubmit' : 'wallet.child.takeSubmit')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
          <Card withBorder radius="md" padding="lg">
            <Stack gap="sm">
              <Title order={3} size="h4">
                {t('wallet.child.limitTitle')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('wallet.child.limitHint')}
              </Text>
              <ErrorAlert error={saveLimit.error} />
              <form onSubmit={(e) => (e.preventDefault(), void saveLimit.run())}>
                <Group align="flex-end">
                  <TextInput label={t('wallet.creditLimit')} inputMode="numeric" value={limit} onChange={(e) => setLimit(e.currentTarget.value)} w={220} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
                  <Button type="submit" loading={saveLimit.busy}>
                    {t('common.save')}
                  </Button>
                </Group>
              </form>
              <ErrorAlert error={setGroup.error} />
              <Select
                label={t('wallet.child.group')}
                w={320}
                value={wallet.groupId}
                allowDeselect={false}
                disabled={setGroup.busy}
                data={groups.map((g) => ({ value: g.id, label: g.isDefault ? `${g.name} (${t('billing.groups.default')})` : g.name }))}
                onChange={(v) => v && v !== wallet.groupId && void setGroup.run(v)}
              />
            </Stack>
          </Card>
        </>
      ) : null}
    </Stack>
  );
}
