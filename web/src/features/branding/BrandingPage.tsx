// An agency's (or the platform's) own brand: names, colours, sign-in texts, footer and contact
// details, SMS signature; logo and favicon uploaded with a preview (PUT /api/v1/branding…).
import { useEffect, useState } from 'react';
import { Button, Card, ColorInput, FileInput, Group, Image, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Brand } from '../../api/types.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session/session.tsx';
import { clientError, fileToBase64, put } from '../wallet/http.ts';
import { badFields } from '../wallet/money.tsx';

const textKeys = ['signInTitleFa', 'signInTitleEn', 'signInTextFa', 'signInTextEn', 'footerFa', 'footerEn', 'addressFa', 'addressEn', 'smsSignatureFa', 'smsSignatureEn'] as const;
/** Checked by the server's format: sent only when filled. */
const checkedKeys = ['primaryColor', 'secondaryColor', 'supportPhone', 'supportEmail', 'website'] as const;
type Key = (typeof textKeys)[number] | (typeof checkedKeys)[number];
type Form = { nameFa: string; nameEn: string } & Record<Key, string>;

function toForm(b: Brand): Form {
  const s = b.settings;
  const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : '');
  const f = { nameFa: b.nameFa, nameEn: b.nameEn } as Form;
  for (const k of [...textKeys, ...checkedKeys]) f[k] = str(k);
  return f;
}

export function BrandingPage() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [brand, setBrand] = useState<Brand | null>(null);
  const [f, setF] = useState<Form | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<Brand>('/api/v1/branding')
      .then((b) => (setBrand(b), setF(toForm(b))))
      .catch(setError);
  }, []);

  const save = useAction(async () => {
    if (!f) return;
    const settings: Record<string, string> = {};
    for (const k of textKeys) settings[k] = f[k].trim();
    for (const k of checkedKeys) if (f[k].trim()) settings[k] = k === 'supportPhone' ? latinDigits(f[k]).trim() : f[k].trim();
    const b = await put<Brand>('/api/v1/branding', { nameFa: f.nameFa.trim(), nameEn: f.nameEn.trim(), settings });
    setBrand(b);
    setF(toForm(b));
    notifySuccess(t('branding.saved'));
    void refresh();
  });

  if (!f || !brand) return <ErrorAlert error={error} />;
  const bad = badFields(save.error);
  const err = (k: string) => (bad.has(k) || bad.has(`settings.${k}`) ? t('branding.invalid') : undefined);
  const input = (k: Key, label: string, o: { ltr?: boolean; area?: boolean; description?: string } = {}) => {
    const props = { label, description: o.description, value: f[k], error: err(k), dir: o.ltr ? 'ltr' : undefined, onChange: (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value }) };
    return o.area ? <Textarea key={k} autosize minRows={2} {...props} /> : <TextInput key={k} {...props} />;
  };
  const color = (k: 'primaryColor' | 'secondaryColor', label: string) => (
    <ColorInput key={k} label={label} description={t('branding.colorHint')} format="hex" dir="ltr" value={f[k]} error={err(k)} onChange={(v) => setF({ ...f, [k]: v })} />
  );

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t('branding.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('branding.intro')}
        </Text>
      </div>
      <Card withBorder radius="md" padding="md">
        <Stack gap="md">
          <Title order={4}>{t('branding.names')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('branding.nameFa')} required value={f.nameFa} error={err('nameFa')} onChange={(e) => setF({ ...f, nameFa: e.currentTarget.value })} />
            <TextInput label={t('branding.nameEn')} required dir="ltr" value={f.nameEn} error={err('nameEn')} onChange={(e) => setF({ ...f, nameEn: e.currentTarget.value })} />
          </SimpleGrid>
          <Title order={4}>{t('branding.colors')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {color('primaryColor', t('branding.primaryColor'))}
            {color('secondaryColor', t('branding.secondaryColor'))}
          </SimpleGrid>
          <Title order={4}>{t('branding.signIn')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {input('signInTitleFa', t('branding.signInTitleFa'))}
            {input('signInTitleEn', t('branding.signInTitleEn'), { ltr: true })}
            {input('signInTextFa', t('branding.signInTextFa'), { area: true })}
            {input('signInTextEn', t('branding.signInTextEn'), { area: true, ltr: true })}
          </SimpleGrid>
          <Title order={4}>{t('branding.contact')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {input('footerFa', t('branding.footerFa'), { area: true })}
            {input('footerEn', t('branding.footerEn'), { area: true, ltr: true })}
            {input('addressFa', t('branding.addressFa'), { area: true })}
            {input('addressEn', t('branding.addressEn'), { area: true, ltr: true })}
            {input('supportPhone', t('branding.supportPhone'), { ltr: true })}
            {input('supportEmail', t('branding.supportEmail'), { ltr: true })}
            {input('website', t('branding.website'), { ltr: true })}
            <span />
            {input('smsSignatureFa', t('branding.smsSignatureFa'), { description: t('branding.signatureHint') })}
            {input('smsSignatureEn', t('branding.smsSignatureEn'), { ltr: true, description: t('branding.signatureHint') })}
          </SimpleGrid>
          <ErrorAlert error={save.error} />
          <Group>
            <Button loading={save.busy} onClick={() => void save.run()}>
              {t('branding.save')}
            </Button>
          </Group>
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="md">
        <Title order={4} mb="md">
          {t('branding.images')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xl">
          <AssetField kind="logo" brand={brand} onChange={setBrand} />
          <AssetField kind="favicon" brand={brand} onChange={setBrand} />
        </SimpleGrid>
      </Card>
    </Stack>
  );
}

const maxBytes = { logo: 512 * 1024, favicon: 128 * 1024 };

function AssetField({ kind, brand, onChange }: { kind: 'logo' | 'favicon'; brand: Brand; onChange(b: Brand): void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const saved = typeof brand.settings[`${kind}Url`] === 'string' ? (brand.settings[`${kind}Url`] as string) : null;

  // The chosen file shows before it is uploaded; after, the copy just uploaded (the saved URL is
  // served on the brand's own hosts, which may not be this one).
  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    setLocal(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const upload = useAction(async () => {
    if (!file) return;
    if (file.size > maxBytes[kind]) throw clientError(t('branding.tooBig'));
    const b = await put<Brand>(`/api/v1/branding/${kind}`, { data: await fileToBase64(file) });
    notifySuccess(t('branding.uploaded'));
    onChange(b);
  });
  const remove = useAction(async () => {
    const b = await api.delete<Brand>(`/api/v1/branding/${kind}`);
    setFile(null);
    setLocal(null);
    notifySuccess(t('branding.removed'));
    onChange(b);
  });
  const label = t(kind === 'logo' ? 'branding.logo' : 'branding.favicon');
  const src = local ?? saved;

  return (
    <Stack gap="xs">
      <FileInput label={label} description={t(kind === 'logo' ? 'branding.logoHint' : 'branding.faviconHint')} accept="image/png,image/jpeg,image/webp,image/x-icon,image/vnd.microsoft.icon" clearable value={file} onChange={setFile} />
      {src ? (
        <Image src={src} alt={t('branding.preview', { name: label })} h={kind === 'logo' ? 64 : 32} w="auto" fit="contain" style={{ alignSelf: 'flex-start' }} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('branding.none')}
        </Text>
      )}
      <Group>
        <Button variant="light" disabled={!file} loading={upload.busy} onClick={() => void upload.run()}>
          {t('branding.upload')}
        </Button>
        {saved ? (
          <Button variant="subtle" color="red" loading={remove.busy} onClick={() => void remove.run()}>
            {t('branding.remove')}
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={upload.error ?? remove.error} />
    </Stack>
  );
}
