// Generating the SMPP password (optionally limited to some IPs), and showing it exactly once with a copy button.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export type NewSmppPassword = { id: string; password: string; systemId: string; allowedIps: string[]; createdAt: string };

export function GenerateSmppPasswordModal({ opened, replacing, onClose, onCreated }: { opened: boolean; replacing: boolean; onClose(): void; onCreated(p: NewSmppPassword): void }) {
  const { t } = useI18n();
  const [ips, setIps] = useState('');
  const create = useAction(async () => {
    const allowedIps = ips
      .split(/[\n,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const p = await api.post<NewSmppPassword>('/api/v1/smpp/password', allowedIps.length ? { allowedIps } : {});
    setIps('');
    onCreated(p);
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
    <Modal opened={opened} onClose={close} title={t('smpp.generateTitle')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={create.error} />
          {replacing ? (
            <Alert color="yellow" variant="light">
              {t('smpp.replaceWarning')}
            </Alert>
          ) : null}
          <Textarea label={`${t('smpp.allowedIps')} (${t('common.optional')})`} description={t('smpp.allowedIpsHint')} dir="ltr" autosize minRows={3} value={ips} onChange={(e) => setIps(e.currentTarget.value)} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.busy}>
              {t('smpp.generate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ShowSmppPasswordModal({ created, onClose }: { created: NewSmppPassword | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal opened={created !== null} onClose={onClose} title={t('smpp.createdTitle')} centered closeOnClickOutside={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {created ? (
        <Stack gap="sm">
          <Alert color="yellow" variant="light">
            {t('smpp.shownOnce')}
          </Alert>
          <Text size="xs" c="dimmed">
            system_id{t('common.sep')}<Ltr>{created.systemId}</Ltr>
          </Text>
          <Code block data-testid="new-smpp-password" dir="ltr" style={{ fontSize: '1.25rem', letterSpacing: '0.1em' }}>
            {created.password}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.password}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy}>
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>{t('smpp.done')}</Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
