// The caller's direct children: search, kind filter, pages, create, suspend and reactivate.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, SegmentedControl, Stack, TextInput, Title, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import type { Account, Page } from '../../api/types.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe, useSession } from '../../session/session.tsx';
import { ChildrenTable } from './ChildrenTable.tsx';
import { CreateAccountModal } from './CreateAccountModal.tsx';

const PAGE_SIZE = 20;
type KindFilter = 'all' | 'agency' | 'user';

export function ChildrenSection() {
  const { t, num } = useI18n();
  const me = useMe();
  const { refresh } = useSession();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [kind, setKind] = useState<KindFilter>('all');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Account> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .get<Page<Account>>('/api/v1/accounts', { parentId: me.id, q: debouncedQ, kind: kind === 'all' ? undefined : kind, page, pageSize: PAGE_SIZE })
      .then((r) => live && (setData(r), setError(null)))
      .catch((err) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [me.id, debouncedQ, kind, page, reloadKey]);

  useEffect(() => setPage(1), [debouncedQ, kind]);

  const onCreated = useCallback(
    (a: Account) => {
      setCreating(false);
      // Newest first: the new row heads page one (shown at once, then confirmed by the reload).
      setData((d) => (d && page === 1 ? { ...d, items: [a, ...d.items.filter((x) => x.id !== a.id)].slice(0, PAGE_SIZE), total: d.total + 1 } : d));
      setPage(1);
      setReloadKey((k) => k + 1);
      void refresh();
    },
    [page, refresh],
  );

  const onChanged = useCallback((a: Account) => {
    setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === a.id ? a : x)) } : d));
  }, []);

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Group gap="xs" align="baseline">
            <Title order={3} size="h4">
              {t('children.title')}
            </Title>
            {data ? (
              <Text size="sm" c="dimmed">
                {t('children.total', { count: num(data.total) })}
              </Text>
            ) : null}
          </Group>
          <Button onClick={() => setCreating(true)}>{t('create.open')}</Button>
        </Group>
        <Group align="flex-end" gap="md">
          <TextInput label={t('children.search')} placeholder={t('children.searchPlaceholder')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} style={{ flex: '1 1 16rem' }} />
          <div role="group" aria-label={t('children.kind')}>
            <Text size="sm" fw={500} mb={4}>
              {t('children.kind')}
            </Text>
            <SegmentedControl
              value={kind}
              onChange={(v) => setKind(v as KindFilter)}
              data={[
                { value: 'all', label: t('common.all') },
                { value: 'agency', label: t('kind.agency') },
                { value: 'user', label: t('kind.user') },
              ]}
            />
          </div>
        </Group>
        <ErrorAlert error={error} />
        <ChildrenTable items={data?.items ?? []} loading={loading && !data} onChanged={onChanged} />
        {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
      </Stack>
      <CreateAccountModal opened={creating} onClose={() => setCreating(false)} onCreated={onCreated} />
    </Card>
  );
}
