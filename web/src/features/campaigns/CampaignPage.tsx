// Send to phonebook groups: groups (and optional tag/field conditions), a plain or personalised
// text with {name}/{field} placeholders, class, line, the live quote, a Jalali schedule and
// gradual sending; the batch page follows.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Badge, Button, Card, Grid, Group, MultiSelect, NumberInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { navigate, useLocation } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { messageClasses } from '../batches/labels.ts';
import { useFields } from '../phonebook/FieldsCard.tsx';
import type { Contact, ContactPage, Group as PbGroup } from '../phonebook/types.ts';
import { tehranParts, tehranToIso } from '../send/jalali.ts';
import { analyseText, MAX_PARTS } from '../../../../src/lib/sms-parts.ts';
import { QuoteCard } from '../send/QuoteCard.tsx';
import type { Line, MessageClass, SendResult } from '../send/types.ts';
import { useCampaignQuote, type CampaignFilter, type CampaignInput } from './useCampaignQuote.ts';

const ops: CampaignFilter['op'][] = ['eq', 'contains', 'gt', 'lt', 'before', 'after'];
/** {name}, {mobile}, {field}: the same placeholders as the server's renderPerRecipient; unknown ones become empty. */
const PLACEHOLDER = /\{([A-Za-z_\u0600-\u06ff][A-Za-z0-9_\u0600-\u06ff]{0,31})\}/g;
export const fillTemplate = (template: string, values: Record<string, string | number>) => template.replace(PLACEHOLDER, (_w, key: string) => (values[key] === undefined ? '' : String(values[key])));

type FilterRow = { field: string | null; op: CampaignFilter['op']; value: string };

export function CampaignPage() {
  const { t, num, digits, dateTime } = useI18n();
  const { search } = useLocation();
  const { fields } = useFields();
  const [groups, setGroups] = useState<PbGroup[] | null>(null);
  const [lines, setLines] = useState<Line[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [groupIds, setGroupIds] = useState<string[]>(() => (search.get('group') ? [search.get('group')!] : []));
  const [tags, setTags] = useState<string[]>([]);
  const [filters, setFilters] = useState<FilterRow[]>([]);
  const [lineId, setLineId] = useState<string | null>(null);
  const [cls, setCls] = useState<MessageClass>('advertising');
  const [personalised, setPersonalised] = useState(true);
  const [text, setText] = useState('');
  const [scheduled, setScheduled] = useState(false);
  const [when, setWhen] = useState(() => tehranParts(new Date(Date.now() + 3600_000)));
  const [gradual, setGradual] = useState(false);
  const [perMinute, setPerMinute] = useState<number | string>(100);
  const textRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    api.get<PbGroup[]>('/api/v1/phonebook/groups').then(setGroups, setLoadError);
    api
      .get<{ items: Line[] }>('/api/v1/lines')
      .then((r) => {
        const sendable = r.items.filter((l) => l.maySend && l.status === 'active');
        setLines(sendable);
        setLineId((cur) => cur ?? (sendable.find((l) => l.isDefault) ?? sendable[0])?.id ?? null);
      })
      .catch(setLoadError);
  }, []);

  const fieldType = (key: string | null) => fields?.find((f) => f.key === key)?.type ?? 'text';
  const readyFilters: CampaignFilter[] = filters
    .filter((f) => f.field && f.value.trim())
    .map((f) => ({ field: f.field!, op: f.op, value: fieldType(f.field) === 'number' && Number.isFinite(Number(latinDigits(f.value.trim()))) ? Number(latinDigits(f.value.trim())) : latinDigits(f.value.trim()) }));
  const line = lines?.find((l) => l.id === lineId);
  const analysis = useMemo(() => analyseText(text, { ref16: line?.ref16 }), [text, line?.ref16]);
  const sendAt = scheduled ? tehranToIso(when.date, when.time) : null;
  const rate = gradual && typeof perMinute === 'number' && perMinute >= 1 ? perMinute : undefined;
  const input: CampaignInput | null =
    groupIds.length && text.trim()
      ? { groupIds, ...(tags.length ? { tags } : {}), ...(readyFilters.length ? { filters: readyFilters } : {}), text, personalised, class: cls, ...(line ? { from: line.id } : {}) }
      : null;
  const { quote, error: quoteError, loading } = useCampaignQuote(input);

  // A sample of the personalised text: the first contact of the first group, filled as the server does.
  const [sample, setSample] = useState<Contact | null>(null);
  const firstGroup = groupIds[0];
  useEffect(() => {
    if (!firstGroup) return setSample(null);
    api
      .get<ContactPage>(`/api/v1/phonebook/groups/${encodeURIComponent(firstGroup)}/contacts`, { page: 1, pageSize: 1 })
      .then((r) => setSample(r.items[0] ?? null))
      .catch(() => setSample(null));
  }, [firstGroup]);
  const sampleText = personalised && sample && text.trim() ? fillTemplate(text, { ...sample.fields, name: sample.name, mobile: localMobile(sample.mobile) }) : null;

  const send = useAction(async () => {
    if (!input) return;
    const res = await api.post<SendResult>('/api/v1/campaigns', { ...input, sendAt: sendAt ?? undefined, perMinute: rate });
    notifySuccess(t('send.sent'));
    navigate(`/batches/${encodeURIComponent(res.batchId)}`);
  });

  const insert = (ph: string) => {
    const el = textRef.current;
    const at = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    setText(text.slice(0, at) + ph + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + ph.length, at + ph.length);
    });
  };
  const placeholders = [
    { key: 'name', label: t('camp.ph.name') },
    { key: 'mobile', label: t('camp.ph.mobile') },
    ...(fields ?? []).map((f) => ({ key: f.key, label: f.label || f.key })),
  ];
  const groupOptions = (groups ?? []).map((g) => ({ value: g.id, label: t('camp.groupOption', { name: g.name, count: num(g.contacts) }) }));
  const lineOptions = (lines ?? []).map((l) => ({ value: l.id, label: digits(l.isDefault ? t('send.lineDefault', { number: l.number }) : l.number) }));
  const alphabetName = t(analysis.alphabet === 'gsm7' ? 'send.alphabet.gsm7' : 'send.alphabet.ucs2');

  return (
    <Stack gap="lg">
      <Title order={2}>{t('camp.title')}</Title>
      <ErrorAlert error={loadError} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder radius="md" padding="lg">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void send.run();
              }}
            >
              <Stack gap="md">
                {groups && !groups.length ? <Text c="red">{t('camp.noGroups')}</Text> : null}
                <MultiSelect label={t('camp.groups')} description={t('camp.groupsHint')} data={groupOptions} value={groupIds} onChange={setGroupIds} searchable required maxValues={50} />
                <TagsInput label={t('camp.tags')} value={tags} onChange={setTags} maxTags={20} />
                {fields?.length ? (
                  <Stack gap={6} role="group" aria-label={t('camp.filters')}>
                    <Text size="sm" fw={500}>
                      {t('camp.filters')}
                    </Text>
                    {filters.map((f, i) => (
                      <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                        <Select aria-label={t('camp.filterField')} placeholder={t('camp.filterField')} data={fields.map((d) => ({ value: d.key, label: d.label || d.key }))} value={f.field} onChange={(v) => setFilters(filters.map((x, j) => (j === i ? { ...x, field: v } : x)))} w={150} />
                        <Select aria-label={t('camp.filterOp')} data={ops.map((o) => ({ value: o, label: t(`camp.op.${o}`) }))} value={f.op} onChange={(v) => v && setFilters(filters.map((x, j) => (j === i ? { ...x, op: v as CampaignFilter['op'] } : x)))} allowDeselect={false} w={130} />
                        <TextInput aria-label={t('camp.filterValue')} placeholder={t('camp.filterValue')} value={f.value} onChange={(e) => { const v = e.currentTarget.value; setFilters(filters.map((x, j) => (j === i ? { ...x, value: v } : x))); }} style={{ flex: 1 }} />
                        <ActionIcon variant="subtle" color="red" aria-label={t('camp.removeFilter')} onClick={() => setFilters(filters.filter((_, j) => j !== i))} mb={6}>
                          ×
                        </ActionIcon>
                      </Group>
                    ))}
                    <Group>
                      <Button size="xs" variant="light" onClick={() => setFilters([...filters, { field: null, op: 'eq', value: '' }])}>
                        {t('camp.addFilter')}
                      </Button>
                    </Group>
                  </Stack>
                ) : null}
                <Select label={t('send.line')} data={lineOptions} value={lineId} onChange={setLineId} allowDeselect={false} />
                <div role="group" aria-label={t('send.class')}>
                  <Text size="sm" fw={500} mb={4}>
                    {t('send.class')}
                  </Text>
                  <SegmentedControl value={cls} onChange={(v) => setCls(v as MessageClass)} data={messageClasses.map((c) => ({ value: c, label: t(`send.class.${c}`) }))} />
                </div>
                <Switch label={t('camp.personalised')} checked={personalised} onChange={(e) => setPersonalised(e.currentTarget.checked)} />
                <Textarea
                  ref={textRef}
                  label={t('send.text')}
                  description={cls === 'advertising' ? t('send.advertisingHint') : undefined}
                  autosize
                  minRows={4}
                  maxRows={14}
                  required
                  value={text}
                  onChange={(e) => setText(e.currentTarget.value)}
                  styles={{ input: { unicodeBidi: 'plaintext' } }}
                />
                {personalised ? (
                  <Group gap={6} mt={-8} data-testid="placeholders">
                    <Text size="xs" c="dimmed">
                      {t('camp.placeholders')}
                    </Text>
                    {placeholders.map((p) => (
                      <Badge key={p.key} variant="light" style={{ cursor: 'pointer', textTransform: 'none' }} component="button" type="button" onClick={() => insert(`{${p.key}}`)} title={p.label}>
                        <Ltr>{`{${p.key}}`}</Ltr> <bdi>{p.label}</bdi>
                      </Badge>
                    ))}
                  </Group>
                ) : null}
                <Group justify="space-between" gap="xs">
                  <Text size="sm" fw={500} data-testid="parts-counter" aria-live="polite">
                    {t('send.counter', { chars: num(text.length), parts: num(analysis.parts), alphabet: alphabetName })}
                  </Text>
                  <Text size="xs" c={analysis.tooLong ? 'red' : 'dimmed'}>
                    {analysis.tooLong ? t('send.tooLong', { max: num(MAX_PARTS) }) : t('send.remaining', { count: num(analysis.remainingInPart) })}
                  </Text>
                </Group>
                {sampleText !== null ? (
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }} data-testid="campaign-sample">
                    {t('camp.sample')}: <bdi>{digits(sampleText)}</bdi>
                  </Text>
                ) : quote && quote.text !== text ? (
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
                    {t('send.finalText')}: <bdi>{quote.text}</bdi>
                  </Text>
                ) : null}
                <Switch label={t('send.schedule')} checked={scheduled} onChange={(e) => setScheduled(e.currentTarget.checked)} />
                {scheduled ? (
                  <Group align="flex-start" grow>
                    <TextInput label={t('send.scheduleDate')} value={digits(when.date)} onChange={(e) => setWhen({ ...when, date: e.currentTarget.value })} styles={{ input: { direction: 'ltr', textAlign: 'center' } }} />
                    <TextInput label={t('send.scheduleTime')} value={digits(when.time)} onChange={(e) => setWhen({ ...when, time: e.currentTarget.value })} styles={{ input: { direction: 'ltr', textAlign: 'center' } }} />
                  </Group>
                ) : null}
                {scheduled ? (
                  <Text size="sm" c={sendAt ? 'dimmed' : 'red'}>
                    {sendAt ? t('send.scheduleAt', { when: dateTime(sendAt) }) : t('send.scheduleInvalid')}
                  </Text>
                ) : null}
                <Switch label={t('camp.gradual')} checked={gradual} onChange={(e) => setGradual(e.currentTarget.checked)} />
                {gradual ? <NumberInput label={t('camp.perMinute')} value={perMinute} onChange={setPerMinute} min={1} max={1_000_000} allowDecimal={false} w={200} /> : null}
                <ErrorAlert error={send.error} />
                <Group justify="flex-end">
                  <Button type="submit" loading={send.busy} disabled={!input || analysis.tooLong || (scheduled && !sendAt) || (gradual && !rate)}>
                    {scheduled ? t('send.submitScheduled') : t('send.submit')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          {quote ? (
            <Text fw={500} mb="xs" data-testid="campaign-recipients">
              {t('camp.recipients', { count: num(quote.recipients) })}
            </Text>
          ) : null}
          <QuoteCard quote={quote} error={quoteError} loading={loading} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
