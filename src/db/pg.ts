import pg from 'pg';
import type { Db, QueryResult, Row } from './driver.ts';

// int8 as bigint: money never passes through a float.
pg.types.setTypeParser(20, (v: string) => BigInt(v));

type Queryable = { query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> };

function run<T extends Row>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  return q.query(sql, params as unknown[] | undefined).then((r) => ({ rows: r.rows as T[], rowCount: r.rowCount ?? 0 }));
}

function clientDb(client: pg.PoolClient): Db {
  const db: Db = {
    kind: 'pg',
    query: (sql, params) => run(client, sql, params),
    exec: async (sql) => {
      await client.query(sql);
    },
    transaction: (fn) => fn(db),
    close: async () => {},
  };
  return db;
}

export async function openPg(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's connection can drop (server restart, a dropped test database); without a
  // listener the pool rethrows that as an uncaught exception. The next checkout reconnects.
  pool.on('error', () => {});
  // Fail at start, with the server's own message, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'pg',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    listen: (channel, onNotify) => listenPg(url, channel, onNotify),
    close: () => pool.end(),
  };
}

/** LISTEN needs a connection of its own, outside the pool, kept open (and reopened) while listening. */
async function listenPg(url: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let opened = false;
  let retry: NodeJS.Timeout | null = null;
  const open = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify(n.payload ?? '');
    });
    c.on('error', () => {});
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped && opened) retry ??= setTimeout(reopen, 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    opened = true;
    if (stopped) await c.end();
    else client = c;
  };
  const reopen = () => {
    retry = null;
    if (!stopped) open().catch(() => (retry ??= setTimeout(reopen, 1000)));
  };
  await open();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => {});
    client = null;
  };
}
