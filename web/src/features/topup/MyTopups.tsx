// What you paid online and declared by bank deposit, newest first, with their states.
import { useEffect, useState } from 'react';
import { Anchor, Badge, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials } from '../wallet/money.tsx';
import type { Deposit, DepositStatus, Payment, PaymentStatus } from '../wallet/types.ts';

export const paymentColor = (s: PaymentStatus) => (s === 'verified' ? 'teal' : s === 'failed' ? 'red' : 'yellow');
export const depositColor = (s: DepositStatus) => (s === 'approved' ? 'teal' : s === 'rejected' ? 'red' : 'yellow');

export function MyTopups({ reload }: { reload: number }) {
  const { t, dateTime, date, digits } = useI18n();
  const [payments, setPayments] = useState<Payment[] | null>(null);
  const [deposits, setDeposits] = useState<Deposit[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.get<{ items: Payment[] }>('/api/v1/billing/payments', { direction: 'mine', pageSize: 20 }), api.get<{ items: Deposit[] }>('/api/v1/billing/deposits', { direction: 'mine', pageSize: 20 })])
      .then(([p, d]) => live && (setPayments(p.items), setDeposits(d.items), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [reload]);

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="lg">
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('topup.myPayments')}
          </Title>
          {payments && !payments.length ? <Text c="dimmed">{t('topup.noPayments')}</Text> : null}
          {payments?.length ? (
            <Table verticalSpacing="xs" aria-label={t('topup.myPayments')}>
              <Table.Tbody>
                {payments.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor href={`/topup/payments/${p.id}`} onClick={onLinkClick(`/topup/payments/${p.id}`)} size="sm">
                        {dateTime(p.createdAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Rials value={p.total} />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={paymentColor(p.status)}>
                        {t(`topup.payment.${p.status}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('topup.deposit.mine')}
          </Title>
          {deposits && !deposits.length ? <Text c="dimmed">{t('topup.deposit.none')}</Text> : null}
          {deposits?.length ? (
            <Table verticalSpacing="xs" aria-label={t('topup.deposit.mine')}>
              <Table.Tbody>
                {deposits.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(`${d.paidOn}T12:00:00Z`)}</Table.Td>
                    <Table.Td>
                      <Ltr>{digits(d.trackingNumber)}</Ltr>
                    </Table.Td>
                    <Table.Td>
                      <Rials value={d.total} />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={depositColor(d.status)}>
                        {t(`topup.deposit.${d.status}`)}
                      </Badge>
                      {d.reason ? (
                        <Text size="xs" c="dimmed">
                          <bdi>{d.reason}</bdi>
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Stack>
      </Card>
    </SimpleGrid>
  );
}
