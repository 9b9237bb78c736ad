// Canned replies (agencies, platform): add, change, delete; picked in a ticket's reply box.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Canned } from './types.ts';

export function CannedPage() {
  const { t } = useI18n();
  const [items, setItems] = useState<Canned[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Canned | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const load = useCallback(async () => {
    try {
      setItems((await api.get<{ items: Canned[] }>('/api/v1/support/canned-replies')).items);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const save = useAction(async () => {
    if (editing) await api.patch(`/api/v1/support/canned-replies/${encodeURIComponent(editing.id)}`, { title: title.trim(), body: body.trim() });
    else await api.post('/api/v1/support/canned-replies', { title: title.trim(), body: body.trim() });
    notifySuccess(t('common.saved'));
    setEditing(null);
    setTitle('');
    setBody('');
    await load();
  });
  const remove = useAction(async (c: Canned) => {
    await api.delete(`/api/v1/support/canned-replies/${encodeURIComponent(c.id)}`);
    await load();
  });
  return (
    <Stack gap="lg" maw={900}>
      <Title order={2}>{t('tickets.canned.title')}</Title>
      <ErrorAlert error={error ?? remove.error} />
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
          <Stack gap="sm">
            <ErrorAlert error={save.error} />
            <TextInput label={t('tickets.canned.name')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
            <Textarea label={t('tickets.text')} required autosize minRows={3} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
            <Group>
              <Button type="submit" loading={save.busy}>
                {editing ? t('common.save') : t('tickets.canned.add')}
              </Button>
              {editing ? (
                <Button variant="default" onClick={() => (setEditing(null), setTitle(''), setBody(''))}>
                  {t('common.cancel')}
                </Button>
              ) : null}
            </Group>
          </Stack>
        </form>
      </Card>
      {items && !items.length ? <Text c="dimmed">{t('tickets.canned.none')}</Text> : null}
      {(items ?? []).map((c) => (
        <Card key={c.id} withBorder radius="md" padding="md">
          <Group justify="space-between">
            <Text fw={600}>
              <bdi>{c.title}</bdi>
            </Text>
            <Group gap={4}>
              <Button size="compact-sm" variant="light" onClick={() => (setEditing(c), setTitle(c.title), setBody(c.body))}>
                {t('billing.groups.edit')}
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => void remove.run(c)}>
                {t('billing.groups.delete')}
              </Button>
            </Group>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            <bdi>{c.body}</bdi>
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
