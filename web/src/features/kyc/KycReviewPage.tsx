// Reviewers (any strict ancestor): identity checks waiting below them; open one to read the
// fields and documents, then approve or reject with a reason.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Modal, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { labelOf } from '../batches/labels.ts';
import { type Kyc } from './identity.ts';
import { KycDocuments } from './KycDocuments.tsx';
import { kycColor } from './KycPage.tsx';

type Row = { accountId: string; personType: string; status: string; submittedAt: string | null };
const fieldKeys = { fullName: 'kyc.fullName', nationalCode: 'kyc.nationalCode', companyName: 'kyc.companyName', nationalId: 'kyc.nationalId', ceoName: 'kyc.ceoName', ceoNationalCode: 'kyc.ceoNationalCode' } as const;

function ReviewModal({ accountId, onClose, onDone }: { accountId: string | null; onClose(): void; onDone(): void }) {
  const { t, digits } = useI18n();
  const [kyc, setKyc] = useState<Kyc | null>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    setKyc(null);
    setReason('');
    if (accountId) void api.get<Kyc>(`/api/v1/kyc/${encodeURIComponent(accountId)}`).then(setKyc);
  }, [accountId]);
  const decide = useAction(async (d: 'approve' | 'reject') => {
    if (!accountId) return;
    await api.post(`/api/v1/kyc/${encodeURIComponent(accountId)}/${d}`, d === 'reject' ? { reason: reason.trim() } : {});
    notifySuccess(t('kyc.decided'));
    onDone();
  });
  return (
    <Modal opened={accountId !== null} onClose={onClose} size="xl" centered title={accountId ? t('kyc.reviewOf', { account: accountId }) : ''} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {!kyc ? (
        <Loader size="sm" aria-label={t('common.loading')} />
      ) : (
        <Stack gap="md">
          <Table verticalSpacing={4}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{t('kyc.personType')}</Table.Td>
                <Table.Td>{kyc.personType === 'legal' ? t('kyc.legal') : t('kyc.natural')}</Table.Td>
              </Table.Tr>
              {(Object.keys(fieldKeys) as (keyof typeof fieldKeys)[])
                .filter((k) => kyc.fields[k])
                .map((k) => (
                  <Table.Tr key={k}>
                    <Table.Td>{t(fieldKeys[k])}</Table.Td>
                    <Table.Td>{/code|Id/.test(k) ? <Ltr>{digits(kyc.fields[k] ?? '')}</Ltr> : <bdi>{kyc.fields[k]}</bdi>}</Table.Td>
                  </Table.Tr>
                ))}
              {kyc.birthDateJalali ? (
                <Table.Tr>
                  <Table.Td>{t('kyc.birthDate')}</Table.Td>
                  <Table.Td>
                    <Ltr>{digits(kyc.birthDateJalali)}</Ltr>
                  </Table.Td>
                </Table.Tr>
              ) : null}
              <Table.Tr>
                <Table.Td>{t('kyc.mobileVerified')}</Table.Td>
                <Table.Td>{kyc.mobileVerified ? t('compliance.v.true') : t('compliance.v.false')}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <KycDocuments kyc={kyc} editable={false} onChanged={() => {}} />
          {kyc.status === 'submitted' ? (
            <>
              <Textarea label={t('kyc.rejectReason')} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
              <ErrorAlert error={decide.error} />
              <Group justify="flex-end">
                <Button color="red" variant="light" disabled={!reason.trim()} loading={decide.busy} onClick={() => void decide.run('reject')}>
                  {t('kyc.reject')}
                </Button>
                <Button loading={decide.busy} onClick={() => void decide.run('approve')}>
                  {t('kyc.approve')}
                </Button>
              </Group>
            </>
          ) : null}
        </Stack>
      )}
    </Modal>
  );
}

export function KycReviewPage() {
  const { t, dateTime } = useI18n();
  const [status, setStatus] = useState<'submitted' | 'approved' | 'rejected'>('submitted');
  const [items, setItems] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .get<{ items: Row[] }>('/api/v1/kyc/reviews', { status, pageSize: 100 })
      .then((r) => (setItems(r.items), setError(null)))
      .catch(setError);
  }, [status]);
  useEffect(load, [load]);
  return (
    <Stack gap="lg">
      <Title order={2}>{t('kyc.reviewTitle')}</Title>
      <SegmentedControl w="fit-content" value={status} onChange={(v) => setStatus(v as typeof status)} data={(['submitted', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`kyc.status.${s}`) }))} />
      <ErrorAlert error={error} />
      <Card withBorder radius="md" padding="md">
        {!items ? (
          <Center py="lg">{error ? null : <Loader size="sm" aria-label={t('common.loading')} />}</Center>
        ) : !items.length ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('kyc.reviewEmpty')}
          </Text>
        ) : (
          <Table striped verticalSpacing="xs" aria-label={t('kyc.reviewTitle')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('kyc.colAccount')}</Table.Th>
                <Table.Th>{t('kyc.colType')}</Table.Th>
                <Table.Th>{t('kyc.status')}</Table.Th>
                <Table.Th>{t('kyc.colSubmitted')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.accountId}>
                  <Table.Td>
                    <Ltr>{r.accountId}</Ltr>
                  </Table.Td>
                  <Table.Td>{r.personType === 'legal' ? t('kyc.legal') : t('kyc.natural')}</Table.Td>
                  <Table.Td>
                    <Badge color={kycColor[r.status] ?? 'gray'} variant="light">
                      {labelOf(t, 'kyc.status.', r.status)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.submittedAt ? dateTime(r.submittedAt) : t('common.none')}</Table.Td>
                  <Table.Td>
                    <Button size="compact-sm" variant="light" onClick={() => setOpen(r.accountId)}>
                      {t('kyc.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <ReviewModal accountId={open} onClose={() => setOpen(null)} onDone={() => (setOpen(null), load())} />
    </Stack>
  );
}
