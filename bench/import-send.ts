// Import and send to a 1M-row file: a CSV of n contacts (mobile, name, city) generated in a temp
// folder, imported into a phonebook group through the phonebook service (stream → parser →
// 10 000-row upserts), then ONE campaign to that group over HTTP, acknowledged only after its
// messages and reservations commit (accept only: the engine is off, nothing is dispatched).
// Peer-to-peer by default (each contact its own text from {name} and {city}); `same` sends one text.
// Run: npx tsx bench/import-send.ts [rows=1000000] [p2p|same]
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { freshChapar, machine, peakRssMb, rssMb } from './common.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const personalised = (process.argv[3] ?? 'p2p') !== 'same';
const cities = ['تهران', 'شیراز', 'اصفهان', 'تبریز', 'مشهد'];
const s = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

const c = await freshChapar({ engine: false });
const { services } = c.chapar;
const owner = (await services.accounts.findAccountForAuth(c.userId))!;
console.log(`machine: ${machine()}; database: ${c.database}`);

let t = performance.now();
const file = path.join(c.dir, 'contacts.csv');
const out = createWriteStream(file);
out.write('\ufeffموبایل,نام,شهر\n');
let buf = '';
for (let i = 0; i < rows; i++) {
  // MCI and Irancell numbers, all distinct
  buf += `09${i % 2 ? '12' : '35'}${String(i).padStart(7, '0')},مشتری ${i},${cities[i % cities.length]}\n`;
  if (buf.length > 1 << 20) {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  }
}
out.end(buf);
await once(out, 'finish');
console.log(`generate CSV: ${rows.toLocaleString('en')} rows, ${((await stat(file)).size / 2 ** 20).toFixed(0)} MiB, ${s(t)}`);

await services.phonebook.createField(owner, { key: 'city', label: 'شهر', type: 'text' });
const group = await services.phonebook.createGroup(owner, { name: 'bench' });
const rssBefore = rssMb();
t = performance.now();
const job = await services.phonebook.importStream(owner, 'contacts.csv', createReadStream(file, { highWaterMark: 1 << 20 }), 'csv', { groupId: group.id, mapping: { 0: 'mobile', 1: 'name', 2: 'field:city' }, hasHeader: true });
if (job.status !== 'done') throw new Error(`import ${job.status}: ${job.error}`);
const importS = (performance.now() - t) / 1000;
console.log(`import: ${job.imported.toLocaleString('en')} contacts in ${importS.toFixed(1)} s (${Math.round(rows / importS).toLocaleString('en')} rows/s); peak RSS so far ${peakRssMb()} MB`);

t = performance.now();
const text = personalised ? '{name} عزیز، سفارش شما در شعبهٔ {city} آماده است.' : 'سفارش شما آماده است.';
const sent = await c.call(c.token, 'POST', '/api/v1/campaigns', { groupIds: [group.id], text, personalised, class: 'service' });
const sendS = (performance.now() - t) / 1000;
const { rows: outbox } = await services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE batch_id = $1', [sent.batchId]);
console.log(`send (${personalised ? 'peer-to-peer, a text per contact' : 'one text'}): ${sent.accepted.toLocaleString('en')} accepted, ${sent.parts} part(s), cost ${sent.cost} rials, ${outbox[0].n.toLocaleString('en')} messages in the outbox: ${sendS.toFixed(1)} s from request to acknowledgement`);
console.log(`total import + send: ${(importS + sendS).toFixed(1)} s; RSS before import ${rssBefore} MB, peak RSS ${peakRssMb()} MB (server, PGlite and the generator in one process)`);
await c.chapar.stop();
await rm(c.dir, { recursive: true, force: true });
process.exit(0);
