// What each side may do in the application's current state (docs/agencies.md): the applicant pays
// and records posting the signed contract; the parent quotes, rejects, activates, sends the
// contract, records receiving it and posting the countersigned copy.
import { useState, type ReactNode } from 'react';
import { Anchor, Button, Group, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { api, ApiError } from '../../api/client.ts';
import { onLinkClick } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { JalaliDateInput } from '../wallet/JalaliDateInput.tsx';
import { todayTehran } from '../wallet/jalali.ts';
import { clientError } from '../wallet/http.ts';
import { parseAmount, useRials } from '../wallet/money.tsx';
import { PaymentPicker } from './PaymentPicker.tsx';
import type { Application } from './types.ts';

type Props = { a: Application; onChanged(): void };
const path = (a: Application, step: string) => `/api/v1/agency-applications/${a.id}/${step}`;

/** One step as a small form: its fields, a button, the server's refusal under it. */
function StepForm({ children, label, color, done, run }: { children?: ReactNode; label: string; color?: string; done: string; run(): Promise<unknown> }) {
  const action = useAction(async () => {
    await run();
    notifySuccess(done);
  });
  return (
    <Stack gap="xs">
      {children}
      <Group>
        <Button color={color} loading={action.busy} onClick={() => void action.run()}>
          {label}
        </Button>
      </Group>
      <ErrorAlert error={action.error} />
    </Stack>
  );
}

export function ApplicantActions({ a, onChanged }: Props) {
  const { t } = useI18n();
  const [method, setMethod] = useState<'online' | 'deposit'>('online');
  const [reference, setReference] = useState<string | null>(null);
  const [postedOn, setPostedOn] = useState(todayTehran());
  const [tracking, setTracking] = useState('');
  const [confirm, setConfirm] = useState(false);
  const cancel = useAction(async () => {
    await api.post(path(a, 'cancel'), {});
    setConfirm(false);
    notifySuccess(t('agency.cancelled'));
    onChanged();
  });
  const cancellable = ['draft', 'submitted', 'quoted', 'payment_declared'].includes(a.status);

  return (
    <Stack gap="md">
      {a.status === 'quoted' ? (
        <Stack gap="xs">
          <Text fw={600}>{t('agency.pay.title')}</Text>
          <Text size="sm" c="dimmed">
            {t('agency.pay.hint')}
          </Text>
          <Anchor href="/topup" onClick={onLinkClick('/topup')}>
            {t('agency.pay.topup')}
          </Anchor>
          <StepForm
            label={t('agency.pay.declare')}
            done={t('agency.pay.declared')}
            run={async () => {
              if (!reference) throw clientError(t('agency.pay.pick'));
              await api.post(path(a, 'payment'), { method, reference });
              onChanged();
            }}
          >
            <Radio.Group label={t('agency.pay.method')} value={method} onChange={(v) => (setMethod(v as typeof method), setReference(null))}>
              <Group mt={4}>
                <Radio value="online" label={t('agency.method.online')} />
                <Radio value="deposit" label={t('agency.method.deposit')} />
              </Group>
            </Radio.Group>
            <PaymentPicker method={method} value={reference} onChange={setReference} />
          </StepForm>
        </Stack>
      ) : null}
      {a.status === 'contract_sent' && !a.signedTracking ? (
        <Stack gap="xs">
          <Text fw={600}>{t('agency.posted.title')}</Text>
          <Text size="sm" c="dimmed">
            {t('agency.posted.hint')}
          </Text>
          <StepForm
            label={t('agency.posted.save')}
            done={t('agency.posted.saved')}
            run={async () => {
              await api.post(path(a, 'posted'), { postedOn, trackingNumber: latinDigits(tracking).trim() });
              onChanged();
            }}
          >
            <Group align="flex-start">
              <JalaliDateInput label={t('agency.posted.date')} value={postedOn} onChange={setPostedOn} required w={200} />
              <TextInput label={t('agency.posted.tracking')} required dir="ltr" w={240} value={tracking} onChange={(e) => setTracking(e.currentTarget.value)} />
            </Group>
          </StepForm>
        </Stack>
      ) : null}
      {['submitted', 'payment_declared', 'activated', 'contract_received'].includes(a.status) || (a.status === 'contract_sent' && a.signedTracking) ? (
        <Text size="sm" c="dimmed">
          {t('agency.waiting.parent')}
        </Text>
      ) : null}
      {cancellable ? (
        <Group>
          <Button variant="subtle" color="red" onClick={() => setConfirm(true)}>
            {t('agency.cancel')}
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={cancel.error} />
      <ConfirmModal opened={confirm} title={t('agency.cancel')} message={t('agency.cancel.confirm')} confirmLabel={t('agency.cancel')} busy={cancel.busy} onConfirm={() => void cancel.run()} onClose={() => setConfirm(false)} />
    </Stack>
  );
}

export function ParentActions({ a, onChanged }: Props) {
  const { t } = useI18n();
  const rials = useRials();
  const [fee, setFee] = useState(a.fee ?? '');
  const [renewalFee, setRenewalFee] = useState(a.renewalFee ?? '');
  const [note, setNote] = useState(a.quoteNote ?? '');
  const [reason, setReason] = useState('');
  const [receivedOn, setReceivedOn] = useState(todayTehran());
  const [csOn, setCsOn] = useState(todayTehran());
  const [csTracking, setCsTracking] = useState('');
  const [confirm, setConfirm] = useState(false);
  const activate = useAction(async () => {
    try {
      await api.post(path(a, 'activate'), {});
    } catch (err) {
      setConfirm(false);
      if (err instanceof ApiError && err.code === 'INSUFFICIENT_CREDIT') throw clientError(t('agency.activate.short', { missing: rials(String(err.details.missing ?? '0')) }));
      throw err;
    }
    setConfirm(false);
    notifySuccess(t('agency.activate.done'));
    onChanged();
  });
  const s = a.status;

  return (
    <Stack gap="lg">
      {s === 'submitted' || s === 'quoted' ? (
        <StepForm
          label={t('agency.quote.submit')}
          done={t('agency.quote.done')}
          run={async () => {
            const f = parseAmount(fee);
            const r = renewalFee.trim() ? parseAmount(renewalFee) : undefined;
            if (f === null || r === null) throw clientError(t('agency.quote.bad'));
            await api.post(path(a, 'quote'), { fee: f, ...(r ? { renewalFee: r } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
            onChanged();
          }}
        >
          <Group align="flex-start">
            <TextInput label={t('agency.quote.fee')} required dir="ltr" inputMode="numeric" w={220} value={fee} onChange={(e) => setFee(e.currentTarget.value)} />
            <TextInput label={`${t('agency.quote.renewalFee')} (${t('common.optional')})`} dir="ltr" inputMode="numeric" w={260} value={renewalFee} onChange={(e) => setRenewalFee(e.currentTarget.value)} />
          </Group>
          <Textarea label={`${t('agency.quote.note')} (${t('common.optional')})`} autosize minRows={2} maw={520} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        </StepForm>
      ) : null}
      {s === 'quoted' || s === 'payment_declared' ? (
        <Stack gap="xs">
          <Group>
            <Button color="teal" onClick={() => setConfirm(true)}>
              {t('agency.activate.submit')}
            </Button>
          </Group>
          <ErrorAlert error={activate.error} />
          <ConfirmModal
            opened={confirm}
            title={t('agency.activate.submit')}
            message={t('agency.activate.confirm', { fee: rials(a.fee ?? '0') })}
            confirmLabel={t('agency.activate.submit')}
            busy={activate.busy}
            onConfirm={() => void activate.run()}
            onClose={() => setConfirm(false)}
          />
        </Stack>
      ) : null}
      {s === 'activated' || s === 'contract_sent' ? (
        <StepForm
          label={t('agency.contract.send')}
          done={t('agency.contract.sent')}
          run={async () => {
            await api.post(path(a, 'contract'), {});
            onChanged();
          }}
        />
      ) : null}
      {s === 'contract_sent' ? (
        <StepForm
          label={t('agency.received.submit')}
          done={t('agency.received.done')}
          run={async () => {
            await api.post(path(a, 'received'), { receivedOn });
            onChanged();
          }}
        >
          <JalaliDateInput label={t('agency.received.date')} value={receivedOn} onChange={setReceivedOn} required w={200} />
        </StepForm>
      ) : null}
      {s === 'contract_received' ? (
        <StepForm
          label={t('agency.countersigned.submit')}
          done={t('agency.countersigned.done')}
          run={async () => {
            await api.post(path(a, 'countersigned'), { postedOn: csOn, trackingNumber: latinDigits(csTracking).trim() });
            onChanged();
          }}
        >
          <Group align="flex-start">
            <JalaliDateInput label={t('agency.countersigned.date')} value={csOn} onChange={setCsOn} required w={200} />
            <TextInput label={t('agency.countersigned.tracking')} required dir="ltr" w={240} value={csTracking} onChange={(e) => setCsTracking(e.currentTarget.value)} />
          </Group>
        </StepForm>
      ) : null}
      {s === 'submitted' || s === 'quoted' || s === 'payment_declared' ? (
        <StepForm
          label={t('agency.reject.submit')}
          color="red"
          done={t('agency.reject.done')}
          run={async () => {
            await api.post(path(a, 'reject'), { reason: reason.trim() });
            onChanged();
          }}
        >
          <Textarea label={t('agency.reject.reason')} required autosize minRows={2} maw={520} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        </StepForm>
      ) : null}
    </Stack>
  );
}
