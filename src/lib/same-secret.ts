// Comparing a secret someone presented with the one we hold, in time that does not depend on
// where they first differ (a byte-by-byte compare would let a caller guess it a byte at a time).
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
