// What the message engine needs from billing. Billing owns every rial of arithmetic; the engine
// only groups recipients into price cells and passes counts.
import type { Db } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { MessageClass } from './types.ts';

export type PriceCell = { operator: string; lineType: string; messageClass: MessageClass; alphabet: 'gsm7' | 'ucs2'; parts: number };
export type CountedCell = PriceCell & { count: number };

export type LevelAmount = { accountId: string; kind: string; amount: bigint };

/** `lowCredit`: the reservation took a wallet below its alert level; an alert row awaits sending. */
export type Reserved = { reservationId: string; unitPrices: bigint[]; total: bigint; lowCredit?: boolean };

export type ChargingPort = {
  /** The price of one recipient message in each cell for this account, and the levels it may see (its own). */
  quote(accountId: string, cells: CountedCell[], db?: Db): Promise<{ unitPrices: bigint[]; total: bigint; levels: LevelAmount[] }>;
  /** Reserves the whole send at every level up the tree, in tx; throws INSUFFICIENT_CREDIT. */
  reserve(tx: Db, r: { accountId: string; idempotencyKey: string; cells: CountedCell[] }): Promise<Reserved>;
  /** Several new reservations at once (group commit): each its reservation or its own error. */
  reserveMany(tx: Db, rs: { accountId: string; idempotencyKey: string; cells: CountedCell[] }[]): Promise<Array<Reserved | Error>>;
  /** The sender's own wallet: a quote says whether its credit covers the send. */
  getWallet?(scope: Scope): Promise<{ balance: bigint; creditLimit: bigint; kind: string }>;
  /** Sends the low-credit alerts that committed reservations wrote (call after the commit). */
  deliverLowCreditAlerts?(): Promise<number>;
  /** Locks what closing these reservations takes (their lines, then their wallets), in id order: call before closing several. */
  lockForClosing?(tx: Db, reservationIds: string[]): Promise<void>;
  /**
   * Closes these messages' reservations, all in tx: `settle`, the operator took them (the reserved
   * money is spent); `release`, refunded or never sent (it goes back, at every level).
   */
  closeMany(tx: Db, closings: { reservationId: string; cells: CountedCell[]; mode: 'settle' | 'release' }[]): Promise<void>;
  /** A received message's price at every level; null when unpaid for lack of credit. */
  chargeReceive?(tx: Db, accountId: string, reference: string): Promise<bigint | null>;
};
