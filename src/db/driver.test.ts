import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';
import { openPglite } from './pglite.ts';
import { unreachable } from './driver.ts';

describe('the Db interface', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb({ migrate: false });
    await db.exec('CREATE TABLE t (id int8 PRIMARY KEY, v text)');
  });
  afterAll(() => db.close());

  it('counts rows alike on both drivers: selected, changed, and returned', async () => {
    expect((await db.query("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')")).rowCount).toBe(3);
    expect((await db.query('SELECT * FROM t WHERE id > 1')).rowCount).toBe(2);
    expect((await db.query('SELECT * FROM t WHERE id > 9')).rowCount).toBe(0);
    expect((await db.query("UPDATE t SET v = 'x' WHERE id < 3")).rowCount).toBe(2);
    expect((await db.query('DELETE FROM t WHERE id = 3 RETURNING id')).rowCount).toBe(1);
  });

  it('reads int8 as bigint', async () => {
    const { rows } = await db.query<{ n: bigint }>('SELECT 9007199254740993::int8 AS n');
    expect(rows[0].n).toBe(9007199254740993n);
  });

  it('rolls a failed transaction back whole', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (10, 'kept?')");
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect((await db.query('SELECT 1 FROM t WHERE id = 10')).rowCount).toBe(0);
  });
});

describe('unreachable', () => {
  it('tells a database that cannot be reached from an error of one statement', async () => {
    const closed = await openPglite(undefined);
    await closed.close();
    const afterClose = await closed.query('SELECT 1').catch((err: unknown) => err);
    expect(unreachable(afterClose)).toBe(true);
    const db = await freshDb({ migrate: false });
    const statementError = await db.query('SELECT 1/0').catch((err: unknown) => err);
    await db.close();
    expect(unreachable(statementError)).toBe(false);
    expect(unreachable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(unreachable(Object.assign(new Error('x'), { code: '53100' }))).toBe(true);
    expect(unreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(unreachable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});
