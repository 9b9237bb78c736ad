// A fresh, migrated database for one test file: in-memory PGlite by default, or a throwaway
// database on the PostgreSQL server named by TEST_DATABASE_URL (CI's second run).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/db/driver.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPg } from '../../src/db/pg.ts';
import { migrate } from '../../src/db/migrate.ts';

export type TestDb = Db & { url: string | undefined };

export async function freshDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let db: Db;
  let url: string | undefined;
  let drop: (() => Promise<void>) | null = null;
  if (!serverUrl) {
    db = await openPglite(undefined);
  } else {
    const name = `chapar_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    db = await openPg(url, 20);
    drop = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  if (opts.migrate !== false) await migrate(db);
  const close = db.close;
  return Object.assign(db, {
    url,
    async close() {
      await close.call(db);
      if (drop) await drop();
    },
  });
}
