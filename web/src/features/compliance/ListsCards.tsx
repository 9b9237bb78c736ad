// Forbidden words (own and inherited), the caller's blacklist (add many, remove, search, pages),
// and the numbers that opted out of its advertising.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, CloseButton, Group, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { Pager } from '../../components/Pager.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { splitRecipients } from '../send/SendPage.tsx';

export function WordsCard() {
  const { t, num } = useI18n();
  const [words, setWords] = useState<{ own: string[]; inherited: string[] } | null>(null);
  const [text, setText] = useState('');
  const load = useCallback(() => void api.get<{ own: string[]; inherited: string[] }>('/api/v1/compliance/words').then(setWords).catch((e) => notifyError(t, e)), [t]);
  useEffect(load, [load]);
  const add = useAction(async () => {
    const r = await api.post<{ added: number }>('/api/v1/compliance/words', { words: splitRecipients(text) });
    notifySuccess(t('compliance.wordsAdded', { count: num(r.added) }));
    setText('');
    load();
  });
  const remove = async (w: string) => {
    try {
      await api.delete(`/api/v1/compliance/words/${encodeURIComponent(w)}`);
      load();
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('compliance.words')}
        </Title>
        <Text size="sm" fw={500}>
          {t('compliance.wordsOwn')}
        </Text>
        <Group gap={6}>
          {words?.own.length ? (
            words.own.map((w) => (
              <Badge key={w} variant="light" color="red" rightSection={<CloseButton size="xs" aria-label={t('compliance.remove', { item: w })} onClick={() => void remove(w)} />}>
                <bdi>{w}</bdi>
              </Badge>
            ))
          ) : (
            <Text size="sm" c="dimmed">
              {t('compliance.none')}
            </Text>
          )}
        </Group>
        <Text size="sm" fw={500}>
          {t('compliance.wordsInherited')}
        </Text>
        <Group gap={6}>
          {words?.inherited.length ? (
            words.inherited.map((w) => (
              <Badge key={w} variant="outline" color="gray">
                <bdi>{w}</bdi>
              </Badge>
            ))
          ) : (
            <Text size="sm" c="dimmed">
              {t('compliance.none')}
            </Text>
          )}
        </Group>
        <form onSubmit={(e) => (e.preventDefault(), void add.run())}>
          <Stack gap="xs">
            <Textarea label={t('compliance.wordsAdd')} autosize minRows={2} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <ErrorAlert error={add.error} />
            <Group justify="flex-end">
              <Button type="submit" loading={add.busy} disabled={!text.trim()}>
                {t('compliance.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

const PAGE = 20;
type Listed = { number: string; createdAt: string };

export function BlacklistCard() {
  const { t, num, digits, dateTime } = useI18n();
  const [q, setQ] = useState('');
  const [dq] = useDebouncedValue(latinDigits(q.trim()), 300);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Listed[]; total: number } | null>(null);
  const [text, setText] = useState('');
  const load = useCallback(() => void api.get<{ items: Listed[]; total: number }>('/api/v1/compliance/blacklist', { q: dq, page, pageSize: PAGE }).then(setData).catch((e) => notifyError(t, e)), [dq, page, t]);
  useEffect(load, [load]);
  const add = useAction(async () => {
    const r = await api.post<{ added: number; duplicates: number; invalid: string[] }>('/api/v1/compliance/blacklist', { numbers: splitRecipients(text) });
    notifySuccess(t('compliance.blacklistAdded', { added: num(r.added), duplicates: num(r.duplicates), invalid: num(r.invalid.length) }));
    setText('');
    load();
  });
  const remove = async (n: string) => {
    try {
      await api.delete(`/api/v1/compliance/blacklist/${encodeURIComponent(n)}`);
      load();
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('compliance.blacklist')}
          </Title>
          {data ? <Text size="sm" c="dimmed">{t('compliance.blacklistTotal', { count: num(data.total) })}</Text> : null}
        </Group>
        <Text size="sm" c="dimmed">
          {t('compliance.blacklistIntro')}
        </Text>
        <form onSubmit={(e) => (e.preventDefault(), void add.run())}>
          <Stack gap="xs">
            <Textarea label={t('compliance.blacklistAdd')} autosize minRows={2} maxRows={8} value={text} onChange={(e) => setText(e.currentTarget.value)} styles={{ input: { direction: 'ltr', textAlign: 'right' } }} />
            <ErrorAlert error={add.error} />
            <Group justify="flex-end">
              <Button type="submit" loading={add.busy} disabled={!text.trim()}>
                {t('compliance.add')}
              </Button>
            </Group>
          </Stack>
        </form>
        <TextInput label={t('compliance.blacklistSearch')} type="search" value={q} onChange={(e) => (setQ(e.currentTarget.value), setPage(1))} />
        <Table striped verticalSpacing={4} aria-label={t('compliance.blacklist')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('compliance.colNumber')}</Table.Th>
              <Table.Th>{t('compliance.colAdded')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data?.items.map((i) => (
              <Table.Tr key={i.number}>
                <Table.Td>
                  <Ltr>{digits(localMobile(i.number))}</Ltr>
                </Table.Td>
                <Table.Td>{dateTime(i.createdAt)}</Table.Td>
                <Table.Td>
                  <CloseButton size="sm" aria-label={t('compliance.remove', { item: digits(localMobile(i.number)) })} onClick={() => void remove(i.number)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {data ? <Pager page={page} total={data.total} pageSize={PAGE} onChange={setPage} /> : null}
      </Stack>
    </Card>
  );
}

export function OptOutsCard() {
  const { t, digits, dateTime } = useI18n();
  const [items, setItems] = useState<{ number: string; lineId: string | null; createdAt: string }[] | null>(null);
  useEffect(() => void api.get<{ items: { number: string; lineId: string | null; createdAt: string }[] }>('/api/v1/compliance/opt-outs', { pageSize: 100 }).then((r) => setItems(r.items)).catch((e) => notifyError(t, e)), [t]);
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('compliance.optOuts')}
        </Title>
        {!items?.length ? (
          <Text size="sm" c="dimmed">
            {t('compliance.optOutsEmpty')}
          </Text>
        ) : (
          <Table striped verticalSpacing={4} aria-label={t('compliance.optOuts')}>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={`${o.number}-${o.lineId}`}>
                  <Table.Td>
                    <Ltr>{digits(localMobile(o.number))}</Ltr>
                  </Table.Td>
                  <Table.Td>{dateTime(o.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
