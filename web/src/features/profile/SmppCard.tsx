// How to bind over SMPP: host, port, system_id (your username) and your SMPP password — generated
// here (shown once), replaced, or removed to turn SMPP off.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Accordion, Alert, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { GenerateSmppPasswordModal, ShowSmppPasswordModal, type NewSmppPassword } from './SmppPasswordModals.tsx';

type SmppCredential = { id: string; allowedIps: string[]; createdAt: string; lastUsedAt: string | null };
type SmppLimits = { tps: number; window: number; maxBinds: number };
type SmppEndpoint = { enabled: boolean; host: string; port: number | null; systemId: string; credential: SmppCredential | null; permitted: boolean; limits: SmppLimits };

/** A Kannel `group = smsc` for this account (docs/smpp-server.md: connecting Kannel). */
function kannelConfig(info: SmppEndpoint): string {
  return [
    'group = smsc',
    'smsc = smpp',
    'smsc-id = chapar',
    `host = ${info.host}`,
    `port = ${info.port ?? 2775}`,
    'transceiver-mode = true',
    `smsc-username = ${info.systemId}`,
    'smsc-password = <SMPP password>',
    'system-type = ""',
    'source-addr-ton = 0',
    'source-addr-npi = 1',
    'dest-addr-ton = 1',
    'dest-addr-npi = 1',
    'max-pending-submits = 10',
    '# msg-id-type: leave unset',
  ].join('\n');
}

export function SmppCard() {
  const { t, dateTime, digits } = useI18n();
  const [info, setInfo] = useState<SmppEndpoint | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generating, setGenerating] = useState(false);
  const [created, setCreated] = useState<NewSmppPassword | null>(null);
  const [disabling, setDisabling] = useState(false);
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    try {
      setInfo(await api.get<SmppEndpoint>('/api/v1/smpp'));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const disable = async () => {
    setBusy(true);
    try {
      await api.delete('/api/v1/smpp/password');
      notifySuccess(t('smpp.disabledDone'));
      await load();
    } catch (err) {
      notifyError(t, err);
    } finally {
      setBusy(false);
      setDisabling(false);
    }
  };

  const c = info?.credential ?? null;
  const password: ReactNode = c ? (
    <Stack gap={2}>
      <Text size="sm">{t('smpp.passwordSet', { date: dateTime(c.createdAt) })}</Text>
      <Text size="xs" c="dimmed">
        {t('smpp.allowedIps')}: {c.allowedIps.length ? <Ltr>{c.allowedIps.join(', ')}</Ltr> : t('smpp.anyIp')}{t('common.sep')}{t('smpp.lastUsed')}: {c.lastUsedAt ? dateTime(c.lastUsedAt) : t('smpp.never')}
      </Text>
    </Stack>
  ) : (
    <Text size="sm" c="dimmed">
      {t('smpp.noPassword')}
    </Text>
  );
  const rows: [string, ReactNode][] = info?.enabled
    ? [
        [t('smpp.host'), <Ltr key="h"><code>{info.host}</code></Ltr>],
        [t('smpp.port'), <Ltr key="p"><code>{info.port}</code></Ltr>],
        [t('smpp.systemId'), <Ltr key="s"><code>{info.systemId}</code></Ltr>],
        [t('smpp.password'), password],
        [t('smpp.limits'), <Text key="l" size="sm">{t('smpp.limitsValue', { tps: digits(String(info.limits.tps)), window: digits(String(info.limits.window)), binds: digits(String(info.limits.maxBinds)) })}</Text>],
      ]
    : [];

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('smpp.title')}
          </Title>
          {info?.enabled && info.permitted ? (
            <Group gap="xs">
              {c ? (
                <Button variant="subtle" color="red" onClick={() => setDisabling(true)}>
                  {t('smpp.disable')}
                </Button>
              ) : null}
              <Button onClick={() => setGenerating(true)}>{c ? t('smpp.regenerate') : t('smpp.generate')}</Button>
            </Group>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed">
          {t('smpp.intro')}
        </Text>
        <ErrorAlert error={error} />
        {info && !info.enabled ? <Text c="dimmed">{t('smpp.disabled')}</Text> : null}
        {info?.enabled && !info.permitted ? <Alert color="yellow">{t('smpp.notPermitted')}</Alert> : null}
        {rows.length ? (
          <Table variant="vertical" withTableBorder aria-label={t('smpp.title')}>
            <Table.Tbody>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={180}>{label}</Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {info?.enabled ? (
          <Text size="sm" c="dimmed">
            {t('smpp.notes')}
          </Text>
        ) : null}
        {info?.enabled && info.permitted ? (
          <Accordion variant="contained">
            <Accordion.Item value="kannel">
              <Accordion.Control>{t('smpp.kannelTitle')}</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  <Text size="sm">{t('smpp.kannelIntro')}</Text>
                  <Ltr>
                    <Code block>{kannelConfig(info)}</Code>
                  </Ltr>
                  <Text size="sm">{t('smpp.kannelIds')}</Text>
                  <Text size="sm">{t('smpp.kannelRecode')}</Text>
                  <Text size="sm">{t('smpp.kannelThroughput', { tps: digits(String(info.limits.tps)), window: digits(String(info.limits.window)), binds: digits(String(info.limits.maxBinds)) })}</Text>
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        ) : null}
      </Stack>
      <GenerateSmppPasswordModal
        opened={generating}
        replacing={c !== null}
        onClose={() => setGenerating(false)}
        onCreated={(p) => {
          setGenerating(false);
          setCreated(p);
          void load();
        }}
      />
      <ShowSmppPasswordModal created={created} onClose={() => setCreated(null)} />
      <ConfirmModal
        opened={disabling}
        title={t('smpp.disableTitle')}
        message={t('smpp.disableConfirm')}
        confirmLabel={t('smpp.disable')}
        busy={busy}
        onConfirm={() => void disable()}
        onClose={() => setDisabling(false)}
      />
    </Card>
  );
}
