// Add or edit one contact: number, name, tags, custom fields and the do-not-send flags.
import { useState } from 'react';
import { Button, Checkbox, Group, Modal, Stack, TagsInput, TextInput } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits, localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Contact, FieldDef } from './types.ts';

export function ContactModal({ groupId, contact, fields, onClose, onSaved }: { groupId: string; contact: Contact | null; fields: FieldDef[]; onClose(): void; onSaved(): void }) {
  const { t, digits } = useI18n();
  const [mobile, setMobile] = useState(contact ? localMobile(contact.mobile) : '');
  const [name, setName] = useState(contact?.name ?? '');
  const [tags, setTags] = useState<string[]>(contact?.tags ?? []);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.key, contact?.fields[f.key] === undefined ? '' : String(contact.fields[f.key])])));
  const [blockSend, setBlockSend] = useState(contact?.blockSend ?? false);
  const [blockReceive, setBlockReceive] = useState(contact?.blockReceive ?? false);

  const save = useAction(async () => {
    const fieldValues = Object.fromEntries(fields.map((f) => [f.key, values[f.key]?.trim() ? latinDigits(values[f.key].trim()) : null]));
    const body = { mobile: latinDigits(mobile.trim()), name: name.trim(), tags, fields: fieldValues, blockSend, blockReceive };
    if (contact) {
      await api.patch(`/api/v1/phonebook/contacts/${encodeURIComponent(contact.id)}`, body);
      notifySuccess(t('pb.contactSaved'));
    } else {
      const before = await api.post<Contact>(`/api/v1/phonebook/groups/${encodeURIComponent(groupId)}/contacts`, { ...body, fields: Object.fromEntries(Object.entries(fieldValues).filter(([, v]) => v !== null)) });
      notifySuccess(before.createdAt !== before.updatedAt ? t('pb.contactMerged') : t('pb.contactSaved'));
    }
    onSaved();
  });

  return (
    <Modal opened onClose={onClose} title={contact ? t('pb.editContact') : t('pb.addContact')} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Stack gap="sm">
          <TextInput label={t('pb.mobile')} required value={digits(mobile)} onChange={(e) => setMobile(latinDigits(e.currentTarget.value))} styles={{ input: { direction: 'ltr', textAlign: 'right' } }} data-autofocus />
          <TextInput label={t('pb.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
          <TagsInput label={t('pb.tags')} value={tags} onChange={setTags} maxTags={50} />
          {fields.map((f) => (
            <TextInput
              key={f.key}
              label={f.label || f.key}
              description={f.type === 'date' ? t('pb.dateHint') : undefined}
              value={f.type === 'text' ? values[f.key] : digits(values[f.key] ?? '')}
              onChange={(e) => setValues({ ...values, [f.key]: e.currentTarget.value })}
              styles={f.type === 'text' ? undefined : { input: { direction: 'ltr', textAlign: 'right' } }}
            />
          ))}
          <Checkbox label={t('pb.blockSend')} description={t('pb.blockSendHint')} checked={blockSend} onChange={(e) => setBlockSend(e.currentTarget.checked)} />
          <Checkbox label={t('pb.blockReceive')} checked={blockReceive} onChange={(e) => setBlockReceive(e.currentTarget.checked)} />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy} disabled={!mobile.trim()}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
