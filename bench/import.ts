// Phonebook import: a 1M-row CSV (1 % bad numbers, 1 % bad dates, 1 % repeated numbers) and a
// 100k-row XLSX, generated in a temp folder, imported into PGlite through the phonebook service
// (stream → parser → 10 000-row upserts). Prints rows/s, time, peak RSS and the machine.
// Run: npx tsx bench/import.ts [csvRows=1000000] [xlsxRows=100000]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { openPglite } from '../src/db/pglite.ts';
import { migrate } from '../src/db/migrate.ts';
import { systemClock } from '../src/lib/clock.ts';
import { accountRepo } from '../src/modules/accounts/repo.ts';
import { createPhonebookService } from '../src/modules/phonebook/service.ts';

const csvRows = Number(process.argv[2] ?? 1_000_000);
const xlsxRows = Number(process.argv[3] ?? 100_000);
const dir = await mkdtemp(path.join(os.tmpdir(), 'chapar-import-'));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const cities = ['تهران', 'شیراز', 'اصفهان', 'تبریز', 'مشهد'];

function row(i: number): string[] {
  // Numbers spread over MCI and Irancell prefixes; every 100th is malformed, every 100th (offset
  // 50) repeats an earlier number, every 100th (offset 7) has an impossible date.
  const n = i % 100 === 50 ? i - 1 : i;
  const mobile = i % 100 === 0 ? `0912${i}`.slice(0, 8) : `09${n % 2 ? '12' : '35'}${String(n).padStart(7, '0')}`;
  const birthday = i % 100 === 7 ? '1370/13/40' : `13${60 + (i % 30)}/0${1 + (i % 9)}/1${i % 9}`;
  return [mobile, `مشتری ${i}`, cities[i % 5], birthday, String(i % 1000), i % 3 ? 'vip' : 'new'];
}

async function writeCsv(file: string, rows: number) {
  const out = createWriteStream(file);
  out.write('\ufeffموبایل,نام,شهر,تولد,امتیاز,برچسب\n');
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    buf += `${row(i).join(',')}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function writeXlsx(file: string, rows: number) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = wb.addWorksheet('contacts');
  ws.addRow(['موبایل', 'نام', 'شهر', 'تولد', 'امتیاز', 'برچسب']).commit();
  for (let i = 1; i <= rows; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
}

const db = await openPglite(undefined);
await migrate(db);
console.log(`RSS with PGlite open: ${mib(process.memoryUsage().rss)}`);
const owner = await accountRepo(db).insert({
  id: 'acc_bench', kind: 'platform', parent: null, username: 'bench', passwordHash: 'x', displayName: '', mobile: '+989120000000',
  mobileVerifiedAt: null, email: null, locale: 'fa', createdBy: null,
});
const phonebook = createPhonebookService({ db, clock: systemClock });
for (const f of [{ key: 'city', label: 'شهر', type: 'text' }, { key: 'birthday', label: 'تولد', type: 'date' }, { key: 'points', label: 'امتیاز', type: 'number' }] as const) await phonebook.createField(owner, f);
const mapping = { 0: 'mobile', 1: 'name', 2: 'field:city', 3: 'field:birthday', 4: 'field:points', 5: 'tag' };

async function run(label: string, file: string, format: 'csv' | 'xlsx', rows: number, groupId?: string) {
  const group = groupId ? await phonebook.getGroup(owner, groupId) : await phonebook.createGroup(owner, { name: label });
  const size = (await stat(file)).size;
  const t0 = performance.now();
  const job = await phonebook.importStream(owner, path.basename(file), createReadStream(file, { highWaterMark: 1 << 20 }), format, { groupId: group.id, mapping, hasHeader: true });
  const s = (performance.now() - t0) / 1000;
  const total = (await phonebook.getGroup(owner, group.id)).contacts;
  console.log(`${label}: ${rows.toLocaleString('en')} rows, ${mib(size)} → ${job.status}: imported ${job.imported.toLocaleString('en')}, merged ${job.merged.toLocaleString('en')}, failed ${job.failed.toLocaleString('en')} (group now ${total.toLocaleString('en')})`);
  console.log(`  ${s.toFixed(1)} s, ${Math.round(rows / s).toLocaleString('en')} rows/s, peak RSS so far ${mib(process.resourceUsage().maxRSS * 1024)}`);
  if (job.status !== 'done') throw new Error(`import ${job.status}: ${job.error}`);
  return group.id;
}

let t = performance.now();
const csvFile = path.join(dir, 'contacts.csv');
await writeCsv(csvFile, csvRows);
console.log(`generate CSV: ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
const xlsxFile = path.join(dir, 'contacts.xlsx');
await writeXlsx(xlsxFile, xlsxRows);
console.log(`generate XLSX: ${((performance.now() - t) / 1000).toFixed(1)} s`);
console.log(`peak RSS before importing: ${mib(process.resourceUsage().maxRSS * 1024)}`);

const csvGroup = await run('csv', csvFile, 'csv', csvRows);
await run('xlsx', xlsxFile, 'xlsx', xlsxRows);
await run('same CSV into the same group (every row merges)', csvFile, 'csv', csvRows, csvGroup);
console.log(`peak RSS: ${mib(process.resourceUsage().maxRSS * 1024)}`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.arch()}`);
await db.close();
await rm(dir, { recursive: true, force: true });
