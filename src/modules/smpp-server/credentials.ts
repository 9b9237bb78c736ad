// An account's SMPP password. SMPP 3.4 gives bind_*'s password 9 octets (8 characters and the NUL),
// so an API key cannot be one: strict ESMEs (Kannel, most libraries) cut it to 8 characters. Each
// account has at most one 8-character password of its own, shown once and stored as argon2id (8
// characters are too few for a fast hash), with an optional IP allow-list as API keys have.
import { randomInt } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { AuditService } from '../audit/service.ts';
import { dummyVerify, hashPassword, verifyPassword } from '../accounts/passwords.ts';
import { ipAllowed, isValidCidr, parseAllowList } from '../auth/service.ts';
import type { PackageService } from '../permission-packages/service.ts';
import { smppRepo, type Credential } from './repo.ts';

export const SMPP_PASSWORD_LENGTH = 8;
// Letters and digits a person copies without confusing them (no 0/O, 1/l/I), and that a config
// file (Kannel's, a shell's) takes without quoting: 56 symbols, about 46 bits in 8 characters.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type CredentialView = { id: string; allowedIps: string[]; createdAt: Date; lastUsedAt: Date | null };
export type CheckedPassword = { ok: true; credential: Credential; ipAllowed: boolean } | { ok: false; reason: 'invalid_credentials' | 'smpp_disabled' };

export function createSmppCredentials(deps: { db: Db; clock: Clock; audit: AuditService; packages: Pick<PackageService, 'check'> }) {
  const repo = smppRepo(deps.db);
  const revoked = new Set<(accountId: string) => void>();

  const view = (c: Credential): CredentialView => ({ id: c.id, allowedIps: c.allowedIps, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt });

  /** A new password, replacing the account's current one (whose binds are then dropped). Shown once. */
  async function rotate(caller: Account, input: { allowedIps?: string[] }, ip: string | null) {
    await deps.packages.check(deps.db, caller.id, 'use_smpp');
    const allowedIps = (input.allowedIps ?? []).map((s) => s.trim()).filter(Boolean);
    const bad = allowedIps.filter((c) => !isValidCidr(c));
    if (bad.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'allowedIps', message: `not an IP or CIDR: ${bad.join(', ')}` }] });
    const password = Array.from({ length: SMPP_PASSWORD_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const credential = { id: newId('smp'), accountId: caller.id, passwordHash: await hashPassword(password), allowedIps, createdAt: deps.clock.now() };
    const replaced = await repo.replaceCredential(credential);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'smpp.password_rotated', ip, details: { credentialId: credential.id, replaced, allowedIps } });
    if (replaced) for (const f of revoked) f(caller.id);
    return { password, ...view({ ...credential, lastUsedAt: null }) };
  }

  /** SMPP off for the account: the password goes, live binds drop. */
  async function disable(caller: Account, ip: string | null): Promise<void> {
    const removed = await repo.deleteCredential(caller.id);
    if (!removed) throw new AppError('NOT_FOUND');
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'smpp.disabled', ip, details: { credentialId: removed } });
    for (const f of revoked) f(caller.id);
  }

  /** A bind's password against the account's (a dummy hash when there is none, so timing does not tell). */
  async function check(accountId: string | null, password: string, ip: string | null): Promise<CheckedPassword> {
    const credential = accountId ? await repo.findCredential(accountId) : null;
    if (!credential) {
      await dummyVerify(password);
      return { ok: false, reason: accountId ? 'smpp_disabled' : 'invalid_credentials' };
    }
    if (!(await verifyPassword(credential.passwordHash, password))) return { ok: false, reason: 'invalid_credentials' };
    const allowed = ipAllowed(parseAllowList(credential.allowedIps), ip);
    if (allowed) await repo.touchCredential(credential.id, deps.clock.now());
    return { ok: true, credential, ipAllowed: allowed };
  }

  return {
    rotate,
    disable,
    check,
    find: async (caller: Account): Promise<CredentialView | null> => {
      const c = await repo.findCredential(caller.id);
      return c && view(c);
    },
    /** Of the passwords live binds use, those still current (another process may have rotated). */
    findCurrent: (ids: string[]) => repo.findCurrentCredentialIds(ids),
    /** The listener hears here at once when a password of this process's accounts is replaced or removed. */
    onRevoked(f: (accountId: string) => void): () => void {
      revoked.add(f);
      return () => revoked.delete(f);
    },
  };
}

export type SmppCredentials = ReturnType<typeof createSmppCredentials>;
