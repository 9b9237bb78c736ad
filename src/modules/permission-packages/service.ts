// Access packages (بسته): a permission set, a default user group, a starting credit, a maximum
// number of sub-accounts and a validity, defined by an agency (or the platform) and given to its
// direct children. An account without a package keeps every permission (accounts made before
// packages existed). The API asks `check(db, accountId, permission)` where each action happens:
// account creation and API keys here; advertising sends, SMPP binds, receiving and reports in the
// modules that own them.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { BillingService } from '../billing/service.ts';
import { packageRepo, type Package, type PackageFields, type Permission } from './repo.ts';

const DAY = 86_400_000;

export function createPackageService(deps: { db: Db; clock: Clock; accounts: AccountService; billing: BillingService; audit: AuditService }) {
  const repo = packageRepo(deps.db);

  async function has(db: Db, accountId: string, permission: Permission): Promise<boolean> {
    const p = await packageRepo(db).findOfAccount(accountId);
    return !p || p.permissions.includes(permission);
  }

  /** Throws PERMISSION_DENIED when the account's package lacks the permission. */
  async function check(db: Db, accountId: string, permission: Permission): Promise<void> {
    if (!(await has(db, accountId, permission))) throw new AppError('PERMISSION_DENIED', { permission });
  }

  // Creating a child: the creator's package must allow it and have room; a package given to the
  // new child brings its group (read by billing's wallet hook from the same input).
  deps.accounts.addAdminGuard(async (db, caller, action, input) => {
    if (action !== 'create_child') return;
    await check(db, caller.id, 'create_subaccounts');
    const own = await packageRepo(db).findOfAccount(caller.id);
    if (own?.maxSubaccounts != null && (await packageRepo(db).countChildren(caller.id)) >= own.maxSubaccounts) throw new AppError('SUBACCOUNT_LIMIT', { max: own.maxSubaccounts });
    if (typeof input.packageId === 'string') {
      const p = await packageRepo(db).findOwn(scopeOf(caller), input.packageId);
      if (!p) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'packageId', message: 'not one of your packages' }] });
      if (p.groupId && input.groupId === undefined) input.groupId = p.groupId;
    }
  });

  // …and once it exists (after billing has made its wallet): the package, its validity, its credit.
  deps.accounts.onAccountCreated(async (tx, account, input) => {
    if (typeof input.packageId !== 'string' || !account.parentId) return;
    const p = (await packageRepo(tx).findOwn(scopeOf({ id: account.parentId, path: account.path.replace(/[^/]+\/$/, '') }), input.packageId))!;
    await deps.accounts.setPackage(account.id, p.id, tx);
    if (p.validityDays) await deps.accounts.setValidity(account.id, new Date(deps.clock.now().getTime() + p.validityDays * DAY), tx);
    if (p.defaultCredit > 0n) {
      await deps.billing.postAdjustment(account.parentId, { type: 'transfer', fromAccountId: account.parentId, toAccountId: account.id, amount: p.defaultCredit, params: { package: p.name }, idempotencyKey: `package_credit:${account.id}`, reference: account.id }, tx);
    }
  });

  function requireOwner(caller: Account) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
  }

  async function checkFields(caller: Account, f: PackageFields) {
    if (f.groupId && (await repo.groupOwner(f.groupId)) !== caller.id) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'groupId', message: 'not one of your groups' }] });
  }

  async function get(caller: Account, id: string): Promise<Package> {
    const p = await repo.findOwn(scopeOf(caller), id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  const unique = (err: unknown): never => {
    if ((err as { code?: string }).code === '23505') throw new AppError('CONFLICT', { fields: [{ path: 'name' }] });
    throw err;
  };

  async function create(caller: Account, f: PackageFields, ip: string | null): Promise<Package> {
    requireOwner(caller);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    await checkFields(caller, f);
    const id = newId('pkg');
    await repo.insert({ ...f, id, ownerId: caller.id, at: deps.clock.now() }).catch(unique);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'package.changed', ip, details: { packageId: id, created: true } });
    return get(caller, id);
  }

  async function update(caller: Account, id: string, f: PackageFields, ip: string | null): Promise<Package> {
    await get(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    await checkFields(caller, f);
    await repo.update(id, f, deps.clock.now()).catch(unique);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'package.changed', ip, details: { packageId: id } });
    return get(caller, id);
  }

  async function remove(caller: Account, id: string): Promise<void> {
    await get(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const members = await repo.countMembers(id);
    if (members) throw new AppError('CONFLICT', { members });
    await repo.delete(id);
  }

  /** A parent moves a direct child to another of its packages (and that package's group). */
  async function assign(caller: Account, childId: string, packageId: string, ip: string | null): Promise<Package> {
    const child = await deps.accounts.getAccount(scopeOf(caller), childId);
    if (child.parentId !== caller.id) throw new AppError('FORBIDDEN');
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const p = await get(caller, packageId);
    await deps.accounts.setPackage(child.id, p.id);
    if (p.groupId) await deps.billing.setGroup(caller, child.id, p.groupId);
    await deps.audit.record({ actorId: caller.id, subject: child, action: 'account.package_changed', ip, details: { from: child.packageId, to: p.id } });
    return p;
  }

  return {
    check,
    has,
    create,
    update,
    remove,
    get,
    assign,
    list: (caller: Account) => repo.list(scopeOf(caller)),
    ofAccount: (accountId: string) => repo.findOfAccount(accountId),
  };
}

export type PackageService = ReturnType<typeof createPackageService>;
