// The bulk blacklist check at accept time: 10M numbers on the operator blacklist (PGlite, in
// memory), then the check evaluateSend runs for 1M recipients (half of them listed): the first
// check loads the list into memory, later ones reuse it, a change to the list makes the next big
// check reload it. For comparison, the same check probing the table's index per recipient.
// Run: npx tsx bench/blacklist.ts [listSize=10000000] [recipients=1000000]
import os from 'node:os';
import { openPglite } from '../src/db/pglite.ts';
import { migrate } from '../src/db/migrate.ts';
import { complianceRepo } from '../src/modules/compliance/repo.ts';
import { createRecipientCheck } from '../src/modules/compliance/recipient-check.ts';

const listSize = Number(process.argv[2] ?? 10_000_000);
const recipients = Number(process.argv[3] ?? 1_000_000);
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

const db = await openPglite(undefined);
await migrate(db);

let t = performance.now();
// Numbers 989120000000 + 2k: every even number of a 20M range is listed.
for (let from = 0; from < listSize; from += 1_000_000) {
  const n = Math.min(1_000_000, listSize - from);
  await db.query('INSERT INTO operator_blacklist (number) SELECT 989120000000 + 2 * g FROM generate_series($1::int8, $2::int8) g', [from, from + n - 1]);
}
console.log(`load ${listSize.toLocaleString('en')} numbers: ${ms(t)}`);
t = performance.now();
await db.exec('VACUUM ANALYZE operator_blacklist');
console.log(`vacuum analyze: ${ms(t)}`);

// Recipients spread over the whole listed range: every other one is listed.
const step = Math.max(1, Math.floor((2 * listSize) / recipients));
const numbers: string[] = new Array(recipients);
for (let i = 0; i < recipients; i++) numbers[i] = String(989120000000 + i * step + (i % 2));
const expected = numbers.filter((n) => Number(n) % 2 === 0).length;
const lists = { operatorList: true, blacklistOwners: ['acc_x'], optOuts: { account: 'acc_x', lineId: 'lin_x' }, extra: [] };
const check = createRecipientCheck();
const run = async (label: string, keys: string[]) => {
  t = performance.now();
  const hits = await db.transaction((tx) => check.blockedRecipients(tx, keys.map((e164) => ({ e164 })), lists));
  const blocked = hits.filter((h) => h.kind === 'blacklisted').length;
  console.log(`${label}: check ${keys.length.toLocaleString('en')} recipients → ${blocked.toLocaleString('en')} blacklisted: ${ms(t)}`);
  return blocked;
};
for (const round of [1, 2, 3]) {
  const blocked = await run(`round ${round}${round === 1 ? ' (loads the list)' : ''}`, numbers);
  if (blocked !== expected) throw new Error(`expected ${expected} blacklisted`);
}
await db.query('INSERT INTO operator_blacklist (number) VALUES (989120000001)');
await run('one recipient after a change to the list (probes the table, no reload)', [numbers[1]]);
await run('1M recipients after a change to the list (reloads it)', numbers);
console.log(`RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB, peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
t = performance.now();
const probed = await db.transaction((tx) => complianceRepo(tx).blockedRecipients(numbers.join(','), { operatorList: true, blacklistOwners: null, optOuts: null }));
console.log(`for comparison, probing the table's index per recipient: ${probed.length.toLocaleString('en')} blacklisted: ${ms(t)}`);
const plan = await db.query(`EXPLAIN SELECT r.i FROM unnest(string_to_array($1, ',')::int8[]) WITH ORDINALITY AS r(n, i) JOIN operator_blacklist o ON o.number = r.n`, [numbers.slice(0, 1000).join(',')]);
console.log(plan.rows.map((r) => Object.values(r)[0]).join('\n'));
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.arch()}`);
await db.close();
