// Import a CSV/XLSX file into a group: upload → preview with a column mapping (the server's
// suggestion preselected) → start → progress → counts and the failed rows with their reasons.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Anchor, Button, Card, Checkbox, FileInput, Group, Loader, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link, onLinkClick as onLinkClickTo } from '../../app/router.tsx';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { upload } from '../compliance/upload.ts';
import { useFields } from './FieldsCard.tsx';
import type { Group as PbGroup, ImportJob, Preview } from './types.ts';

export function ImportPage({ groupId }: { groupId: string }) {
  const { t, num, digits, lang } = useI18n();
  const me = useMe();
  const { fields } = useFields();
  const [group, setGroup] = useState<PbGroup | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [hasHeader, setHasHeader] = useState(true);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);

  useEffect(() => {
    api.get<PbGroup>(`/api/v1/phonebook/groups/${encodeURIComponent(groupId)}`).then(setGroup, setPollError);
  }, [groupId]);

  const send = useAction(async () => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    const p = await upload<Preview>('/api/v1/phonebook/uploads', form, { csrfToken: me.csrfToken, lang });
    setPreview(p);
    setMapping(Object.fromEntries(p.columns.map((c) => [String(c.index), p.suggestedMapping[String(c.index)] ?? 'ignore'])));
  });

  const start = useAction(async () => {
    if (!preview) return;
    const j = await api.post<ImportJob>(`/api/v1/phonebook/uploads/${encodeURIComponent(preview.uploadId)}/import`, { groupId, mapping, hasHeader });
    setJob(j);
  });

  // Poll the import until it is no longer running.
  const running = job?.status === 'running';
  const jobId = job?.id;
  useEffect(() => {
    if (!jobId || !running) return;
    const timer = setInterval(() => {
      api.get<ImportJob>(`/api/v1/phonebook/imports/${encodeURIComponent(jobId)}`).then((j) => (setJob(j), setPollError(null)), setPollError);
    }, 700);
    return () => clearInterval(timer);
  }, [jobId, running]);

  const targets = useMemo(
    () => [
      { value: 'mobile', label: t('imp.target.mobile') },
      { value: 'name', label: t('imp.target.name') },
      { value: 'tag', label: t('imp.target.tag') },
      ...(fields ?? []).map((f) => ({ value: `field:${f.key}`, label: t('imp.target.field', { label: f.label || f.key }) })),
      { value: 'ignore', label: t('imp.target.ignore') },
    ],
    [t, fields],
  );
  const hasMobile = Object.values(mapping).includes('mobile');
  const reset = () => {
    setFile(null);
    setPreview(null);
    setJob(null);
    setMapping({});
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('imp.title')}</Title>
        <Link to={`/phonebook/${encodeURIComponent(groupId)}`}>{t('imp.toGroup')}</Link>
      </Group>
      {group ? (
        <Text c="dimmed">
          <bdi>{t('imp.into', { name: group.name })}</bdi>
        </Text>
      ) : null}
      <ErrorAlert error={pollError} />
      {!preview ? (
        <Card withBorder radius="md" padding="lg">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void send.run();
            }}
          >
            <Stack gap="md">
              <FileInput label={t('imp.file')} description={t('imp.fileHint')} accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" value={file} onChange={setFile} required clearable />
              <ErrorAlert error={send.error} />
              <Group justify="flex-end">
                <Button type="submit" loading={send.busy} disabled={!file}>
                  {t('imp.upload')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      ) : null}
      {preview && !job ? (
        <Card withBorder radius="md" padding="lg" component="section" aria-label={t('imp.preview')}>
          <Stack gap="md">
            <Title order={3} size="h4">
              {t('imp.preview')}
            </Title>
            <Checkbox label={t('imp.hasHeader')} checked={hasHeader} onChange={(e) => setHasHeader(e.currentTarget.checked)} />
            <Table.ScrollContainer minWidth={160 * preview.columns.length}>
              <Table aria-label={t('imp.previewTable')} withColumnBorders>
                <Table.Thead>
                  <Table.Tr>
                    {preview.columns.map((c) => (
                      <Table.Th key={c.index} style={{ minWidth: 150 }}>
                        <Select
                          aria-label={t('imp.mapTo', { n: num(c.index + 1) })}
                          data={targets}
                          value={mapping[String(c.index)] ?? 'ignore'}
                          onChange={(v) => setMapping({ ...mapping, [String(c.index)]: v ?? 'ignore' })}
                          allowDeselect={false}
                          size="xs"
                        />
                        <Text size="xs" c="dimmed" mt={4}>
                          <bdi>{hasHeader && c.header ? c.header : t('imp.column', { n: num(c.index + 1) })}</bdi>
                        </Text>
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.rows.slice(hasHeader ? 1 : 0, 11).map((row, i) => (
                    <Table.Tr key={i}>
                      {preview.columns.map((c) => (
                        <Table.Td key={c.index}>
                          <bdi>{digits(row[c.index] ?? '')}</bdi>
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {!hasMobile ? <Text c="red" size="sm">{t('imp.needMobile')}</Text> : null}
            <ErrorAlert error={start.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={reset}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => void start.run()} loading={start.busy} disabled={!hasMobile}>
                {t('imp.start')}
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : null}
      {job ? <ImportResult job={job} onAgain={reset} /> : null}
    </Stack>
  );
}

function ImportResult({ job, onAgain }: { job: ImportJob; onAgain(): void }) {
  const { t, num, digits } = useI18n();
  const stat = (label: string, value: number, testId: string) => (
    <Card withBorder padding="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {num(value)}
      </Text>
    </Card>
  );
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('imp.done')}>
      <Stack gap="md">
        <Group gap="sm" data-testid="import-status">
          {job.status === 'running' ? <Loader size="sm" aria-hidden /> : null}
          <Title order={3} size="h4">
            {job.status === 'running' ? t('imp.running', { rows: num(job.rowsRead) }) : job.status === 'done' ? t('imp.done') : t('imp.failedJob', { error: job.error ?? '' })}
          </Title>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {stat(t('imp.rowsRead'), job.rowsRead, 'import-rows')}
          {stat(t('imp.imported'), job.imported, 'import-imported')}
          {stat(t('imp.merged'), job.merged, 'import-merged')}
          {stat(t('imp.failed'), job.failed, 'import-failed')}
        </SimpleGrid>
        {job.status !== 'running' && job.errors?.length ? (
          <Alert color="orange" variant="light" title={t('imp.errors')}>
            <Table aria-label={t('imp.errors')} verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('imp.colRow')}</Table.Th>
                  <Table.Th>{t('imp.colValue')}</Table.Th>
                  <Table.Th>{t('imp.colReason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {job.errors.map((e) => (
                  <Table.Tr key={`${e.row}-${e.code}`}>
                    <Table.Td>{num(e.row)}</Table.Td>
                    <Table.Td>
                      <bdi>{digits(e.value) || t('common.none')}</bdi>
                    </Table.Td>
                    <Table.Td>{e.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Anchor href={`/api/v1/phonebook/imports/${encodeURIComponent(job.id)}/errors.csv`} download size="sm" mt="sm" display="inline-block">
              {t('imp.errorsCsv')}
            </Anchor>
          </Alert>
        ) : null}
        {job.status !== 'running' ? (
          <Group justify="flex-end">
            <Button variant="default" onClick={onAgain}>
              {t('imp.again')}
            </Button>
            <Button component="a" href={`/phonebook/${encodeURIComponent(job.groupId)}`} onClick={onLinkClickTo(`/phonebook/${encodeURIComponent(job.groupId)}`)}>
              {t('imp.toGroup')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
