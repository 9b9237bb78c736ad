// Processes that start together on one new PostgreSQL database (an API, a dispatcher, …) must not
// each create the platform admin or the default connector: the first-start steps run under one
// advisory lock, held by a transaction of its own while they run on other connections.
import type { Db } from './driver.ts';

// An arbitrary constant, like migrate.ts's.
const STARTUP_LOCK = 720_1405;

export async function withStartupLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  // PGlite: one process, one connection (the data folder is locked); a transaction held open
  // here would stop fn's own queries.
  if (db.kind !== 'pg') return fn();
  let out: T | undefined;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [STARTUP_LOCK]);
    out = await fn();
  });
  return out as T;
}
