// Posting to the double-entry ledger: the one function that changes a wallet. It locks the wallets
// in id order, refuses to take one below its floor, writes the entries and the wallet rows in the
// same transaction, and is idempotent by key (same key → the same transaction, nothing posted twice).
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { LedgerParams } from './descriptions.ts';
import { ledgerRepo, type Bucket, type EntryRow, type LedgerTransaction, type TransactionType, type Wallet } from './repo.ts';

export type Leg = { walletId: string; bucket: Bucket; amount: bigint };

export type PostInput = {
  type: TransactionType;
  idempotencyKey: string;
  actorId: string | null;
  /** Only what a person typed; the statement's description comes from `type` and `params`. */
  note?: string;
  /** Facts the description needs (descriptions.ts), e.g. { messages: 12 }. */
  params?: LedgerParams;
  reference?: string | null;
  legs: Leg[];
  /** The lowest available balance allowed per wallet, instead of −credit limit (e.g. 0 when taking credit back). */
  floors?: Map<string, bigint>;
  /** The error when a wallet would go below its floor. */
  shortError?: (walletId: string) => AppError;
};

export type Posted = { transaction: LedgerTransaction; entries: EntryRow[]; replayed: boolean; alerts: number };

function floorOf(w: Wallet, floors: Map<string, bigint> | undefined): bigint | null {
  const custom = floors?.get(w.id);
  if (custom !== undefined) return custom;
  return w.kind === 'issuance' ? null : -w.creditLimit;
}

export async function post(tx: Db, input: PostInput, at: Date): Promise<Posted> {
  const legs = input.legs.filter((l) => l.amount !== 0n);
  if (legs.reduce((s, l) => s + l.amount, 0n) !== 0n) throw new Error(`ledger legs of ${input.type} do not sum to zero`);
  const repo = ledgerRepo(tx);
  const header = await repo.insertTransaction({
    id: newId('tx'), type: input.type, idempotencyKey: input.idempotencyKey, actorId: input.actorId, note: input.note ?? '', params: input.params ?? {}, reference: input.reference ?? null, at,
  });
  if (!header) {
    const prior = await repo.findTransactionByKey(input.idempotencyKey);
    if (!prior || prior.type !== input.type) throw new AppError('IDEMPOTENCY_CONFLICT');
    return { transaction: prior, entries: await repo.entriesOf(prior.id), replayed: true, alerts: 0 };
  }
  const wallets = await repo.lockWallets([...new Set(legs.map((l) => l.walletId))]);
  const before = new Map([...wallets].map(([id, w]) => [id, w.balance]));
  const entries = applyLegs(wallets, legs, input);
  const alerts = lowCreditCrossings([...wallets.values()], before);
  await repo.insertEntries([{ transactionId: header.id, entries }], at);
  await repo.writeWallets([...wallets.values()], at);
  await repo.insertLowCreditAlerts(alerts, at);
  return { transaction: header, entries, replayed: false, alerts: alerts.length };
}

/**
 * Inputs that go through together are written as one transaction per key: their legs summed per
 * wallet and bucket, the header from `header` (given the members' indexes, in order).
 */
export type Combine = { key: (i: number) => string; header: (members: number[]) => Omit<PostInput, 'legs' | 'floors' | 'shortError'> };

/** Legs summed per wallet and bucket, in the order each first appears. */
function sumLegs(legs: Leg[]): Leg[] {
  const byKey = new Map<string, Leg>();
  for (const l of legs) {
    const k = `${l.walletId}\u0000${l.bucket}`;
    const prior = byKey.get(k);
    if (prior) prior.amount += l.amount;
    else byKey.set(k, { ...l });
  }
  return [...byKey.values()].filter((l) => l.amount !== 0n);
}

/**
 * Several new transactions at once (group commit of concurrent sends): the wallets of all of them
 * locked once, each applied in order, and every row written in one statement per table. An input
 * that would take a wallet below its floor is left out and answered with its error, as `post`
 * would have; the others go through. With `combine`, those that go through are written as one
 * transaction per key (each member answered with its key's transaction). Keys must be new: a key
 * already taken throws, and the caller's transaction with it.
 */
export async function postMany(tx: Db, inputs: PostInput[], at: Date, combine?: Combine): Promise<Array<Posted | AppError>> {
  const repo = ledgerRepo(tx);
  const legsOf = inputs.map((input) => {
    const legs = input.legs.filter((l) => l.amount !== 0n);
    if (legs.reduce((s, l) => s + l.amount, 0n) !== 0n) throw new Error(`ledger legs of ${input.type} do not sum to zero`);
    return legs;
  });
  const wallets = await repo.lockWallets([...new Set(legsOf.flat().map((l) => l.walletId))]);
  const initial = new Map([...wallets].map(([id, w]) => [id, { ...w }]));
  const before = new Map([...wallets].map(([id, w]) => [id, w.balance]));
  const newTransaction = (input: Omit<PostInput, 'legs'>) => ({ id: newId('tx'), type: input.type, idempotencyKey: input.idempotencyKey, actorId: input.actorId, note: input.note ?? '', params: input.params ?? {}, reference: input.reference ?? null, createdAt: at });
  const results = inputs.map((input, i): Posted | AppError => {
    const saved = new Map([...new Set(legsOf[i].map((l) => l.walletId))].map((id) => [id, { ...wallets.get(id)! }]));
    try {
      const entries = applyLegs(wallets, legsOf[i], input);
      return { transaction: newTransaction(input), entries, replayed: false, alerts: 0 };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      for (const [id, w] of saved) wallets.set(id, w);
      return err;
    }
  });
  let posted = results.filter((r): r is Posted => !(r instanceof AppError));
  if (!posted.length) return results;
  if (combine) {
    if (legsOf.some((legs) => legs.some((l) => l.bucket === 'available' && l.amount > 0n))) throw new Error('postMany combines only postings that take from available balances');
    // Applied again from the start, a key's members at once. Each member only takes money from
    // available balances, so every state on the way is above the final one, which is above the
    // floors: nothing refused above can be refused here.
    for (const [id, w] of initial) wallets.set(id, { ...w });
    const members = new Map<string, number[]>();
    results.forEach((r, i) => {
      if (r instanceof AppError) return;
      const k = combine.key(i);
      const m = members.get(k);
      if (m) m.push(i);
      else members.set(k, [i]);
    });
    posted = [...members.values()].map((m) => {
      const header = combine.header(m);
      const entries = applyLegs(wallets, sumLegs(m.flatMap((i) => legsOf[i])), inputs[m[0]]);
      const p: Posted = { transaction: newTransaction(header), entries, replayed: false, alerts: 0 };
      for (const i of m) results[i] = p;
      return p;
    });
  }
  const inserted = await repo.insertTransactions(posted.map((p) => ({ ...p.transaction, params: p.transaction.params ?? {}, at })));
  if (inserted !== posted.length) throw new Error('ledger idempotency key reused in a group of new transactions');
  await repo.insertEntries(posted.map((p) => ({ transactionId: p.transaction.id, entries: p.entries })), at);
  const touched = [...new Set(posted.flatMap((p) => p.entries.map((e) => e.walletId)))].map((id) => wallets.get(id)!);
  const alerts = lowCreditCrossings(touched, before);
  await repo.writeWallets(touched, at);
  await repo.insertLowCreditAlerts(alerts, at);
  if (alerts.length) posted[0].alerts = alerts.length;
  return results;
}

/** Moves the legs' money in the locked wallets (in memory); throws when a wallet would go below its floor. */
function applyLegs(wallets: Map<string, Wallet>, legs: Leg[], input: Pick<PostInput, 'floors' | 'shortError'>): EntryRow[] {
  const before = new Map(legs.map((l) => [l.walletId, wallets.get(l.walletId)?.balance ?? 0n]));
  const entries: EntryRow[] = legs.map((l) => {
    const w = wallets.get(l.walletId);
    if (!w) throw new Error(`no wallet ${l.walletId}`);
    if (l.bucket === 'available') w.balance += l.amount;
    else if (l.bucket === 'held') w.reserved += l.amount;
    else w.backing += l.amount;
    return { ...l, balanceAfter: l.bucket === 'available' ? w.balance : l.bucket === 'held' ? w.reserved : w.backing };
  });
  // In leg order, so a send names the first level (the sender before its agency) that is short.
  for (const id of new Set(legs.map((l) => l.walletId))) {
    const w = wallets.get(id)!;
    if (w.reserved < 0n) throw new Error(`wallet ${w.id} would hold a negative reservation`);
    if (w.backing < 0n) throw new Error(`wallet ${w.id} would hold a negative backing`);
    const floor = floorOf(w, input.floors);
    if (w.balance < before.get(w.id)! && floor !== null && w.balance < floor) throw input.shortError?.(w.id) ?? new AppError('INSUFFICIENT_CREDIT', { level: 'self' });
  }
  return entries;
}

/** Once per crossing: alert when a balance falls below its threshold, re-arm when it climbs back. */
function lowCreditCrossings(wallets: Wallet[], before: Map<string, bigint>) {
  const alerts: { accountId: string; balance: bigint; threshold: bigint }[] = [];
  for (const w of wallets) {
    const t = w.lowCreditThreshold;
    if (t === null) continue;
    if (w.balance < t && !w.lowCreditAlerted && w.balance < before.get(w.id)!) {
      w.lowCreditAlerted = true;
      alerts.push({ accountId: w.accountId, balance: w.balance, threshold: t });
    } else if (w.balance >= t && w.lowCreditAlerted) w.lowCreditAlerted = false;
  }
  return alerts;
}
