import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult, Row } from './driver.ts';

// PGlite reports affectedRows 0 for a SELECT; node-postgres's rowCount is the number of rows
// returned. Both drivers answer like node-postgres.
const rowCount = (r: { affectedRows?: number; rows: unknown[] }) => Math.max(r.affectedRows ?? 0, r.rows.length);

// int8 as bigint: money never passes through a float.
const parsers = { [types.INT8]: (v: string) => BigInt(v) };

function wrapTx(tx: Transaction): Db {
  const db: Db = {
    kind: 'pglite',
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      const r = await tx.query<T>(sql, params as unknown[] | undefined, { parsers });
      return { rows: r.rows, rowCount: rowCount(r) } satisfies QueryResult<T>;
    },
    async exec(sql: string) {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(db),
    close: async () => {},
  };
  return db;
}

export type PgliteDb = Db & { readonly raw: PGlite };

/** dataDir undefined = in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<PgliteDb> {
  const pg = await PGlite.create(dataDir ? { dataDir } : {});
  return {
    raw: pg,
    kind: 'pglite',
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      const r = await pg.query<T>(sql, params as unknown[] | undefined, { parsers });
      return { rows: r.rows, rowCount: rowCount(r) };
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    transaction: (fn) => pg.transaction((tx) => fn(wrapTx(tx))),
    close: () => pg.close(),
  };
}
