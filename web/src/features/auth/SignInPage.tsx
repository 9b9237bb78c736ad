// Sign-in: username and password; when the account has two-factor on, a second step for the code.
import { useState, type FormEvent } from 'react';
import { Button, Group, Stack, TextInput } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api, ApiError } from '../../api/client.ts';
import type { Session } from '../../api/types.ts';
import { navigate, Link, useLocation } from '../../app/router.tsx';
import { brandSignIn, usePublicBrand } from '../../components/brand.ts';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session/session.tsx';
import { AuthLayout } from './AuthLayout.tsx';

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t, lang } = useI18n();
  const own = brandSignIn(usePublicBrand(), lang);
  const { signedIn } = useSession();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [step, setStep] = useState<'password' | 'otp'>('password');

  const action = useAction(async (withOtp: boolean) => {
    try {
      const session = await api.post<Session>('/api/v1/auth/login', { username, password, ...(withOtp ? { otp: latinDigits(otp) } : {}) });
      await signedIn(session);
      navigate(safeNext(search.get('next')), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'OTP_REQUIRED') {
        setStep('otp');
        return;
      }
      throw err;
    }
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(step === 'otp');
  };

  return (
    <AuthLayout title={step === 'otp' ? t('signIn.otpTitle') : (own.title ?? t('signIn.title'))} subtitle={step === 'otp' ? t('signIn.otpHint') : (own.text ?? t('signIn.subtitle'))}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={action.error} />
          {step === 'password' ? (
            <>
              <TextInput label={t('signIn.username')} autoComplete="username" dir="ltr" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus autoFocus />
              <PasswordField label={t('signIn.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              <Button type="submit" loading={action.busy} fullWidth>
                {t('signIn.submit')}
              </Button>
            </>
          ) : (
            <>
              <TextInput label={t('signIn.otp')} autoComplete="one-time-code" inputMode="numeric" dir="ltr" maxLength={8} required autoFocus value={otp} onChange={(e) => setOtp(e.currentTarget.value)} />
              <Button type="submit" loading={action.busy} fullWidth>
                {t('signIn.verify')}
              </Button>
              <Button variant="subtle" onClick={() => (setStep('password'), setOtp(''), action.setError(null))}>
                {t('signIn.back')}
              </Button>
            </>
          )}
        </Stack>
      </form>
      <Group justify="space-between" gap="xs">
        <Link to="/sign-up" size="sm">
          {t('signIn.toSignUp')}
        </Link>
        <Link to="/forgot-password" size="sm">
          {t('signIn.toForgot')}
        </Link>
      </Group>
    </AuthLayout>
  );
}
