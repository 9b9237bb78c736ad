// Errors as people read them: the server's message (already in their language), or ours when
// the server could not be reached.
import { useCallback, useState } from 'react';
import { Alert } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError, NETWORK_ERROR } from '../api/client.ts';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { notificationCloseLabel } from './notify-label.ts';

export function errorText(t: I18n['t'], err: unknown): string {
  if (err instanceof ApiError) return err.code === NETWORK_ERROR || !err.message ? t('common.networkError') : err.message;
  return t('common.networkError');
}

export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" title={t('common.error')}>
      {errorText(t, error)}
    </Alert>
  );
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', message, autoClose: 5000, closeButtonProps: { 'aria-label': notificationCloseLabel() } });
}

export function notifyError(t: I18n['t'], err: unknown) {
  notifications.show({ color: 'red', title: t('common.error'), message: errorText(t, err), autoClose: 8000, closeButtonProps: { 'aria-label': t('common.close') } });
}

/** Runs one API action at a time for a form: busy flag, last error, and a reset. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await fn(...args);
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return { run, busy, error, setError };
}
