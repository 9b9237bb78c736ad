import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

export type IdPrefix = 'rte' | 'acc' | 'brd' | 'key' | 'vc' | 'ntf' | 'tx' | 'grp' | 'pay' | 'dep' | 'bnk' | 'msg' | 'bat' | 'lin' | 'con' | 'tkt' | 'app' | 'evt' | 'whk' | 'in' | 'tpl' | 'pkg' | 'pb' | 'ct' | 'tkm' | 'att' | 'cnd' | 'rsv' | 'gtw' | 'mod' | 'kyd' | 'agd' | 'upl' | 'imp' | 'ptn' | 'smp';

/** A prefixed, random, url-safe id that a person can read aloud: `acc_5k2m9x0q3r7t1w4z`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32(randomBytes(10))}`;
}

/** A secret token with enough entropy to be stored as a plain SHA-256 hash. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
