// Send one text to many numbers: line, class, recipients, text with a live part counter, the
// server's quote beside it, an optional Jalali schedule; the batch page follows.
import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Grid, Group, SegmentedControl, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { navigate } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { messageClasses } from '../batches/labels.ts';
import { tehranParts, tehranToIso } from './jalali.ts';
import { analyseText, MAX_PARTS } from '../../../../src/lib/sms-parts.ts';
import { QuoteCard } from './QuoteCard.tsx';
import type { Line, MessageClass, SendResult } from './types.ts';
import { useQuote } from './useQuote.ts';

/** One number a line; commas and Persian/Arabic separators too, for pasted lists. */
export const splitRecipients = (s: string) =>
  s
    .split(/[\n\r,;،؛]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function SendPage() {
  const { t, num, digits, dateTime } = useI18n();
  const [lines, setLines] = useState<Line[] | null>(null);
  const [linesError, setLinesError] = useState<unknown>(null);
  const [lineId, setLineId] = useState<string | null>(null);
  const [cls, setCls] = useState<MessageClass>('service');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [scheduled, setScheduled] = useState(false);
  const [when, setWhen] = useState(() => tehranParts(new Date(Date.now() + 3600_000)));

  useEffect(() => {
    api
      .get<{ items: Line[] }>('/api/v1/lines')
      .then((r) => {
        const sendable = r.items.filter((l) => l.maySend && l.status === 'active');
        setLines(sendable);
        setLineId((cur) => cur ?? (sendable.find((l) => l.isDefault) ?? sendable[0])?.id ?? null);
      })
      .catch(setLinesError);
  }, []);

  const line = lines?.find((l) => l.id === lineId);
  const recipients = useMemo(() => splitRecipients(to), [to]);
  const analysis = useMemo(() => analyseText(text, { ref16: line?.ref16 }), [text, line?.ref16]);
  const sendAt = scheduled ? tehranToIso(when.date, when.time) : null;
  const quoteInput = recipients.length && text.trim() && line ? { to: recipients, text, class: cls, from: line.id } : null;
  const { quote, error: quoteError, loading } = useQuote(quoteInput);

  const send = useAction(async () => {
    if (!quoteInput) return;
    const res = await api.post<SendResult>('/api/v1/messages', { ...quoteInput, sendAt: sendAt ?? undefined });
    notifySuccess(t('send.sent'));
    navigate(`/batches/${encodeURIComponent(res.batchId)}`);
  });

  const lineOptions = (lines ?? []).map((l) => ({ value: l.id, label: digits(l.isDefault ? t('send.lineDefault', { number: l.number }) : l.number) }));
  const alphabetName = t(analysis.alphabet === 'gsm7' ? 'send.alphabet.gsm7' : 'send.alphabet.ucs2');

  return (
    <Stack gap="lg">
      <Title order={2}>{t('send.title')}</Title>
      <ErrorAlert error={linesError} />
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
                {lines && !lines.length ? <Text c="red">{t('send.noLines')}</Text> : null}
                <Select label={t('send.line')} data={lineOptions} value={lineId} onChange={setLineId} allowDeselect={false} required />
                <div role="group" aria-label={t('send.class')}>
                  <Text size="sm" fw={500} mb={4}>
                    {t('send.class')}
                  </Text>
                  <SegmentedControl value={cls} onChange={(v) => setCls(v as MessageClass)} data={messageClasses.map((c) => ({ value: c, label: t(`send.class.${c}`) }))} />
                </div>
                <Textarea
                  label={t('send.recipients')}
                  description={t('send.recipientsHint')}
                  autosize
                  minRows={4}
                  maxRows={12}
                  required
                  value={to}
                  onChange={(e) => setTo(e.currentTarget.value)}
                  styles={{ input: { direction: 'ltr', textAlign: 'right', unicodeBidi: 'plaintext' } }}
                />
                <Text size="xs" c="dimmed" mt={-8}>
                  {t('send.recipientsCount', { count: num(recipients.length) })}
                </Text>
                <Textarea
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
                <Group justify="space-between" mt={-8} gap="xs">
                  <Text size="sm" fw={500} data-testid="parts-counter" aria-live="polite">
                    {t('send.counter', { chars: num(text.length), parts: num(analysis.parts), alphabet: alphabetName })}
                  </Text>
                  <Text size="xs" c={analysis.tooLong ? 'red' : 'dimmed'}>
                    {analysis.tooLong ? t('send.tooLong', { max: num(MAX_PARTS) }) : t('send.remaining', { count: num(analysis.remainingInPart) })}
                  </Text>
                </Group>
                {quote && quote.text !== text ? (
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
                <ErrorAlert error={send.error} />
                <Group justify="flex-end">
                  <Button type="submit" loading={send.busy} disabled={!quoteInput || analysis.tooLong || (scheduled && !sendAt)}>
                    {scheduled ? t('send.submitScheduled') : t('send.submit')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <QuoteCard quote={quote} error={quoteError} loading={loading} />
          {line ? (
            <Text size="xs" c="dimmed" mt="xs">
              {t('send.line')}: <Ltr>{digits(line.number)}</Ltr>
            </Text>
          ) : null}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
