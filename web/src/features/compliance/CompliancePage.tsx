// Agency and platform: the policy, forbidden words, the own blacklist, opt-outs, and (platform)
// the operator blacklist import.
import { useEffect, useState } from 'react';
import { Button, Card, FileInput, Group, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { BlacklistCard, OptOutsCard, WordsCard } from './ListsCards.tsx';
import { PolicyCard } from './PolicyCard.tsx';
import { upload } from './upload.ts';

type ImportResult = { lines: number; valid: number; invalid: number; added: number; removed: number; total: number };

function OperatorBlacklistCard() {
  const { t, num, lang } = useI18n();
  const me = useMe();
  const [total, setTotal] = useState<number | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [replace, setReplace] = useState(false);
  useEffect(() => void api.get<{ total: number }>('/api/v1/compliance/operator-blacklist').then((r) => setTotal(r.total)).catch(() => setTotal(null)), []);
  const send = useAction(async () => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    const r = await upload<ImportResult>(`/api/v1/compliance/operator-blacklist/import?mode=${replace ? 'replace' : 'add'}`, form, { csrfToken: me.csrfToken, lang });
    setTotal(r.total);
    setFile(null);
    notifySuccess(t('compliance.imported', { lines: num(r.lines), added: num(r.added), removed: num(r.removed), invalid: num(r.invalid), total: num(r.total) }));
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <form onSubmit={(e) => (e.preventDefault(), void send.run())}>
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h4">
              {t('compliance.operatorBlacklist')}
            </Title>
            {total !== null ? <Text size="sm" c="dimmed">{t('compliance.operatorBlacklistSize', { count: num(total) })}</Text> : null}
          </Group>
          <FileInput label={t('compliance.importFile')} accept=".csv,.txt,text/csv,text/plain" value={file} onChange={setFile} clearable />
          <Switch label={t('compliance.importReplace')} checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
          <ErrorAlert error={send.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={send.busy} disabled={!file}>
              {t('compliance.import')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function CompliancePage() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <Stack gap="lg">
      <Title order={2}>{t('compliance.title')}</Title>
      <PolicyCard />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <WordsCard />
        {me.kind === 'platform' ? <OperatorBlacklistCard /> : <OptOutsCard />}
        <BlacklistCard />
        {me.kind === 'platform' ? <OptOutsCard /> : null}
      </SimpleGrid>
    </Stack>
  );
}
