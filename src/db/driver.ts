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
};

/** The database cannot be reached: PostgreSQL's connection errors (class 08, admin shutdown) or the socket's. */
export function unreachable(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
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
