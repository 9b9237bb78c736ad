// Billing: wallets, transfers down the tree, credit limits, user groups and price lists, the
// price preview, and the cascading charges the message engine calls (charging.ts).
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { toPersianDigits } from '../../lib/i18n.ts';
import { groupDigits } from '../../lib/money.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import type { AuditAction, AuditService } from '../audit/service.ts';
import type { AccountService } from '../accounts/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import { createCharging, levelsSeenBy, priceChain, type CountedCell } from './charging.ts';
import type { LedgerParams } from './descriptions.ts';
import { groupRepo, type GroupChanges } from './groups-repo.ts';
import { post, type Leg } from './ledger.ts';
import { cellKey, priceCeiling, priceMatrix, priceRecipientMessage, type PriceCeiling, type PriceList } from './pricing.ts';
import { ledgerRepo, walletIdOf, type StatementFilter, type TransactionType, type Wallet } from './repo.ts';

export type BillingDeps = { db: Db; clock: Clock; log: Logger; accounts: AccountService; notifications: Pick<NotificationService, 'send'>; audit?: Pick<AuditService, 'record'> };

export function createBillingService(deps: BillingDeps) {
  const ledger = ledgerRepo(deps.db);
  const groups = groupRepo(deps.db);
  const now = () => deps.clock.now();
  /** Money moves and price changes go to the audit log (after the change commits). */
  const audit = (actor: Account, subject: { id: string; path: string }, action: AuditAction, ip: string | null | undefined, details: Record<string, unknown>) =>
    deps.audit?.record({ actorId: actor.id, subject, action, ip: ip ?? null, details });

  /** Low-credit alerts are rows first; they are sent after their transaction commits. */
  async function sendClaimedAlerts(): Promise<number> {
    const alerts = await ledgerRepo(deps.db).claimLowCreditAlerts(100, now());
    for (const a of alerts) {
      const amount = groupDigits(a.balance);
      const body = a.locale === 'fa' ? `اعتبار حساب شما به ${toPersianDigits(amount)} ریال رسید و از حد هشدار کمتر است؛ لطفاً حساب خود را شارژ کنید.` : `Your credit is down to ${amount} rials, below your alert level; please top up.`;
      await deps.notifications.send({ channel: 'sms', recipient: a.mobile, body, kind: 'low_credit', accountId: a.accountId });
    }
    return alerts.length;
  }
  // One delivery at a time in this process: a caller that asks for delivery returns only once
  // every alert claimed before it (by a background run too) has been handed to the channel.
  let delivering: Promise<unknown> = Promise.resolve();
  function deliverLowCreditAlerts(): Promise<number> {
    const run = delivering.then(sendClaimedAlerts, sendClaimedAlerts);
    delivering = run.catch(() => 0);
    return run;
  }
  // A reservation's low-credit alert rows are sent by the caller once its transaction has
  // committed (`lowCredit` on the reservation; messages/accept.ts): before, no other connection sees them.
  const charging = createCharging({ db: deps.db, now });

  // Every account is born with a wallet, in its parent's chosen (or default) group; every agency
  // and the platform with a default group of its own.
  deps.accounts.onAccountCreated(async (tx, account, input) => {
    const g = groupRepo(tx);
    let groupId: string | null = null;
    if (account.parentId) {
      const asked = typeof input.groupId === 'string' ? input.groupId : null;
      if (asked && (await g.ownerOf(asked)) !== account.parentId) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'groupId', message: 'not one of your groups' }] });
      groupId = asked ?? (await g.findDefaultId(account.parentId));
    }
    await ledgerRepo(tx).insertWallet({ accountId: account.id, kind: account.kind === 'platform' ? 'issuance' : 'account', groupId });
    if (account.kind !== 'user') await g.insert({ id: newId('grp'), ownerId: account.id, name: 'default', isDefault: true });
  });

  async function getWallet(scope: Scope, accountId: string = scope.accountId): Promise<Wallet> {
    const w = await ledger.findWallet(scope, accountId);
    if (!w) throw new AppError('NOT_FOUND');
    return w;
  }

  /** Only the direct parent moves a child's money or changes its terms. */
  async function directChild(caller: Account, childId: string): Promise<Account> {
    const child = await deps.accounts.getAccount(scopeOf(caller), childId);
    if (child.parentId !== caller.id) throw new AppError('FORBIDDEN');
    return child;
  }

  async function afterCommit<T extends { alerts: number }>(r: T): Promise<T> {
    if (r.alerts) await deliverLowCreditAlerts().catch((err: unknown) => deps.log.warn({ err }, 'low-credit alerts not delivered'));
    return r;
  }

  /** Positive: parent → child. Negative: takes unused credit back, never below the child's zero. */
  async function transfer(caller: Account, childId: string, amount: bigint, note: string, idempotencyKey?: string, ip?: string | null) {
    if (amount === 0n) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'amount' }] });
    const child = await directChild(caller, childId);
    const [from, to] = amount > 0n ? [caller, child] : [child, caller];
    const abs = amount > 0n ? amount : -amount;
    const legs: Leg[] = [
      { walletId: walletIdOf(from.id), bucket: 'available', amount: -abs },
      { walletId: walletIdOf(to.id), bucket: 'available', amount: abs },
    ];
    const key = `transfer:${caller.id}:${idempotencyKey ?? newId('tx')}`;
    const posted = await deps.db.transaction((tx) =>
      post(tx, {
        type: 'transfer', idempotencyKey: key, actorId: caller.id, note, reference: child.id, legs,
        floors: amount < 0n ? new Map([[walletIdOf(child.id), 0n]]) : undefined,
        shortError: () => (amount > 0n ? new AppError('INSUFFICIENT_CREDIT', { level: 'self' }) : new AppError('AMOUNT_EXCEEDS_BALANCE')),
      }, now()),
    );
    await afterCommit(posted);
    if (!posted.replayed) await audit(caller, child, 'billing.credit_transferred', ip, { amount: amount.toString(), note, transactionId: posted.transaction.id });
    return { transactionId: posted.transaction.id, replayed: posted.replayed, amount, balance: (await getWallet(scopeOf(caller))).balance, childBalance: (await getWallet(scopeOf(caller), child.id)).balance };
  }

  /**
   * How far below zero a direct child may go. A limit granted by an agency is backed by the same
   * amount of the agency's own money (moved from available to backing), so the agency cannot
   * spend what its child owes it before the child pays; the platform's grants need no backing
   * (all credit enters the tree from its issuance wallet). The backing is made equal to the sum of
   * the limits of all the caller's children, which also backs limits granted before backing existed.
   */
  async function setCreditLimit(caller: Account, childId: string, limit: bigint, ip?: string | null): Promise<Wallet> {
    const child = await directChild(caller, childId);
    const posted = await deps.db.transaction(async (tx) => {
      const r = ledgerRepo(tx);
      const locked = await r.lockWallets([walletIdOf(child.id), walletIdOf(caller.id)]);
      const w = locked.get(walletIdOf(child.id))!;
      const parent = locked.get(walletIdOf(caller.id))!;
      if (w.balance < -limit) throw new AppError('CREDIT_LIMIT_BELOW_DEBT', { balance: w.balance.toString() });
      await r.setCreditLimit(w.id, limit);
      if (parent.kind === 'issuance') return null;
      const change = (await r.grantedCredit(caller.id)) - parent.backing;
      if (change === 0n) return null;
      return post(tx, {
        type: 'credit_backing', idempotencyKey: `credit-backing:${child.id}:${newId('tx')}`, actorId: caller.id, reference: child.id,
        params: { account: child.username, creditLimit: limit.toString() },
        legs: [
          { walletId: parent.id, bucket: 'available', amount: -change },
          { walletId: parent.id, bucket: 'backing', amount: change },
        ],
        shortError: () => new AppError('CREDIT_LIMIT_UNBACKED', { needed: change.toString(), available: (parent.balance + parent.creditLimit).toString() }),
      }, now());
    });
    if (posted) await afterCommit(posted);
    await audit(caller, child, 'billing.credit_limit_changed', ip, { creditLimit: limit.toString(), ...(posted ? { backingTransactionId: posted.transaction.id } : {}) });
    return getWallet(scopeOf(caller), child.id);
  }

  async function setGroup(caller: Account, childId: string, groupId: string, ip?: string | null): Promise<Wallet> {
    const child = await directChild(caller, childId);
    if (!(await groups.find(scopeOf(caller), groupId))) throw new AppError('NOT_FOUND');
    await ledger.setGroup(walletIdOf(child.id), groupId);
    await audit(caller, child, 'billing.group_assigned', ip, { groupId });
    return getWallet(scopeOf(caller), child.id);
  }

  /** The caller's own alert level; already below it counts as alerted (the next crossing alerts). */
  async function setLowCreditThreshold(caller: Account, threshold: bigint | null): Promise<Wallet> {
    await deps.db.transaction(async (tx) => {
      const r = ledgerRepo(tx);
      const w = (await r.lockWallets([walletIdOf(caller.id)])).get(walletIdOf(caller.id))!;
      await r.setLowCreditThreshold(w.id, threshold, threshold !== null && w.balance < threshold);
    });
    return getWallet(scopeOf(caller));
  }

  function requireGroupOwner(caller: Account) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
  }

  async function getGroup(scope: Scope, id: string) {
    const g = await groups.find(scope, id);
    if (!g) throw new AppError('NOT_FOUND');
    return g;
  }

  /**
   * What bounds the caller's prices: its own list (what it pays its parent per cell) and the
   * platform's ceiling. For an agency directly under the platform its own cost is the platform's
   * price; deeper agencies are bounded by their own cost, since what their parent pays is the
   * parent's business (a ceiling from the platform's price would tell them). Null for the platform.
   */
  async function priceBounds(caller: Account, db: Db = deps.db) {
    const chain = await ledgerRepo(db).chain(caller.id);
    const own = chain[0].groupId && caller.kind !== 'platform' ? chain[0].groupId : null;
    const { lists, ceiling } = await groupRepo(db).priceLists(own ? [own] : []);
    return { own: own ? (lists.get(own) ?? null) : null, ceiling };
  }

  /**
   * An agency's list may charge no cell (1 to 3 parts, every cell it names an override for) or
   * received message above the ceiling over its own cost.
   */
  async function checkCeiling(caller: Account, list: PriceList, db: Db) {
    if (caller.kind === 'platform') return;
    const { own, ceiling } = await priceBounds(caller, db);
    if (!own) return;
    const cells = [...priceMatrix(list), ...list.overrides];
    for (const row of cells)
      for (const parts of [1, 2, 3]) {
        const cell = { ...row, parts };
        const most = priceCeiling(priceRecipientMessage(own, cell), parts, ceiling);
        if (priceRecipientMessage(list, cell) > most) throw new AppError('PRICE_ABOVE_CEILING', { cell: cellKey(row), ceiling: (most / BigInt(parts)).toString() });
      }
    const receive = priceCeiling(own.receivePrice, 1, ceiling);
    if (list.receivePrice > receive) throw new AppError('PRICE_ABOVE_CEILING', { cell: 'receive', ceiling: receive.toString() });
  }

  async function createGroup(caller: Account, input: GroupChanges & { name: string }, ip?: string | null) {
    requireGroupOwner(caller);
    const id = newId('grp');
    await deps.db.transaction(async (tx) => {
      await checkCeiling(caller, { basePrice: input.basePrice ?? 0n, receivePrice: input.receivePrice ?? 0n, coefficients: input.coefficients ?? {}, overrides: input.overrides ?? [] }, tx);
      await groupRepo(tx).insert({ ...input, id, ownerId: caller.id, isDefault: false });
    }).catch(uniqueName);
    await audit(caller, caller, 'billing.prices_changed', ip, { groupId: id, created: true, changes: priceDetails(input) });
    return getGroup(scopeOf(caller), id);
  }

  async function updateGroup(caller: Account, id: string, changes: GroupChanges, ip?: string | null) {
    requireGroupOwner(caller);
    const before = await getGroup(scopeOf(caller), id);
    await deps.db.transaction(async (tx) => {
      await checkCeiling(caller, {
        basePrice: changes.basePrice ?? before.basePrice, receivePrice: changes.receivePrice ?? before.receivePrice,
        coefficients: changes.coefficients ?? before.coefficients, overrides: changes.overrides ?? before.overrides,
      }, tx);
      await groupRepo(tx).update(id, changes);
    }).catch(uniqueName);
    await audit(caller, caller, 'billing.prices_changed', ip, { groupId: id, changes: priceDetails(changes) });
    return getGroup(scopeOf(caller), id);
  }

  /**
   * A group's one-part prices with what bounds each: the caller's own cost for the cell and the
   * ceiling over it (both null for the platform). The panel warns on a price
   * above 10× its cost.
   */
  async function priceTable(caller: Account, id: string) {
    const g = await getGroup(scopeOf(caller), id);
    const { own, ceiling } = caller.kind === 'platform' ? { own: null, ceiling: null } : await priceBounds(caller);
    return {
      group: g,
      prices: priceMatrix(g).map((row) => {
        const cell = { ...row, parts: 1 };
        const cost = own ? priceRecipientMessage(own, cell) : null;
        return { ...row, cost, ceiling: cost !== null && ceiling ? priceCeiling(cost, 1, ceiling) : null };
      }),
    };
  }

  /** Platform only: the multiple of its own price (or of the reference per part) agencies may charge at most. */
  async function setPriceCeiling(caller: Account, c: PriceCeiling, ip?: string | null) {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
    await groups.setCeiling(c);
    await audit(caller, caller, 'billing.prices_changed', ip, { priceCeiling: { multiple: c.multiple, reference: c.reference.toString() } });
    return groups.ceiling();
  }

  async function deleteGroup(caller: Account, id: string, ip?: string | null): Promise<void> {
    const g = await getGroup(scopeOf(caller), id);
    if (g.isDefault || g.members > 0) throw new AppError('GROUP_IN_USE', { members: g.members });
    await groups.delete(id);
    await audit(caller, caller, 'billing.prices_changed', ip, { groupId: id, deleted: true });
  }

  /**
   * What a send by `accountId` (the caller or one of its subtree) costs at each level, each at its
   * parent's list. Levels above the caller are its parent's business and are not shown.
   */
  async function preview(caller: Account, input: { accountId?: string; lineType: string; messageClass: string; counts: Omit<CountedCell, 'lineType' | 'messageClass'>[] }) {
    const target = input.accountId ? await deps.accounts.getAccount(scopeOf(caller), input.accountId) : caller;
    const cells = input.counts.map((c) => ({ ...c, lineType: input.lineType, messageClass: input.messageClass }));
    const levels = await priceChain(deps.db, target.id, cells);
    const visible = levelsSeenBy(caller.depth, levels);
    return {
      accountId: target.id,
      total: levels[0]?.amount ?? 0n,
      levels: visible.map((l, i) => ({
        level: i, accountId: l.payer.accountId, kind: l.payer.kind, paysTo: l.payee.accountId, amount: l.amount,
        perCell: cells.map((c, j) => ({ operator: c.operator, alphabet: c.alphabet, parts: c.parts, count: c.count, unitPrice: l.unitPrices[j] })),
      })),
    };
  }

  /**
   * A charge or credit between two wallets (fees, renewals, top-ups, corrections). The statement
   * describes it from `type` and `params` (descriptions.ts); `note` is only for text a person typed.
   */
  async function postAdjustment(
    actorId: string | null,
    r: { type: TransactionType; fromAccountId: string; toAccountId: string; amount: bigint; params?: LedgerParams; note?: string; idempotencyKey: string; reference?: string },
    tx?: Db,
  ) {
    const run = (db: Db) =>
      post(db, {
        type: r.type, idempotencyKey: r.idempotencyKey, actorId, note: r.note, params: r.params, reference: r.reference ?? null,
        legs: [
          { walletId: walletIdOf(r.fromAccountId), bucket: 'available', amount: -r.amount },
          { walletId: walletIdOf(r.toAccountId), bucket: 'available', amount: r.amount },
        ],
      }, now());
    return tx ? run(tx) : deps.db.transaction(run).then(afterCommit);
  }

  /**
   * A fee (a rented line's year, say) from one account to the one it pays, in the caller's
   * transaction. Short of credit: INSUFFICIENT_CREDIT with the fee and the rials missing.
   */
  async function chargeFee(tx: Db, r: { actorId: string | null; type: TransactionType; fromAccountId: string; toAccountId: string; amount: bigint; params?: LedgerParams; note?: string; idempotencyKey: string; reference?: string }) {
    try {
      return await postAdjustment(r.actorId, r, tx);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INSUFFICIENT_CREDIT') throw err;
      const w = (await ledgerRepo(tx).lockWallets([walletIdOf(r.fromAccountId)])).get(walletIdOf(r.fromAccountId))!;
      const missing = r.amount - (w.balance + w.creditLimit);
      throw new AppError('INSUFFICIENT_CREDIT', { level: 'self', amount: r.amount.toString(), missing: (missing > 0n ? missing : 0n).toString() }, { cause: err });
    }
  }

  return {
    ...charging,
    chargeFee,
    getWallet,
    transfer,
    setCreditLimit,
    setGroup,
    setLowCreditThreshold,
    statement: (scope: Scope, f: StatementFilter) => ledger.statement(scope, f),
    listGroups: (scope: Scope) => groups.list(scope),
    getGroup,
    createGroup,
    updateGroup,
    deleteGroup,
    priceMatrix,
    priceTable,
    priceCeiling: () => groups.ceiling(),
    setPriceCeiling,
    preview,
    postAdjustment,
    deliverLowCreditAlerts,
    reconcile: () => ledger.reconcile(),
    countOpenReservations: () => ledger.countOpenReservations(),
  };
}

/** A price-list change as the audit log shows it: amounts as strings. */
function priceDetails(c: GroupChanges): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

function uniqueName(err: unknown): never {
  if ((err as { code?: string }).code === '23505') throw new AppError('CONFLICT', { fields: [{ path: 'name' }] });
  throw err;
}

export type BillingService = ReturnType<typeof createBillingService>;
