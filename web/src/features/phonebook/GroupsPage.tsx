// The phonebook: your groups (create, open, delete) and the custom fields shared by all groups.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Group as Row, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Link } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifyError, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { FieldsCard } from './FieldsCard.tsx';
import type { Group } from './types.ts';

export function GroupsPage() {
  const { t, num, date } = useI18n();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [deleting, setDeleting] = useState<Group | null>(null);

  const load = useCallback(() => {
    api.get<Group[]>('/api/v1/phonebook/groups').then(setGroups, setError);
  }, []);
  useEffect(load, [load]);

  const create = useAction(async () => {
    await api.post<Group>('/api/v1/phonebook/groups', { name, description: description || undefined });
    notifySuccess(t('pb.groupCreated'));
    setName('');
    setDescription('');
    load();
  });
  const remove = useAction(async (g: Group) => {
    try {
      await api.delete(`/api/v1/phonebook/groups/${encodeURIComponent(g.id)}`);
      notifySuccess(t('pb.deleted'));
      setDeleting(null);
      load();
    } catch (err) {
      notifyError(t, err);
    }
  });

  return (
    <Stack gap="lg">
      <Title order={2}>{t('pb.title')}</Title>
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="lg" component="section" aria-label={t('pb.groups')}>
        <Stack gap="md">
          <Title order={3} size="h4">
            {t('pb.groups')}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <Row align="flex-end" gap="sm">
              <TextInput label={t('pb.groupName')} required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} />
              <TextInput label={t('pb.groupDescription')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} style={{ flex: 1 }} />
              <Button type="submit" loading={create.busy} disabled={!name.trim()}>
                {t('pb.createGroup')}
              </Button>
            </Row>
          </form>
          <ErrorAlert error={create.error} />
          {groups && !groups.length ? <Text c="dimmed">{t('pb.noGroups')}</Text> : null}
          {groups?.length ? (
            <Table.ScrollContainer minWidth={520}>
              <Table aria-label={t('pb.groups')} striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('pb.colName')}</Table.Th>
                    <Table.Th>{t('pb.colContacts')}</Table.Th>
                    <Table.Th>{t('pb.colCreated')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {groups.map((g) => (
                    <Table.Tr key={g.id}>
                      <Table.Td>
                        <Link to={`/phonebook/${encodeURIComponent(g.id)}`}>
                          <bdi>{g.name}</bdi>
                        </Link>
                        {g.description ? (
                          <Text size="xs" c="dimmed">
                            <bdi>{g.description}</bdi>
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{num(g.contacts)}</Table.Td>
                      <Table.Td>{date(g.createdAt)}</Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(g)}>
                          {t('pb.deleteGroup')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : null}
        </Stack>
      </Card>
      <FieldsCard />
      <ConfirmModal
        opened={!!deleting}
        title={t('pb.deleteGroup')}
        message={deleting ? t('pb.deleteGroupConfirm', { name: deleting.name }) : ''}
        confirmLabel={t('pb.delete')}
        busy={remove.busy}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
