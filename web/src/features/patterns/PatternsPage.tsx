// Patterns (OTP templates): submit one with typed %variables%, my patterns with their status and
// the reviewer's comment, and a test send of an approved one.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { navigate } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { analyseText } from '../../../../src/lib/sms-parts.ts';
import type { SendResult } from '../send/types.ts';
import { bodyVariables, statusColor, variableTypes, type Pattern, type Variable, type VariableType } from './types.ts';

export function PatternsPage() {
  const { t } = useI18n();
  const [patterns, setPatterns] = useState<Pattern[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.get<Pattern[]>('/api/v1/patterns', { pageSize: 200 }).then((p) => (setPatterns(p), setError(null)), setError);
  }, []);
  useEffect(load, [load]);

  return (
    <Stack gap="lg">
      <Title order={2}>{t('pat.title')}</Title>
      <ErrorAlert error={error} />
      <SubmitCard onSubmitted={load} />
      <MyPatterns patterns={patterns} onChanged={load} />
      <SendPatternCard patterns={(patterns ?? []).filter((p) => p.status === 'approved')} />
    </Stack>
  );
}

function SubmitCard({ onSubmitted }: { onSubmitted(): void }) {
  const { t, num } = useI18n();
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [vars, setVars] = useState<Record<string, { type: VariableType; maxLength: number }>>({});
  const names = bodyVariables(body);
  const analysis = analyseText(body, {});
  const variables: Variable[] = names.map((n) => ({ name: n, type: vars[n]?.type ?? 'number', maxLength: vars[n]?.maxLength ?? 6 }));
  const setVar = (n: string, v: Partial<{ type: VariableType; maxLength: number }>) => {
    const cur = variables.find((x) => x.name === n)!;
    setVars({ ...vars, [n]: { type: cur.type, maxLength: cur.maxLength, ...v } });
  };

  const submit = useAction(async () => {
    await api.post<Pattern>('/api/v1/patterns', { name: name.trim(), body, variables });
    notifySuccess(t('pat.submitted'));
    setName('');
    setBody('');
    setVars({});
    onSubmitted();
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pat.submitTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('pat.submitTitle')}
          </Title>
          <TextInput label={t('pat.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} />
          <Textarea label={t('pat.body')} description={t('pat.bodyHint')} required autosize minRows={3} value={body} onChange={(e) => setBody(e.currentTarget.value)} styles={{ input: { unicodeBidi: 'plaintext' } }} />
          <Text size="sm" fw={500}>
            {t('pat.variables')}
          </Text>
          {!variables.length ? (
            <Text size="sm" c="dimmed">
              {t('pat.noVariables')}
            </Text>
          ) : (
            <Table aria-label={t('pat.variables')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('pat.varName')}</Table.Th>
                  <Table.Th>{t('pat.varType')}</Table.Th>
                  <Table.Th>{t('pat.varMax')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {variables.map((v) => (
                  <Table.Tr key={v.name}>
                    <Table.Td>
                      <bdi dir="ltr">{`%${v.name}%`}</bdi>
                    </Table.Td>
                    <Table.Td>
                      <Select aria-label={`${t('pat.varType')} ${v.name}`} size="xs" data={variableTypes.map((x) => ({ value: x, label: t(`pat.type.${x}`) }))} value={v.type} onChange={(x) => x && setVar(v.name, { type: x as VariableType })} allowDeselect={false} w={120} />
                    </Table.Td>
                    <Table.Td>
                      <NumberInput aria-label={`${t('pat.varMax')} ${v.name}`} size="xs" value={v.maxLength} onChange={(x) => typeof x === 'number' && setVar(v.name, { maxLength: x })} min={1} max={100} allowDecimal={false} w={100} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="xs" c="dimmed">
            {t('send.counter', { chars: num(body.length), parts: num(analysis.parts), alphabet: t(analysis.alphabet === 'gsm7' ? 'send.alphabet.gsm7' : 'send.alphabet.ucs2') })}
          </Text>
          <ErrorAlert error={submit.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={submit.busy} disabled={!name.trim() || !body.trim()}>
              {t('pat.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function MyPatterns({ patterns, onChanged }: { patterns: Pattern[] | null; onChanged(): void }) {
  const { t, date } = useI18n();
  const [deleting, setDeleting] = useState<Pattern | null>(null);
  const remove = useAction(async (p: Pattern) => {
    try {
      await api.delete(`/api/v1/patterns/${encodeURIComponent(p.id)}`);
      notifySuccess(t('pat.deleted'));
      setDeleting(null);
      onChanged();
    } catch (err) {
      notifyError(t, err);
    }
  });
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pat.mine')}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('pat.mine')}
        </Title>
        {patterns && !patterns.length ? <Text c="dimmed">{t('pat.empty')}</Text> : null}
        {patterns?.length ? (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label={t('pat.mine')} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('pat.colName')}</Table.Th>
                  <Table.Th>{t('pat.colBody')}</Table.Th>
                  <Table.Th>{t('pat.colStatus')}</Table.Th>
                  <Table.Th>{t('pat.colComment')}</Table.Th>
                  <Table.Th>{t('pat.colCreated')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {patterns.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <bdi>{p.name}</bdi>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'pre-wrap', unicodeBidi: 'plaintext' }}>{p.body}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[p.status]} variant="light">
                        {t(`pat.status.${p.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <bdi>{p.reviewComment ?? t('common.none')}</bdi>
                    </Table.Td>
                    <Table.Td>{date(p.createdAt)}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(p)}>
                        {t('pat.delete')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Stack>
      <ConfirmModal
        opened={!!deleting}
        title={t('pat.delete')}
        message={deleting ? t('pat.deleteConfirm', { name: deleting.name }) : ''}
        confirmLabel={t('pat.delete')}
        busy={remove.busy}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Card>
  );
}

function SendPatternCard({ patterns }: { patterns: Pattern[] }) {
  const { t, num, digits } = useI18n();
  const [id, setId] = useState<string | null>(null);
  const [to, setTo] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<{ text: string; parts: number } | null>(null);
  const pattern = patterns.find((p) => p.id === id) ?? null;
  const values = () => Object.fromEntries((pattern?.variables ?? []).map((v) => [v.name, latinDigits((params[v.name] ?? '').trim())]));

  const doPreview = useAction(async () => {
    if (!pattern) return;
    setPreview(await api.post<{ text: string; parts: number }>(`/api/v1/patterns/${encodeURIComponent(pattern.id)}/preview`, { params: values() }));
  });
  const send = useAction(async () => {
    if (!pattern) return;
    const res = await api.post<SendResult>('/api/v1/messages/pattern', { templateId: pattern.id, to: latinDigits(to.trim()), params: values() });
    notifySuccess(t('send.sent'));
    navigate(`/batches/${encodeURIComponent(res.batchId)}`);
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pat.sendTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('pat.sendTitle')}
          </Title>
          {!patterns.length ? (
            <Text c="dimmed" size="sm">
              {t('pat.noApproved')}
            </Text>
          ) : (
            <>
              <Select label={t('pat.sendPattern')} data={patterns.map((p) => ({ value: p.id, label: p.name }))} value={id} onChange={(v) => (setId(v), setParams({}), setPreview(null))} required />
              <TextInput label={t('pat.to')} required value={digits(to)} onChange={(e) => setTo(latinDigits(e.currentTarget.value))} styles={{ input: { direction: 'ltr', textAlign: 'right' } }} />
              {pattern?.variables.map((v) => (
                <TextInput
                  key={v.name}
                  label={<bdi dir="ltr">{`%${v.name}%`}</bdi>}
                  description={`${t(`pat.type.${v.type}`)}${t('common.sep')}${t('pat.varMax')}: ${num(v.maxLength)}`}
                  required
                  maxLength={v.maxLength}
                  value={params[v.name] ?? ''}
                  onChange={(e) => {
                    const x = e.currentTarget.value;
                    setParams((cur) => ({ ...cur, [v.name]: x }));
                    setPreview(null);
                  }}
                />
              ))}
              {preview ? (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="pattern-preview">
                  {t('pat.previewText', { text: preview.text, parts: num(preview.parts) })}
                </Text>
              ) : null}
              <ErrorAlert error={doPreview.error ?? send.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => void doPreview.run()} loading={doPreview.busy} disabled={!pattern}>
                  {t('pat.preview')}
                </Button>
                <Button type="submit" loading={send.busy} disabled={!pattern || !to.trim()}>
                  {t('pat.send')}
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </form>
    </Card>
  );
}
