// The lines page's dialogs: create a line and edit its refund policy (platform), assign it to a
// direct child and take it back (platform, agency).
import { useEffect, useState } from 'react';
import { Button, Checkbox, Group, Modal, MultiSelect, Select, Stack, Switch, TextInput } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf, operators } from '../batches/labels.ts';
import type { Line } from '../send/types.ts';
import { AccountPicker } from './AccountPicker.tsx';

export const lineTypes = ['public', '1000', '2000', '3000', '5000', '9000', 'fixed'] as const;
const refundable = ['undelivered', 'failed', 'rejected', 'expired'] as const;

export function useLineTypeLabel() {
  const { t, digits } = useI18n();
  return (lt: string) => (lt === 'public' ? t('lines.type.public') : lt === 'fixed' ? t('lines.type.fixed') : t('lines.type.prefix', { prefix: digits(lt) }));
}

function useOptions() {
  const { t } = useI18n();
  const typeLabel = useLineTypeLabel();
  return {
    types: lineTypes.map((v) => ({ value: v, label: typeLabel(v) })),
    ops: operators.map((v) => ({ value: v, label: labelOf(t, 'batch.op.', v) })),
    refunds: refundable.map((v) => ({ value: v, label: labelOf(t, 'batch.status.', v) })),
  };
}

const modalProps = (t: (k: 'common.close') => string) => ({ centered: true, closeButtonProps: { 'aria-label': t('common.close') } });

export function CreateLineModal({ opened, onClose, onDone }: { opened: boolean; onClose(): void; onDone(): void }) {
  const { t, digits } = useI18n();
  const o = useOptions();
  const [f, setF] = useState({ number: '', lineType: '3000', operators: [...operators] as string[], canSend: true, canReceive: true, ref16: false, isShared: false, refundStatuses: ['failed', 'rejected', 'expired'], renewalPrice: '' });
  const save = useAction(async () => {
    const number = latinDigits(f.number.trim());
    await api.post('/api/v1/lines', { ...f, number, renewalPrice: latinDigits(f.renewalPrice.trim()) || undefined });
    notifySuccess(t('lines.created', { number: digits(number) }));
    onDone();
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('lines.createTitle')} {...modalProps(t)}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <TextInput label={t('lines.number')} required value={digits(f.number)} onChange={(e) => setF({ ...f, number: e.currentTarget.value })} styles={{ input: { direction: 'ltr', textAlign: 'start' } }} />
          <Select label={t('lines.type')} data={o.types} value={f.lineType} onChange={(v) => v && setF({ ...f, lineType: v })} allowDeselect={false} />
          <MultiSelect label={t('lines.operators')} data={o.ops} value={f.operators} onChange={(v) => setF({ ...f, operators: v })} />
          <Group>
            <Checkbox label={t('lines.canSend')} checked={f.canSend} onChange={(e) => setF({ ...f, canSend: e.currentTarget.checked })} />
            <Checkbox label={t('lines.canReceive')} checked={f.canReceive} onChange={(e) => setF({ ...f, canReceive: e.currentTarget.checked })} />
            <Checkbox label={t('lines.isShared')} checked={f.isShared} onChange={(e) => setF({ ...f, isShared: e.currentTarget.checked })} />
          </Group>
          <Checkbox label={t('lines.ref16')} checked={f.ref16} onChange={(e) => setF({ ...f, ref16: e.currentTarget.checked })} />
          <MultiSelect label={t('lines.refundStatuses')} data={o.refunds} value={f.refundStatuses} onChange={(v) => setF({ ...f, refundStatuses: v })} />
          <TextInput label={t('lines.renewalPrice')} value={digits(f.renewalPrice)} onChange={(e) => setF({ ...f, renewalPrice: e.currentTarget.value })} inputMode="numeric" />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy}>
              {t('lines.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditLineModal({ line, onClose, onDone }: { line: Line | null; onClose(): void; onDone(): void }) {
  const { t, digits } = useI18n();
  const o = useOptions();
  const [refunds, setRefunds] = useState<string[]>([]);
  const [active, setActive] = useState(true);
  useEffect(() => {
    if (line) (setRefunds(line.refundStatuses), setActive(line.status === 'active'));
  }, [line]);
  const save = useAction(async () => {
    if (!line) return;
    await api.patch(`/api/v1/lines/${encodeURIComponent(line.id)}`, { refundStatuses: refunds, status: active ? 'active' : 'disabled' });
    notifySuccess(t('lines.saved', { number: digits(line.number) }));
    onDone();
  });
  return (
    <Modal opened={line !== null} onClose={onClose} title={line ? t('lines.editTitle', { number: digits(line.number) }) : ''} {...modalProps(t)}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <MultiSelect label={t('lines.refundStatuses')} data={o.refunds} value={refunds} onChange={setRefunds} />
          <Switch label={t('lines.enabled')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AssignLineModal({ line, mode, onClose, onDone }: { line: Line | null; mode: 'assign' | 'revoke'; onClose(): void; onDone(): void }) {
  const { t, digits } = useI18n();
  const [account, setAccount] = useState<Account | null>(null);
  const [rights, setRights] = useState({ canSend: true, canReceive: true });
  useEffect(() => setAccount(null), [line]);
  const save = useAction(async () => {
    if (!line || !account) return;
    const base = `/api/v1/lines/${encodeURIComponent(line.id)}/assignments`;
    if (mode === 'assign') await api.post(base, { accountId: account.id, ...rights });
    else await api.delete(`${base}/${encodeURIComponent(account.id)}`);
    notifySuccess(t(mode === 'assign' ? 'lines.assigned' : 'lines.revoked', { username: account.username }));
    onDone();
  });
  const title = line ? t(mode === 'assign' ? 'lines.assignTitle' : 'lines.revokeTitle', { number: digits(line.number) }) : '';
  return (
    <Modal opened={line !== null} onClose={onClose} title={title} {...modalProps(t)}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <AccountPicker label={t('lines.account')} value={account} onChange={setAccount} directOnly={mode === 'assign'} />
          {mode === 'assign' ? (
            <Group>
              <Checkbox label={t('lines.canSend')} checked={rights.canSend} onChange={(e) => setRights({ ...rights, canSend: e.currentTarget.checked })} />
              <Checkbox label={t('lines.canReceive')} checked={rights.canReceive} onChange={(e) => setRights({ ...rights, canReceive: e.currentTarget.checked })} />
            </Group>
          ) : null}
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={mode === 'revoke' ? 'red' : undefined} loading={save.busy} disabled={!account}>
              {t(mode === 'assign' ? 'lines.assign' : 'lines.revoke')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
