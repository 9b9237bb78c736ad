import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, QueryResult, Row } from './driver.ts';

// PGlite reports affectedRows 0 for a SELECT; node-postgres's rowCount is the number of rows
// returned. Both drivers answer like node-postgres.
const rowCount = (r: { affectedRows?: number; rows: unknown[] }) => Math.max(r.affectedRows ?? 0, r.rows.length);

// int8 as bigint: money never passes through a float. Given once to PGlite.create: passed with
// each query, PGlite copies its whole parser table per query (~0.1 ms each).
// bytea out as hex through Buffer, and in as the bytes themselves (a binary parameter, copied
// once): PGlite's own coding walks the bytes in JavaScript, and a 5 MB attachment held the event
// loop for seconds; a text parameter of any kind is walked character by character to be bound.
const bytes = (v: unknown) => (v instanceof Uint8Array ? v : String(v));
const parsers = { [types.INT8]: (v: string) => BigInt(v), [types.BYTEA]: (v: string) => Buffer.from(v.slice(2), 'hex') };
// PGlite's types say a serializer returns a string; its binder takes bytes as a binary parameter.
const serializers = { [types.BYTEA]: bytes as (v: unknown) => string };

function wrapTx(tx: Transaction): Db {
  const db: Db = {
    kind: 'pglite',
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      const r = await tx.query<T>(sql, params as unknown[] | undefined);
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

/** `dataDir`: the folder it runs from (undefined: in memory). */
export type PgliteDb = Db & { readonly raw: PGlite; readonly dataDir: string | undefined };

/**
 * A new data folder is initialised (initdb) in a worker thread that then exits: initdb's own
 * WASM memory (~400 MB) goes with the thread instead of staying in the server's heap until some
 * later garbage collection, so a first start uses as little memory as every later one.
 */
async function initDataDir(dataDir: string): Promise<void> {
  const code = `const { workerData, parentPort } = require('node:worker_threads');
    import(workerData.module).then(async ({ PGlite }) => { const pg = await PGlite.create({ dataDir: workerData.dataDir }); await pg.close(); parentPort.postMessage(null); })
      .catch((err) => parentPort.postMessage(String(err && err.stack || err)));`;
  const worker = new Worker(code, { eval: true, workerData: { dataDir, module: import.meta.resolve('@electric-sql/pglite') } });
  try {
    const failure = await new Promise<string | null>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (failure) throw new Error(`could not initialise the database in ${dataDir}: ${failure}`);
  } finally {
    await worker.terminate();
  }
}

/**
 * dataDir undefined = in memory (tests). PGlite's shared_buffers defaults to 128 MB, all of it in
 * the server's own memory; 32 MB holds the hot pages of the outbox and the ledger (the data
 * folder's files stay in the OS page cache), so a small install starts in ~100 MB less.
 */
export async function openPglite(dataDir: string | undefined, opts: { sharedBuffersMb?: number } = {}): Promise<PgliteDb> {
  if (dataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initDataDir(dataDir);
  const postgresqlconf = [`shared_buffers = ${opts.sharedBuffersMb ?? 32}MB`, `random_page_cost = 1.1`];
  const pg = await PGlite.create(dataDir ? { dataDir, postgresqlconf, parsers, serializers } : { postgresqlconf, parsers, serializers });
  return {
    raw: pg,
    dataDir,
    kind: 'pglite',
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      const r = await pg.query<T>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: rowCount(r) };
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    transaction: (fn) => pg.transaction((tx) => fn(wrapTx(tx))),
    listen: async (channel, onNotify) => {
      const unlisten = await pg.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => pg.close(),
  };
}
