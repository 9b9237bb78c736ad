// Sender lines: owned by the platform, assigned down the tree with send/receive rights; shared
// lines are open to everybody. A send uses a line the account may use, or its default. Dedicated
// lines are rented by the year (renewals.ts): a lapsed one is refused with LINE_EXPIRED.
import type { Db } from '../../db/driver.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { toLatinDigits } from '../../lib/i18n.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { AccountService } from '../accounts/service.ts';
import { scopeOf } from '../accounts/scope.ts';
import { lineRepo } from './repo.ts';
import type { Line, LineType, UsableLine } from './types.ts';
import { graceEndOf, renewalStateOf, type Renewal } from './renewal-state.ts';

export type NewLine = {
  number: string;
  lineType: LineType;
  operators?: string[];
  canSend?: boolean;
  canReceive?: boolean;
  ref16?: boolean;
  refundStatuses?: string[];
  renewalPrice?: bigint;
  renewalGraceDays?: number;
  isShared?: boolean;
};

/** What a new assignment cost its assignee (the first year of a rented line), in the assignment's transaction. */
export type AssignHook = (tx: Db, a: { line: Line; child: Account; assigner: Account }) => Promise<{ charged: bigint; paidUntil: Date | null }>;
export type Assigned = { created: boolean; charged: bigint; paidUntil: Date | null };

export function createLineService(deps: { db: Db; accounts: AccountService; clock?: Clock }) {
  const repo = lineRepo(deps.db);
  const clock = deps.clock ?? systemClock;
  const assignHooks: AssignHook[] = [];

  /** A line's rent as the account sees it: the earliest paid-until of its own and its ancestors' assignments. */
  function renewalOf(l: Line | UsableLine): Renewal {
    const paid = 'chainPaidUntil' in l ? l.chainPaidUntil : null;
    return { state: renewalStateOf(paid, l.renewalGraceDays, clock.now()), paidUntil: paid?.toISOString() ?? null, graceUntil: paid ? graceEndOf(paid, l.renewalGraceDays).toISOString() : null };
  }
  const lapsed = (l: UsableLine) => renewalOf(l).state === 'suspended';
  function expired(l: UsableLine, from: string): AppError {
    const own = l.paidUntil ? renewalStateOf(l.paidUntil, l.renewalGraceDays, clock.now()) === 'suspended' : false;
    return new AppError('LINE_EXPIRED', { from, paidUntil: l.chainPaidUntil?.toISOString(), level: own ? 'self' : 'ancestor' });
  }

  async function createLine(caller: Account, input: NewLine): Promise<Line> {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
    const number = toLatinDigits(input.number).replace(/[\s-]/g, '');
    if (!/^\+?\d{3,20}$/.test(number)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'number' }] });
    if (await repo.findByNumber(number)) throw new AppError('LINE_NUMBER_TAKEN');
    return repo.insert({
      id: newId('lin'),
      number,
      lineType: input.lineType,
      operators: input.operators ?? ['mci', 'irancell', 'rightel', 'other'],
      canSend: input.canSend ?? true,
      canReceive: input.canReceive ?? false,
      ref16: input.ref16 ?? false,
      refundStatuses: input.refundStatuses ?? ['failed', 'rejected', 'expired'],
      renewalPrice: input.renewalPrice ?? 0n,
      renewalGraceDays: input.renewalGraceDays ?? 7,
      isShared: input.isShared ?? input.lineType === 'public',
      status: 'active',
    });
  }

  /** The platform sees every line; others see what they were given plus shared lines. */
  async function listLines(caller: Account, db: Db = deps.db): Promise<UsableLine[]> {
    const repo = lineRepo(db);
    if (caller.kind === 'platform') {
      const mine = new Map((await repo.listUsable(caller.id)).map((l) => [l.id, l]));
      return (await repo.listAll()).map((l) => mine.get(l.id) ?? { ...l, maySend: l.canSend, mayReceive: l.canReceive, isDefault: false, paidUntil: null, chainPaidUntil: null });
    }
    return repo.listUsable(caller.id);
  }

  async function usableLine(account: Account, lineId: string): Promise<UsableLine | null> {
    if (account.kind === 'platform') {
      const l = await repo.findById(lineId);
      return l ? { ...l, maySend: l.canSend, mayReceive: l.canReceive, isDefault: false, paidUntil: null, chainPaidUntil: null } : null;
    }
    return (await repo.listUsable(account.id)).find((l) => l.id === lineId) ?? null;
  }

  /**
   * Gives a line the caller may use to one of its direct children. A new assignment runs the
   * assign hooks in the same transaction (a rented line's first year is charged there: short of
   * credit, nothing is assigned); an existing one only gets the new rights.
   */
  async function assignLine(caller: Account, lineId: string, childId: string, rights: { canSend: boolean; canReceive: boolean }): Promise<Assigned> {
    const own = await usableLine(caller, lineId);
    if (!own || own.isShared) throw new AppError('NOT_FOUND');
    if (lapsed(own)) throw expired(own, own.number);
    const child = await deps.accounts.getAccount(scopeOf(caller), childId);
    if (child.parentId !== caller.id) throw new AppError('FORBIDDEN');
    return deps.db.transaction(async (tx) => {
      const created = await lineRepo(tx).assign({ lineId, accountId: child.id, canSend: rights.canSend && own.maySend, canReceive: rights.canReceive && own.mayReceive, assignedBy: caller.id });
      let charged = 0n;
      let paidUntil: Date | null = null;
      if (created) {
        for (const hook of assignHooks) {
          const r = await hook(tx, { line: own, child, assigner: caller });
          charged += r.charged;
          paidUntil = r.paidUntil ?? paidUntil;
        }
      }
      return { created, charged, paidUntil };
    });
  }

  async function unassignLine(caller: Account, lineId: string, childId: string): Promise<void> {
    const child = await deps.accounts.getAccount(scopeOf(caller), childId);
    if (child.id === caller.id) throw new AppError('FORBIDDEN');
    if (!(await repo.unassignFromSubtree(lineId, child.path))) throw new AppError('NOT_FOUND');
  }

  async function setDefaultLine(caller: Account, lineId: string): Promise<void> {
    const line = await usableLine(caller, lineId);
    if (!line || !line.maySend) throw new AppError('LINE_NOT_ALLOWED');
    if (line.isShared && caller.kind !== 'platform') await repo.assign({ lineId, accountId: caller.id, canSend: true, canReceive: false, assignedBy: caller.id });
    else if (caller.kind === 'platform') await repo.assign({ lineId, accountId: caller.id, canSend: true, canReceive: line.canReceive, assignedBy: caller.id });
    await repo.setDefault(caller.id, lineId);
  }

  /** The line a send goes out on: the one named (by id or number) if allowed, else the default. */
  /** The line a send goes from; `db` is the sender's transaction when it resolves inside one. */
  async function resolveSendLine(account: Account, from: string | undefined, db: Db = deps.db): Promise<UsableLine> {
    const usable = await listLines(account, db);
    const sendable = usable.filter((l) => l.maySend && l.status === 'active');
    if (from) {
      const wanted = toLatinDigits(from).replace(/[\s-]/g, '');
      const line = sendable.find((l) => l.id === from || l.number === wanted);
      if (!line) throw new AppError('LINE_NOT_ALLOWED', { from });
      if (lapsed(line)) throw expired(line, line.number);
      return line;
    }
    // A lapsed default is refused rather than silently replaced: the recipients would see another sender.
    const line = sendable.find((l) => l.isDefault) ?? sendable.find((l) => !lapsed(l)) ?? sendable[0];
    if (!line) throw new AppError('NO_LINE');
    if (lapsed(line)) throw expired(line, line.number);
    return line;
  }

  return {
    createLine,
    listLines,
    renewalOf,
    /** Runs for every new assignment, inside its transaction (renewals.ts charges the first year). */
    onAssigned: (hook: AssignHook) => void assignHooks.push(hook),
    assignLine,
    unassignLine,
    setDefaultLine,
    resolveSendLine,
    findLineById: repo.findById,
    findLineByNumber: repo.findByNumber,
    findReceiver: repo.findReceiver,
    /**
     * The line a message to `number` arrived on (with or without its leading +) and who receives
     * on it, read through `db` (the inbox's delivering transaction).
     */
    receivingLine: async (db: Db, number: string) => {
      const r = lineRepo(db);
      const line = (await r.findByNumber(number.replace(/^\+/, ''))) ?? (await r.findByNumber(number));
      return { line, receiver: line ? await r.findReceiver(line.id) : null };
    },
    /** First start: a shared public line, and a receiving line that the platform sends from by default. */
    ensureDefaultLines: async (platformAccountId: string) => {
      if ((await repo.listAll()).length) return;
      await repo.insert({ id: 'lin_public', number: '10001000', lineType: 'public', operators: ['mci', 'irancell', 'rightel', 'other'], canSend: true, canReceive: false, ref16: false, refundStatuses: ['failed', 'rejected', 'expired'], renewalPrice: 0n, isShared: true, status: 'active' });
      await repo.insert({ id: 'lin_platform', number: '30001000', lineType: '3000', operators: ['mci', 'irancell', 'rightel', 'other'], canSend: true, canReceive: true, ref16: false, refundStatuses: ['failed', 'rejected', 'expired', 'undelivered'], renewalPrice: 0n, isShared: false, status: 'active' });
      await repo.assign({ lineId: 'lin_platform', accountId: platformAccountId, canSend: true, canReceive: true, assignedBy: platformAccountId });
      await repo.setDefault(platformAccountId, 'lin_platform');
    },
    updateLine: async (caller: Account, id: string, patch: Parameters<typeof repo.update>[1]) => {
      if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
      if (!(await repo.findById(id))) throw new AppError('NOT_FOUND');
      await repo.update(id, patch);
      return (await repo.findById(id))!;
    },
  };
}

export type LineService = ReturnType<typeof createLineService>;
