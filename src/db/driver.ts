// The one database interface every module uses. Two drivers implement it: PGlite (embedded,
// single connection, file-backed) and PostgreSQL through `pg`. Both speak the same SQL.

export type Row = Record<string, unknown>;

export type QueryResult<T extends Row = Row> = { rows: T[]; rowCount: number };

export type Db = {
  readonly kind: 'pglite' | 'pg';
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /** Runs fn inside BEGIN … COMMIT on one connection; nested calls reuse the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Calls onNotify for each NOTIFY on the channel (payload as sent), on the whole database, not a
   * transaction's connection; returns a function that stops listening. A lost connection is
   * reopened in the background, so notifications sent meanwhile are missed: a listener that must
   * not miss a change also polls.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
};

/** Errors that are the database's, not a statement's: the same for every transaction tried now. */
const unreachableMessages = /connection terminated|not queryable|after calling end|timeout exceeded when trying to connect|pglite is clos|connection refused/i;

/**
 * The database cannot be reached or cannot write: PostgreSQL's connection errors (class 08), an
 * administrator or crash shutdown (57P01–57P03), lack of resources (class 53), a read-only server
 * after a failover (25006), the socket's errors, and the drivers' own (a closed pool or PGlite).
 */
export function unreachable(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (code.startsWith('08') || code.startsWith('53') || ['57P01', '57P02', '57P03', '25006', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  return unreachableMessages.test(String((err as { message?: unknown } | null)?.message ?? ''));
}

/** A bigint column (int8) arrives as a string from pg and as a bigint from PGlite; normalise it. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  if (value === null || value === undefined) return 0n;
  throw new TypeError(`not an integer: ${String(value)}`);
}

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
