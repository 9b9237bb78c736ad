// Iranian bank numbers people type into forms: شبا (IBAN, IR + 24 digits, ISO 7064 mod 97-10)
// and card numbers (16 digits, Luhn). Persian digits, spaces and dashes are accepted and removed.
import { toLatinDigits } from '../../lib/i18n.ts';

const clean = (s: string) => toLatinDigits(s).replace(/[\s-]/g, '').toUpperCase();

/** "IR06 2960 …" → "IR062960…", or null when the checksum or the shape is wrong. */
export function normaliseIban(input: string): string | null {
  let s = clean(input);
  if (/^\d{24}$/.test(s)) s = `IR${s}`;
  if (!/^IR\d{24}$/.test(s)) return null;
  // Move the country code and check digits to the end, letters to numbers (I=18, R=27), mod 97 = 1.
  const rearranged = `${s.slice(4)}1827${s.slice(2, 4)}`;
  let rest = 0;
  for (const ch of rearranged) rest = (rest * 10 + Number(ch)) % 97;
  return rest === 1 ? s : null;
}

export function normaliseCardNumber(input: string): string | null {
  const s = clean(input);
  if (!/^\d{16}$/.test(s)) return null;
  let sum = 0;
  for (let i = 0; i < 16; i++) {
    let d = Number(s[15 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0 ? s : null;
}

/** A file's type from its first bytes, never from its name or the client's word. */
export function sniffReceipt(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'application/pdf' | null {
  const starts = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}
