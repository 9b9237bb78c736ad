// Which of the applicant's own top-ups pays the agency fee: its bank deposits (not rejected) or its
// verified online payments, read back from billing so nobody has to copy an id by hand.
import { useEffect, useState } from 'react';
import { Select, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useRials } from '../wallet/money.tsx';
import type { Deposit, Payment } from '../wallet/types.ts';

type Props = { method: 'online' | 'deposit'; value: string | null; onChange(id: string | null): void };

export function PaymentPicker({ method, value, onChange }: Props) {
  const { t, date, digits } = useI18n();
  const rials = useRials();
  const [deposits, setDeposits] = useState<Deposit[] | null>(null);
  const [payments, setPayments] = useState<Payment[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.get<{ items: Deposit[] }>('/api/v1/billing/deposits', { direction: 'mine', pageSize: 50 }), api.get<{ items: Payment[] }>('/api/v1/billing/payments', { direction: 'mine', pageSize: 50 })])
      .then(([d, p]) => live && (setDeposits(d.items), setPayments(p.items), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, []);

  const data =
    method === 'deposit'
      ? (deposits ?? [])
          .filter((d) => d.status !== 'rejected')
          .map((d) => ({ value: d.id, label: t('agency.pay.depositOption', { date: date(`${d.paidOn}T12:00:00Z`), tracking: digits(d.trackingNumber), amount: rials(d.total), status: t(`topup.deposit.${d.status}`) }) }))
      : (payments ?? []).filter((p) => p.status === 'verified').map((p) => ({ value: p.id, label: t('agency.pay.paymentOption', { date: date(p.verifiedAt ?? p.createdAt), amount: rials(p.total) }) }));

  return (
    <>
      <ErrorAlert error={error} />
      <Select label={t('agency.pay.reference')} description={t('agency.pay.referenceHint')} required maw={520} value={data.some((o) => o.value === value) ? value : null} onChange={onChange} data={data} />
      {deposits && payments && !data.length ? (
        <Text size="sm" c="dimmed">
          {t(method === 'deposit' ? 'agency.pay.noDeposits' : 'agency.pay.noPayments')}
        </Text>
      ) : null}
    </>
  );
}
