// Rials as people read them: thousands separators in the language's digits, toman beside when asked.
import { Text } from '@mantine/core';
import { ApiError } from '../../api/client.ts';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** A signed amount string from the API ("-13300") as a bigint; anything odd reads as 0. */
export const big = (s: string | null | undefined): bigint => (s && /^-?\d+$/.test(s) ? BigInt(s) : 0n);

/** What people type into an amount field ("۱۲٬۰۰۰", "12,000") → "12000", or null. */
export function parseAmount(text: string, allowNegative = false): string | null {
  const s = latinDigits(text).replace(/[,٬\s_]/g, '');
  return (allowNegative ? /^-?\d{1,18}$/ : /^\d{1,18}$/).test(s) ? String(BigInt(s)) : null;
}

export function useRials() {
  const { t, num } = useI18n();
  return (amount: string | bigint) => t('wallet.money.rials', { amount: num(typeof amount === 'bigint' ? amount : big(amount)) });
}

export function Rials({ value, toman, fw, size, c }: { value: string | bigint; toman?: boolean; fw?: number; size?: string; c?: string }) {
  const { t, num } = useI18n();
  const v = typeof value === 'bigint' ? value : big(value);
  return (
    <Text span fw={fw} size={size} c={c} style={{ whiteSpace: 'nowrap' }}>
      {t('wallet.money.rials', { amount: num(v) })}
      {toman ? (
        <Text span size="xs" c="dimmed">
          {` (${t('wallet.money.toman', { amount: num(v / 10n) })})`}
        </Text>
      ) : null}
    </Text>
  );
}

/** Basis points as a multiplier: 25000 → ×2.5. */
export function useCoefficient() {
  const { num } = useI18n();
  return (bp: number | undefined) => `×${num(Number(((bp ?? 10000) / 10000).toFixed(4)))}`;
}

/** The server's VALIDATION_FAILED / INVALID_* details: which fields it refused. */
export function badFields(err: unknown): Set<string> {
  const out = new Set<string>();
  if (!(err instanceof ApiError)) return out;
  const fields = (err.details as { fields?: { path?: string }[] }).fields ?? [];
  for (const f of fields) if (f.path) out.add(f.path.replace(/^body\./, ''));
  return out;
}
