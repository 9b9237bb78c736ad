// Where one single-recipient send spends its time: sequential sends, each top-level query timed
// (queries inside a transaction are not seen by this hook).
//   npx tsx bench/profile-send.ts [sends=200]
import { freshChapar, machine, numbers } from './common.ts';

const n = Number(process.argv[2] ?? 200);
const c = await freshChapar({ engine: false });
const db = c.chapar.services.db;
const stats = new Map<string, { count: number; ms: number }>();
const original = db.query.bind(db);
let counting = false;
(db as { query: typeof db.query }).query = async (sql, params) => {
  const t0 = performance.now();
  try {
    return await original(sql, params);
  } finally {
    if (counting) {
      const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
      const s = stats.get(key) ?? { count: 0, ms: 0 };
      s.count++;
      s.ms += performance.now() - t0;
      stats.set(key, s);
    }
  }
};
const to = numbers(n);
await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[0]], text: 'warm up', class: 'otp' });
counting = true;
const started = performance.now();
for (let i = 1; i < n; i++) await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[i]], text: 'کد تأیید شما: 48213', class: 'otp' });
const per = (performance.now() - started) / (n - 1);
console.log(`machine: ${machine()}`);
console.log(`${(per).toFixed(2)} ms per send (sequential); top-level queries per send: ${([...stats.values()].reduce((s, x) => s + x.count, 0) / (n - 1)).toFixed(1)}`);
for (const [k, v] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${(v.ms / (n - 1)).toFixed(2)} ms  ×${(v.count / (n - 1)).toFixed(1)}  ${k}`);
await c.chapar.stop();
process.exit(0);
