// A brand's alert templates: pick a kind and a language, edit subject / e-mail body / SMS text
// with the kind's {{variables}}, preview them filled with sample values, save or go back to the
// default wording. Variables and filling are the server's own (src/modules/notifications/templates.ts).
import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Card, Code, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { brandName } from '../../components/brand.ts';
import { ErrorAlert, notifySuccess } from '../../components/errors.tsx';
import { en } from '../../i18n/en.ts';
import { fa } from '../../i18n/fa.ts';
import { formatDate, formatNumber, localDigits, type Lang } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { renderTemplate, templateKinds, unknownVariables, variablesOf, type TemplateKind } from '../../../../src/modules/notifications/templates.ts';
import { put } from '../wallet/http.ts';
import type { TemplateRow } from './types.ts';

type Field = 'subject' | 'body' | 'sms';
type Draft = Record<Field, string>;

export function TemplatesCard() {
  const { t, lang } = useI18n();
  const me = useMe();
  const [rows, setRows] = useState<TemplateRow[] | null>(null);
  const [kind, setKind] = useState<TemplateKind>('ticket.created');
  const [tplLang, setTplLang] = useState<Lang>(lang);
  const [draft, setDraft] = useState<Draft>({ subject: '', body: '', sms: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'reset' | null>(null);
  const [preview, setPreview] = useState(false);
  const focused = useRef<{ field: Field; el: HTMLInputElement | HTMLTextAreaElement } | null>(null);

  const load = () =>
    api.get<{ items: TemplateRow[] }>('/api/v1/notifications/templates').then(
      (r) => (setRows(r.items), setError(null)),
      setError,
    );
  useEffect(() => {
    void load();
  }, []);

  const row = rows?.find((r) => r.kind === kind && r.lang === tplLang) ?? null;
  useEffect(() => {
    if (row) setDraft({ subject: row.subject, body: row.body, sms: row.sms });
  }, [row]);

  const kinds = templateKinds.filter((k) => rows?.some((r) => r.kind === k) ?? true);
  const variables = variablesOf(kind);
  const unknown = unknownVariables(draft, kind);
  const dirty = !!row && (row.subject !== draft.subject || row.body !== draft.body || row.sms !== draft.sms);

  const insert = (name: string) => {
    const f = focused.current ?? { field: 'body' as Field, el: null };
    const token = `{{${name}}}`;
    const text = draft[f.field];
    const at = f.el?.selectionStart ?? text.length;
    const endAt = f.el?.selectionEnd ?? at;
    setDraft({ ...draft, [f.field]: text.slice(0, at) + token + text.slice(endAt) });
  };

  const save = async () => {
    setBusy('save');
    try {
      await put(`/api/v1/notifications/templates/${kind}/${tplLang}`, draft);
      notifySuccess(t('common.saved'));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const reset = async () => {
    setBusy('reset');
    try {
      await api.delete(`/api/v1/notifications/templates/${kind}/${tplLang}`);
      notifySuccess(t('notifications.templates.resetDone'));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const field = (name: Field) => ({
    value: draft[name],
    dir: tplLang === 'fa' ? ('rtl' as const) : ('ltr' as const),
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: e.currentTarget.value }),
    onFocus: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => (focused.current = { field: name, el: e.currentTarget }),
  });

  const filled = renderTemplate(draft, sampleVars(tplLang, brandName(me.brand, tplLang)), tplLang);

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('notifications.templates.title')}</Title>
          {row ? <Badge variant="light" color={row.custom ? 'teal' : 'gray'} data-testid="template-state">{row.custom ? t('notifications.templates.custom') : t('notifications.templates.default')}</Badge> : null}
        </Group>
        <ErrorAlert error={error} />
        <Group align="flex-end">
          <Select
            label={t('notifications.templates.kind')}
            w={280}
            allowDeselect={false}
            value={kind}
            onChange={(v) => v && setKind(v as TemplateKind)}
            data={kinds.map((k) => ({ value: k, label: t(`notifications.kind.${k}`) }))}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="template-lang">
              {t('notifications.templates.lang')}
            </Text>
            <SegmentedControl
              aria-labelledby="template-lang"
              value={tplLang}
              onChange={(v) => setTplLang(v as Lang)}
              data={[
                { value: 'fa', label: t('lang.fa') },
                { value: 'en', label: t('lang.en') },
              ]}
            />
          </Stack>
        </Group>
        <div>
          <Text size="sm" mb={4}>
            {t('notifications.templates.variables')}
          </Text>
          <Group gap={6}>
            {variables.map((v) => (
              <Button key={v} size="compact-xs" variant="light" color="gray" onMouseDown={(e) => e.preventDefault()} onClick={() => insert(v)}>
                <Code dir="ltr" bg="transparent">{`{{${v}}}`}</Code>
              </Button>
            ))}
          </Group>
        </div>
        <TextInput label={t('notifications.templates.subject')} required {...field('subject')} />
        <Textarea label={t('notifications.templates.body')} required autosize minRows={4} maxRows={12} {...field('body')} />
        <Textarea label={t('notifications.templates.sms')} required autosize minRows={2} maxRows={6} {...field('sms')} />
        {unknown.length ? (
          <Text size="sm" c="orange.8">
            {t('notifications.templates.unknown', { names: unknown.join('، ') })}
          </Text>
        ) : null}
        <Group>
          <Button onClick={() => void save()} loading={busy === 'save'} disabled={!row || !dirty || !draft.subject.trim() || !draft.body.trim() || !draft.sms.trim()}>
            {t('common.save')}
          </Button>
          <Button variant="default" onClick={() => setPreview(true)} disabled={!row}>
            {t('notifications.templates.preview')}
          </Button>
          <Button variant="subtle" color="red" onClick={() => void reset()} loading={busy === 'reset'} disabled={!row?.custom}>
            {t('notifications.templates.reset')}
          </Button>
        </Group>
      </Stack>
      <Modal opened={preview} onClose={() => setPreview(false)} title={t('notifications.templates.previewTitle')} size="lg">
        <Stack gap="sm" dir={tplLang === 'fa' ? 'rtl' : 'ltr'} lang={tplLang}>
          <Text fw={700}>{filled.subject}</Text>
          <Card withBorder padding="sm">
            <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
              {filled.body}
            </Text>
          </Card>
          <Card withBorder padding="sm" bg="gray.0">
            <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
              {filled.sms}
            </Text>
          </Card>
        </Stack>
      </Modal>
    </Card>
  );
}

/** Sample values in the template's own language, so the preview reads as the recipient would. */
function sampleVars(l: Lang, brand: string): Record<string, string> {
  const c = l === 'fa' ? fa : en;
  const n = (x: number) => formatNumber(l, x);
  return {
    ticketId: localDigits(l, '1042'),
    subject: c['notifications.templates.sample.subject'],
    brandName: brand,
    priority: c['tickets.priority.high'],
    category: c['tickets.category.technical'],
    author: c['notifications.templates.sample.author'],
    excerpt: c['notifications.templates.sample.excerpt'],
    status: c['notifications.templates.sample.status'],
    name: c['notifications.templates.sample.name'],
    username: 'sina.agency',
    password: '••••••••',
    loginUrl: `${location.origin}/sign-in`,
    validUntil: formatDate(l, new Date(Date.now() + 30 * 86_400_000).toISOString()),
    days: n(7),
    fee: n(5_000_000),
    balance: n(120_000),
    applicationId: localDigits(l, '318'),
    reason: '',
    supportPhone: localDigits(l, '021-12345678'),
    signature: c['notifications.templates.sample.signature'],
  };
}
