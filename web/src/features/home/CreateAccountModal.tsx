// "Create account": a user or an agency under the caller (POST /api/v1/accounts).
import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Radio, Stack, TextInput } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const empty = { username: '', password: '', mobile: '', displayName: '', kind: 'user' as 'user' | 'agency' };

export function CreateAccountModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(a: Account): void }) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState(empty);
  const set = (k: 'username' | 'password' | 'mobile' | 'displayName') => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: value }));
  };

  const create = useAction(async () => {
    const body = {
      username: form.username.trim(),
      password: form.password,
      mobile: latinDigits(form.mobile.trim()),
      kind: form.kind,
      displayName: form.displayName.trim() || undefined,
      locale: lang,
    };
    const a = await api.post<Account>('/api/v1/accounts', body);
    notifySuccess(t('create.done', { username: a.username }));
    setForm(empty);
    onCreated(a);
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  const close = () => {
    create.setError(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('create.title')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={create.error} />
          <TextInput label={t('create.username')} description={t('signUp.usernameHint')} dir="ltr" autoComplete="off" required value={form.username} onChange={set('username')} data-autofocus />
          <PasswordField label={t('create.password')} autoComplete="new-password" required value={form.password} onChange={set('password')} />
          <TextInput label={t('create.mobile')} description={t('signUp.mobileHint')} type="tel" inputMode="tel" dir="ltr" required value={form.mobile} onChange={set('mobile')} />
          <Radio.Group label={t('create.kind')} value={form.kind} onChange={(v) => setForm((f) => ({ ...f, kind: v === 'agency' ? 'agency' : 'user' }))}>
            <Group mt={4}>
              <Radio value="user" label={t('kind.user')} />
              <Radio value="agency" label={t('kind.agency')} />
            </Group>
          </Radio.Group>
          <TextInput label={`${t('create.displayName')} (${t('common.optional')})`} value={form.displayName} onChange={set('displayName')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.busy}>
              {t('create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
