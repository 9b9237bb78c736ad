// Visible on every screen: one button that names the other language in that language.
import { Button } from '@mantine/core';
import { useI18n } from '../i18n/i18n.tsx';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'fa' ? 'en' : 'fa';
  return (
    <Button variant="default" size="xs" title={t('lang.switchTitle')} lang={other} onClick={() => setLang(other)}>
      {other === 'en' ? t('lang.en') : t('lang.fa')}
    </Button>
  );
}
