// A view of a transaction that answers a repeated read from memory: the group commit of sends
// (messages/accept.ts) evaluates dozens of sends of one account in one transaction, and each
// would read the same policy, words, KYC state and list flags. Only plain SELECTs are kept
// (never FOR UPDATE); anything else goes through, so the view is only for a phase that reads.
import type { Db, QueryResult, Row } from './driver.ts';

const plainSelect = /^\s*select\b/i;
const locking = /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i;

export function readMemo(db: Db): Db {
  const kept = new Map<string, Promise<QueryResult<Row>>>();
  const view: Db = {
    kind: db.kind,
    query<T extends Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      if (!plainSelect.test(sql) || locking.test(sql)) return db.query<T>(sql, params);
      const key = `${sql}\u0000${JSON.stringify(params ?? [], (_k, v: unknown) => (typeof v === 'bigint' ? { bigint: v.toString() } : v))}`;
      let hit = kept.get(key);
      if (!hit) {
        hit = db.query<Row>(sql, params);
        kept.set(key, hit);
        hit.catch(() => kept.delete(key));
      }
      // each reader its own rows: callers may change what they get
      return hit.then((r) => ({ rows: structuredClone(r.rows) as T[], rowCount: r.rowCount }));
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(() => fn(view)),
    close: () => db.close(),
  };
  return view;
}
