// One application as both parties see it: the written request, documents, fee and contract, the
// steps each side may take now, and the timeline of every transition (who, when, why).
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import type { MessageKey } from '../../i18n/fa.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials, useRials } from '../wallet/money.tsx';
import { ApplicantActions, ParentActions } from './Actions.tsx';
import { Documents } from './Documents.tsx';
import { RequestForm } from './RequestForm.tsx';
import { statusColor, type ApplicationDetail, type ApplicationEvent } from './types.ts';

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Badge variant="light" color={statusColor(status)}>
      {t(`agency.status.${status}` as MessageKey)}
    </Badge>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap' }}>
        {children}
      </Text>
    </div>
  );
}

export function ApplicationView({ id, side, onChanged }: { id: string; side: 'applicant' | 'parent'; onChanged?(): void }) {
  const { t, dateTime, date, digits } = useI18n();
  const rials = useRials();
  const [a, setA] = useState<ApplicationDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api
      .get<ApplicationDetail>(`/api/v1/agency-applications/${id}`)
      .then((r) => (setA(r), setError(null)))
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  const changed = () => {
    load();
    onChanged?.();
  };

  if (!a) return <ErrorAlert error={error} />;
  // A calendar day (YYYY-MM-DD) the way the rest of the page writes dates: ۴ آذر ۱۴۰۵.
  const jalaliDay = (d: string) => date(`${d}T12:00:00+03:30`);
  const editable = side === 'applicant' && a.status === 'draft';

  return (
    <Stack gap="lg" data-testid="agency-application">
      <Group justify="space-between">
        <Title order={3}>
          <bdi>{t('agency.detail.title', { name: a.businessName || '—' })}</bdi>
        </Title>
        <div data-testid="agency-status">
          <StatusBadge status={a.status} />
        </div>
      </Group>
      <ErrorAlert error={error} />

      <Card withBorder radius="md" padding="md">
        <Title order={4} mb="sm">
          {t('agency.detail.request')}
        </Title>
        {editable ? (
          <RequestForm key={a.updatedAt} application={a} onSaved={changed} onSubmitted={changed} />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Row label={t('agency.field.businessName')}>
              <bdi>{a.businessName}</bdi>
            </Row>
            <Row label={t('agency.field.legalType')}>{t(a.legalType === 'natural' ? 'agency.legal.natural' : 'agency.legal.legal')}</Row>
            <Row label={t(a.legalType === 'natural' ? 'agency.field.nationalCode' : 'agency.field.nationalId')}>{digits(a.nationalNumber)}</Row>
            <Row label={t('agency.field.phone')}>
              <bdi>{digits(a.phone)}</bdi>
            </Row>
            <Row label={t('agency.field.email')}>
              <bdi>{a.email ?? t('common.none')}</bdi>
            </Row>
            <Row label={t('agency.detail.createdAt')}>{date(a.createdAt)}</Row>
            <Row label={t('agency.field.address')}>
              <bdi>{a.address}</bdi>
            </Row>
            <Row label={t('agency.field.plan')}>
              <bdi>{a.plan}</bdi>
            </Row>
          </SimpleGrid>
        )}
      </Card>

      <Card withBorder radius="md" padding="md">
        <Title order={4} mb="sm">
          {t('agency.docs.title')}
        </Title>
        <Documents applicationId={a.id} documents={a.documents} canAdd={side === 'applicant' && (a.status === 'draft' || a.status === 'submitted')} onAdded={load} />
      </Card>

      {a.fee !== null || a.contractUrl || a.reason ? (
        <Card withBorder radius="md" padding="md">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {a.fee !== null ? (
              <Row label={t('agency.detail.fee')}>
                <Rials value={a.fee} toman fw={700} />
              </Row>
            ) : null}
            {a.renewalFee !== null ? (
              <Row label={t('agency.detail.renewalFee')}>
                <Rials value={a.renewalFee} />
              </Row>
            ) : null}
            {a.quoteNote ? <Row label={t('agency.detail.quoteNote')}>{a.quoteNote}</Row> : null}
            {a.paymentMethod ? (
              <Row label={t('agency.detail.payment')}>
                {t(a.paymentMethod === 'deposit' ? 'agency.method.deposit' : 'agency.method.online')} — <bdi dir="ltr">{a.paymentReference}</bdi>
              </Row>
            ) : null}
            {a.validUntil ? <Row label={t('agency.detail.validUntil')}>{date(a.validUntil)}</Row> : null}
            {a.contractNumber ? <Row label={t('agency.detail.contractNumber')}>
                <bdi dir="ltr">{a.contractNumber}</bdi>
              </Row> : null}
            {a.signedPostedOn ? <Row label={t('agency.detail.signedPosted')}>{t('agency.detail.posted', { date: jalaliDay(a.signedPostedOn), tracking: digits(a.signedTracking ?? '') })}</Row> : null}
            {a.receivedOn ? <Row label={t('agency.detail.received')}>{jalaliDay(a.receivedOn)}</Row> : null}
            {a.countersignedOn ? <Row label={t('agency.detail.countersigned')}>{t('agency.detail.posted', { date: jalaliDay(a.countersignedOn), tracking: digits(a.countersignedTracking ?? '') })}</Row> : null}
            {a.reason && (a.status === 'rejected' || a.status === 'cancelled') ? <Row label={t('agency.detail.reason')}>{a.reason}</Row> : null}
          </SimpleGrid>
          {a.contractUrl ? (
            <Group mt="md">
              <Button component="a" href={a.contractUrl} download variant="light">
                {t('agency.contract.download')}
              </Button>
            </Group>
          ) : null}
        </Card>
      ) : null}

      {!editable && a.status !== 'rejected' && a.status !== 'cancelled' && a.status !== 'countersigned' ? (
        <Card withBorder radius="md" padding="md">
          <Title order={4} mb="sm">
            {t('agency.actions.title')}
          </Title>
          {side === 'applicant' ? <ApplicantActions key={a.updatedAt} a={a} onChanged={changed} /> : <ParentActions key={a.updatedAt} a={a} onChanged={changed} />}
        </Card>
      ) : editable ? (
        <ApplicantActions a={a} onChanged={changed} />
      ) : null}

      <Card withBorder radius="md" padding="md">
        <Title order={4} mb="md">
          {t('agency.timeline.title')}
        </Title>
        <Timeline active={a.events.length - 1} bulletSize={18} lineWidth={2} data-testid="agency-timeline">
          {a.events.map((e, i) => (
            <Timeline.Item key={i} title={eventTitle(e)}>
              <Text size="xs" c="dimmed">
                {dateTime(e.at)} — {t('agency.timeline.by', { who: t(e.actorId === null ? 'agency.timeline.bySystem' : e.actorId === a.applicantId ? 'agency.timeline.byApplicant' : 'agency.timeline.byParent') })}
              </Text>
              {eventDetails(e)}
            </Timeline.Item>
          ))}
        </Timeline>
      </Card>
    </Stack>
  );

  function eventTitle(e: ApplicationEvent) {
    const posted = e.details.step === 'recordPosted';
    return <Text fw={600}>{posted ? t('agency.timeline.posted') : t(`agency.status.${e.to}` as MessageKey)}</Text>;
  }

  function eventDetails(e: ApplicationEvent) {
    const fee = typeof e.details.fee === 'string' ? e.details.fee : null;
    const on = typeof e.details.postedOn === 'string' ? e.details.postedOn.slice(0, 10) : typeof e.details.receivedOn === 'string' ? e.details.receivedOn.slice(0, 10) : null;
    const tracking = typeof e.details.trackingNumber === 'string' ? e.details.trackingNumber : null;
    return (
      <>
        {fee ? <Text size="sm">{t('agency.timeline.fee', { amount: rials(fee) })}</Text> : null}
        {on && tracking ? <Text size="sm">{t('agency.detail.posted', { date: jalaliDay(on), tracking: digits(tracking) })}</Text> : on ? <Text size="sm">{jalaliDay(on)}</Text> : null}
        {e.reason ? (
          <Text size="sm">
            {t(e.details.step === 'quote' ? 'agency.detail.quoteNote' : 'agency.detail.reason')}: <bdi>{e.reason}</bdi>
          </Text>
        ) : null}
      </>
    );
  }
}
