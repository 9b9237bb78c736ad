// Display name, e-mail and language (PATCH /api/v1/me); the language also switches the panel.
import { useState, type FormEvent } from 'react';
import { Button, Card, Group, Radio, Stack, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Locale } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { localMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe, useSession } from '../../session/session.tsx';

export function DetailsCard() {
  const { t, digits, setLang } = useI18n();
  const me = useMe();
  const { refresh } = useSession();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [email, setEmail] = useState(me.email ?? '');
  const [locale, setLocale] = useState<Locale>(me.locale);

  const save = useAction(async () => {
    await api.patch('/api/v1/me', { displayName: displayName.trim(), email: email.trim() || null, locale });
    await refresh();
    setLang(locale);
    notifySuccess(t('details.saved'));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={3} size="h4" mb="md">
        {t('details.title')}
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={480}>
          <ErrorAlert error={save.error} />
          <TextInput label={t('details.mobile')} value={digits(localMobile(me.mobile))} dir="ltr" readOnly variant="filled" />
          <TextInput label={t('details.displayName')} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <TextInput label={t('details.email')} type="email" dir="ltr" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Radio.Group label={t('details.language')} value={locale} onChange={(v) => setLocale(v === 'en' ? 'en' : 'fa')}>
            <Group mt={4}>
              <Radio value="fa" label={t('lang.fa')} />
              <Radio value="en" label={t('lang.en')} />
            </Group>
          </Radio.Group>
          <Group>
            <Button type="submit" loading={save.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
