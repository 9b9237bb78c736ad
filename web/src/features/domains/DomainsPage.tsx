// An agency's (or the platform's) own domains: add one, the exact DNS records to create (the
// pointing options and the ownership TXT token), check now, status badges (docs/caddy.md).
import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, CopyButton, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

type DnsRecord = { type: 'CNAME' | 'A' | 'TXT'; name: string; value: string; purpose: 'point' | 'ownership' };
type DomainStatus = 'pending' | 'verified' | 'active' | 'failed';
export type Domain = { host: string; status: DomainStatus; checkedAt: string | null; verifiedAt: string | null; activatedAt: string | null; lastError: string | null; records: { options: DnsRecord[][]; ownership: DnsRecord; targetReachable: boolean } };

const statusColor: Record<DomainStatus, string> = { pending: 'yellow', verified: 'blue', active: 'teal', failed: 'red' };

export function DomainStatusBadge({ status }: { status: DomainStatus }) {
  const { t } = useI18n();
  return (
    <Badge variant="light" color={statusColor[status]}>
      {t(`domains.status.${status}`)}
    </Badge>
  );
}

export function DomainsPage() {
  const { t } = useI18n();
  const [items, setItems] = useState<Domain[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [host, setHost] = useState('');
  const load = useCallback(() => {
    api
      .get<{ items: Domain[] }>('/api/v1/domains')
      .then((r) => (setItems(r.items), setError(null)))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const add = useAction(async () => {
    await api.post<Domain>('/api/v1/domains', { host: host.trim().toLowerCase() });
    notifySuccess(t('domains.added'));
    setHost('');
    load();
  });

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t('domains.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('domains.intro')}
        </Text>
      </div>
      <Card withBorder radius="md" padding="md">
        <Group align="flex-end">
          <TextInput label={t('domains.host')} description={t('domains.hostHint')} dir="ltr" w={320} value={host} onChange={(e) => setHost(e.currentTarget.value)} />
          <Button loading={add.busy} disabled={host.trim().length < 4} onClick={() => void add.run()}>
            {t('domains.add')}
          </Button>
        </Group>
        <ErrorAlert error={add.error} />
      </Card>
      <ErrorAlert error={error} />
      {items && !items.length ? (
        <Text c="dimmed" ta="center" py="lg">
          {t('domains.empty')}
        </Text>
      ) : null}
      {(items ?? []).map((d) => (
        <DomainCard key={d.host} domain={d} onChanged={load} />
      ))}
    </Stack>
  );
}

function RecordsTable({ records, label }: { records: DnsRecord[]; label: string }) {
  const { t } = useI18n();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table withTableBorder verticalSpacing="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={80}>{t('domains.type')}</Table.Th>
            <Table.Th>{t('domains.name')}</Table.Th>
            <Table.Th>{t('domains.value')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td dir="ltr">{r.type}</Table.Td>
              <Table.Td>
                <Copyable text={r.name} />
              </Table.Td>
              <Table.Td>
                <Copyable text={r.value} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Copyable({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <Group gap={4} wrap="nowrap" justify="space-between">
      <Text size="sm" ff="monospace" dir="ltr" style={{ wordBreak: 'break-all' }}>
        {text}
      </Text>
      <CopyButton value={text}>
        {({ copied, copy }) => (
          <Button variant="subtle" size="compact-xs" onClick={copy} aria-label={`${t('common.copy')} ${text}`}>
            {copied ? t('common.copied') : t('common.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function DomainCard({ domain, onChanged }: { domain: Domain; onChanged(): void }) {
  const { t, dateTime, num } = useI18n();
  const [d, setD] = useState(domain);
  const [confirm, setConfirm] = useState(false);
  useEffect(() => setD(domain), [domain]);
  const check = useAction(async () => {
    const r = await api.post<Domain>(`/api/v1/domains/${encodeURIComponent(d.host)}/check`);
    setD(r);
    notifySuccess(t('domains.checked', { status: t(`domains.status.${r.status}`) }));
  });
  const remove = useAction(async () => {
    await api.delete(`/api/v1/domains/${encodeURIComponent(d.host)}`);
    setConfirm(false);
    notifySuccess(t('domains.removed'));
    onChanged();
  });

  return (
    <Card withBorder radius="md" padding="md" data-testid={`domain-${d.host}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="sm">
            <Title order={4} dir="ltr">
              {d.host}
            </Title>
            <DomainStatusBadge status={d.status} />
          </Group>
          <Group gap="xs">
            <Button variant="light" loading={check.busy} onClick={() => void check.run()}>
              {t('domains.check')}
            </Button>
            <Button variant="subtle" color="red" onClick={() => setConfirm(true)}>
              {t('domains.remove')}
            </Button>
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {d.checkedAt ? t('domains.checkedAt', { at: dateTime(d.checkedAt) }) : t('domains.neverChecked')}
        </Text>
        {d.lastError ? (
          <Text size="sm" c="red">
            {t('domains.lastError', { error: d.lastError === 'txt_missing' || d.lastError === 'not_pointing' ? t(`domains.error.${d.lastError}`) : d.lastError })}
          </Text>
        ) : null}
        <ErrorAlert error={check.error ?? remove.error} />
        <Text fw={600} size="sm">
          {t('domains.ownership')}
        </Text>
        <RecordsTable records={[d.records.ownership]} label={t('domains.ownership')} />
        <Text fw={600} size="sm">
          {t('domains.point')}
        </Text>
        {d.records.targetReachable ? null : (
          <Alert color="yellow" variant="light">
            {t('domains.targetNotPublic')}
          </Alert>
        )}
        {d.records.options.map((set, i) => (
          <Stack gap={4} key={i}>
            {d.records.options.length > 1 ? (
              <Text size="xs" c="dimmed">
                {t('domains.option', { n: num(i + 1) })}
              </Text>
            ) : null}
            <RecordsTable records={set} label={`${t('domains.point')} ${i + 1}`} />
          </Stack>
        ))}
      </Stack>
      <ConfirmModal opened={confirm} title={t('domains.remove')} message={t('domains.removeConfirm', { host: d.host })} confirmLabel={t('domains.remove')} busy={remove.busy} onConfirm={() => void remove.run()} onClose={() => setConfirm(false)} />
    </Card>
  );
}
