import argon2 from 'argon2';
import { AppError } from '../../lib/app-error.ts';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. Strong, and cheap enough for 2 cores.
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD = 8;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// A real hash to verify against when the username does not exist, so timing does not tell.
let dummyHash: Promise<string> | null = null;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('chapar-dummy-password');
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

export function assertStrongPassword(password: string): void {
  if (password.length < MIN_PASSWORD) throw new AppError('WEAK_PASSWORD', { min: MIN_PASSWORD });
}
