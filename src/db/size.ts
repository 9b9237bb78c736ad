// How much room the database takes: the embedded database's data folder as it lies on disk (its
// WAL included), or what PostgreSQL reports for this database.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './driver.ts';

export async function databaseBytes(db: Db): Promise<number> {
  const dir = (db as { dataDir?: string }).dataDir;
  if (db.kind === 'pglite' && dir) return folderBytes(dir);
  const { rows } = await db.query<{ n: bigint | string }>('SELECT pg_database_size(current_database()) AS n');
  return Number(rows[0].n);
}

/** Every file under dir, read with one stat each (asynchronously: the folder can hold thousands). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}
