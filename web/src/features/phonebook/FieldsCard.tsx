// Custom contact fields (text, number, date): list, add, delete.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { fieldTypes, type FieldDef, type FieldType } from './types.ts';

export function useFields() {
  const [fields, setFields] = useState<FieldDef[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    api.get<FieldDef[]>('/api/v1/phonebook/fields').then(setFields, setError);
  }, []);
  useEffect(reload, [reload]);
  return { fields, error, reload };
}

export function FieldsCard() {
  const { t } = useI18n();
  const { fields, error, reload } = useFields();
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const [deleting, setDeleting] = useState<string | null>(null);

  const add = useAction(async () => {
    await api.post('/api/v1/phonebook/fields', { key: key.trim(), label: label.trim(), type });
    notifySuccess(t('common.saved'));
    setKey('');
    setLabel('');
    reload();
  });
  const remove = useAction(async (k: string) => {
    try {
      await api.delete(`/api/v1/phonebook/fields/${encodeURIComponent(k)}`);
      notifySuccess(t('pb.deleted'));
      setDeleting(null);
      reload();
    } catch (err) {
      notifyError(t, err);
    }
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pb.fields')}>
      <Stack gap="md">
        <Title order={3} size="h4">
          {t('pb.fields')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('pb.fieldsHint')}
        </Text>
        <ErrorAlert error={error} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Group align="flex-end" gap="sm">
            <TextInput label={t('pb.fieldKey')} required value={key} onChange={(e) => setKey(e.currentTarget.value)} maxLength={32} styles={{ input: { direction: 'ltr' } }} placeholder="city" />
            <TextInput label={t('pb.fieldLabel')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} maxLength={100} />
            <Select label={t('pb.fieldType')} data={fieldTypes.map((v) => ({ value: v, label: t(`pb.fieldType.${v}`) }))} value={type} onChange={(v) => v && setType(v as FieldType)} allowDeselect={false} w={140} />
            <Button type="submit" loading={add.busy} disabled={!key.trim()}>
              {t('pb.addField')}
            </Button>
          </Group>
        </form>
        <ErrorAlert error={add.error} />
        {fields && !fields.length ? <Text c="dimmed">{t('pb.noFields')}</Text> : null}
        {fields?.length ? (
          <Table aria-label={t('pb.fields')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('pb.fieldKey')}</Table.Th>
                <Table.Th>{t('pb.fieldLabel')}</Table.Th>
                <Table.Th>{t('pb.fieldType')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map((f) => (
                <Table.Tr key={f.key}>
                  <Table.Td>
                    <Ltr>{`{${f.key}}`}</Ltr>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{f.label || t('common.none')}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`pb.fieldType.${f.type}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(f.key)}>
                      {t('pb.deleteField')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
      <ConfirmModal
        opened={!!deleting}
        title={t('pb.deleteField')}
        message={deleting ? t('pb.deleteFieldConfirm', { key: deleting }) : ''}
        confirmLabel={t('pb.delete')}
        busy={remove.busy}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Card>
  );
}
