// The statement: newest first, filtered by type and a Jalali date range, paged, and as CSV.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { api, withQuery } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { tehranDayStart } from './jalali.ts';
import { JalaliDateInput } from './JalaliDateInput.tsx';
import { big, Rials } from './money.tsx';
import { transactionTypes, type Transaction, type TransactionType } from './types.ts';

const PAGE_SIZE = 20;

export function TransactionsCard() {
  const { t, lang, dateTime, digits } = useI18n();
  const [type, setType] = useState<TransactionType | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Transaction> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const filters = { type: type || undefined, from: from ? tehranDayStart(from) : undefined, to: to ? tehranDayStart(to, 1) : undefined };
  const key = JSON.stringify(filters);

  useEffect(() => setPage(1), [key]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .get<Page<Transaction>>('/api/v1/transactions', { ...(JSON.parse(key) as Record<string, string>), page, pageSize: PAGE_SIZE })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key, page, lang]); // descriptions come from the server in the panel's language

  const csv = withQuery('/api/v1/transactions', { ...filters, format: 'csv', pageSize: 1000, lang });

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('wallet.transactions')}
          </Title>
          <Button component="a" href={csv} download="transactions.csv" variant="default" size="xs">
            {t('wallet.csv')}
          </Button>
        </Group>
        <Group align="flex-start" gap="md">
          <Select
            label={t('wallet.type')}
            w={200}
            value={type || 'all'}
            onChange={(v) => setType(v && v !== 'all' ? (v as TransactionType) : '')}
            data={[{ value: 'all', label: t('common.all') }, ...transactionTypes.map((x) => ({ value: x, label: t(`wallet.txn.${x}`) }))]}
            allowDeselect={false}
          />
          <JalaliDateInput label={t('wallet.from')} value={from} onChange={setFrom} w={170} />
          <JalaliDateInput label={t('wallet.to')} value={to} onChange={setTo} w={170} />
        </Group>
        <ErrorAlert error={error} />
        {loading && !data ? (
          <Center py="lg">
            <Loader size="sm" aria-label={t('common.loading')} />
          </Center>
        ) : data && data.items.length === 0 ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('wallet.noTransactions')}
          </Text>
        ) : data ? (
          <Table.ScrollContainer minWidth={760}>
            <Table striped verticalSpacing="xs" aria-label={t('wallet.transactions')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('wallet.colDate')}</Table.Th>
                  <Table.Th>{t('wallet.colType')}</Table.Th>
                  <Table.Th>{t('wallet.colAmount')}</Table.Th>
                  <Table.Th>{t('wallet.colReserved')}</Table.Th>
                  <Table.Th>{t('wallet.colBalanceAfter')}</Table.Th>
                  <Table.Th>{t('wallet.colNote')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(x.createdAt)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={big(x.amount) >= 0n ? 'teal' : 'orange'}>
                        {t(`wallet.txn.${x.type}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Rials value={x.amount} c={big(x.amount) < 0n ? 'red.7' : undefined} />
                    </Table.Td>
                    <Table.Td>{big(x.reservedChange) === 0n ? t('common.none') : <Rials value={x.reservedChange} />}</Table.Td>
                    <Table.Td>{x.balanceAfter === null ? t('common.none') : <Rials value={x.balanceAfter} />}</Table.Td>
                    <Table.Td>
                      <bdi>{x.description}</bdi>
                      {x.note ? (
                        <Text span c="dimmed" size="sm">
                          {' — '}
                          <bdi>{digits(x.note)}</bdi>
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
        {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
      </Stack>
    </Card>
  );
}
