// Account home: who you are, your brand and parent; agencies and the platform see their children.
import type { ReactNode } from 'react';
import { Badge, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Ltr } from '../../components/Bidi.tsx';
import { brandName } from '../../components/brand.ts';
import { localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { ChildrenSection } from './ChildrenSection.tsx';
import { kindLabel, statusColor, statusLabel } from './labels.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={500} component="div">
        {children}
      </Text>
    </div>
  );
}

export function HomePage() {
  const { t, lang, digits, num } = useI18n();
  const me = useMe();
  return (
    <Stack gap="lg">
      <Title order={2}>{t('home.title')}</Title>
      <Card withBorder radius="md" padding="lg">
        <Title order={3} size="h4" mb="md">
          {t('home.whoami')}
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
          <Field label={t('home.username')}>
            <Ltr>{me.username}</Ltr>
          </Field>
          <Field label={t('home.displayName')}>{me.displayName || t('common.none')}</Field>
          <Field label={t('home.kind')}>{t(kindLabel(me.kind))}</Field>
          <Field label={t('home.status')}>
            <Badge color={statusColor(me.status)} variant="light">
              {t(statusLabel(me.status))}
            </Badge>
          </Field>
          <Field label={t('home.brand')}>{brandName(me.brand, lang)}</Field>
          <Field label={t('home.parent')}>
            {me.parent ? (
              <>
                {me.parent.displayName || me.parent.username} (<Ltr>{me.parent.username}</Ltr>{t('common.sep')}{t(kindLabel(me.parent.kind))})
              </>
            ) : (
              t('home.noParent')
            )}
          </Field>
          <Field label={t('home.mobile')}>
            <Ltr>{digits(localMobile(me.mobile))}</Ltr>
          </Field>
          {me.kind !== 'user' ? <Field label={t('home.childrenCount')}>{num(me.childrenCount)}</Field> : null}
        </SimpleGrid>
      </Card>
      {me.kind !== 'user' ? <ChildrenSection /> : null}
    </Stack>
  );
}
