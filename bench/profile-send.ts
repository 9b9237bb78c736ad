// Where one single-recipient send spends its time: sequential sends, each top-level query timed
// (the queries inside its transactions too).
//   npx tsx bench/profile-send.ts [sends=200]
import { freshChapar, machine, numbers, profileQueries } from './common.ts';

const n = Number(process.argv[2] ?? 200);
const c = await freshChapar({ engine: false });
const db = c.chapar.services.db;
const profile = profileQueries(db);
const to = numbers(n);
await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[0]], text: 'warm up', class: 'otp' });
profile.reset();
const started = performance.now();
for (let i = 1; i < n; i++) await c.call(c.token, 'POST', '/api/v1/messages', { to: [to[i]], text: 'کد تأیید شما: 48213', class: 'otp' });
const per = (performance.now() - started) / (n - 1);
console.log(`machine: ${machine()}`);
console.log(`${per.toFixed(2)} ms per send (sequential); queries per send: ${(profile.count() / (n - 1)).toFixed(1)}`);
for (const line of profile.top(15, n - 1)) console.log(line);
await c.chapar.stop();
process.exit(0);
