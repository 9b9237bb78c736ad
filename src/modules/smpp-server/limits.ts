// Customers' SMPP limits, per account and shared by all its binds: throughput (submit_sm a second;
// faster submits are paced by the listener, not refused), window (submit_sm the account may have
// unanswered at once across its binds; past it ESME_RTHROTTLED) and binds at once. A parent sets its
// children's; a value not set is the platform's default; an account's effective limit is never
// above its parent's effective limit, whatever is stored (lowering an agency lowers its subtree).
import type { SmppLimitValues } from '../../config.ts';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import { smppRepo, type StoredLimits } from './repo.ts';

export type { SmppLimitValues };
export type LimitsInput = { tps?: number | null; window?: number | null; maxBinds?: number | null };
export type ChildLimits = {
  /** what the parent set; null: the platform's default (capped by the parent's) */
  own: StoredLimits;
  /** what the account's binds get now */
  effective: SmppLimitValues;
  /** the parent's own effective limits: the most the parent may give */
  max: SmppLimitValues;
  defaults: SmppLimitValues;
};

const keys = ['tps', 'window', 'maxBinds'] as const;

/** Folds the stored limits down a path: root gets the platform's own, each level the lower of its own (or the default) and its parent's. */
export function effectiveLimits(path: string[], stored: Map<string, StoredLimits>, limits: { default: SmppLimitValues; max: SmppLimitValues }): SmppLimitValues {
  let eff = { ...limits.max };
  for (const id of path.slice(1)) {
    const own = stored.get(id);
    eff = { tps: Math.min(own?.tps ?? limits.default.tps, eff.tps), window: Math.min(own?.window ?? limits.default.window, eff.window), maxBinds: Math.min(own?.maxBinds ?? limits.default.maxBinds, eff.maxBinds) };
  }
  return eff;
}

const pathIds = (a: Pick<Account, 'path'>) => a.path.split('/').filter(Boolean);

export function createSmppLimits(deps: { db: Db; clock: Clock; accounts: Pick<AccountService, 'getAccount' | 'assertMayAdminister'>; audit: AuditService; limits: { default: SmppLimitValues; max: SmppLimitValues } }) {
  const repo = smppRepo(deps.db);
  const changed = new Set<(accountId: string) => void>();

  /** The effective limits of these accounts, with one read of every account on their paths. */
  async function effectiveOf(accounts: Pick<Account, 'id' | 'path'>[]): Promise<Map<string, SmppLimitValues>> {
    const ids = [...new Set(accounts.flatMap(pathIds))];
    const stored = ids.length ? await repo.findLimits(ids) : new Map<string, StoredLimits>();
    return new Map(accounts.map((a) => [a.id, effectiveLimits(pathIds(a), stored, deps.limits)]));
  }

  async function of(account: Pick<Account, 'id' | 'path'>): Promise<SmppLimitValues> {
    return (await effectiveOf([account])).get(account.id)!;
  }

  /** A direct child of the caller (a user cannot have one; a child is found only in the caller's subtree). */
  async function childOf(caller: Account, id: string): Promise<Account> {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    const a = await deps.accounts.getAccount(scopeOf(caller), id);
    if (a.parentId !== caller.id) throw new AppError('FORBIDDEN');
    return a;
  }

  async function view(caller: Account, child: Account): Promise<ChildLimits> {
    const stored = await repo.findLimits([child.id]);
    const eff = await effectiveOf([caller, child]);
    return { own: stored.get(child.id) ?? { tps: null, window: null, maxBinds: null }, effective: eff.get(child.id)!, max: eff.get(caller.id)!, defaults: deps.limits.default };
  }

  return {
    of,
    effectiveOf,
    async forChild(caller: Account, id: string): Promise<ChildLimits> {
      return view(caller, await childOf(caller, id));
    },
    /** Sets (a number) or clears (null: the default) a child's limits; each at most the caller's own. */
    async setForChild(caller: Account, id: string, input: LimitsInput, ip: string | null): Promise<ChildLimits> {
      const child = await childOf(caller, id);
      await deps.accounts.assertMayAdminister(caller, 'settings');
      const max = await of(caller);
      for (const k of keys) {
        const v = input[k];
        if (v !== undefined && v !== null && v > max[k]) throw new AppError('SMPP_LIMIT_ABOVE_PARENT', { field: k, max: max[k], fields: [{ path: k, message: `at most ${max[k]}` }] });
      }
      const before = (await repo.findLimits([child.id])).get(child.id) ?? { tps: null, window: null, maxBinds: null };
      const next: StoredLimits = { tps: input.tps === undefined ? before.tps : input.tps, window: input.window === undefined ? before.window : input.window, maxBinds: input.maxBinds === undefined ? before.maxBinds : input.maxBinds };
      await repo.saveLimits(child.id, next, caller.id, deps.clock.now());
      await deps.audit.record({ actorId: caller.id, subject: child, action: 'smpp.limits_changed', ip, details: { from: before, to: next } });
      for (const f of changed) f(child.id);
      return view(caller, child);
    },
    /** The listener hears here at once when this process changes an account's limits (others' changes: its periodic recheck). */
    onChanged(f: (accountId: string) => void): () => void {
      changed.add(f);
      return () => changed.delete(f);
    },
  };
}

export type SmppLimits = ReturnType<typeof createSmppLimits>;
