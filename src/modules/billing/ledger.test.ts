import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import { post } from './ledger.ts';
import { walletIdOf } from './repo.ts';
import { ledgerProblems, moneyWorld } from './testing.ts';

type World = Awaited<ReturnType<typeof moneyWorld>>;
const cell = { operator: 'mci', lineType: '1000', messageClass: 'otp', alphabet: 'ucs2' as const, parts: 1 };

describe('the ledger', () => {
  let w: World;
  let agency: Account;
  let user: Account;

  beforeAll(async () => {
    w = await moneyWorld();
    agency = await w.child(w.platform, 'agency');
    user = await w.child(agency, 'user');
    const [pg] = await w.billing.listGroups(scopeOf(w.platform));
    await w.billing.updateGroup(w.platform, pg.id, { basePrice: 60n });
    const [ag] = await w.billing.listGroups(scopeOf(agency));
    await w.billing.updateGroup(agency, ag.id, { basePrice: 100n });
  });
  afterEach(async () => expect(await ledgerProblems(w.db)).toEqual([]));
  afterAll(() => w.close());

  it('gives every account a wallet at birth, the platform’s being the issuance wallet', async () => {
    expect((await w.billing.getWallet(scopeOf(w.platform))).kind).toBe('issuance');
    const u = await w.billing.getWallet(scopeOf(user));
    expect(u).toMatchObject({ kind: 'account', balance: 0n, reserved: 0n, creditLimit: 0n });
    const [defaultGroup] = await w.billing.listGroups(scopeOf(agency));
    expect(u.groupId).toBe(defaultGroup.id);
  });

  it('refuses, in the database, a transaction whose entries do not sum to zero', async () => {
    const attempt = w.db.transaction(async (tx) => {
      await tx.query("INSERT INTO ledger_transactions (id, type, idempotency_key) VALUES ('tx_bad', 'adjustment', 'bad')");
      await tx.query("INSERT INTO ledger_entries (transaction_id, wallet_id, bucket, amount, balance_after) VALUES ('tx_bad', $1, 'available', 5, 5)", [walletIdOf(user.id)]);
    });
    await expect(attempt).rejects.toThrow(/does not sum to zero/);
    expect((await w.db.query("SELECT 1 FROM ledger_transactions WHERE id = 'tx_bad'")).rowCount).toBe(0);
  });

  it('refuses to change or delete an entry', async () => {
    await w.billing.transfer(w.platform, agency.id, 1000n, 'seed');
    await expect(w.db.query('UPDATE ledger_entries SET amount = amount + 1')).rejects.toThrow(/append-only/);
    await expect(w.db.query('DELETE FROM ledger_entries')).rejects.toThrow(/append-only/);
    await expect(w.db.query('DELETE FROM ledger_transactions')).rejects.toThrow(/append-only/);
  });

  it('refuses, in the database, a wallet below its credit limit even when the code forgets to check', async () => {
    await expect(w.db.query('UPDATE wallets SET balance = -1 WHERE id = $1', [walletIdOf(user.id)])).rejects.toThrow(/check constraint/);
  });

  it('reconcile() reports a wallet whose stored balance disagrees with its entries', async () => {
    await w.db.query('UPDATE wallets SET balance = balance + 7 WHERE id = $1', [walletIdOf(agency.id)]);
    const problems = (await w.billing.reconcile()).wallets;
    expect(problems).toEqual([expect.objectContaining({ accountId: agency.id, balance: 1007n, ledgerBalance: 1000n })]);
    await w.db.query('UPDATE wallets SET balance = balance - 7 WHERE id = $1', [walletIdOf(agency.id)]);
    expect((await w.billing.reconcile()).wallets).toEqual([]);
  });

  it('posts a key once: a retry returns the first transaction', async () => {
    const legs = [
      { walletId: walletIdOf(w.platform.id), bucket: 'available' as const, amount: -50n },
      { walletId: walletIdOf(agency.id), bucket: 'available' as const, amount: 50n },
    ];
    const a = await w.db.transaction((tx) => post(tx, { type: 'adjustment', idempotencyKey: 'adj-1', actorId: null, legs }, w.clock.now()));
    const b = await w.db.transaction((tx) => post(tx, { type: 'adjustment', idempotencyKey: 'adj-1', actorId: null, legs }, w.clock.now()));
    expect(b).toMatchObject({ replayed: true, transaction: { id: a.transaction.id } });
    expect((await w.billing.getWallet(scopeOf(agency))).balance).toBe(1050n);
  });

  it('lets a parent take back only unused credit, never below the child’s zero', async () => {
    await w.billing.transfer(agency, user.id, 300n, 'x');
    await expect(w.billing.transfer(agency, user.id, -301n, 'too much')).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    await w.billing.setCreditLimit(agency, user.id, 500n);
    await expect(w.billing.transfer(agency, user.id, -301n, 'still too much')).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    await w.billing.transfer(agency, user.id, -300n, 'all of it');
    expect((await w.billing.getWallet(scopeOf(user))).balance).toBe(0n);
  });

  it('will not lower a limit below what the account already owes', async () => {
    await w.billing.setCreditLimit(agency, user.id, 500n);
    const r = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'owe', cells: [{ ...cell, count: 3 }] }));
    await expect(w.billing.setCreditLimit(agency, user.id, 200n)).rejects.toMatchObject({ code: 'CREDIT_LIMIT_BELOW_DEBT' });
    await w.db.transaction((tx) => w.billing.release(tx, r.reservationId, [{ ...cell, count: 3 }]));
    await w.billing.setCreditLimit(agency, user.id, 0n);
  });

  it('alerts once per crossing of the low-credit threshold, and re-arms above it', async () => {
    await w.billing.transfer(w.platform, agency.id, 10_000n, 'x');
    await w.billing.transfer(agency, user.id, 1000n, 'x');
    await w.billing.setLowCreditThreshold(user, 500n);
    const sms = async () => (await w.db.query("SELECT body FROM notifications WHERE kind = 'low_credit' AND account_id = $1", [user.id])).rows;
    const send = (key: string, n: number) => w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: key, cells: [{ ...cell, count: n }] }));
    await send('low-1', 4); // 600 left: above
    await send('low-2', 2); // 400: crosses
    await send('low-3', 1); // 300: still below, no second alert
    await w.billing.deliverLowCreditAlerts();
    expect(await sms()).toHaveLength(1);
    expect((await sms())[0].body).toContain('۴۰۰ ریال');
    await w.billing.transfer(agency, user.id, 1000n, 'top up'); // 1300: re-armed
    await send('low-4', 9); // 400: crosses again
    await w.billing.deliverLowCreditAlerts();
    expect(await sms()).toHaveLength(2);
  });
});

describe('1,000 concurrent reservations on one wallet', () => {
  let w: World;
  afterAll(() => w.close());

  it('never go below the credit limit, and exactly as many succeed as the credit covers', async () => {
    w = await moneyWorld();
    const agency = await w.child(w.platform, 'agency');
    const user = await w.child(agency, 'user');
    const [ag] = await w.billing.listGroups(scopeOf(agency));
    await w.billing.updateGroup(agency, ag.id, { basePrice: 100n });
    await w.billing.transfer(w.platform, agency.id, 10_000_000n, 'plenty');
    await w.billing.transfer(agency, user.id, 10_000n, 'a little');
    await w.billing.setCreditLimit(agency, user.id, 5_050n);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: `c-${i}`, cells: [{ ...cell, count: 1 }] }))),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.every((r) => (r as PromiseRejectedResult).reason instanceof AppError && (r as PromiseRejectedResult).reason.code === 'INSUFFICIENT_CREDIT')).toBe(true);
    expect(results.length - failed.length).toBe(150);
    const wallet = await w.billing.getWallet(scopeOf(user));
    expect(wallet).toMatchObject({ balance: -5000n, reserved: 15_000n });
    expect(await ledgerProblems(w.db)).toEqual([]);
  }, 120_000);
});
