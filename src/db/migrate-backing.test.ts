// Migration 0022 backs the credit limits agencies granted before backing existed: from the
// agency's balance where it can pay; where it cannot, each child's limit first falls to what the
// child owes; what still cannot be backed is left for reconcile() to report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';
import { ledgerRepo } from '../modules/billing/repo.ts';
import { loadMigrations, migrate } from './migrate.ts';

/** id, kind, parent, depth, balance, credit limit: accounts and wallets as the code before 0022 left them. */
type Seeded = [string, string, string | null, number, bigint, bigint];

async function seed(db: TestDb, accounts: Seeded[]) {
  const path = new Map<string, string>();
  for (const [id, kind, parent, depth, balance, limit] of accounts) {
    path.set(id, `${parent ? path.get(parent) : '/'}${id}/`);
    await db.query(`INSERT INTO accounts (id, kind, parent_id, path, depth, username, password_hash, mobile) VALUES ($1, $2, $3, $4, $5, $6, 'x', '+989120000000')`, [id, kind, parent, path.get(id), depth, id.replace('acc_', 'u')]);
    await db.query('INSERT INTO wallets (id, account_id, kind, balance, credit_limit) VALUES ($1, $2, $3, $4, $5)', [`wal_${id}`, id, kind === 'platform' ? 'issuance' : 'account', balance.toString(), limit.toString()]);
  }
}

describe('migration 0022 on limits granted before backing', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb({ migrate: false });
  });
  afterAll(() => db.close());

  it('backs what each agency can afford, lowers what it cannot to the debt, reports the rest', async () => {
    const all = await loadMigrations();
    await migrate(db, all.filter((m) => m.version <= 21));
    const accounts: Seeded[] = [
      ['acc_p', 'platform', null, 0, 0n, 0n],
      ['acc_rich', 'agency', 'acc_p', 1, 1000n, 0n],
      ['acc_r1', 'user', 'acc_rich', 2, -100n, 300n],
      ['acc_r2', 'user', 'acc_rich', 2, 0n, 200n],
      ['acc_poor', 'agency', 'acc_p', 1, 50n, 0n],
      ['acc_p1', 'user', 'acc_poor', 2, -30n, 1000n],
      ['acc_broke', 'agency', 'acc_p', 1, 0n, 0n],
      ['acc_b1', 'user', 'acc_broke', 2, -40n, 40n],
      ['acc_direct', 'user', 'acc_p', 1, -70n, 500n],
    ];
    await seed(db, accounts);
    await migrate(db, all);
    const { rows } = await db.query<{ account_id: string; balance: bigint; backing: bigint; credit_limit: bigint }>('SELECT account_id, balance, backing, credit_limit FROM wallets ORDER BY account_id');
    const by = new Map(rows.map((r) => [r.account_id, r]));
    expect(by.get('acc_rich')).toMatchObject({ balance: 500n, backing: 500n });
    expect(by.get('acc_r1')).toMatchObject({ credit_limit: 300n });
    expect(by.get('acc_poor')).toMatchObject({ balance: 20n, backing: 30n });
    expect(by.get('acc_p1')).toMatchObject({ credit_limit: 30n });
    expect(by.get('acc_broke')).toMatchObject({ balance: 0n, backing: 0n });
    // the platform's grants are not backed: credit enters the tree there
    expect(by.get('acc_p')).toMatchObject({ backing: 0n });
    expect(by.get('acc_direct')).toMatchObject({ credit_limit: 500n });
    const r = await ledgerRepo(db).reconcile();
    expect(r.unbackedCredit).toEqual([{ accountId: 'acc_broke', backing: 0n, granted: 40n }]);
    expect(r.unbalancedTransactions).toEqual([]);
    const entries = await db.query<{ wallet_id: string; bucket: string; amount: bigint }>("SELECT wallet_id, bucket, amount FROM ledger_entries ORDER BY wallet_id, bucket");
    expect(entries.rows).toEqual([
      { wallet_id: 'wal_acc_poor', bucket: 'available', amount: -30n },
      { wallet_id: 'wal_acc_poor', bucket: 'backing', amount: 30n },
      { wallet_id: 'wal_acc_rich', bucket: 'available', amount: -500n },
      { wallet_id: 'wal_acc_rich', bucket: 'backing', amount: 500n },
    ]);
  });
});

describe('migration 0022 on a chain of agencies that grant credit', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb({ migrate: false });
  });
  afterAll(() => db.close());

  it('settles a parent before its sub-agency, so the sub-agency backs from the limit it has after', async () => {
    const all = await loadMigrations();
    await migrate(db, all.filter((m) => m.version <= 21));
    // ids sort the sub-agency after its parent and before it too: depth decides
    const accounts: Seeded[] = [
      ['acc_p', 'platform', null, 0, 0n, 0n],
      ['acc_z', 'agency', 'acc_p', 1, 0n, 0n],
      ['acc_a', 'agency', 'acc_z', 2, 0n, 1000n],
      ['acc_u', 'user', 'acc_a', 3, 0n, 500n],
    ];
    await seed(db, accounts);
    await migrate(db, all);
    const { rows } = await db.query<{ account_id: string; balance: bigint; backing: bigint; credit_limit: bigint }>('SELECT account_id, balance, backing, credit_limit FROM wallets ORDER BY account_id');
    expect(rows.map((r) => [r.account_id, r.balance, r.backing, r.credit_limit])).toEqual([
      ['acc_a', 0n, 0n, 0n],
      ['acc_p', 0n, 0n, 0n],
      ['acc_u', 0n, 0n, 0n],
      ['acc_z', 0n, 0n, 0n],
    ]);
    expect((await ledgerRepo(db).reconcile()).unbackedCredit).toEqual([]);
  });
});
