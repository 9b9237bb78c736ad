// Create or edit a connector: SMPP (host, port, system_id, password, window, TPS, binds: all servers together), the simulator
// (delivery ratio, receipt latency) or HTTP (its settings as JSON). Settings are replaced whole,
// so an SMPP edit asks for the password again (the list shows it masked).
import { useEffect, useState } from 'react';
import { Button, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Connector } from './types.ts';

type Kind = Connector['kind'];
type Form = { name: string; kind: Kind; enabled: boolean; binds: number; host: string; port: number; systemId: string; password: string; window: number; maxTps: number; ratio: number; latMin: number; latMax: number; json: string };

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function formOf(c: Connector | null): Form {
  const s = c?.settings ?? {};
  const smsc = (s.smsc ?? {}) as Record<string, unknown>;
  const lat = (smsc.receiptLatencyMs ?? {}) as Record<string, unknown>;
  return {
    name: c?.name ?? '', kind: c?.kind ?? 'smpp', enabled: c?.enabled ?? true, binds: c?.binds ?? 1,
    host: str(s.host), port: num(s.port, 2775), systemId: str(s.systemId), password: '', window: num(s.window, 10), maxTps: num(s.maxTps, 0),
    ratio: num(smsc.deliveryRatio, 1), latMin: num(lat.min, 200), latMax: num(lat.max, 1500),
    json: c?.kind === 'http' ? JSON.stringify(s, null, 2) : '{\n  "url": ""\n}',
  };
}

function settingsOf(f: Form, previous: Record<string, unknown>): Record<string, unknown> | 'bad-json' {
  if (f.kind === 'smpp') return { ...previous, host: f.host.trim(), port: f.port, systemId: f.systemId.trim(), password: f.password, window: f.window, maxTps: f.maxTps };
  if (f.kind === 'simulator') {
    const smsc = (previous.smsc ?? {}) as Record<string, unknown>;
    return { ...previous, smsc: { ...smsc, deliveryRatio: f.ratio, receiptLatencyMs: { min: f.latMin, max: Math.max(f.latMin, f.latMax) } } };
  }
  try {
    const v = JSON.parse(f.json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : 'bad-json';
  } catch {
    return 'bad-json';
  }
}

export function ConnectorModal({ opened, connector, onClose, onDone }: { opened: boolean; connector: Connector | null; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [f, setF] = useState<Form>(() => formOf(connector));
  const [jsonError, setJsonError] = useState(false);
  useEffect(() => {
    if (opened) (setF(formOf(connector)), setJsonError(false));
  }, [opened, connector]);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((x) => ({ ...x, [k]: v }));

  const save = useAction(async () => {
    const settings = settingsOf(f, connector?.settings ?? {});
    if (settings === 'bad-json') return setJsonError(true);
    setJsonError(false);
    if (connector) await api.patch(`/api/v1/connectors/${encodeURIComponent(connector.id)}`, { name: f.name.trim(), settings, enabled: f.enabled, binds: f.binds });
    else await api.post('/api/v1/connectors', { name: f.name.trim(), kind: f.kind, settings, enabled: f.enabled, binds: f.binds });
    notifySuccess(t('routing.saved', { name: f.name.trim() }));
    onDone();
  });
  const ltr = { input: { direction: 'ltr' as const, textAlign: 'start' as const } };
  const n = (v: string | number) => (typeof v === 'number' ? v : Number(v) || 0);

  return (
    <Modal opened={opened} onClose={onClose} title={t('routing.connectorTitle')} centered size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <TextInput label={t('routing.name')} required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} />
          {!connector ? (
            <div role="group" aria-label={t('routing.kind')}>
              <Text size="sm" fw={500} mb={4}>
                {t('routing.kind')}
              </Text>
              <SegmentedControl value={f.kind} onChange={(v) => set('kind', v as Kind)} data={['smpp', 'simulator', 'http'].map((k) => ({ value: k, label: k.toUpperCase() }))} />
            </div>
          ) : null}
          {f.kind === 'smpp' ? (
            <>
              <Group grow>
                <TextInput label={t('routing.host')} required value={f.host} onChange={(e) => set('host', e.currentTarget.value)} styles={ltr} />
                <NumberInput label={t('routing.port')} required min={1} max={65535} value={f.port} onChange={(v) => set('port', n(v))} />
              </Group>
              <Group grow>
                <TextInput label={t('routing.systemId')} required value={f.systemId} onChange={(e) => set('systemId', e.currentTarget.value)} styles={ltr} />
                <PasswordInput label={t('routing.password')} required value={f.password} onChange={(e) => set('password', e.currentTarget.value)} styles={ltr} />
              </Group>
              <Group grow>
                <NumberInput label={t('routing.window')} min={1} max={1000} value={f.window} onChange={(v) => set('window', n(v))} />
                <NumberInput label={t('routing.maxTps')} min={0} max={100000} value={f.maxTps} onChange={(v) => set('maxTps', n(v))} />
                <NumberInput label={t('routing.binds')} min={1} max={64} value={f.binds} onChange={(v) => set('binds', Math.max(1, n(v)))} />
              </Group>
            </>
          ) : null}
          {f.kind === 'simulator' ? (
            <>
              <NumberInput label={t('routing.deliveryRatio')} min={0} max={1} step={0.05} decimalScale={2} value={f.ratio} onChange={(v) => set('ratio', n(v))} />
              <Group grow>
                <NumberInput label={t('routing.latencyMin')} min={0} value={f.latMin} onChange={(v) => set('latMin', n(v))} />
                <NumberInput label={t('routing.latencyMax')} min={0} value={f.latMax} onChange={(v) => set('latMax', n(v))} />
              </Group>
            </>
          ) : null}
          {f.kind === 'http' ? (
            <Textarea label={t('routing.settingsJson')} description={t('routing.httpHint')} autosize minRows={6} value={f.json} onChange={(e) => set('json', e.currentTarget.value)} error={jsonError ? t('routing.badJson') : undefined} styles={{ input: { direction: 'ltr', fontFamily: 'monospace' } }} />
          ) : null}
          <Switch label={t('routing.enable')} checked={f.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
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
