// The written request: business name, legal type with its national code or ID, address, phone,
// e-mail and what the applicant will sell. Creates the draft, or edits it while it is a draft.
import { useState } from 'react';
import { Button, Group, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { badFields } from '../wallet/money.tsx';
import type { Application } from './types.ts';

type Fields = { businessName: string; legalType: 'natural' | 'legal'; nationalNumber: string; address: string; phone: string; email: string; plan: string };

const from = (a: Application | null): Fields => ({
  businessName: a?.businessName ?? '',
  legalType: a?.legalType ?? 'natural',
  nationalNumber: a?.nationalNumber ?? '',
  address: a?.address ?? '',
  phone: a?.phone ?? '',
  email: a?.email ?? '',
  plan: a?.plan ?? '',
});

export function RequestForm({ application, onSaved, onSubmitted }: { application: Application | null; onSaved(a: Application): void; onSubmitted?(a: Application): void }) {
  const { t } = useI18n();
  const [f, setF] = useState<Fields>(from(application));
  const set = (k: keyof Fields) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((x) => ({ ...x, [k]: v }));
  };
  const body = () => ({ ...f, nationalNumber: latinDigits(f.nationalNumber).trim(), phone: latinDigits(f.phone).trim(), email: f.email.trim() || null });

  const save = useAction(async () => {
    const a = application ? await api.patch<Application>(`/api/v1/agency-applications/${application.id}`, body()) : await api.post<Application>('/api/v1/agency-applications', body());
    notifySuccess(t(application ? 'agency.draft.saved' : 'agency.apply.created'));
    onSaved(a);
  });
  const submit = useAction(async () => {
    if (!application) return;
    await api.patch<Application>(`/api/v1/agency-applications/${application.id}`, body());
    const a = await api.post<Application>(`/api/v1/agency-applications/${application.id}/submit`);
    notifySuccess(t('agency.draft.submitted'));
    onSubmitted?.(a);
  });
  const bad = new Set([...badFields(save.error), ...badFields(submit.error)]);
  const err = (k: string) => (bad.has(k) ? t('agency.required') : undefined);
  const natural = f.legalType === 'natural';

  return (
    <Stack gap="sm" maw={640}>
      <Text size="sm" c="dimmed">
        {t('agency.draft.hint')}
      </Text>
      <TextInput label={t('agency.field.businessName')} required value={f.businessName} onChange={set('businessName')} error={err('businessName')} />
      <Radio.Group label={t('agency.field.legalType')} value={f.legalType} onChange={(v) => setF((x) => ({ ...x, legalType: v as Fields['legalType'] }))}>
        <Group mt={4}>
          <Radio value="natural" label={t('agency.legal.natural')} />
          <Radio value="legal" label={t('agency.legal.legal')} />
        </Group>
      </Radio.Group>
      <TextInput
        label={t(natural ? 'agency.field.nationalCode' : 'agency.field.nationalId')}
        description={t(natural ? 'agency.field.nationalCodeHint' : 'agency.field.nationalIdHint')}
        required
        dir="ltr"
        inputMode="numeric"
        maw={260}
        value={f.nationalNumber}
        onChange={set('nationalNumber')}
        error={bad.has('nationalNumber') || undefined}
      />
      <Textarea label={t('agency.field.address')} required autosize minRows={2} value={f.address} onChange={set('address')} error={err('address')} />
      <Group grow align="flex-start">
        <TextInput label={t('agency.field.phone')} required dir="ltr" inputMode="tel" value={f.phone} onChange={set('phone')} error={err('phone')} />
        <TextInput label={t('agency.field.email')} required dir="ltr" type="email" value={f.email} onChange={set('email')} error={err('email')} />
      </Group>
      <Textarea label={t('agency.field.plan')} description={t('agency.field.planHint')} required autosize minRows={3} value={f.plan} onChange={set('plan')} error={err('plan')} />
      <ErrorAlert error={save.error ?? submit.error} />
      <Group>
        <Button variant={application ? 'default' : 'filled'} loading={save.busy} onClick={() => void save.run()}>
          {t(application ? 'agency.draft.save' : 'agency.apply.start')}
        </Button>
        {application ? (
          <Button loading={submit.busy} onClick={() => void submit.run()}>
            {t('agency.draft.submit')}
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}
