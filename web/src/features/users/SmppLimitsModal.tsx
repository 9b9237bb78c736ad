// A child's SMPP limits as its parent sets them: throughput (messages a second, paced, not refused),
// window (unanswered at once across its binds) and binds at once; each at most the parent's own,
// empty for the platform default. Live binds follow within seconds.
import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

type Limits = { tps: number; window: number; maxBinds: number };
type Own = { tps: number | null; window: number | null; maxBinds: number | null };
type ChildLimits = { own: Own; effective: Limits; max: Limits; defaults: Limits };
const keys = ['tps', 'window', 'maxBinds'] as const;

export function SmppLimitsModal({ account, onClose }: { account: Account | null; onClose(): void }) {
  const { t, digits } = useI18n();
  const [data, setData] = useState<ChildLimits | null>(null);
  const [own, setOwn] = useState<Own>({ tps: null, window: null, maxBinds: null });
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    setData(null);
    setLoadError(null);
    if (!account) return;
    api
      .get<ChildLimits>(`/api/v1/users/${encodeURIComponent(account.id)}/smpp`)
      .then((r) => (setData(r), setOwn(r.own)))
      .catch(setLoadError);
  }, [account]);
  const save = useAction(async () => {
    if (!account) return;
    const r = await api.put<ChildLimits>(`/api/v1/users/${encodeURIComponent(account.id)}/smpp`, own);
    setData(r);
    notifySuccess(t('users.smpp.saved', { username: account.username }));
    onClose();
  });

  return (
    <Modal opened={account !== null} onClose={onClose} title={account ? t('users.smpp.title', { username: account.username }) : ''} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('users.smpp.hint')}
        </Text>
        <ErrorAlert error={loadError} />
        {data
          ? keys.map((k) => (
              <NumberInput
                key={k}
                label={t(`users.smpp.${k}`)}
                description={t('users.smpp.bounds', { max: digits(String(data.max[k])), default: digits(String(Math.min(data.defaults[k], data.max[k]))), now: digits(String(data.effective[k])) })}
                placeholder={t('users.smpp.default')}
                min={1}
                max={data.max[k]}
                clampBehavior="none"
                allowDecimal={false}
                value={own[k] ?? ''}
                onChange={(v) => setOwn((o) => ({ ...o, [k]: v === '' || v === null ? null : Number(v) }))}
              />
            ))
          : null}
        <ErrorAlert error={save.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={save.busy} disabled={!data} onClick={() => void save.run()}>
            {t('users.smpp.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
