// Forgot password: username → a code texted to the account's mobile → code and new password.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { PasswordField } from '../../components/PasswordField.tsx';
import { api } from '../../api/client.ts';
import { Link, navigate } from '../../app/router.tsx';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { CaptchaField, useCaptcha } from './captcha.tsx';

export function ForgotPasswordPage() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [verificationId, setVerificationId] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const captcha = useCaptcha();

  const start = useAction(async () => {
    try {
      const r = await api.post<{ verificationId: string }>('/api/v1/auth/password/forgot', { username: username.trim(), ...captcha.field() });
      captcha.settle(null);
      setVerificationId(r.verificationId);
    } catch (err) {
      captcha.settle(err);
      throw err;
    }
  });
  const reset = useAction(async () => {
    await api.post('/api/v1/auth/password/reset', { verificationId, code: latinDigits(code.trim()), newPassword });
    notifySuccess(t('forgot.done'));
    navigate('/sign-in', { replace: true });
  });

  const onStart = (e: FormEvent) => {
    e.preventDefault();
    void start.run();
  };
  const onReset = (e: FormEvent) => {
    e.preventDefault();
    void reset.run();
  };

  return (
    <AuthLayout title={t('forgot.title')} subtitle={verificationId ? undefined : t('forgot.subtitle')}>
      {verificationId ? (
        <form onSubmit={onReset} noValidate>
          <Stack gap="sm">
            <Alert color="teal" variant="light">
              {t('forgot.codeSent')}
            </Alert>
            <ErrorAlert error={reset.error} />
            <TextInput label={t('forgot.code')} autoComplete="one-time-code" inputMode="numeric" dir="ltr" maxLength={10} required autoFocus value={code} onChange={(e) => setCode(e.currentTarget.value)} />
            <PasswordField label={t('forgot.newPassword')} autoComplete="new-password" required value={newPassword} onChange={(e) => setNewPassword(e.currentTarget.value)} />
            <Button type="submit" loading={reset.busy} fullWidth>
              {t('forgot.reset')}
            </Button>
          </Stack>
        </form>
      ) : (
        <form onSubmit={onStart} noValidate>
          <Stack gap="sm">
            <ErrorAlert error={start.error} />
            <TextInput label={t('forgot.username')} autoComplete="username" dir="ltr" required autoFocus value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
            <CaptchaField captcha={captcha} />
            <Button type="submit" loading={start.busy} fullWidth>
              {t('forgot.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Link to="/sign-in" size="sm">
        {t('forgot.toSignIn')}
      </Link>
    </AuthLayout>
  );
}
