// The audit log of this account's subtree: filter by event family, account (as actor or subject:
// the server filters by subject) and a Jalali date range; who did what, when, from which IP.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import type { Account, Page } from '../../api/types.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { JalaliDateInput } from '../wallet/JalaliDateInput.tsx';
import { tehranDayStart } from '../wallet/jalali.ts';

const families = ['account', 'agency', 'api_key', 'auth', 'billing', 'brand', 'compliance', 'domain', 'kyc', 'line', 'moderation', 'package', 'smpp', 'ticket'] as const;
type Family = (typeof families)[number];
const isFamily = (f: string): f is Family => (families as readonly string[]).includes(f);
const PAGE_SIZE = 25;

type Who = { id: string; username: string | null } | null;
/** role provider: someone above this account acted; the server does not say who. */
type Actor = { id: string | null; username: string | null; role: 'subtree' | 'provider' } | null;
type AuditEvent = { id: string; at: string; action: string; actor: Actor; subject: Who; ip: string | null; details: Record<string, unknown> };

export function AuditPage() {
  const { t, num, digits, dateTime } = useI18n();
  const [family, setFamily] = useState<string | null>(null);
  const [account, setAccount] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<AuditEvent> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<Page<AuditEvent>>('/api/v1/audit', {
        action: family ? `${family}.*` : undefined,
        subjectId: account,
        from: from ? tehranDayStart(from) : undefined,
        to: to ? tehranDayStart(to, 1) : undefined,
        page,
        pageSize: PAGE_SIZE,
      })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err));
    return () => {
      live = false;
    };
  }, [family, account, from, to, page]);

  const who = (w: Who | Actor) => {
    if (w && 'role' in w && w.role === 'provider') return <Text span c="dimmed" size="sm">{t('audit.provider')}</Text>;
    return w ? <bdi>{w.username ?? w.id}</bdi> : <Text span c="dimmed" size="sm">{t('audit.system')}</Text>;
  };
  const familyOf = (action: string) => action.split('.')[0];

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('audit.title')}</Title>
        {data ? (
          <Text c="dimmed" size="sm">
            {t('audit.total', { count: num(data.total) })}
          </Text>
        ) : null}
      </Group>
      <Group align="flex-start" wrap="wrap">
        <Select
          label={t('audit.family')}
          w={180}
          clearable
          placeholder={t('common.all')}
          value={family}
          onChange={(v) => (setFamily(v), setPage(1))}
          data={families.map((f) => ({ value: f, label: t(`audit.family.${f}`) }))}
        />
        <AccountFilter value={account} onChange={(v) => (setAccount(v), setPage(1))} />
        <JalaliDateInput label={t('audit.from')} value={from} onChange={(v) => (setFrom(v), setPage(1))} w={160} />
        <JalaliDateInput label={t('audit.to')} value={to} onChange={(v) => (setTo(v), setPage(1))} w={160} />
        <Button variant="subtle" mt={25} onClick={() => (setFamily(null), setAccount(null), setFrom(''), setTo(''), setPage(1))} disabled={!family && !account && !from && !to}>
          {t('audit.clear')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {data && !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('audit.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label={t('audit.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.at')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.subject')}</Table.Th>
                  <Table.Th>{t('audit.ip')}</Table.Th>
                  <Table.Th>{t('audit.details')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.items ?? []).map((e) => {
                  const f = familyOf(e.action);
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(e.at)}</Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {isFamily(f) ? (
                            <Badge variant="light" size="sm">
                              {t(`audit.family.${f}`)}
                            </Badge>
                          ) : null}
                          <Code dir="ltr" style={{ width: 'fit-content' }}>
                            {e.action}
                          </Code>
                        </Stack>
                      </Table.Td>
                      <Table.Td>{who(e.actor)}</Table.Td>
                      <Table.Td>{who(e.subject)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.ip ? <bdi dir="ltr">{digits(e.ip)}</bdi> : t('common.none')}</Table.Td>
                      <Table.Td>
                        <Details details={e.details} />
                      </Table.Td>
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

/** What changed, key by key, as the server recorded it (identifiers stay as written). */
function Details({ details }: { details: Record<string, unknown> }) {
  const { t } = useI18n();
  const entries = Object.entries(details);
  if (!entries.length) return <>{t('common.none')}</>;
  return (
    <Stack gap={0} dir="ltr" style={{ textAlign: 'start' }}>
      {entries.map(([k, v]) => (
        <Text key={k} size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          <Text span size="xs" c="dimmed" ff="monospace">
            {k}:
          </Text>{' '}
          <bdi>{typeof v === 'string' ? v : JSON.stringify(v)}</bdi>
        </Text>
      ))}
    </Stack>
  );
}

/** An account of the subtree, found by typing its username; clearable. */
function AccountFilter({ value, onChange }: { value: string | null; onChange(id: string | null): void }) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(latinDigits(search.trim()), 250);
  const [items, setItems] = useState<Account[]>([]);

  useEffect(() => {
    let live = true;
    api
      .get<Page<Account>>('/api/v1/accounts', { q, pageSize: 20 })
      .then((r) => live && setItems((prev) => [...prev.filter((a) => a.id === value), ...r.items.filter((a) => a.id !== value)]))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [q, value]);

  return (
    <Select
      label={t('audit.account')}
      w={220}
      placeholder={t('audit.accountSearch')}
      searchable
      clearable
      filter={({ options }) => options}
      searchValue={search}
      onSearchChange={setSearch}
      value={value}
      onChange={onChange}
      data={items.map((a) => ({ value: a.id, label: a.displayName ? `${a.username} — ${a.displayName}` : a.username }))}
      nothingFoundMessage={t('audit.empty')}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
