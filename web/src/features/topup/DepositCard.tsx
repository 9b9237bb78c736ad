// Bank deposit (فیش واریزی): the parent's accounts to pay into, and the declaration with its receipt.
import { useState } from 'react';
import { Button, Card, FileInput, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { clientError, fileToBase64 } from '../wallet/http.ts';
import { JalaliDateInput } from '../wallet/JalaliDateInput.tsx';
import { todayTehran } from '../wallet/jalali.ts';
import { parseAmount, Rials } from '../wallet/money.tsx';
import type { BankAccount, Deposit, TopupOptions } from '../wallet/types.ts';
import { formatCard, formatIban, splitVat } from './bank-format.ts';

const MAX_RECEIPT = 5 * 1024 * 1024;
const RECEIPT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

export function BankAccountsList({ items }: { items: BankAccount[] }) {
  const { t, digits } = useI18n();
  if (!items.length) return <Text c="dimmed">{t('topup.noBanks')}</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" aria-label={t('topup.banksTitle')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('billing.banks.bankName')}</Table.Th>
            <Table.Th>{t('billing.banks.holder')}</Table.Th>
            <Table.Th>{t('billing.banks.iban')}</Table.Th>
            <Table.Th>{t('billing.banks.card')}</Table.Th>
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
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function DepositCard({ options, onDeclared }: { options: TopupOptions; onDeclared(): void }) {
  const { t, num, digits } = useI18n();
  const [amount, setAmount] = useState('');
  const [paidOn, setPaidOn] = useState(todayTehran());
  const [tracking, setTracking] = useState('');
  const [bankId, setBankId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const parsed = parseAmount(amount);
  const split = parsed ? splitVat(BigInt(parsed), options.vatBp) : null;
  const fileProblem = file && (file.size > MAX_RECEIPT ? t('topup.deposit.fileTooBig') : !RECEIPT_TYPES.includes(file.type) ? t('topup.deposit.fileType') : null);

  const declare = useAction(async () => {
    if (!parsed || parsed === '0') throw clientError(t('wallet.money.badAmount'));
    if (!paidOn) throw clientError(t('wallet.date.invalid'));
    if (!file) throw clientError(t('topup.deposit.needReceipt'));
    const d = await api.post<Deposit>('/api/v1/billing/deposits', { amount: parsed, paidOn, trackingNumber: tracking.trim(), bankAccountId: bankId, receipt: { data: await fileToBase64(file) } });
    notifySuccess(t('topup.deposit.declared', { tracking: d.trackingNumber }));
    setAmount('');
    setTracking('');
    setFile(null);
    onDeclared();
  });

  return (
    <Card withBorder radius="md" padding="lg">
      <form onSubmit={(e) => (e.preventDefault(), void declare.run())}>
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('topup.deposit.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('topup.deposit.hint', { vat: num(options.vatBp / 100) })}
          </Text>
          <ErrorAlert error={declare.error} />
          <Group align="flex-start">
            <TextInput label={t('topup.deposit.amount')} required inputMode="numeric" w={220} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} rightSection={<Text size="xs">{t('wallet.money.rialUnit')}</Text>} rightSectionWidth={48} />
            <JalaliDateInput label={t('topup.deposit.paidOn')} value={paidOn} onChange={setPaidOn} required w={180} />
            <TextInput label={t('topup.deposit.tracking')} required dir="ltr" w={200} value={tracking} onChange={(e) => setTracking(e.currentTarget.value)} />
            {options.bankAccounts.length ? (
              <Select
                label={`${t('topup.deposit.bank')} (${t('common.optional')})`}
                w={260}
                value={bankId}
                onChange={setBankId}
                clearable
                data={options.bankAccounts.map((b) => ({ value: b.id, label: `${b.bankName} — ${digits(formatIban(b.iban).slice(-9))}` }))}
              />
            ) : null}
          </Group>
          <FileInput
            label={t('topup.deposit.receipt')}
            description={t('topup.deposit.receiptHint')}
            required
            accept={RECEIPT_TYPES.join(',')}
            value={file}
            onChange={setFile}
            error={fileProblem}
            maw={420}
            clearable
          />
          {split ? (
            <Text size="sm">
              {t('topup.deposit.splitLine')} <Rials value={split.amount} fw={600} />{t('common.sep')}{t('topup.vatLine')} <Rials value={split.vat} />
            </Text>
          ) : null}
          <Group>
            <Button type="submit" loading={declare.busy} disabled={Boolean(fileProblem)}>
              {t('topup.deposit.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
