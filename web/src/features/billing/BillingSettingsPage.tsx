// How your children pay you: gateways and bank accounts; the platform also sets the VAT rate and the agencies’ price ceiling.
import { useEffect, useState, type ReactNode } from 'react';
import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { clientError, put } from '../wallet/http.ts';
import { parseAmount } from '../wallet/money.tsx';
import { BankAccountsCard } from './BankAccountsCard.tsx';
import { GatewaysCard } from './GatewaysCard.tsx';

/** A platform setting's card: title, hint, the fields, one save button. */
function SettingCard({ title, hint, error, busy, onSave, children }: { title: string; hint: string; error: unknown; busy: boolean; onSave(): void; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Card withBorder radius="md" padding="lg">
      <form onSubmit={(e) => (e.preventDefault(), onSave())}>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
          <ErrorAlert error={error} />
          <Group align="flex-end">
            {children}
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function VatCard() {
  const { t, num } = useI18n();
  const [percent, setPercent] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<{ vatBp: number }>('/api/v1/billing/settings').then((r) => setPercent(num(r.vatBp / 100)), setError);
  }, [num]);
  const save = useAction(async () => {
    const n = Number(latinDigits(percent).replace('٫', '.').trim());
    if (!Number.isFinite(n) || n < 0 || n > 100 || percent.trim() === '') throw clientError(t('billing.vat.bad'));
    const r = await put<{ vatBp: number }>('/api/v1/billing/settings', { vatBp: Math.round(n * 100) });
    setPercent(num(r.vatBp / 100));
    notifySuccess(t('common.saved'));
  });
  return (
    <SettingCard title={t('billing.vat.title')} hint={t('billing.vat.hint')} error={error ?? save.error} busy={save.busy} onSave={() => void save.run()}>
      <TextInput label={t('billing.vat.rate')} inputMode="decimal" w={160} value={percent} onChange={(e) => setPercent(e.currentTarget.value)} rightSection={<Text size="sm">٪</Text>} />
    </SettingCard>
  );
}

function PriceCeilingCard() {
  const { t, num } = useI18n();
  const [multiple, setMultiple] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<{ multiple: number; reference: string }>('/api/v1/billing/price-ceiling').then((r) => (setMultiple(num(r.multiple)), setReference(num(BigInt(r.reference)))), setError);
  }, [num]);
  const save = useAction(async () => {
    const m = Number(latinDigits(multiple).trim());
    const ref = parseAmount(reference);
    if (!Number.isInteger(m) || m < 1 || m > 10_000 || ref === null) throw clientError(t('billing.ceiling.bad'));
    const r = await put<{ multiple: number; reference: string }>('/api/v1/billing/price-ceiling', { multiple: m, reference: ref });
    setMultiple(num(r.multiple));
    setReference(num(BigInt(r.reference)));
    notifySuccess(t('common.saved'));
  });
  return (
    <SettingCard title={t('billing.ceiling.title')} hint={t('billing.ceiling.hint')} error={error ?? save.error} busy={save.busy} onSave={() => void save.run()}>
      <TextInput label={t('billing.ceiling.multiple')} inputMode="numeric" w={200} value={multiple} onChange={(e) => setMultiple(e.currentTarget.value)} rightSection={<Text size="sm">×</Text>} />
      <TextInput label={t('billing.ceiling.reference')} inputMode="numeric" w={220} value={reference} onChange={(e) => setReference(e.currentTarget.value)} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
    </SettingCard>
  );
}

export function BillingSettingsPage() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <Stack gap="lg" maw={1000}>
      <Title order={2}>{t('billing.settings.title')}</Title>
      {me.kind === 'platform' ? <VatCard /> : null}
      {me.kind === 'platform' ? <PriceCeilingCard /> : null}
      <GatewaysCard />
      <BankAccountsCard />
    </Stack>
  );
}
