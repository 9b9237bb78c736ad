// The application's documents: the list (downloads) and, for the applicant, attaching one more.
import { useState } from 'react';
import { Anchor, Button, FileInput, Group, Select, Stack, Table, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { clientError, fileToBase64 } from '../wallet/http.ts';
import { documentKinds, type ApplicationDocument, type DocumentKind } from './types.ts';

const MAX_BYTES = 5 * 1024 * 1024;

export function Documents({ applicationId, documents, canAdd, onAdded }: { applicationId: string; documents: ApplicationDocument[]; canAdd: boolean; onAdded(): void }) {
  const { t, num } = useI18n();
  const [kind, setKind] = useState<DocumentKind>('national_card');
  const [file, setFile] = useState<File | null>(null);
  const add = useAction(async () => {
    if (!file) return;
    if (file.size > MAX_BYTES) throw clientError(t('agency.docs.tooBig'));
    await api.post(`/api/v1/agency-applications/${applicationId}/documents`, { kind, filename: file.name, data: await fileToBase64(file) });
    notifySuccess(t('agency.docs.uploaded'));
    setFile(null);
    onAdded();
  });

  return (
    <Stack gap="sm">
      {documents.length ? (
        <Table verticalSpacing="xs" aria-label={t('agency.docs.title')}>
          <Table.Tbody>
            {documents.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{t(`agency.docs.kind.${d.kind as DocumentKind}`)}</Table.Td>
                <Table.Td>
                  <Anchor href={d.url} target="_blank" rel="noopener">
                    <bdi>{d.filename}</bdi>
                  </Anchor>
                </Table.Td>
                <Table.Td>{t('agency.docs.size', { size: num(Math.max(1, Math.round(d.size / 1024))) })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          {t('agency.docs.empty')}
        </Text>
      )}
      {canAdd ? (
        <Group align="flex-end">
          <Select label={t('agency.docs.kind')} w={220} allowDeselect={false} value={kind} onChange={(v) => v && setKind(v as DocumentKind)} data={documentKinds.map((k) => ({ value: k, label: t(`agency.docs.kind.${k}`) }))} />
          <FileInput label={t('agency.docs.file')} description={t('agency.docs.hint')} accept="image/jpeg,image/png,application/pdf" clearable w={280} value={file} onChange={setFile} />
          <Button variant="light" disabled={!file} loading={add.busy} onClick={() => void add.run()}>
            {t('agency.docs.upload')}
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={add.error} />
    </Stack>
  );
}
