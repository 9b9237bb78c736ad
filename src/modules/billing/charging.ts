// Cascading charges for a send. The sender pays its parent's price (its group's list), the parent
// pays the grandparent's price, and so on up to the platform, all in the caller's transaction.
// A reservation moves each level's money from available to held; settling moves held money to
// the level's payee (the parent), releasing moves it back. Lines are kept per price cell and
// level, so the engine settles or refunds any number of recipient messages by counts.
import { withSavepoint } from '../../db/savepoint.ts';
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import { groupRepo } from './groups-repo.ts';
import { post, postMany, type Leg, type PostInput } from './ledger.ts';
import { cellKey, priceCeiling, priceRecipientMessage, type PriceCell } from './pricing.ts';
import { ledgerRepo, type ChainLink, type ReservationLine } from './repo.ts';

export type CountedCell = PriceCell & { count: number };
export type LevelAmount = { accountId: string; kind: string; amount: bigint };
export type PricedLevel = { payer: ChainLink; payee: ChainLink; unitPrices: bigint[]; amount: bigint };
type CloseMode = 'settle' | 'release';
type ReserveRequest = { accountId: string; idempotencyKey: string; cells: CountedCell[] };
export type Reservation = { reservationId: string; unitPrices: bigint[]; total: bigint; levels: LevelAmount[]; replayed: boolean; lowCredit?: boolean };

/** The sender and its ancestors with their price lists: what pricing a send of this account reads. */
async function loadChain(db: Db, accountId: string) {
  const chain = await ledgerRepo(db).chain(accountId);
  if (!chain.length || chain[0].accountId !== accountId) throw new AppError('NOT_FOUND');
  const { lists, ceiling } = await groupRepo(db).priceLists(chain.slice(0, -1).map((p) => p.groupId!).filter(Boolean));
  return { chain, lists, ceiling };
}

/**
 * Each level priced at its parent's list. Every level below the top pays an agency's price, which
 * may not exceed the platform's ceiling over what that agency itself pays for the cell (lists are
 * checked when saved; this refuses what a later change of prices or of the ceiling left above it).
 * The refusal names no figure: the ceiling would tell the sender what its agency pays.
 */
function priceLevels({ chain, lists, ceiling }: Awaited<ReturnType<typeof loadChain>>, cells: CountedCell[]): PricedLevel[] {
  const levels = chain.slice(0, -1).map((payer, i) => {
    const list = payer.groupId ? lists.get(payer.groupId) : undefined;
    if (!list) throw new Error(`account ${payer.accountId} has no user group`);
    const unitPrices = cells.map((c) => priceRecipientMessage(list, c));
    const amount = unitPrices.reduce((s, p, j) => s + p * BigInt(cells[j].count), 0n);
    return { payer, payee: chain[i + 1], unitPrices, amount };
  });
  levels.slice(0, -1).forEach((l, i) =>
    cells.forEach((c, j) => {
      if (l.unitPrices[j] > priceCeiling(levels[i + 1].unitPrices[j], c.parts, ceiling)) throw new AppError('PRICE_ABOVE_CEILING', { level: i === 0 ? 'self' : 'ancestor' });
    }),
  );
  return levels;
}

/** Each level of the chain above `accountId` priced at its parent's list; empty for the platform. */
export async function priceChain(db: Db, accountId: string, cells: CountedCell[]): Promise<PricedLevel[]> {
  return priceLevels(await loadChain(db, accountId), cells);
}

/**
 * The levels of a price chain a viewer at `viewerDepth` may see: its own and those below it. What
 * a level above pays is its parent's business (wholesale prices, the agency's id): every answer
 * that shows a chain shapes it here.
 */
export const levelsSeenBy = (viewerDepth: number, levels: PricedLevel[]): PricedLevel[] => levels.filter((l) => l.payer.depth >= viewerDepth);

const levelAmounts = (levels: PricedLevel[]): LevelAmount[] => levels.map((l) => ({ accountId: l.payer.accountId, kind: l.payer.kind, amount: l.amount }));

export function createCharging(deps: { db: Db; now: () => Date }) {
  /** The price of one recipient message per cell for this account, and its own level's total (the quoter sees no level above it). */
  async function quote(accountId: string, cells: CountedCell[], db: Db = deps.db) {
    const levels = await priceChain(db, accountId, cells);
    const own = levels[0];
    return { unitPrices: own?.unitPrices ?? cells.map(() => 0n), total: own?.amount ?? 0n, levels: levelAmounts(own ? levelsSeenBy(own.payer.depth, levels) : []) };
  }

  async function replay(tx: Db, reservationId: string, cells: CountedCell[], total: bigint): Promise<Reservation> {
    const lines = await ledgerRepo(tx).reservationLines(reservationId, false);
    const own = new Map(lines.filter((l) => l.level === 0).map((l) => [cellKey(l), l.unitPrice]));
    return { reservationId, unitPrices: cells.map((c) => own.get(cellKey(c)) ?? 0n), total, levels: [], replayed: true };
  }

  /** The ledger posting and the reservation lines of a new reservation priced by `levels`. */
  function draft(r: ReserveRequest, cells: CountedCell[], levels: PricedLevel[]) {
    const reservationId = newId('rsv');
    const messages = cells.reduce((n, c) => n + c.count, 0);
    const legs: Leg[] = levels.flatMap((l) => [
      { walletId: l.payer.walletId, bucket: 'available' as const, amount: -l.amount },
      { walletId: l.payer.walletId, bucket: 'held' as const, amount: l.amount },
    ]);
    const levelOf = new Map(levels.map((l, i) => [l.payer.walletId, i]));
    const posting: PostInput = {
      type: 'send_reserve', idempotencyKey: `reserve:${r.idempotencyKey}`, actorId: r.accountId, reference: reservationId, legs,
      params: { messages },
      shortError: (walletId) => new AppError('INSUFFICIENT_CREDIT', { level: levelOf.get(walletId) === 0 ? 'self' : 'ancestor' }),
    };
    const lines: ReservationLine[] = levels.flatMap((l, level) =>
      cells.map((c, cell) => ({
        reservationId, cell, level, payerWallet: l.payer.walletId, payeeWallet: l.payee.walletId, operator: c.operator, lineType: c.lineType,
        messageClass: c.messageClass, alphabet: c.alphabet, parts: c.parts, unitPrice: l.unitPrices[cell], count: c.count, settled: 0, released: 0,
      })),
    );
    const total = levels[0]?.amount ?? 0n;
    const own = new Map(cells.map((c, i) => [cellKey(c), levels[0]?.unitPrices[i] ?? 0n]));
    const reservation: Reservation = { reservationId, unitPrices: r.cells.map((c) => own.get(cellKey(c))!), total, levels: levelAmounts(levels), replayed: false };
    const row = (transactionId: string, at: Date) => ({ id: reservationId, accountId: r.accountId, idempotencyKey: r.idempotencyKey, transactionId, total, at });
    return { accountId: r.accountId, messages, posting, lines, reservation, row };
  }

  /** Reserves the whole send at every level, in tx; INSUFFICIENT_CREDIT names the first short level. */
  async function reserve(tx: Db, r: ReserveRequest): Promise<Reservation> {
    const repo = ledgerRepo(tx);
    const prior = await repo.findReservationByKey(r.idempotencyKey);
    if (prior) return replay(tx, prior.id, r.cells, prior.total);
    const cells = mergeCells(r.cells);
    const d = draft(r, cells, await priceChain(tx, r.accountId, cells));
    const now = deps.now();
    const posted = await post(tx, d.posting, now);
    if (posted.replayed) throw new AppError('CONFLICT', { reason: 'reservation key reused' });
    await repo.insertReservations([d.row(posted.transaction.id, now)], d.lines);
    return { ...d.reservation, lowCredit: posted.alerts > 0 };
  }

  /**
   * New reservations for several sends at once (group commit): each account's chain and prices
   * read once, every wallet locked once. Each request is admitted or refused (INSUFFICIENT_CREDIT
   * …) in order, as `reserve` would answer it alone; the admitted requests of one account then
   * share one reservation and one ledger transaction, whose lines count all their messages (the
   * engine settles and releases by counts, so any send of the account draws on it). Each request
   * is answered with its own unit prices and total.
   */
  async function reserveMany(tx: Db, rs: ReserveRequest[]): Promise<Array<Reservation | AppError>> {
    const chains = new Map<string, Promise<Awaited<ReturnType<typeof loadChain>>>>();
    type Draft = ReturnType<typeof draft>;
    const drafts: Array<Draft | AppError> = [];
    for (const r of rs) {
      try {
        const cells = mergeCells(r.cells);
        if (!chains.has(r.accountId)) chains.set(r.accountId, loadChain(tx, r.accountId));
        drafts.push(draft(r, cells, priceLevels(await chains.get(r.accountId)!, cells)));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        drafts.push(err);
      }
    }
    const pending = drafts.filter((d): d is Draft => !(d instanceof AppError));
    const now = deps.now();
    // One reservation per account, named after its first admitted request's draft.
    const shared = new Map<string, string>();
    const reservationOf = (d: Draft) => shared.get(d.accountId)!;
    const posted = await postMany(tx, pending.map((d) => d.posting), now, {
      key: (i) => {
        const d = pending[i];
        if (!shared.has(d.accountId)) shared.set(d.accountId, d.reservation.reservationId);
        return d.accountId;
      },
      header: (members) => {
        const id = reservationOf(pending[members[0]]);
        const messages = members.reduce((n, i) => n + pending[i].messages, 0);
        return { type: 'send_reserve', idempotencyKey: `reserve:sends:${id}`, actorId: pending[members[0]].accountId, reference: id, params: { messages } };
      },
    });
    const rows = new Map<string, ReturnType<Draft['row']>>();
    const lines = new Map<string, ReservationLine>();
    // a shared reservation numbers its cells in the order they first appear (a line per level)
    const cellsOf = new Map<string, Map<string, number>>();
    pending.forEach((d, i) => {
      const p = posted[i];
      if (p instanceof AppError) return;
      const id = reservationOf(d);
      const own = d.row(p.transaction.id, now);
      const row = rows.get(id);
      if (row) row.total += own.total;
      else rows.set(id, { ...own, id, idempotencyKey: `sends:${id}` });
      let cells = cellsOf.get(id);
      if (!cells) cellsOf.set(id, (cells = new Map()));
      for (const l of d.lines) {
        const ck = cellKey(l);
        if (!cells.has(ck)) cells.set(ck, cells.size);
        const k = `${id}|${l.level}|${ck}`;
        const prior = lines.get(k);
        if (!prior) lines.set(k, { ...l, reservationId: id, cell: cells.get(ck)! });
        else if (prior.unitPrice !== l.unitPrice) throw new Error(`reservation ${id}: one cell priced ${prior.unitPrice} and ${l.unitPrice} in one transaction`);
        else prior.count += l.count;
      }
    });
    if (rows.size) await ledgerRepo(tx).insertReservations([...rows.values()], [...lines.values()]);
    const answers = new Map(pending.map((d, i) => [d, posted[i]]));
    return drafts.map((d) => {
      if (d instanceof AppError) return d;
      const p = answers.get(d)!;
      return p instanceof AppError ? p : { ...d.reservation, reservationId: reservationOf(d), lowCredit: p.alerts > 0 };
    });
  }

  /** The cells' counts per reservation cell and the legs that close them (settle: to the payee; release: back to the payer). */
  function closing(reservationId: string, lines: ReservationLine[], cells: CountedCell[], mode: CloseMode) {
    const cellByKey = new Map(lines.filter((l) => l.level === 0).map((l) => [cellKey(l), l.cell]));
    const counts = new Map<number, number>();
    for (const c of cells) {
      const cell = cellByKey.get(cellKey(c));
      if (cell === undefined) throw new Error(`reservation ${reservationId} has no cell ${cellKey(c)}`);
      counts.set(cell, (counts.get(cell) ?? 0) + c.count);
    }
    const legs: Leg[] = [];
    for (const l of lines) {
      const n = counts.get(l.cell);
      if (!n) continue;
      if (l.settled + l.released + n > l.count) throw new Error(`reservation ${reservationId} cell ${l.cell}: closing ${n} of ${l.count - l.settled - l.released} open`);
      const amount = l.unitPrice * BigInt(n);
      legs.push({ walletId: l.payerWallet, bucket: 'held', amount: -amount });
      legs.push({ walletId: mode === 'settle' ? l.payeeWallet : l.payerWallet, bucket: 'available', amount });
    }
    const posting = (idempotencyKey: string): PostInput => ({
      type: mode === 'settle' ? 'settle' : 'refund', idempotencyKey, actorId: null, reference: reservationId, legs,
      params: { messages: [...counts.values()].reduce((a, b) => a + b, 0) },
    });
    return { counts, posting };
  }

  /** Spends (settle) or gives back (release) the reserved money of `cells` recipient messages. */
  async function close(tx: Db, reservationId: string, cells: CountedCell[], mode: CloseMode, idempotencyKey?: string): Promise<{ amount: bigint }> {
    const repo = ledgerRepo(tx);
    const lines = await repo.reservationLines(reservationId, true);
    if (!lines.length) {
      if (!(await repo.reservationExists(reservationId))) throw new AppError('NOT_FOUND');
      return { amount: 0n };
    }
    const { counts, posting } = closing(reservationId, lines, cells, mode);
    const posted = await post(tx, posting(idempotencyKey ?? `${mode}:${reservationId}:${newId('tx')}`), deps.now());
    if (posted.replayed) return { amount: 0n };
    await repo.addLineCounts(reservationId, [...counts].map(([cell, n]) => (mode === 'settle' ? { cell, settled: n, released: 0 } : { cell, settled: 0, released: n })));
    const own = lines.filter((l) => l.level === 0).reduce((s, l) => s + l.unitPrice * BigInt(counts.get(l.cell) ?? 0), 0n);
    return { amount: own };
  }

  /**
   * Settles and releases for many reservations at once (a flush of receipts): the lines of all of
   * them read and locked in one statement, one ledger transaction per reservation and mode written
   * with postMany, the lines' counts in one statement — the same postings `close` makes one by one.
   */
  async function closeMany(tx: Db, closings: { reservationId: string; cells: CountedCell[]; mode: CloseMode }[]): Promise<void> {
    if (!closings.length) return;
    const repo = ledgerRepo(tx);
    const lines = await repo.reservationLinesOf([...new Set(closings.map((c) => c.reservationId))], true);
    const linesOf = new Map<string, ReservationLine[]>();
    for (const l of lines) linesOf.set(l.reservationId, [...(linesOf.get(l.reservationId) ?? []), l]);
    const postings: PostInput[] = [];
    const changes = new Map<string, { reservationId: string; cell: number; settled: number; released: number }>();
    for (const c of closings) {
      const own = linesOf.get(c.reservationId);
      // none: a reservation without lines, or none at all; close answers both as it does alone
      if (!own) {
        await close(tx, c.reservationId, c.cells, c.mode);
        continue;
      }
      const { counts, posting } = closing(c.reservationId, own, c.cells, c.mode);
      postings.push(posting(`${c.mode}:${c.reservationId}:${newId('tx')}`));
      for (const [cell, n] of counts) {
        const k = `${c.reservationId}|${cell}`;
        const ch = changes.get(k) ?? { reservationId: c.reservationId, cell, settled: 0, released: 0 };
        if (c.mode === 'settle') ch.settled += n;
        else ch.released += n;
        changes.set(k, ch);
      }
    }
    // the same reservation closed twice in one call is checked against its lines as a whole
    for (const ch of changes.values()) {
      const l = linesOf.get(ch.reservationId)!.find((x) => x.cell === ch.cell)!;
      if (l.settled + l.released + ch.settled + ch.released > l.count) throw new Error(`reservation ${ch.reservationId} cell ${ch.cell}: closing more than is open`);
    }
    const posted = await postMany(tx, postings, deps.now());
    const refused = posted.find((p) => p instanceof AppError);
    if (refused) throw refused;
    await repo.addLineCountsOf([...changes.values()]);
  }

  /**
   * A received message: the receiver pays its parent's receive price, the parent its own parent's,
   * up to the platform. Returns what the receiver paid; null when a level is short of credit — the
   * message is kept anyway (never lost for money), unpaid. A savepoint keeps the caller's
   * transaction usable after such a refusal.
   */
  async function chargeReceive(tx: Db, accountId: string, reference: string): Promise<bigint | null> {
    const chain = await ledgerRepo(tx).chain(accountId);
    if (chain.length < 2) return 0n;
    const payers = chain.slice(0, -1);
    const { lists, ceiling } = await groupRepo(tx).priceLists(payers.map((p) => p.groupId!).filter(Boolean));
    const listed = payers.map((p) => (p.groupId ? lists.get(p.groupId)?.receivePrice : undefined) ?? 0n);
    // A received message is never refused for its price: a level above the ceiling over its
    // agency's own cost (left there by a later change of the ceiling) is charged the ceiling.
    const prices = listed.map((p, i) => (i + 1 < listed.length && p > priceCeiling(listed[i + 1], 1, ceiling) ? priceCeiling(listed[i + 1], 1, ceiling) : p));
    if (prices.every((p) => p === 0n)) return 0n;
    const legs: Leg[] = payers.flatMap((p, i) => [
      { walletId: p.walletId, bucket: 'available' as const, amount: -prices[i] },
      { walletId: chain[i + 1].walletId, bucket: 'available' as const, amount: prices[i] },
    ]);
    try {
      await withSavepoint(tx, 'receive_charge', () => post(tx, { type: 'settle', idempotencyKey: `receive:${reference}`, actorId: null, params: { kind: 'receive' }, reference, legs, shortError: () => new AppError('INSUFFICIENT_CREDIT') }, deps.now()));
      return prices[0];
    } catch (err) {
      if (err instanceof AppError && err.code === 'INSUFFICIENT_CREDIT') return null;
      throw err;
    }
  }

  /**
   * Locks the lines of these reservations, then every wallet they pay from or to, each in id
   * order, before any is closed. Closing one reservation locks its lines and then its wallets;
   * two transactions closing several (a child's and its sibling's, both paying their parent)
   * would otherwise each hold what the other waits for. PGlite runs one transaction at a time.
   */
  async function lockForClosing(tx: Db, reservationIds: string[]): Promise<void> {
    if (tx.kind !== 'pg' || !reservationIds.length) return;
    const lines = await ledgerRepo(tx).reservationLinesOf(reservationIds, true);
    const wallets = [...new Set(lines.flatMap((l) => [l.payerWallet, l.payeeWallet]))];
    if (wallets.length) await ledgerRepo(tx).lockWallets(wallets);
  }

  return {
    quote,
    reserve,
    reserveMany,
    lockForClosing,
    closeMany,
    chargeReceive,
    /** The operator took these recipient messages: each level's held money goes to its parent. */
    settle: async (tx: Db, reservationId: string, cells: CountedCell[], idempotencyKey?: string): Promise<void> => {
      await close(tx, reservationId, cells, 'settle', idempotencyKey);
    },
    /** Refunded (per the line's policy) or never sent: each level's held money goes back to it. */
    release: async (tx: Db, reservationId: string, cells: CountedCell[], idempotencyKey?: string): Promise<void> => {
      await close(tx, reservationId, cells, 'release', idempotencyKey);
    },
  };
}

/** Cells with the same key counted together, so one reservation line serves them all. */
function mergeCells(cells: CountedCell[]): CountedCell[] {
  const byKey = new Map<string, CountedCell>();
  for (const c of cells) {
    if (!Number.isInteger(c.count) || c.count <= 0 || !Number.isInteger(c.parts) || c.parts <= 0) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'cells' }] });
    const k = cellKey(c);
    const prior = byKey.get(k);
    if (prior) prior.count += c.count;
    else byKey.set(k, { ...c });
  }
  return [...byKey.values()];
}
