// The caller's own identity check: natural or legal person, national code with a live checksum
// hint, Jalali birth date, documents, submit; status and the reviewer's reason.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Center, Group, Loader, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { api, request } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/fa.ts';
import { labelOf } from '../batches/labels.ts';
import { isValidNationalCode, isValidNationalId, type Kyc } from './identity.ts';
import { KycDocuments } from './KycDocuments.tsx';

type Fields = { fullName: string; nationalCode: string; birthDate: string; companyName: string; nationalId: string; ceoName: string; ceoNationalCode: string };
const empty: Fields = { fullName: '', nationalCode: '', birthDate: '', companyName: '', nationalId: '', ceoName: '', ceoNationalCode: '' };
export const kycColor: Record<string, string> = { approved: 'teal', submitted: 'blue', rejected: 'red', draft: 'gray', none: 'gray' };

export function KycPage() {
  const { t, digits } = useI18n();
  const [kyc, setKyc] = useState<Kyc | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [type, setType] = useState<'natural' | 'legal'>('natural');
  const [f, setF] = useState<Fields>(empty);

  const apply = useCallback((k: Kyc) => {
    setKyc(k);
    setType(k.personType === 'legal' ? 'legal' : 'natural');
    const v = (x: string | null | undefined) => x ?? '';
    setF({ fullName: v(k.fields.fullName), nationalCode: v(k.fields.nationalCode), birthDate: v(k.birthDateJalali), companyName: v(k.fields.companyName), nationalId: v(k.fields.nationalId), ceoName: v(k.fields.ceoName), ceoNationalCode: v(k.fields.ceoNationalCode) });
  }, []);
  const load = useCallback(() => void api.get<Kyc>('/api/v1/kyc').then(apply).catch(setError), [apply]);
  useEffect(load, [load]);

  const body = () => (type === 'natural' ? { personType: type, fullName: f.fullName, nationalCode: f.nationalCode, birthDate: f.birthDate } : { personType: type, companyName: f.companyName, nationalId: f.nationalId, ceoName: f.ceoName, ceoNationalCode: f.ceoNationalCode });
  const save = useAction(async () => {
    apply(await request<Kyc>('PUT', '/api/v1/kyc', body()));
    notifySuccess(t('kyc.saved'));
  });
  const submit = useAction(async () => {
    await request<Kyc>('PUT', '/api/v1/kyc', body());
    apply(await api.post<Kyc>('/api/v1/kyc/submit'));
    notifySuccess(t('kyc.submitted'));
  });

  if (!kyc) return <Center py="xl">{error ? <ErrorAlert error={error} /> : <Loader aria-label={t('common.loading')} />}</Center>;
  const editable = kyc.status === 'none' || kyc.status === 'draft' || kyc.status === 'rejected';
  const hint = (value: string, ok: (s: string) => boolean): { description?: string; error?: string } => (!value.trim() ? {} : ok(value) ? { description: t('kyc.checksumOk') } : { error: t('kyc.checksumBad') });
  const text = (key: keyof Fields, label: MessageKey, extra: Record<string, unknown> = {}, numeric = false) => (
    <TextInput inputWrapperOrder={['label', 'input', 'description', 'error']} label={t(label)} value={numeric ? digits(f[key]) : f[key]} onChange={(e) => setF({ ...f, [key]: e.currentTarget.value })} disabled={!editable} styles={numeric ? { input: { direction: 'ltr', textAlign: 'start' } } : undefined} {...extra} />
  );

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('kyc.title')}</Title>
        <Group gap="xs">
          <Badge color={kycColor[kyc.status]} size="lg" variant="light" data-testid="kyc-status">
            {labelOf(t, 'kyc.status.', kyc.status)}
          </Badge>
          <Badge color={kyc.mobileVerified ? 'teal' : 'orange'} variant="outline">
            {kyc.mobileVerified ? t('kyc.mobileVerified') : t('kyc.mobileNotVerified')}
          </Badge>
        </Group>
      </Group>
      {kyc.status === 'rejected' && kyc.rejectionReason ? (
        <Alert color="red" variant="light">
          {t('kyc.rejectionReason', { reason: kyc.rejectionReason })}
        </Alert>
      ) : null}
      <Card withBorder radius="md" padding="lg">
        <Stack gap="sm">
          <div role="group" aria-label={t('kyc.personType')}>
            <Text size="sm" fw={500} mb={4}>
              {t('kyc.personType')}
            </Text>
            <SegmentedControl value={type} onChange={(v) => setType(v as 'natural' | 'legal')} disabled={!editable} data={[{ value: 'natural', label: t('kyc.natural') }, { value: 'legal', label: t('kyc.legal') }]} />
          </div>
          {type === 'natural' ? (
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {text('fullName', 'kyc.fullName')}
              {text('nationalCode', 'kyc.nationalCode', hint(f.nationalCode, isValidNationalCode), true)}
              {text('birthDate', 'kyc.birthDate', { placeholder: t('kyc.birthDateHint') }, true)}
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              {text('companyName', 'kyc.companyName')}
              {text('nationalId', 'kyc.nationalId', hint(f.nationalId, isValidNationalId), true)}
              {text('ceoName', 'kyc.ceoName')}
              {text('ceoNationalCode', 'kyc.ceoNationalCode', hint(f.ceoNationalCode, isValidNationalCode), true)}
            </SimpleGrid>
          )}
          <ErrorAlert error={save.error ?? submit.error} />
          {editable ? (
            <Group justify="flex-end">
              <Button variant="default" loading={save.busy} onClick={() => void save.run()}>
                {t('kyc.save')}
              </Button>
              <Button loading={submit.busy} onClick={() => void submit.run()}>
                {t('kyc.submit')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </Card>
      <KycDocuments kyc={kyc} editable={editable} onChanged={load} />
    </Stack>
  );
}
