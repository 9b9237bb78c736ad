// A date field in the reader's calendar: Jalali text (۱۴۰۴/۰۵/۱۲) in Persian, the browser's date
// picker in English. Its value is always a Gregorian YYYY-MM-DD ('' when empty or unreadable).
import { useEffect, useState } from 'react';
import { TextInput } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { isoToJalali, parseJalali } from './jalali.ts';

export function JalaliDateInput({ label, value, onChange, required, w }: { label: string; value: string; onChange(iso: string): void; required?: boolean; w?: number | string }) {
  const { t, lang, digits } = useI18n();
  const [text, setText] = useState(value ? digits(isoToJalali(value)) : '');
  const [bad, setBad] = useState(false);

  // Follow a value set from outside (a reset), without fighting the person typing.
  useEffect(() => {
    if (!value) return;
    if (parseJalali(text) !== value) setText(digits(isoToJalali(value)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, digits]);

  if (lang === 'en') {
    return <TextInput label={label} type="date" required={required} value={value} onChange={(e) => onChange(e.currentTarget.value)} w={w} dir="ltr" />;
  }
  return (
    <TextInput
      label={label}
      required={required}
      w={w}
      dir="ltr"
      placeholder={t('wallet.date.placeholder')}
      description={t('wallet.date.hint')}
      value={text}
      error={bad ? t('wallet.date.invalid') : undefined}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setText(v);
        const iso = parseJalali(v);
        setBad(v.trim() !== '' && iso === null);
        onChange(iso ?? '');
      }}
    />
  );
}
