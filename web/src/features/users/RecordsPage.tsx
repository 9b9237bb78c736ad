// Sent and received messages of the caller's subtree (mobiles written the Iranian way, 09…): by
// number, text, status, Jalali date range, one account (from user management) or all of it.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Group, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import type { MessageKey } from '../../i18n/fa.ts';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { JalaliDateInput } from '../wallet/JalaliDateInput.tsx';
import { tehranDayStart } from '../wallet/jalali.ts';

const PAGE_SIZE = 50;
const statuses = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'rejected', 'blacklisted', 'cancelled', 'expired'] as const;
type Sent = { id: string; accountId: string; username: string; to: string; from: string | null; status: string; parts: number; text: string; createdAt: string };
type Received = { id: string; accountId: string | null; username: string | null; from: string; to: string; text: string; parts: number; receivedAt: string };
type Filters = { number: string; text: string; status: string | null; from: string; to: string };
const noFilters: Filters = { number: '', text: '', status: null, from: '', to: '' };

export function RecordsPage() {
  const { t, num, dateTime, digits } = useI18n();
  const accountId = new URLSearchParams(location.search).get('accountId') ?? undefined;
  const [box, setBox] = useState<'sent' | 'received'>('sent');
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [f, setF] = useState<Filters>(noFilters);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: (Sent | Received)[]; total: number; box: 'sent' | 'received' } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<{ items: (Sent | Received)[]; total: number }>(`/api/v1/records/${box}`, {
        accountId,
        number: latinDigits(f.number).trim() || undefined,
        text: f.text.trim() || undefined,
        status: box === 'sent' ? f.status : undefined,
        from: f.from ? tehranDayStart(f.from) : undefined,
        to: f.to ? tehranDayStart(f.to, 1) : undefined,
        page,
        pageSize: PAGE_SIZE,
      })
      .then((r) => live && (setData({ ...r, box }), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [box, f, page, accountId]);

  const statusLabel = (s: string) => t(`batch.status.${s}` as MessageKey);

  return (
    <Stack gap="lg">
      <Title order={2}>{t('records.title')}</Title>
      <SegmentedControl
        w="fit-content"
        value={box}
        onChange={(v) => (setBox(v as typeof box), setPage(1))}
        data={[
          { value: 'sent', label: t('records.sent') },
          { value: 'received', label: t('records.received') },
        ]}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setF(draft);
          setPage(1);
        }}
      >
        <Group align="flex-end">
          <TextInput label={t('records.number')} dir="ltr" w={170} value={draft.number} onChange={(e) => setDraft({ ...draft, number: e.currentTarget.value })} />
          <TextInput label={t('records.text')} w={220} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.currentTarget.value })} />
          {box === 'sent' ? <Select label={t('records.status')} w={160} clearable placeholder={t('common.all')} value={draft.status} onChange={(v) => setDraft({ ...draft, status: v })} data={statuses.map((s) => ({ value: s, label: statusLabel(s) }))} /> : null}
          <JalaliDateInput label={t('records.from')} w={160} value={draft.from} onChange={(v) => setDraft((d) => ({ ...d, from: v }))} />
          <JalaliDateInput label={t('records.to')} w={160} value={draft.to} onChange={(v) => setDraft((d) => ({ ...d, to: v }))} />
          <Button type="submit">{t('records.search')}</Button>
        </Group>
      </form>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {data ? (
          <Text size="sm" c="dimmed" mb="xs">
            {t('records.total', { count: num(data.total) })}
          </Text>
        ) : null}
        {data && !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('records.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table striped verticalSpacing="xs" aria-label={t('records.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('records.col.at')}</Table.Th>
                  <Table.Th>{t('records.col.account')}</Table.Th>
                  <Table.Th>{t('records.col.from')}</Table.Th>
                  <Table.Th>{t('records.col.to')}</Table.Th>
                  <Table.Th>{t('records.col.text')}</Table.Th>
                  <Table.Th>{t('records.col.parts')}</Table.Th>
                  {data?.box === 'sent' ? <Table.Th>{t('records.col.status')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.items ?? []).map((r) => {
                  const sent = data?.box === 'sent' ? (r as Sent) : null;
                  const at = sent ? sent.createdAt : (r as Received).receivedAt;
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(at)}</Table.Td>
                      <Table.Td>
                        <bdi>{r.username ?? t('common.none')}</bdi>
                      </Table.Td>
                      <Table.Td>
                        <bdi>{r.from ? digits(localMobile(r.from)) : t('common.none')}</bdi>
                      </Table.Td>
                      <Table.Td>
                        <bdi>{digits(localMobile(r.to))}</bdi>
                      </Table.Td>
                      <Table.Td maw={320}>
                        <Text size="sm" lineClamp={2}>
                          <bdi>{r.text}</bdi>
                        </Text>
                      </Table.Td>
                      <Table.Td>{num(r.parts)}</Table.Td>
                      {sent ? (
                        <Table.Td>
                          <Badge variant="light">{statuses.includes(sent.status as never) ? statusLabel(sent.status) : sent.status}</Badge>
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
      </Card>
    </Stack>
  );
}
