// The effective policy (what applies to the caller) and the caller's own row: each field may
// inherit (null) or tighten; the server refuses loosening with POLICY_LOOSENING and its message.
import { useEffect, useState } from 'react';
import { Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api, request } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { knownKey } from '../batches/labels.ts';

type Window = { operator: string; lineType: string; start: string | null; end: string | null };
type Effective = { optOutFooter: string; outsideHours: string; wordAction: string; linkAction: string; cardAction: string; moderationThreshold: number; moderateWithoutKyc: boolean; kycOwnMobileOnly: boolean; sendingWindows: Window[] };
export type PolicyView = { accountId: string; effective: Effective; own: Record<string, unknown> };

const choices = {
  optOutFooter: ['append', 'reject'],
  outsideHours: ['hold', 'reject'],
  wordAction: ['moderate', 'reject'],
  linkAction: ['allow', 'moderate', 'reject'],
  cardAction: ['allow', 'moderate', 'reject'],
  moderateWithoutKyc: ['false', 'true'],
  kycOwnMobileOnly: ['false', 'true'],
} as const;
type ChoiceField = keyof typeof choices;
const fields = Object.keys(choices) as ChoiceField[];

const windowsText = (w: unknown) => (Array.isArray(w) ? (w as Window[]).map((x) => `${x.operator} ${x.lineType} ${x.start}-${x.end}`).join('\n') : '');
function parseWindows(s: string): { windows: Window[] | null; bad: number } {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return { windows: null, bad: 0 };
  const out: Window[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\S+)\s+(\S+)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(lines[i]);
    if (!m) return { windows: null, bad: i + 1 };
    out.push({ operator: m[1], lineType: m[2], start: m[3], end: m[4] });
  }
  return { windows: out, bad: 0 };
}

/** The effective windows come expanded per operator × line type: one line per distinct range. */
function windowGroups(ws: Window[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const w of ws) {
    const range = w.start && w.end ? `${w.start}–${w.end}` : '—';
    groups.set(range, [...(groups.get(range) ?? []), `${w.operator}/${w.lineType}`]);
  }
  return [...groups];
}

export function PolicyCard() {
  const { t, num, digits } = useI18n();
  const [policy, setPolicy] = useState<PolicyView | null>(null);
  const [form, setForm] = useState<Record<string, string | null>>({});
  const [threshold, setThreshold] = useState<number | ''>('');
  const [windows, setWindows] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [badLine, setBadLine] = useState(0);

  const apply = (p: PolicyView) => {
    setPolicy(p);
    setForm(Object.fromEntries(fields.map((f) => [f, p.own[f] === null || p.own[f] === undefined ? null : String(p.own[f])])));
    setThreshold(typeof p.own.moderationThreshold === 'number' ? p.own.moderationThreshold : '');
    setWindows(windowsText(p.own.sendingWindows));
  };
  useEffect(() => {
    api.get<PolicyView>('/api/v1/compliance/policy').then(apply).catch(setError);
  }, []);

  const save = useAction(async () => {
    const w = parseWindows(windows);
    setBadLine(w.bad);
    if (w.bad) return;
    const body: Record<string, unknown> = { moderationThreshold: threshold === '' ? null : threshold, sendingWindows: w.windows };
    for (const f of fields) body[f] = form[f] === null ? null : f === 'moderateWithoutKyc' || f === 'kycOwnMobileOnly' ? form[f] === 'true' : form[f];
    apply(await request<PolicyView>('PUT', '/api/v1/compliance/policy', body));
    notifySuccess(t('compliance.saved'));
  });

  const valueLabel = (v: string) => {
    const k = knownKey(`compliance.v.${v}`);
    return k ? t(k) : v;
  };
  const label = (f: string) => t(knownKey(`compliance.f.${f}`) ?? 'common.none');
  if (!policy) return <ErrorAlert error={error} />;
  const e = policy.effective;

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Card withBorder radius="md" padding="lg">
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('compliance.effective')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('compliance.effectiveIntro')}
          </Text>
          <Table verticalSpacing={6} aria-label={t('compliance.effective')}>
            <Table.Tbody>
              {fields.map((f) => (
                <Table.Tr key={f}>
                  <Table.Td>{label(f)}</Table.Td>
                  <Table.Td fw={600}>{valueLabel(String(e[f]))}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Td>{label('moderationThreshold')}</Table.Td>
                <Table.Td fw={600}>{num(e.moderationThreshold)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{label('sendingWindows')}</Table.Td>
                <Table.Td fw={600}>
                  {windowGroups(e.sendingWindows).map(([range, where]) => (
                    <div key={range}>
                      <Ltr>{digits(range)}</Ltr>
                      {where.length < e.sendingWindows.length ? (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          <Ltr>{where.join(', ')}</Ltr>
                        </Text>
                      ) : null}
                    </div>
                  ))}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(ev) => (ev.preventDefault(), void save.run())}>
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('compliance.own')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('compliance.ownIntro')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              {fields.map((f) => (
                <Select key={f} label={label(f)} clearable placeholder={t('compliance.inherit')} value={form[f] ?? null} onChange={(v) => setForm({ ...form, [f]: v })} data={choices[f].map((v) => ({ value: v, label: valueLabel(v) }))} />
              ))}
              <NumberInput label={label('moderationThreshold')} placeholder={t('compliance.inherit')} min={0} value={threshold} onChange={(v) => setThreshold(v === '' ? '' : Number(v))} />
            </SimpleGrid>
            <Textarea label={label('sendingWindows')} description={t('compliance.windowsHint')} placeholder={t('compliance.inherit')} autosize minRows={2} value={windows} onChange={(ev) => setWindows(ev.currentTarget.value)} error={badLine ? t('compliance.windowsBad', { line: num(badLine) }) : undefined} styles={{ input: { direction: 'ltr', fontFamily: 'monospace' } }} />
            <ErrorAlert error={save.error} />
            <Group justify="flex-end">
              <Button type="submit" loading={save.busy}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </SimpleGrid>
  );
}
