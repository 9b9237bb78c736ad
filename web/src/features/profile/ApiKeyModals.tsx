// Creating an API key, and showing the new key exactly once with a copy button.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { NewApiKey } from '../../api/types.ts';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function CreateApiKeyModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(k: NewApiKey): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [ips, setIps] = useState('');
  const create = useAction(async () => {
    const allowedIps = ips
      .split(/[\n,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const k = await api.post<NewApiKey>('/api/v1/api-keys', { name: name.trim(), ...(allowedIps.length ? { allowedIps } : {}) });
    setName('');
    setIps('');
    onCreated(k);
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
    <Modal opened={opened} onClose={close} title={t('apiKeys.createTitle')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={create.error} />
          <TextInput label={t('apiKeys.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Textarea label={`${t('apiKeys.allowedIps')} (${t('common.optional')})`} description={t('apiKeys.allowedIpsHint')} dir="ltr" autosize minRows={3} value={ips} onChange={(e) => setIps(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.busy} disabled={!name.trim()}>
              {t('apiKeys.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ShowApiKeyModal({ created, onClose }: { created: NewApiKey | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal opened={created !== null} onClose={onClose} title={t('apiKeys.createdTitle')} centered closeOnClickOutside={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {created ? (
        <Stack gap="sm">
          <Alert color="yellow" variant="light">
            {t('apiKeys.shownOnce')}
          </Alert>
          <Text size="xs" c="dimmed">
            {t('apiKeys.key')}{t('common.sep')}<bdi>{created.name}</bdi>
          </Text>
          <Code block data-testid="new-api-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {created.key}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>{t('apiKeys.done')}</Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
