// Rials as bigint, and the only rounding rule money uses. Amounts never pass through a float:
// they arrive as strings of integer rials and leave the same way.

export const BP_ONE = 10_000n;

/**
 * The largest amount of rials the API accepts in one field (a transfer, a limit, a price, a fee):
 * 10^15, far above any real wallet, and small enough that sums of many such amounts, VAT on top and
 * prices times parts times recipients stay inside PostgreSQL's bigint (9.2 × 10^18).
 */
export const MAX_RIALS = 10n ** 15n;

const INTEGER = /^-?\d{1,20}$/;

/** "13300" → 13300n. Persian/Arabic digits and thousands separators are not accepted here. */
export function parseRials(s: string): bigint {
  if (typeof s !== 'string' || !INTEGER.test(s.trim())) throw new RangeError(`not an amount of rials: ${JSON.stringify(s)}`);
  return BigInt(s.trim());
}

export function isRials(s: unknown): s is string {
  return typeof s === 'string' && INTEGER.test(s.trim());
}

export function formatRials(n: bigint): string {
  return n.toString();
}

/** 1234567n → "1,234,567": for receipts and notifications, never parsed back. */
export function groupDigits(n: bigint): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${digits}` : digits;
}

/** numerator / denominator rounded to the nearest integer, halves away from zero. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return roundHalfUp(-numerator, -denominator);
  const neg = numerator < 0n;
  const abs = neg ? -numerator : numerator;
  const q = (abs * 2n + denominator) / (denominator * 2n);
  return neg ? -q : q;
}

/** amount × bp / 10000, rounded half up: a percentage in basis points (1000 = 10%). */
export function applyBasisPoints(amount: bigint, bp: bigint | number): bigint {
  return roundHalfUp(amount * BigInt(bp), BP_ONE);
}
