import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import { assertStrongPassword, hashPassword } from './passwords.ts';
import type { AuditService } from '../audit/service.ts';
import type { BrandService } from '../brands/service.ts';
import { accountRepo, type AccountFilter } from './repo.ts';
import type { Account, AccountKind } from './types.ts';
import { scopeOf, type Scope } from './scope.ts';

export type NewChild = {
  username: string;
  password: string;
  mobile: string;
  kind: 'user' | 'agency';
  email?: string | null;
  displayName?: string;
  locale?: 'fa' | 'en';
};

export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/;

/** Hooks other modules add to account creation (a wallet, a group), run in the same transaction. */
export type AccountCreatedHook = (tx: Db, account: Account, input: Record<string, unknown>) => Promise<void>;

/**
 * Checks before a parent administers its subtree (creates a child, changes its settings): an
 * agency past its grace period, a package without create_subaccounts. Throw to refuse.
 */
export type AdminGuard = (db: Db, caller: Account, action: 'create_child' | 'settings', input: Record<string, unknown>) => Promise<void>;

export function createAccountService(deps: { db: Db; clock: Clock; audit: AuditService; brands: BrandService }) {
  const repo = accountRepo(deps.db);
  const hooks: AccountCreatedHook[] = [];
  const guards: AdminGuard[] = [];

  async function assertMayAdminister(caller: Account, action: 'create_child' | 'settings', input: Record<string, unknown> = {}, db: Db = deps.db): Promise<void> {
    for (const guard of guards) await guard(db, caller, action, input);
  }

  function normaliseMobileOrThrow(mobile: string): string {
    const e164 = normaliseIranMobile(mobile);
    if (!e164) throw new AppError('INVALID_MOBILE', { fields: [{ path: 'mobile' }] });
    return e164;
  }

  /** Inserts an account under parent inside tx; the one path every account is born through. */
  async function insertAccount(
    tx: Db,
    parent: Account | null,
    input: Omit<NewChild, 'kind' | 'password'> & { kind: AccountKind } & ({ password: string } | { passwordHash: string }),
    meta: { createdBy: string | null; mobileVerified: boolean; hookInput?: Record<string, unknown> },
  ): Promise<Account> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'username', message: 'pattern' }] });
    if ('password' in input) assertStrongPassword(input.password);
    const mobile = normaliseMobileOrThrow(input.mobile);
    const r = accountRepo(tx);
    if (await r.findByUsernameForAuth(username)) throw new AppError('USERNAME_TAKEN');
    const account = await r.insert({
      id: newId('acc'),
      kind: input.kind,
      parent: parent ? { id: parent.id, path: parent.path, depth: parent.depth } : null,
      username,
      passwordHash: 'password' in input ? await hashPassword(input.password) : input.passwordHash,
      displayName: input.displayName?.trim() ?? '',
      mobile,
      mobileVerifiedAt: meta.mobileVerified ? deps.clock.now() : null,
      email: input.email ?? null,
      locale: input.locale ?? 'fa',
      createdBy: meta.createdBy,
    });
    if (account.kind !== 'user') await deps.brands.createBrandFor(account, tx);
    for (const hook of hooks) await hook(tx, account, meta.hookInput ?? {});
    return account;
  }

  /** A parent (platform or agency) creates a direct child. The parent vouches for the mobile. */
  async function createChild(caller: Account, input: NewChild & Record<string, unknown>, ip: string | null): Promise<Account> {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    return deps.db.transaction(async (tx) => {
      await assertMayAdminister(caller, 'create_child', input, tx);
      const account = await insertAccount(tx, caller, input, { createdBy: caller.id, mobileVerified: true, hookInput: input });
      await deps.audit.record({ actorId: caller.id, subject: account, action: 'account.created', ip, details: { kind: account.kind, username: account.username } }, tx);
      return account;
    });
  }

  async function getAccount(scope: Scope, id: string): Promise<Account> {
    const a = await repo.findById(scope, id);
    if (!a) throw new AppError('NOT_FOUND');
    return a;
  }

  async function setStatus(caller: Account, id: string, status: 'active' | 'suspended', ip: string | null): Promise<Account> {
    const target = await getAccount(scopeOf(caller), id);
    if (target.id === caller.id) throw new AppError('FORBIDDEN');
    await assertMayAdminister(caller, 'settings');
    await repo.setStatus(target.id, status);
    await deps.audit.record({ actorId: caller.id, subject: target, action: 'account.status_changed', ip, details: { from: target.status, to: status } });
    return { ...target, status };
  }

  /** First start: the platform account and its admin. Returns the generated password, if any. */
  async function bootstrapPlatform(admin: { username: string; password: string | undefined; mobile: string }): Promise<{ created: boolean; password?: string }> {
    if (await repo.findPlatform()) return { created: false };
    const password = admin.password ?? randomBytes(12).toString('base64url');
    await deps.db.transaction(async (tx) => {
      const account = await insertAccount(
        tx,
        null,
        { username: admin.username, password, mobile: admin.mobile, kind: 'platform', displayName: 'چاپار' },
        { createdBy: null, mobileVerified: true },
      );
      await deps.brands.setNames(account.id, { nameFa: 'چاپار', nameEn: 'Chapar' }, tx);
    });
    return { created: true, password: admin.password ? undefined : password };
  }

  return {
    insertAccount,
    createChild,
    getAccount,
    setStatus,
    bootstrapPlatform,
    onAccountCreated: (hook: AccountCreatedHook) => hooks.push(hook),
    addAdminGuard: (guard: AdminGuard) => guards.push(guard),
    assertMayAdminister,
    setKind: (id: string, kind: AccountKind, db: Db = deps.db) => accountRepo(db).setKind(id, kind),
    setValidity: (id: string, validUntil: Date | null, db: Db = deps.db) => accountRepo(db).setValidity(id, validUntil),
    setPackage: (id: string, packageId: string | null, db: Db = deps.db) => accountRepo(db).setPackage(id, packageId),
    setPasswordHash: (id: string, hash: string) => repo.setPassword(id, hash),
    setMobile: async (id: string, mobile: string) => repo.setMobile(id, normaliseMobileOrThrow(mobile)),
    findAccountForAuthIn: (db: Db, id: string) => accountRepo(db).findByIdForAuth(id),
    /** What sign-in, two-factor and password resets read and write of an account, through `db` (a transaction of theirs). */
    credentials: (db: Db = deps.db) => {
      const r = accountRepo(db);
      return { findByIdForAuth: r.findByIdForAuth, setPassword: r.setPassword, setTotp: r.setTotp, claimTotpStep: r.claimTotpStep, reserveOtpAttempt: r.reserveOtpAttempt, recordLoginSuccess: r.recordLoginSuccess };
    },
    listAccounts: (scope: Scope, f: AccountFilter) => repo.list(scope, f),
    findAccountForAuth: repo.findByIdForAuth,
    findAccountsForAuth: repo.findByIdsForAuth,
    findPlatform: repo.findPlatform,
    findKinds: repo.kindsOf,
    findByUsernameForAuth: repo.findByUsernameForAuth,
    ancestors: repo.ancestors,
    countChildren: repo.countChildren,
    updateProfile: repo.updateProfile,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
