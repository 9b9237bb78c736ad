// The quiet rule for SMS alerts: a daytime window on the Tehran clock and the minimum priority
// that may still wake someone outside it.
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { put } from '../wallet/http.ts';
import type { QuietRule } from './types.ts';

const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const priorities = ['low', 'normal', 'high', 'urgent'] as const;
/** "8:5", "۰۸:۰۰" → "08:05"; anything else as typed (then shown as invalid). */
const normalise = (s: string) => {
  const m = /^\s*(\d{1,2})\s*[:.]\s*(\d{1,2})\s*$/.exec(latinDigits(s));
  return m ? `${m[1].padStart(2, '0')}:${m[2].padStart(2, '0')}` : latinDigits(s.trim());
};

export function QuietRulesCard() {
  const { t, digits } = useI18n();
  const [rule, setRule] = useState<QuietRule | null>(null);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [min, setMin] = useState<string>('urgent');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const load = () =>
    api.get<QuietRule>('/api/v1/notifications/rules').then(
      (r) => (setRule(r), setStart(digits(r.smsWindowStart)), setEnd(digits(r.smsWindowEnd)), setMin(r.minPriorityOutside), setError(null)),
      setError,
    );
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const s = normalise(start);
  const e = normalise(end);
  const badStart = start !== '' && !HHMM.test(s);
  const badEnd = end !== '' && !HHMM.test(e);

  const save = async () => {
    setSaving(true);
    try {
      await put('/api/v1/notifications/rules', { smsWindowStart: s, smsWindowEnd: e, minPriorityOutside: min });
      notifySuccess(t('common.saved'));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('notifications.rules.title')}</Title>
          {rule ? <Badge variant="light" color={rule.custom ? 'teal' : 'gray'}>{rule.custom ? t('notifications.rules.custom') : t('notifications.rules.default')}</Badge> : null}
        </Group>
        <Text size="sm" c="dimmed">
          {t('notifications.rules.hint')}
        </Text>
        <ErrorAlert error={error} />
        <Group align="flex-start">
          <TextInput label={t('notifications.rules.start')} w={200} dir="ltr" value={start} onChange={(ev) => setStart(ev.currentTarget.value)} onBlur={() => HHMM.test(s) && setStart(digits(s))} error={badStart ? t('notifications.rules.badTime') : undefined} />
          <TextInput label={t('notifications.rules.end')} w={200} dir="ltr" value={end} onChange={(ev) => setEnd(ev.currentTarget.value)} onBlur={() => HHMM.test(e) && setEnd(digits(e))} error={badEnd ? t('notifications.rules.badTime') : undefined} />
          <Select
            label={t('notifications.rules.minPriority')}
            w={260}
            allowDeselect={false}
            value={min}
            onChange={(v) => v && setMin(v)}
            data={[...priorities.map((p) => ({ value: p, label: t(`notifications.priority.${p}`) })), { value: 'none', label: t('notifications.rules.none') }]}
          />
        </Group>
        <Group>
          <Button onClick={() => void save()} loading={saving} disabled={!rule || !HHMM.test(s) || !HHMM.test(e)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
