// Deposits your direct children declared: view the receipt, approve (credit posts from your wallet,
// once) or reject with a reason.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Image, Modal, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials } from '../wallet/money.tsx';
import type { Account, Page } from '../../api/types.ts';
import type { Deposit } from '../wallet/types.ts';
import { depositColor } from '../topup/MyTopups.tsx';

export function DepositsQueuePage() {
  const { t, date, dateTime, digits } = useI18n();
  const [items, setItems] = useState<Deposit[] | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState<'pending' | 'all'>('pending');
  const [viewing, setViewing] = useState<Deposit | null>(null);
  const [rejecting, setRejecting] = useState<Deposit | null>(null);
  const [reason, setReason] = useState('');

  const load = useCallback(async () => {
    try {
      const [d, a] = await Promise.all([api.get<{ items: Deposit[] }>('/api/v1/billing/deposits', { direction: 'received', pageSize: 200 }), api.get<Page<Account>>('/api/v1/accounts', { pageSize: 100 })]);
      setItems(d.items);
      setNames(new Map(a.items.map((x) => [x.id, x.username])));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const approve = useAction(async (d: Deposit) => {
    await api.post(`/api/v1/billing/deposits/${encodeURIComponent(d.id)}/approve`);
    notifySuccess(t('billing.queue.approved', { tracking: d.trackingNumber }));
    await load();
  });
  const reject = useAction(async () => {
    if (!rejecting) return;
    await api.post(`/api/v1/billing/deposits/${encodeURIComponent(rejecting.id)}/reject`, { reason: reason.trim() });
    notifySuccess(t('billing.queue.rejected', { tracking: rejecting.trackingNumber }));
    setRejecting(null);
    setReason('');
    await load();
  });

  const shown = (items ?? []).filter((d) => filter === 'all' || d.status === 'pending');
  const receiptUrl = (d: Deposit) => `/api/v1/billing/deposits/${encodeURIComponent(d.id)}/receipt`;

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('billing.queue.title')}</Title>
        <SegmentedControl value={filter} onChange={(v) => setFilter(v === 'all' ? 'all' : 'pending')} data={[{ value: 'pending', label: t('topup.deposit.pending') }, { value: 'all', label: t('common.all') }]} />
      </Group>
      <ErrorAlert error={error ?? approve.error} />
      <Card withBorder radius="md" padding="md">
        {items && !shown.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('billing.queue.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="sm" aria-label={t('billing.queue.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('billing.queue.payer')}</Table.Th>
                  <Table.Th>{t('topup.deposit.paidOn')}</Table.Th>
                  <Table.Th>{t('topup.deposit.tracking')}</Table.Th>
                  <Table.Th>{t('topup.payment.total')}</Table.Th>
                  <Table.Th>{t('topup.payment.amount')}</Table.Th>
                  <Table.Th>{t('billing.queue.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Ltr>{names.get(d.payerId) ?? d.payerId}</Ltr>
                      <Text size="xs" c="dimmed">
                        {dateTime(d.createdAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(`${d.paidOn}T12:00:00Z`)}</Table.Td>
                    <Table.Td>
                      <Ltr>{digits(d.trackingNumber)}</Ltr>
                    </Table.Td>
                    <Table.Td>
                      <Rials value={d.total} />
                    </Table.Td>
                    <Table.Td>
                      <Rials value={d.amount} />
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
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-sm" variant="subtle" onClick={() => setViewing(d)}>
                          {t('billing.queue.receipt')}
                        </Button>
                        {d.status === 'pending' ? (
                          <>
                            <Button size="compact-sm" color="teal" loading={approve.busy} onClick={() => void approve.run(d)}>
                              {t('billing.queue.approve')}
                            </Button>
                            <Button size="compact-sm" variant="light" color="red" onClick={() => setRejecting(d)}>
                              {t('billing.queue.reject')}
                            </Button>
                          </>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} size="lg" title={t('billing.queue.receipt')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {viewing ? (
          viewing.receiptType === 'application/pdf' ? (
            <Button component="a" href={receiptUrl(viewing)} target="_blank" rel="noopener">
              {t('billing.queue.openPdf')}
            </Button>
          ) : (
            <Image src={receiptUrl(viewing)} alt={t('billing.queue.receiptAlt', { tracking: viewing.trackingNumber })} fit="contain" mah={600} />
          )
        ) : null}
      </Modal>
      <Modal opened={rejecting !== null} onClose={() => setRejecting(null)} title={t('billing.queue.reject')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        <form onSubmit={(e) => (e.preventDefault(), void reject.run())}>
          <Stack gap="sm">
            <ErrorAlert error={reject.error} />
            <Textarea label={t('billing.queue.reason')} required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRejecting(null)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={reject.busy}>
                {t('billing.queue.reject')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
