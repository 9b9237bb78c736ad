// Your wallet: balance, reserved and credit limit, the low-credit alert level, and the statement.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { clientError, put } from './http.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { onLinkClick } from '../../app/router.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { parseAmount, Rials } from './money.tsx';
import { TransactionsCard } from './TransactionsCard.tsx';
import type { Balance } from './types.ts';

export function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Rials value={value} toman fw={600} size="lg" />
    </div>
  );
}

export function WalletPage() {
  const { t, num } = useI18n();
  const [bal, setBal] = useState<Balance | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [threshold, setThreshold] = useState('');

  const load = useCallback(async () => {
    try {
      const b = await api.get<Balance>('/api/v1/balance');
      setBal(b);
      setThreshold(b.lowCreditThreshold ? num(BigInt(b.lowCreditThreshold)) : '');
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [num]);
  useEffect(() => {
    void load();
  }, [load]);

  const save = useAction(async () => {
    const v = threshold.trim() === '' ? null : parseAmount(threshold);
    if (threshold.trim() !== '' && v === null) throw clientError(t('wallet.money.badAmount'));
    setBal(await put<Balance>('/api/v1/balance/low-credit-threshold', { threshold: v }));
    notifySuccess(t('common.saved'));
  });

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('wallet.title')}</Title>
        <Button component="a" href="/topup" onClick={onLinkClick('/topup')} variant="light">
          {t('wallet.topup')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="lg">
        {bal ? (
          <Stack gap="xs">
            <SimpleGrid cols={{ base: 1, sm: bal.backing === '0' ? 3 : 4 }}>
              <Stat label={t('wallet.balance')} value={bal.balance} testId="wallet-balance" />
              <Stat label={t('wallet.reserved')} value={bal.reserved} />
              <Stat label={t('wallet.creditLimit')} value={bal.creditLimit} />
              {bal.backing === '0' ? null : <Stat label={t('wallet.backing')} value={bal.backing} testId="wallet-backing" />}
            </SimpleGrid>
            {bal.backing === '0' ? null : (
              <Text size="sm" c="dimmed">
                {t('wallet.backingHint')}
              </Text>
            )}
          </Stack>
        ) : null}
      </Card>
      <Card withBorder radius="md" padding="lg">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('wallet.thresholdTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('wallet.thresholdHint')}
            </Text>
            <ErrorAlert error={save.error} />
            <Group align="flex-end">
              <TextInput label={t('wallet.threshold')} inputMode="numeric" value={threshold} onChange={(e) => setThreshold(e.currentTarget.value)} w={220} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
              <Button type="submit" loading={save.busy}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <TransactionsCard />
    </Stack>
  );
}
