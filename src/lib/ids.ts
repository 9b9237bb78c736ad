import { randomBytes, randomFillSync } from 'node:crypto';

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

export type IdPrefix = 'rte' | 'acc' | 'brd' | 'key' | 'vc' | 'ntf' | 'tx' | 'grp' | 'pay' | 'dep' | 'bnk' | 'msg' | 'bat' | 'lin' | 'con' | 'tkt' | 'app' | 'evt' | 'whk' | 'in' | 'tpl' | 'pkg' | 'pb' | 'ct' | 'tkm' | 'att' | 'cnd' | 'rsv' | 'gtw' | 'mod' | 'kyd' | 'agd' | 'upl' | 'imp' | 'ptn' | 'smp' | 'cap' | 'prc';

// Ids take their random bytes from a pool filled 4 KiB at a time: one call into the system's
// random source per ~400 ids instead of one per id (a group commit of sends makes several each).
const pool = new Uint8Array(4096);
let used = pool.length;

function random10(): Uint8Array {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 10;
  return pool.subarray(used - 10, used);
}

/** A prefixed, random, url-safe id that a person can read aloud: `acc_5k2m9x0q3r7t1w4z`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32(random10())}`;
}

/** A secret token with enough entropy to be stored as a plain SHA-256 hash. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
