// Your bank accounts for deposits: شبا and card numbers are checked by the server (mod 97, Luhn);
// the field it refuses is marked with its message.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, Modal, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, errorText, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { put } from '../wallet/http.ts';
import { badFields } from '../wallet/money.tsx';
import type { BankAccount } from '../wallet/types.ts';
import { formatCard, formatIban } from '../topup/bank-format.ts';

export function BankAccountsCard() {
  const { t, digits } = useI18n();
  const [items, setItems] = useState<BankAccount[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: BankAccount[] }>('/api/v1/billing/bank-accounts')).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async (b: BankAccount) => {
    try {
      await put(`/api/v1/billing/bank-accounts/${encodeURIComponent(b.id)}/enabled`, { enabled: !b.enabled });
      await load();
    } catch (err) {
      notifyError(t, err);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('billing.banks.title')}
          </Title>
          <Button size="xs" onClick={() => setAdding(true)}>
            {t('billing.banks.add')}
          </Button>
        </Group>
        <ErrorAlert error={error} />
        {items && !items.length ? <Text c="dimmed">{t('topup.noBanks')}</Text> : null}
        {items?.length ? (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" aria-label={t('billing.banks.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('billing.banks.bankName')}</Table.Th>
                  <Table.Th>{t('billing.banks.holder')}</Table.Th>
                  <Table.Th>{t('billing.banks.iban')}</Table.Th>
                  <Table.Th>{t('billing.banks.card')}</Table.Th>
                  <Table.Th>{t('billing.banks.shown')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>
                      <bdi>{b.bankName}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <bdi>{b.holderName}</bdi>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Ltr>{digits(formatIban(b.iban))}</Ltr>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{b.cardNumber ? <Ltr>{digits(formatCard(b.cardNumber))}</Ltr> : t('common.none')}</Table.Td>
                    <Table.Td>
                      <Switch checked={b.enabled} onChange={() => void toggle(b)} aria-label={t('billing.banks.shown')} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Stack>
      {adding ? <BankModal onClose={() => setAdding(false)} onSaved={() => (setAdding(false), void load())} /> : null}
    </Card>
  );
}

function BankModal({ onClose, onSaved }: { onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ bankName: '', holderName: '', iban: '', cardNumber: '', accountNo: '' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((x) => ({ ...x, [k]: v }));
  };
  const save = useAction(async () => {
    const clean = (s: string) => latinDigits(s).replace(/[\s-]/g, '');
    await api.post('/api/v1/billing/bank-accounts', {
      bankName: f.bankName.trim(), holderName: f.holderName.trim(), iban: clean(f.iban).toUpperCase(), cardNumber: clean(f.cardNumber) || null, accountNo: clean(f.accountNo) || null,
    });
    notifySuccess(t('common.saved'));
    onSaved();
  });
  const bad = badFields(save.error);
  const fieldError = (k: string) => (bad.has(k) ? errorText(t, save.error) : undefined);
  return (
    <Modal opened onClose={onClose} size="lg" title={t('billing.banks.add')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          {save.error && !bad.size ? <ErrorAlert error={save.error} /> : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('billing.banks.bankName')} required value={f.bankName} onChange={set('bankName')} error={fieldError('bankName')} data-autofocus />
            <TextInput label={t('billing.banks.holder')} required value={f.holderName} onChange={set('holderName')} error={fieldError('holderName')} />
          </SimpleGrid>
          <TextInput label={t('billing.banks.iban')} description={t('billing.banks.ibanHint')} required dir="ltr" value={f.iban} onChange={set('iban')} error={fieldError('iban')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={`${t('billing.banks.card')} (${t('common.optional')})`} dir="ltr" inputMode="numeric" value={f.cardNumber} onChange={set('cardNumber')} error={fieldError('cardNumber')} />
            <TextInput label={`${t('billing.banks.accountNo')} (${t('common.optional')})`} dir="ltr" value={f.accountNo} onChange={set('accountNo')} error={fieldError('accountNo')} />
          </SimpleGrid>
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
