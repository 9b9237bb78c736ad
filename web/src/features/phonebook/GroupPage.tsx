// One group: its contacts (search, tag filter, pages), add/edit/delete, CSV export, import, send.
import { useCallback, useEffect, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link, onLinkClick } from '../../app/router.tsx';
import { Ltr } from '../../components/Bidi.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { Pager } from '../../components/Pager.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ContactModal } from './ContactModal.tsx';
import { useFields } from './FieldsCard.tsx';
import type { Contact, ContactPage, Group as PbGroup } from './types.ts';

const PAGE_SIZE = 25;

export function GroupPage({ id }: { id: string }) {
  const { t, num, digits } = useI18n();
  const { fields } = useFields();
  const [group, setGroup] = useState<PbGroup | null>(null);
  const [data, setData] = useState<ContactPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Contact | null>(null);
  const base = `/api/v1/phonebook/groups/${encodeURIComponent(id)}`;

  const load = useCallback(() => {
    api.get<PbGroup>(base).then(setGroup, setError);
    api.get<ContactPage>(`${base}/contacts`, { q: q.trim() || undefined, tag: tag.trim() || undefined, page, pageSize: PAGE_SIZE }).then((d) => (setData(d), setError(null)), setError);
  }, [base, q, tag, page]);
  useEffect(() => {
    const timer = setTimeout(load, 250);
    return () => clearTimeout(timer);
  }, [load]);

  const remove = useAction(async (c: Contact) => {
    try {
      await api.delete(`/api/v1/phonebook/contacts/${encodeURIComponent(c.id)}`);
      notifySuccess(t('pb.deleted'));
      setDeleting(null);
      load();
    } catch (err) {
      notifyError(t, err);
    }
  });

  const shownFields = (fields ?? []).slice(0, 4);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>
          <bdi>{group?.name ?? t('pb.contacts')}</bdi>
        </Title>
        <Link to="/phonebook">{t('pb.back')}</Link>
      </Group>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pb.contacts')}>
        <Stack gap="md">
          <Group justify="space-between" align="flex-end">
            <Group align="flex-end" gap="sm">
              <TextInput label={t('pb.search')} value={q} onChange={(e) => (setQ(e.currentTarget.value), setPage(1))} />
              <TextInput label={t('pb.tagFilter')} value={tag} onChange={(e) => (setTag(e.currentTarget.value), setPage(1))} w={160} />
            </Group>
            <Group gap="xs">
              <Button onClick={() => setEditing('new')}>{t('pb.addContact')}</Button>
              <Button component="a" variant="light" href={`/phonebook/${encodeURIComponent(id)}/import`} onClick={onLinkClick(`/phonebook/${encodeURIComponent(id)}/import`)}>
                {t('pb.import')}
              </Button>
              <Button component="a" variant="light" href={`/campaigns?group=${encodeURIComponent(id)}`} onClick={onLinkClick(`/campaigns?group=${encodeURIComponent(id)}`)}>
                {t('pb.campaign')}
              </Button>
              <Anchor href={`${base}/export.csv`} download size="sm">
                {t('pb.export')}
              </Anchor>
            </Group>
          </Group>
          {data ? (
            <Text size="sm" c="dimmed">
              {t('pb.contactsCount', { count: num(data.total) })}
            </Text>
          ) : null}
          {data && !data.items.length ? <Text c="dimmed">{t('pb.noContacts')}</Text> : null}
          {data?.items.length ? (
            <Table.ScrollContainer minWidth={640}>
              <Table aria-label={t('pb.contacts')} striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('pb.colMobile')}</Table.Th>
                    <Table.Th>{t('pb.colName')}</Table.Th>
                    {shownFields.map((f) => (
                      <Table.Th key={f.key}>
                        <bdi>{f.label || f.key}</bdi>
                      </Table.Th>
                    ))}
                    <Table.Th>{t('pb.colTags')}</Table.Th>
                    <Table.Th>{t('pb.colStatus')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Ltr>{digits(localMobile(c.mobile))}</Ltr>
                      </Table.Td>
                      <Table.Td>
                        <bdi>{c.name || t('common.none')}</bdi>
                      </Table.Td>
                      {shownFields.map((f) => (
                        <Table.Td key={f.key}>
                          <bdi>{c.fields[f.key] === undefined ? t('common.none') : typeof c.fields[f.key] === 'number' ? num(c.fields[f.key] as number) : digits(String(c.fields[f.key]))}</bdi>
                        </Table.Td>
                      ))}
                      <Table.Td>
                        <Group gap={4}>
                          {c.tags.map((x) => (
                            <Badge key={x} variant="light" size="sm" style={{ cursor: 'pointer' }} onClick={() => (setTag(x), setPage(1))}>
                              {x}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {c.blockSend ? (
                          <Badge color="red" variant="light">
                            {t('pb.doNotSend')}
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button size="xs" variant="subtle" onClick={() => setEditing(c)}>
                            {t('pb.edit')}
                          </Button>
                          <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(c)}>
                            {t('pb.delete')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : null}
          {data ? <Pager page={page} total={data.total} pageSize={PAGE_SIZE} onChange={setPage} /> : null}
        </Stack>
      </Card>
      {editing && fields ? (
        <ContactModal
          groupId={id}
          contact={editing === 'new' ? null : editing}
          fields={fields}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      ) : null}
      <ConfirmModal
        opened={!!deleting}
        title={t('pb.delete')}
        message={deleting ? t('pb.deleteContactConfirm', { mobile: digits(localMobile(deleting.mobile)) }) : ''}
        confirmLabel={t('pb.delete')}
        busy={remove.busy}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
