// Where a payer lands after the gateway: the payment's state, amount, VAT and total.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials } from '../wallet/money.tsx';
import type { Payment } from '../wallet/types.ts';
import { paymentColor } from './MyTopups.tsx';
import { LAST_PAYMENT_KEY } from './TopupPage.tsx';

export function PaymentResultPage({ paymentId }: { paymentId: string }) {
  const { t, dateTime, digits } = useI18n();
  const [p, setP] = useState<Payment | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<Payment>(`/api/v1/billing/payments/${encodeURIComponent(paymentId)}`)
      .then((r) => {
        if (!live) return;
        setP(r);
        try {
          if (r.status !== 'pending' && sessionStorage.getItem(LAST_PAYMENT_KEY) === r.id) sessionStorage.removeItem(LAST_PAYMENT_KEY);
        } catch {
          // nothing remembered
        }
      })
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [paymentId]);

  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>{t('topup.payment.title')}</Title>
      <ErrorAlert error={error} />
      {p ? (
        <Card withBorder radius="md" padding="lg" data-testid="payment-result">
          <Stack gap="md">
            <Group>
              <Badge size="lg" variant="light" color={paymentColor(p.status)}>
                {t(`topup.payment.${p.status}`)}
              </Badge>
              <Text size="sm">{t(p.status === 'verified' ? (p.credited ? 'topup.payment.creditedYes' : 'topup.payment.creditedLater') : p.status === 'failed' ? 'topup.payment.failedHint' : 'topup.payment.pendingHint')}</Text>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Field label={t('topup.payment.amount')}>
                <Rials value={p.amount} fw={600} toman />
              </Field>
              <Field label={t('topup.payment.vat')}>
                <Rials value={p.vat} fw={600} />
              </Field>
              <Field label={t('topup.payment.total')}>
                <Rials value={p.total} fw={600} toman />
              </Field>
              <Field label={t('topup.payment.date')}>{dateTime(p.createdAt)}</Field>
              <Field label={t('topup.payment.ref')}>{p.refId ? <Ltr>{digits(p.refId)}</Ltr> : t('common.none')}</Field>
              <Field label={t('topup.payment.card')}>{p.cardPan ? <Ltr>{digits(p.cardPan)}</Ltr> : t('common.none')}</Field>
            </SimpleGrid>
          </Stack>
        </Card>
      ) : null}
      <Group>
        <Button component="a" href="/wallet" onClick={onLinkClick('/wallet')} variant="light">
          {t('topup.payment.toWallet')}
        </Button>
        <Button component="a" href="/topup" onClick={onLinkClick('/topup')} variant="default">
          {t('topup.payment.again')}
        </Button>
      </Group>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="div">{children}</Text>
    </div>
  );
}
