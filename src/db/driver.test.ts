import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../../test/helpers/db.ts';

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
