// Open a ticket to your parent agency: category, priority, subject, text and attachments.
import { useState } from 'react';
import { Button, Card, Group, Select, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { navigate } from '../../app/router.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { clientError, postForm } from '../wallet/http.ts';
import { filesProblem, FilesField, toForm } from './FilesField.tsx';
import { categories, priorities, type Ticket } from './types.ts';

export function NewTicketPage() {
  const { t, lang } = useI18n();
  const me = useMe();
  const [category, setCategory] = useState('technical');
  const [priority, setPriority] = useState('normal');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const open = useAction(async () => {
    const problem = filesProblem(files);
    if (problem) throw clientError(t(problem));
    const tk = await postForm<Ticket>('/api/v1/support/tickets', toForm({ category, priority, subject: subject.trim(), text: text.trim() }, files), me.csrfToken, lang);
    notifySuccess(t('tickets.opened'));
    navigate(`/tickets/${tk.id}`);
  });
  return (
    <Stack gap="lg" maw={800}>
      <Title order={2}>{t('tickets.new')}</Title>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => (e.preventDefault(), void open.run())}>
          <Stack gap="sm">
            <ErrorAlert error={open.error} />
            <Group>
              <Select label={t('tickets.category')} w={200} value={category} allowDeselect={false} onChange={(v) => v && setCategory(v)} data={categories.map((c) => ({ value: c, label: t(`tickets.category.${c}`) }))} />
              <Select label={t('tickets.priority')} w={160} value={priority} allowDeselect={false} onChange={(v) => v && setPriority(v)} data={priorities.map((p) => ({ value: p, label: t(`tickets.priority.${p}`) }))} />
            </Group>
            <TextInput label={t('tickets.subject')} required maxLength={200} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />
            <Textarea label={t('tickets.text')} required autosize minRows={5} maxLength={10000} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <FilesField files={files} onChange={setFiles} />
            <Group>
              <Button type="submit" loading={open.busy}>
                {t('tickets.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
