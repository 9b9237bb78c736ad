// Sign-up: details → a code texted to the mobile → the code creates the account and signs in.
import { useState, type FormEvent } from 'react';
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api } from '../../api/client.ts';
import type { Session } from '../../api/types.ts';
import { Link, navigate } from '../../app/router.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits, maskMobile } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session/session.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { retryAfter, useCountdown } from './useCountdown.ts';
import { CaptchaField, useCaptcha } from './captcha.tsx';

const RESEND_SECONDS = 60;
type Sent = { verificationId: string; expiresAt: string; mobile: string };

export function SignUpPage() {
  const { t, lang, digits, num } = useI18n();
  const { signedIn } = useSession();
  const [form, setForm] = useState({ username: '', password: '', mobile: '', email: '' });
  const [sent, setSent] = useState<Sent | null>(null);
  const [code, setCode] = useState('');
  const countdown = useCountdown();
  const captcha = useCaptcha();
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: value }));
  };

  const send = useAction(async () => {
    try {
      const body = { username: form.username.trim(), password: form.password, mobile: latinDigits(form.mobile.trim()), email: form.email.trim() || undefined, locale: lang, ...captcha.field() };
      const r = await api.post<Sent>('/api/v1/auth/signup', body);
      captcha.settle(null);
      setSent(r);
      setCode('');
      countdown.start(RESEND_SECONDS);
      return r;
    } catch (err) {
      captcha.settle(err);
      const wait = retryAfter(err);
      if (wait) countdown.start(wait);
      throw err;
    }
  });

  const verify = useAction(async () => {
    if (!sent) return;
    const session = await api.post<Session>('/api/v1/auth/signup/verify', { verificationId: sent.verificationId, code: latinDigits(code.trim()) });
    await signedIn(session);
    notifySuccess(t('signUp.welcome'));
    navigate('/', { replace: true });
  });

  const onDetails = async (e: FormEvent) => {
    e.preventDefault();
    await send.run();
  };
  const onCode = (e: FormEvent) => {
    e.preventDefault();
    void verify.run();
  };
  const resend = async () => {
    verify.setError(null);
    if (await send.run()) notifySuccess(t('signUp.resent'));
  };

  if (sent) {
    return (
      <AuthLayout title={t('signUp.title')}>
        <Text size="sm">{t('signUp.codeSent', { mobile: '\u2066' + digits(maskMobile(sent.mobile)) + '\u2069' })}</Text>
        <form onSubmit={onCode} noValidate>
          <Stack gap="sm">
            <ErrorAlert error={verify.error ?? send.error} />
            <CaptchaField captcha={captcha} />
            <TextInput label={t('signUp.code')} autoComplete="one-time-code" inputMode="numeric" dir="ltr" maxLength={10} required autoFocus value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            <Button type="submit" loading={verify.busy} fullWidth>
              {t('signUp.verify')}
            </Button>
            <Group justify="space-between">
              <Button variant="subtle" size="xs" disabled={countdown.left > 0} loading={send.busy} onClick={() => void resend()}>
                {countdown.left > 0 ? t('signUp.resendIn', { seconds: num(countdown.left) }) : t('signUp.resend')}
              </Button>
              <Button variant="subtle" size="xs" onClick={() => (setSent(null), verify.setError(null), send.setError(null))}>
                {t('signUp.edit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('signUp.title')} subtitle={t('signUp.subtitle')}>
      <form onSubmit={onDetails} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={send.error} />
          <TextInput label={t('signUp.username')} description={t('signUp.usernameHint')} autoComplete="username" dir="ltr" required value={form.username} onChange={set('username')} autoFocus />
          <PasswordField label={t('signUp.password')} autoComplete="new-password" required value={form.password} onChange={set('password')} />
          <TextInput label={t('signUp.mobile')} description={t('signUp.mobileHint')} type="tel" inputMode="tel" autoComplete="tel" dir="ltr" required value={form.mobile} onChange={set('mobile')} />
          <TextInput label={`${t('signUp.email')} (${t('common.optional')})`} type="email" autoComplete="email" dir="ltr" value={form.email} onChange={set('email')} />
          <CaptchaField captcha={captcha} />
          <Button type="submit" loading={send.busy} disabled={countdown.left > 0} fullWidth>
            {countdown.left > 0 ? t('signUp.resendIn', { seconds: num(countdown.left) }) : t('signUp.submit')}
          </Button>
        </Stack>
      </form>
      <Link to="/sign-in" size="sm">
        {t('signUp.toSignIn')}
      </Link>
    </AuthLayout>
  );
}
