// One ticket: its thread (attributed, Jalali times, attachments), reply with files (support may pick
// a canned reply and leave it waiting for the user), forward to the parent, close.
import { useCallback, useEffect, useState } from 'react';
import { Anchor, Badge, Button, Card, Checkbox, Group, Modal, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { clientError, postForm } from '../wallet/http.ts';
import { filesProblem, FilesField, toForm } from './FilesField.tsx';
import { statusColor } from './TicketsPage.tsx';
import type { Canned, Ticket } from './types.ts';

export function TicketPage({ ticketId }: { ticketId: string }) {
  const { t, lang, dateTime, num } = useI18n();
  const me = useMe();
  const [tk, setTk] = useState<Ticket | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [waitUser, setWaitUser] = useState(false);
  const [canned, setCanned] = useState<Canned[]>([]);
  const [forwarding, setForwarding] = useState(false);
  const [note, setNote] = useState('');
  const base = `/api/v1/support/tickets/${encodeURIComponent(ticketId)}`;

  const load = useCallback(async () => {
    try {
      setTk(await api.get<Ticket>(base));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [base]);
  useEffect(() => {
    void load();
  }, [load]);
  const support = tk?.side === 'support';
  useEffect(() => {
    if (support) api.get<{ items: Canned[] }>('/api/v1/support/canned-replies').then((r) => setCanned(r.items), () => setCanned([]));
  }, [support]);

  const reply = useAction(async () => {
    const problem = filesProblem(files);
    if (problem) throw clientError(t(problem));
    if (!text.trim() && !files.length) throw clientError(t('tickets.needText'));
    setTk(await postForm<Ticket>(`${base}/messages`, toForm({ text: text.trim(), status: support && waitUser ? 'waiting_for_user' : undefined }, files), me.csrfToken, lang));
    setText('');
    setFiles([]);
    notifySuccess(t('tickets.replied'));
  });
  const forward = useAction(async () => {
    setTk(await api.post<Ticket>(`${base}/forward`, { note: note.trim() || undefined }));
    setForwarding(false);
    notifySuccess(t('tickets.forwarded'));
  });
  const close = useAction(async () => {
    setTk(await api.post<Ticket>(`${base}/close`));
    notifySuccess(t('tickets.closedDone'));
  });

  if (!tk) return <ErrorAlert error={error} />;
  const canForward = support && tk.status !== 'closed' && tk.assignee?.id === me.id && me.parentId !== null;
  return (
    <Stack gap="lg" maw={900}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>
            <bdi>{tk.subject}</bdi>
          </Title>
          <Group gap="xs" mt={4}>
            <Badge variant="light" color={statusColor(tk.status)} data-testid="ticket-status">
              {t(`tickets.status.${tk.status}`)}
            </Badge>
            <Badge variant="outline" color="gray">
              {t(`tickets.priority.${tk.priority}`)}
            </Badge>
            <Text size="sm" c="dimmed">
              {t(`tickets.category.${tk.category as 'other'}`)}{t('common.sep')}<Ltr>{tk.id}</Ltr>
            </Text>
          </Group>
        </div>
        <Group>
          {canForward ? (
            <Button variant="light" color="grape" onClick={() => setForwarding(true)}>
              {t('tickets.forward')}
            </Button>
          ) : null}
          {tk.status !== 'closed' ? (
            <Button variant="default" loading={close.busy} onClick={() => void close.run()}>
              {t('tickets.close')}
            </Button>
          ) : null}
        </Group>
      </Group>
      <ErrorAlert error={error ?? close.error ?? forward.error} />
      {support && tk.forwards.length ? (
        <Text size="sm" c="dimmed">
          {tk.forwards.map((f, i) => (
            <span key={i}>
              {t('tickets.forwardLine', { from: f.from.username, to: f.to.username, at: dateTime(f.at) })}
              {f.note ? ` — ${f.note}` : ''}
              <br />
            </span>
          ))}
        </Text>
      ) : null}
      <Stack gap="sm" aria-label={t('tickets.thread')} role="list">
        {tk.messages.map((m) => {
          const mine = m.author?.id === me.id;
          return (
            <Card key={m.id} role="listitem" withBorder radius="md" padding="md" bg={mine ? 'teal.0' : m.side === 'support' ? 'blue.0' : undefined}>
              <Group justify="space-between" mb={6}>
                <Text fw={600} size="sm">
                  {mine ? t('tickets.me') : m.author ? <bdi>{m.author.displayName || m.author.username}</bdi> : t('tickets.support')}
                </Text>
                <Text size="xs" c="dimmed">
                  {dateTime(m.createdAt)}
                </Text>
              </Group>
              <Text style={{ whiteSpace: 'pre-wrap' }}>
                <bdi>{m.text}</bdi>
              </Text>
              {m.attachments.length ? (
                <Group gap="xs" mt="xs">
                  {m.attachments.map((a) => (
                    <Anchor key={a.id} href={a.url} size="sm" download>
                      <bdi>{a.filename}</bdi> ({t('tickets.kb', { size: num(Math.max(1, Math.round(a.size / 1024))) })})
                    </Anchor>
                  ))}
                </Group>
              ) : null}
            </Card>
          );
        })}
      </Stack>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => (e.preventDefault(), void reply.run())}>
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('tickets.reply')}
            </Title>
            <ErrorAlert error={reply.error} />
            {support && canned.length ? (
              <Select label={t('tickets.canned.pick')} w={320} clearable placeholder={t('common.none')} data={canned.map((c) => ({ value: c.id, label: c.title }))} value={null} onChange={(id) => setText((x) => (x ? `${x}\n` : '') + (canned.find((c) => c.id === id)?.body ?? ''))} />
            ) : null}
            <Textarea label={t('tickets.text')} autosize minRows={4} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <FilesField files={files} onChange={setFiles} />
            {support ? <Checkbox label={t('tickets.waitUser')} checked={waitUser} onChange={(e) => setWaitUser(e.currentTarget.checked)} /> : null}
            <Group>
              <Button type="submit" loading={reply.busy}>
                {t('tickets.sendReply')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Modal opened={forwarding} onClose={() => setForwarding(false)} title={t('tickets.forward')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        <Stack gap="sm">
          <Text size="sm">{t('tickets.forwardHint')}</Text>
          <Textarea label={`${t('tickets.forwardNote')} (${t('common.optional')})`} autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setForwarding(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="grape" loading={forward.busy} onClick={() => void forward.run()}>
              {t('tickets.forward')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
