// Where one single-recipient send spends its time: sequential sends, each top-level query timed
// (the queries inside its transactions too).
//   npx tsx bench/profile-send.ts [sends=200]
import type { Db } from '../src/db/driver.ts';
import { freshChapar, machine, numbers } from './common.ts';

const n = Number(process.argv[2] ?? 200);
const c = await freshChapar({ engine: false });
const db = c.chapar.services.db;
const stats = new Map<string, { count: number; ms: number }>();
let counting = false;
// Every query is timed, the ones inside a transaction too (each is awaited before the next).
function timed(q: Db['query']): Db['query'] {
  return (async (sql: string, params?: readonly unknown[]) => {
    const t0 = performance.now();
    try {
      return await q(sql, params);
    } finally {
      if (counting) {
        const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
        const s = stats.get(key) ?? { count: 0, ms: 0 };
        s.count++;
        s.ms += performance.now() - t0;
        stats.set(key, s);
      }
    }
  }) as Db['query'];
}
const wrap = (d: Db): Db => ({ ...d, query: timed(d.query.bind(d)), transaction: (fn) => d.transaction((tx) => fn(wrap(tx))) });
const w = wrap(db);
(db as { query: Db['query'] }).query = w.query;
const transaction = db.transaction.bind(db);
(db as { transaction: Db['transaction'] }).transaction = (fn) => transaction((tx) => fn(wrap(tx)));
const to = numbers(n);
await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[0]], text: 'warm up', class: 'otp' });
counting = true;
const started = performance.now();
for (let i = 1; i < n; i++) await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[i]], text: 'کد تأیید شما: 48213', class: 'otp' });
const per = (performance.now() - started) / (n - 1);
console.log(`machine: ${machine()}`);
console.log(`${(per).toFixed(2)} ms per send (sequential); queries per send: ${([...stats.values()].reduce((s, x) => s + x.count, 0) / (n - 1)).toFixed(1)}`);
for (const [k, v] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${(v.ms / (n - 1)).toFixed(2)} ms  ×${(v.count / (n - 1)).toFixed(1)}  ${k}`);
await c.chapar.stop();
process.exit(0);
