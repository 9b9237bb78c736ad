// The server's own captcha: after a few code requests from one address the API answers
// CAPTCHA_REQUIRED (or CAPTCHA_INVALID) with a challenge id and its image; the next request
// carries the digits typed from it. Each challenge is good for one try.
import { useState } from 'react';
import { Stack, TextInput } from '@mantine/core';
import { ApiError } from '../../api/client.ts';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Challenge = { captchaId: string; image: string };

export function useCaptcha() {
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [answer, setAnswer] = useState('');
  return {
    challenge,
    answer,
    setAnswer,
    /** What to add to the request body: nothing until the server asked. */
    field: () => (challenge ? { captcha: { id: challenge.captchaId, answer: latinDigits(answer.trim()) } } : {}),
    /** After any answer from the server: a new challenge if it asked for one, else none. */
    settle(err: unknown) {
      const asked = err instanceof ApiError && (err.code === 'CAPTCHA_REQUIRED' || err.code === 'CAPTCHA_INVALID');
      const next = asked ? (err.details as Partial<Challenge>) : null;
      setChallenge(next?.captchaId && next.image ? { captchaId: next.captchaId, image: next.image } : null);
      setAnswer('');
    },
  };
}

export function CaptchaField({ captcha }: { captcha: ReturnType<typeof useCaptcha> }) {
  const { t } = useI18n();
  if (!captcha.challenge) return null;
  return (
    <Stack gap={4}>
      <img src={captcha.challenge.image} alt={t('captcha.alt')} width={270} height={96} style={{ alignSelf: 'center', borderRadius: 4, border: '1px solid var(--mantine-color-gray-4)' }} />
      <TextInput
        key={captcha.challenge.captchaId}
        label={t('captcha.label')}
        description={t('captcha.hint')}
        inputMode="numeric"
        autoComplete="off"
        dir="ltr"
        maxLength={10}
        required
        autoFocus
        value={captcha.answer}
        onChange={(e) => captcha.setAnswer(e.currentTarget.value)}
      />
    </Stack>
  );
}
