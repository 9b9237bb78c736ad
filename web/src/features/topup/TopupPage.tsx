// Top up your wallet: pay online through your parent's gateway, or declare a bank deposit to one of
// its bank accounts; below, what you paid and declared so far.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { clientError } from '../wallet/http.ts';
import { big, parseAmount, Rials } from '../wallet/money.tsx';
import type { Payment, TopupOptions } from '../wallet/types.ts';
import { vatOn } from './bank-format.ts';
import { BankAccountsList, DepositCard } from './DepositCard.tsx';
import { MyTopups } from './MyTopups.tsx';

export const LAST_PAYMENT_KEY = 'chapar.lastPayment';

export function TopupPage() {
  const { t, num } = useI18n();
  const [options, setOptions] = useState<TopupOptions | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [gatewayId, setGatewayId] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [reload, setReload] = useState(0);

  const load = useCallback(async () => {
    try {
      const o = await api.get<TopupOptions>('/api/v1/billing/topup-options');
      setOptions(o);
      setGatewayId((g) => g ?? o.gateways[0]?.id ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const parsed = parseAmount(amount);
  const vat = parsed && options ? vatOn(BigInt(parsed), options.vatBp) : null;

  const pay = useAction(async () => {
    if (!parsed || parsed === '0') throw clientError(t('wallet.money.badAmount'));
    if (!gatewayId) throw clientError(t('topup.noGateway'));
    const p = await api.post<Payment & { redirectUrl: string }>('/api/v1/billing/payments', { gatewayId, amount: parsed });
    try {
      sessionStorage.setItem(LAST_PAYMENT_KEY, p.id);
    } catch {
      // private mode: the result page is still listed below after the return
    }
    location.assign(p.redirectUrl);
  });

  return (
    <Stack gap="lg" maw={1000}>
      <Title order={2}>{t('topup.title')}</Title>
      <ErrorAlert error={error} />
      <LastPaymentNotice />
      {options ? (
        <Card withBorder radius="md" padding="lg">
          <form onSubmit={(e) => (e.preventDefault(), void pay.run())}>
            <Stack gap="sm">
              <Title order={3} size="h4">
                {t('topup.onlineTitle')}
              </Title>
              <Text size="sm" c="dimmed">
                {t('topup.onlineHint', { vat: num(options.vatBp / 100) })}
              </Text>
              <ErrorAlert error={pay.error} />
              {options.gateways.length === 0 ? (
                <Alert color="gray">{t('topup.noGateway')}</Alert>
              ) : (
                <Group align="flex-end">
                  <Select label={t('topup.gateway')} w={240} value={gatewayId} allowDeselect={false} onChange={setGatewayId} data={options.gateways.map((g) => ({ value: g.id, label: g.name }))} />
                  <TextInput label={t('topup.amount')} required inputMode="numeric" w={220} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
                  <Button type="submit" loading={pay.busy}>
                    {t('topup.pay')}
                  </Button>
                </Group>
              )}
              {parsed && vat !== null ? (
                <Text size="sm" data-testid="topup-total">
                  {t('topup.vatLine')} <Rials value={vat} />{t('common.sep')}{t('topup.totalLine')} <Rials value={big(parsed) + vat} fw={600} toman />
                </Text>
              ) : null}
            </Stack>
          </form>
        </Card>
      ) : null}
      {options ? (
        <Card withBorder radius="md" padding="lg">
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('topup.banksTitle')}
            </Title>
            <BankAccountsList items={options.bankAccounts} />
          </Stack>
        </Card>
      ) : null}
      {options ? <DepositCard options={options} onDeclared={() => setReload((k) => k + 1)} /> : null}
      <MyTopups reload={reload} />
    </Stack>
  );
}

/** After the gateway sends the payer back, the last payment's outcome is one click away. */
function LastPaymentNotice() {
  const { t } = useI18n();
  const [id] = useState(() => {
    try {
      return sessionStorage.getItem(LAST_PAYMENT_KEY);
    } catch {
      return null;
    }
  });
  if (!id) return null;
  return (
    <Alert color="blue" variant="light">
      <Group justify="space-between">
        <Text size="sm">{t('topup.lastPayment')}</Text>
        <Button size="xs" variant="light" component="a" href={`/topup/payments/${encodeURIComponent(id)}`}>
          {t('topup.viewResult')}
        </Button>
      </Group>
    </Alert>
  );
}
