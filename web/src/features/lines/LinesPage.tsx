// Lines the caller may use (the platform: every line): type, operators, rights, default marker,
// and a dedicated line's yearly rent (paid-until date in the Jalali calendar, price, state, renew).
// Everyone sets a default; the platform adds lines and edits refund policy; platform and agencies
// give lines to their children and take them back.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { labelOf } from '../batches/labels.ts';
import type { Line } from '../send/types.ts';
import { AssignLineModal, CreateLineModal, EditLineModal, useLineTypeLabel } from './LineModals.tsx';

const renewalColor = { active: 'teal', expiring: 'yellow', grace: 'orange', suspended: 'red' } as const;

export function LinesPage() {
  const { t, digits, date, num } = useI18n();
  const me = useMe();
  const typeLabel = useLineTypeLabel();
  const [lines, setLines] = useState<Line[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Line | null>(null);
  const [assigning, setAssigning] = useState<{ line: Line; mode: 'assign' | 'revoke' } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const isPlatform = me.kind === 'platform';
  const canAssign = me.kind !== 'user';

  const load = useCallback(() => {
    api
      .get<{ items: Line[] }>('/api/v1/lines')
      .then((r) => (setLines(r.items), setError(null)))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const renew = async (l: Line) => {
    setBusyId(l.id);
    try {
      const r = await api.post<{ paidUntil: string }>(`/api/v1/lines/${encodeURIComponent(l.id)}/renew`, {});
      notifySuccess(t('lines.renewed', { number: digits(l.number), date: date(r.paidUntil) }));
      load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusyId(null);
    }
  };
  const makeDefault = async (l: Line) => {
    setBusyId(l.id);
    try {
      await api.post(`/api/v1/lines/${encodeURIComponent(l.id)}/default`);
      notifySuccess(t('lines.defaultSet', { number: digits(l.number) }));
      load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusyId(null);
    }
  };
  const done = () => {
    setCreating(false);
    setEditing(null);
    setAssigning(null);
    load();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('lines.title')}</Title>
        {isPlatform ? <Button onClick={() => setCreating(true)}>{t('lines.create')}</Button> : null}
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {!lines ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !lines.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('lines.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="xs" aria-label={t('lines.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('lines.colNumber')}</Table.Th>
                  <Table.Th>{t('lines.colType')}</Table.Th>
                  <Table.Th>{t('lines.colOperators')}</Table.Th>
                  <Table.Th>{t('lines.colRights')}</Table.Th>
                  <Table.Th>{t('lines.colRefund')}</Table.Th>
                  <Table.Th>{t('lines.colStatus')}</Table.Th>
                  <Table.Th>{t('lines.colRenewal')}</Table.Th>
                  <Table.Th>{t('lines.colActions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>
                      <Group gap={6}>
                        <Text fw={600} style={{ whiteSpace: 'nowrap' }}>
                          <Ltr>{digits(l.number)}</Ltr>
                        </Text>
                        {l.isDefault ? (
                          <Badge color="teal" variant="filled" size="sm" style={{ flexShrink: 0 }}>
                            {t('lines.default')}
                          </Badge>
                        ) : null}
                        {l.isShared ? (
                          <Badge color="gray" variant="light" size="sm" style={{ flexShrink: 0 }}>
                            {t('lines.shared')}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>{typeLabel(l.lineType)}</Table.Td>
                    <Table.Td>{l.operators.map((o) => labelOf(t, 'batch.op.', o)).join('، ')}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {l.maySend ? <Badge variant="light">{t('lines.send')}</Badge> : null}
                        {l.mayReceive ? (
                          <Badge variant="light" color="grape">
                            {t('lines.receive')}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{l.refundStatuses.map((s) => labelOf(t, 'batch.status.', s)).join('، ') || t('common.none')}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={l.status === 'active' ? 'teal' : 'gray'} variant="light">
                        {l.status === 'active' ? t('lines.active') : t('lines.disabled')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {l.renewal.state === 'none' ? (
                        <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                          {l.isShared || l.renewalPrice === '0' ? t('lines.renewal.none') : t('lines.renewal.price', { price: num(BigInt(l.renewalPrice)) })}
                        </Text>
                      ) : (
                        <Stack gap={2}>
                          <Group gap={6} wrap="nowrap">
                            <Badge color={renewalColor[l.renewal.state]} variant="light" size="sm">
                              {t(`lines.renewal.${l.renewal.state}`)}
                            </Badge>
                            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                              {t('lines.renewal.paidUntil', { date: date(l.renewal.paidUntil!) })}
                            </Text>
                          </Group>
                          <Text size="xs" c="dimmed">
                            {t('lines.renewal.price', { price: num(BigInt(l.renewalPrice)) })}
                          </Text>
                        </Stack>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {l.renewal.state === 'expiring' || l.renewal.state === 'grace' || l.renewal.state === 'suspended' ? (
                          <Button size="compact-sm" color={l.renewal.state === 'suspended' ? 'red' : undefined} loading={busyId === l.id} onClick={() => void renew(l)}>
                            {t('lines.renew')}
                          </Button>
                        ) : null}
                        {l.maySend && !l.isDefault && l.status === 'active' ? (
                          <Button size="compact-sm" variant="light" loading={busyId === l.id} onClick={() => void makeDefault(l)}>
                            {t('lines.setDefault')}
                          </Button>
                        ) : null}
                        {isPlatform ? (
                          <Button size="compact-sm" variant="subtle" onClick={() => setEditing(l)}>
                            {t('lines.edit')}
                          </Button>
                        ) : null}
                        {canAssign && !l.isShared ? (
                          <>
                            <Button size="compact-sm" variant="subtle" onClick={() => setAssigning({ line: l, mode: 'assign' })}>
                              {t('lines.assign')}
                            </Button>
                            <Button size="compact-sm" variant="subtle" color="red" onClick={() => setAssigning({ line: l, mode: 'revoke' })}>
                              {t('lines.revoke')}
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
      {isPlatform ? <CreateLineModal opened={creating} onClose={() => setCreating(false)} onDone={done} /> : null}
      <EditLineModal line={editing} onClose={() => setEditing(null)} onDone={done} />
      <AssignLineModal line={assigning?.line ?? null} mode={assigning?.mode ?? 'assign'} onClose={() => setAssigning(null)} onDone={done} />
    </Stack>
  );
}
