// The documents of an identity check: links to download (owner and ancestors), and for the owner
// while editable, upload (multipart) and remove.
import { useState } from 'react';
import { Anchor, Button, Card, FileInput, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { labelOf } from '../batches/labels.ts';
import { upload } from '../compliance/upload.ts';
import { documentKinds, type Kyc } from './identity.ts';

export function KycDocuments({ kyc, editable, onChanged }: { kyc: Kyc; editable: boolean; onChanged(): void }) {
  const { t, num, dateTime, lang } = useI18n();
  const me = useMe();
  const [kind, setKind] = useState<string>('national_card');
  const [file, setFile] = useState<File | null>(null);
  const send = useAction(async () => {
    if (!file) return;
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file);
    await upload('/api/v1/kyc/documents', form, { csrfToken: me.csrfToken, lang });
    setFile(null);
    notifySuccess(t('kyc.uploaded'));
    onChanged();
  });
  const remove = async (id: string) => {
    try {
      await api.delete(`/api/v1/kyc/documents/${encodeURIComponent(id)}`);
      onChanged();
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('kyc.documents')}
        </Title>
        {!kyc.documents.length ? (
          <Text size="sm" c="dimmed">
            {t('kyc.noDocuments')}
          </Text>
        ) : (
          <Table verticalSpacing={4} aria-label={t('kyc.documents')}>
            <Table.Tbody>
              {kyc.documents.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{labelOf(t, 'kyc.doc.', d.kind)}</Table.Td>
                  <Table.Td>
                    <Anchor href={d.url} target="_blank" rel="noopener">
                      <Ltr>{d.filename}</Ltr>
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{num(Math.ceil(d.size / 1024))} KB</Table.Td>
                  <Table.Td>{dateTime(d.createdAt)}</Table.Td>
                  {editable ? (
                    <Table.Td>
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => void remove(d.id)}>
                        {t('kyc.removeDoc')}
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {editable ? (
          <form onSubmit={(e) => (e.preventDefault(), void send.run())}>
            <Group align="flex-end" gap="sm">
              <Select label={t('kyc.docKind')} value={kind} onChange={(v) => v && setKind(v)} allowDeselect={false} data={documentKinds.map((k) => ({ value: k, label: t(`kyc.doc.${k}`) }))} w={200} />
              <FileInput label={t('kyc.file')} accept="image/jpeg,image/png,application/pdf" value={file} onChange={setFile} clearable style={{ flex: '1 1 14rem' }} />
              <Button type="submit" loading={send.busy} disabled={!file}>
                {t('kyc.upload')}
              </Button>
            </Group>
            <ErrorAlert error={send.error} />
          </form>
        ) : null}
      </Stack>
    </Card>
  );
}
