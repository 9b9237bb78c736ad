// User management for agencies (and the platform): create a user with a package (the welcome SMS
// goes out), suspend or reactivate, reset the password, extend validity, set SMPP limits, open their messages.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, Modal, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Account, Page } from '../../api/types.ts';
import { onLinkClick } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { PasswordField } from '../../components/PasswordField.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { useRials } from '../wallet/money.tsx';
import { SmppLimitsModal } from './SmppLimitsModal.tsx';

const PAGE_SIZE = 20;
type Package = { id: string; name: string };
type Pending = { kind: 'status' | 'reset' | 'extend'; a: Account } | null;

export function UsersPage() {
  const { t, date, digits } = useI18n();
  const me = useMe();
  const rials = useRials();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Account> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [years, setYears] = useState<number>(1);
  const [smppOf, setSmppOf] = useState<Account | null>(null);

  const load = useCallback(() => {
    api
      .get<Page<Account>>('/api/v1/accounts', { parentId: me.id, kind: 'user', q: q.trim() || undefined, page, pageSize: PAGE_SIZE })
      .then((r) => (setData(r), setError(null)))
      .catch(setError);
  }, [me.id, q, page]);
  useEffect(() => {
    const h = setTimeout(load, 250);
    return () => clearTimeout(h);
  }, [load]);

  const act = useAction(async () => {
    if (!pending) return;
    try {
      await step(pending);
    } finally {
      setPending(null);
    }
    load();
  });
  const step = async (pending: NonNullable<Pending>) => {
    const { a } = pending;
    const id = encodeURIComponent(a.id);
    if (pending.kind === 'status') {
      const status = a.status === 'active' ? 'suspended' : 'active';
      await api.post(`/api/v1/accounts/${id}/status`, { status });
      notifySuccess(t(status === 'active' ? 'users.reactivated' : 'users.suspended', { username: a.username }));
    } else if (pending.kind === 'reset') {
      await api.post(`/api/v1/users/${id}/reset-password`);
      notifySuccess(t('users.reset.done', { username: a.username }));
    } else {
      const r = await api.post<{ validUntil: string; fee: string }>(`/api/v1/users/${id}/extend`, { years });
      notifySuccess(t('users.extend.done', { username: a.username, date: date(r.validUntil), fee: rials(r.fee) }));
    }
  };
  const open = (p: Pending) => {
    act.setError(null);
    setYears(1);
    setPending(p);
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('users.title')}</Title>
        <Button onClick={() => setCreating(true)}>{t('users.create')}</Button>
      </Group>
      <TextInput
        placeholder={t('users.search')}
        aria-label={t('users.search')}
        maw={360}
        value={q}
        onChange={(e) => {
          setQ(e.currentTarget.value);
          setPage(1);
        }}
      />
      <ErrorAlert error={error ?? act.error} />
      <Card withBorder radius="md" padding="md">
        {data && !data.items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('users.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table striped verticalSpacing="xs" aria-label={t('users.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('users.col.username')}</Table.Th>
                  <Table.Th>{t('users.col.mobile')}</Table.Th>
                  <Table.Th>{t('users.col.status')}</Table.Th>
                  <Table.Th>{t('users.col.createdAt')}</Table.Th>
                  <Table.Th>{t('users.col.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.items ?? []).map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <bdi>{a.username}</bdi>
                      {a.displayName ? (
                        <Text size="xs" c="dimmed">
                          <bdi>{a.displayName}</bdi>
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <bdi>{digits(localMobile(a.mobile))}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={a.status === 'active' ? 'teal' : a.status === 'suspended' ? 'red' : 'gray'}>
                        {t(`status.${a.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(a.createdAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-sm" variant="subtle" color={a.status === 'active' ? 'red' : 'teal'} onClick={() => open({ kind: 'status', a })} aria-label={`${t(a.status === 'active' ? 'users.suspend' : 'users.reactivate')} ${a.username}`}>
                          {t(a.status === 'active' ? 'users.suspend' : 'users.reactivate')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" onClick={() => open({ kind: 'reset', a })} aria-label={`${t('users.reset')} ${a.username}`}>
                          {t('users.reset')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" onClick={() => open({ kind: 'extend', a })} aria-label={`${t('users.extend')} ${a.username}`}>
                          {t('users.extend')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" onClick={() => setSmppOf(a)} aria-label={`${t('users.smpp')} ${a.username}`}>
                          {t('users.smpp')}
                        </Button>
                        <Button size="compact-sm" variant="subtle" component="a" href={`/records?accountId=${a.id}`} onClick={onLinkClick(`/records?accountId=${a.id}`)} aria-label={`${t('users.records')} ${a.username}`}>
                          {t('users.records')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
      </Card>

      <SmppLimitsModal account={smppOf} onClose={() => setSmppOf(null)} />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} onCreated={() => (setCreating(false), load())} />
      {pending && pending.kind !== 'extend' ? (
        <ConfirmModal
          opened
          title={pending.kind === 'reset' ? t('users.reset') : t(pending.a.status === 'active' ? 'users.suspend' : 'users.reactivate')}
          message={pending.kind === 'reset' ? t('users.reset.confirm', { username: pending.a.username }) : pending.a.status === 'active' ? t('users.suspend.confirm', { username: pending.a.username }) : t('users.reactivate.confirm', { username: pending.a.username })}
          confirmLabel={pending.kind === 'reset' ? t('users.reset') : t(pending.a.status === 'active' ? 'users.suspend' : 'users.reactivate')}
          busy={act.busy}
          onConfirm={() => void act.run()}
          onClose={() => setPending(null)}
        />
      ) : null}
      <Modal opened={pending?.kind === 'extend'} onClose={() => setPending(null)} title={pending ? t('users.extend.title', { username: pending.a.username }) : ''} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('users.extend.hint')}
          </Text>
          <NumberInput label={t('users.extend.years')} min={1} max={5} w={140} value={years} onChange={(v) => setYears(Number(v) || 1)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </Button>
            <Button loading={act.busy} onClick={() => void act.run()}>
              {t('users.extend.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

const empty = { username: '', mobile: '', email: '', displayName: '', password: '', packageId: null as string | null };

function CreateUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(): void }) {
  const { t, lang, digits } = useI18n();
  const [f, setF] = useState(empty);
  const [packages, setPackages] = useState<Package[]>([]);
  useEffect(() => {
    if (!opened) return;
    api
      .get<{ items: Package[] }>('/api/v1/packages')
      .then((r) => setPackages(r.items))
      .catch(() => setPackages([]));
  }, [opened]);
  const set = (k: 'username' | 'mobile' | 'email' | 'displayName' | 'password') => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((x) => ({ ...x, [k]: v }));
  };
  const create = useAction(async () => {
    const mobile = latinDigits(f.mobile.trim());
    const a = await api.post<Account>('/api/v1/users', {
      username: f.username.trim(),
      mobile,
      locale: lang,
      ...(f.password ? { password: f.password } : {}),
      ...(f.email.trim() ? { email: f.email.trim() } : {}),
      ...(f.displayName.trim() ? { displayName: f.displayName.trim() } : {}),
      ...(f.packageId ? { packageId: f.packageId } : {}),
    });
    notifySuccess(t('users.create.done', { username: a.username, mobile: digits(localMobile(a.mobile)) }));
    setF(empty);
    onCreated();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('users.create.title')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput label={t('users.create.username')} required dir="ltr" autoComplete="off" value={f.username} onChange={set('username')} />
          <TextInput label={t('users.create.mobile')} required dir="ltr" inputMode="tel" value={f.mobile} onChange={set('mobile')} />
          <TextInput label={`${t('users.create.displayName')} (${t('common.optional')})`} value={f.displayName} onChange={set('displayName')} />
          <TextInput label={`${t('users.create.email')} (${t('common.optional')})`} dir="ltr" type="email" value={f.email} onChange={set('email')} />
          <PasswordField label={`${t('users.create.password')} (${t('common.optional')})`} description={t('users.create.passwordHint')} autoComplete="new-password" value={f.password} onChange={set('password')} />
          <Select
            label={t('users.create.package')}
            placeholder={t('users.create.noPackage')}
            clearable
            value={f.packageId}
            onChange={(v) => setF((x) => ({ ...x, packageId: v }))}
            data={packages.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Text size="sm" c="teal.8">
            {t('users.create.welcome')}
          </Text>
          <ErrorAlert error={create.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={create.busy}>
              {t('users.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
