// Benchmark: the longest the event loop waits while one hostile upload or body is handled
// (issue 14: no single request may block the loop for more than ~50 ms). Each case is one request
// to a server in this process, sent by a client process of its own (its copies of a 50 MB body are
// not the server's work) from a file written before the measurement starts; perf_hooks'
// monitorEventLoopDelay records every turn of the server's loop while the request runs.
//   npx tsx bench/event-loop.ts [case…]   cases: sparse, sparse-1m, bomb, liar, big-xlsx, csv-field,
//                                          csv-import, json-2m, json-1m, attachment, json-5m-ticket (default: all)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDeflateRaw } from 'node:zlib';
import { multipartBody } from '../test/helpers/multipart.ts';
import { sheetXml, xlsxWithSheet } from '../test/helpers/xlsx.ts';
import { freshChapar, machine, numbers, peakRssMb } from './common.ts';

type Request = { url: string; body: Buffer; contentType: string; after?: (answer: any) => Promise<string> };

const c = await freshChapar({ engine: false, initialised: true });
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** An XLSX whose sheet is padded with `padding` bytes of whitespace (deflated as they are made,
 * never held whole), its size declared as `declared`. */
async function paddedXlsx(padding: number, declared?: number): Promise<Buffer> {
  const [before, after] = sheetXml([{ row: 1, cells: ['mobile', 'name'] }, { row: 2, cells: ['09121234567', 'Ali'] }]).split('</sheetData>');
  const tail = `</sheetData>${after}`;
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  const collect = (async () => {
    for await (const p of deflate) parts.push(p as Buffer);
  })();
  const block = Buffer.alloc(2 ** 20, ' ');
  deflate.write(before);
  for (let left = padding; left > 0; left -= block.length) {
    if (!deflate.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end(tail);
  await collect;
  const size = Buffer.byteLength(before) + padding + Buffer.byteLength(tail);
  return replaceSheet(xlsxWithSheet(sheetXml([])), Buffer.concat(parts), declared ?? size);
}

/** Rebuilds the archive `base` with xl/worksheets/sheet1.xml's data replaced (its CRC is left
 * as it was: the reader under test does not check it; the sizes are what a bomb lies about). */
function replaceSheet(base: Buffer, deflated: Buffer, declared: number): Buffer {
  const name = 'xl/worksheets/sheet1.xml';
  const entries: { name: string; local: Buffer; data: Buffer; method: number; crc: number; size: number }[] = [];
  for (let p = 0; base.readUInt32LE(p) === 0x04034b50; ) {
    const nameLength = base.readUInt16LE(p + 26);
    const extra = base.readUInt16LE(p + 28);
    const compressed = base.readUInt32LE(p + 18);
    const entryName = base.toString('utf8', p + 30, p + 30 + nameLength);
    const dataStart = p + 30 + nameLength + extra;
    entries.push({ name: entryName, local: base.subarray(p, dataStart), data: base.subarray(dataStart, dataStart + compressed), method: base.readUInt16LE(p + 8), crc: base.readUInt32LE(p + 14), size: base.readUInt32LE(p + 22) });
    p = dataStart + compressed;
  }
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.name === name ? deflated : e.data;
    const uncompressed = e.name === name ? declared : e.size;
    const local = Buffer.from(e.local);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(uncompressed, 22);
    const nameBytes = Buffer.from(e.name);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(e.crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(uncompressed, 24);
    dir.writeUInt16LE(nameBytes.length, 28);
    dir.writeUInt32LE(offset, 42);
    out.push(local, data);
    central.push(dir, nameBytes);
    offset += local.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, end]);
}

const upload = (filename: string, data: Buffer, after?: Request['after']): Request => {
  const { payload, contentType } = multipartBody({}, [{ filename, data, field: 'file' }]);
  return { url: '/api/v1/phonebook/uploads', body: payload, contentType, after };
};
const json = (value: unknown): Request => ({ url: '/api/v1/messages', body: Buffer.from(JSON.stringify(value)), contentType: 'application/json' });

async function importAll(answer: any): Promise<string> {
  const group = await c.call(c.token, 'POST', '/api/v1/phonebook/groups', { name: `g${Date.now()}` });
  const job = await c.call(c.token, 'POST', `/api/v1/phonebook/uploads/${answer.uploadId}/import`, { groupId: group.id, mapping: answer.suggestedMapping, hasHeader: true });
  await c.chapar.services.phonebook.settled(job.id);
  const done = await c.call(c.token, 'GET', `/api/v1/phonebook/imports/${job.id}`);
  return `import ${done.status}: ${done.imported} imported, ${done.failed} failed`;
}

const cases: Record<string, () => Promise<Request>> = {
  sparse: async () => upload('sparse.xlsx', xlsxWithSheet(sheetXml([{ row: 1, cells: ['mobile', 'name'] }, { row: 3_000_000, cells: ['09121234567', 'far'] }]))),
  'sparse-1m': async () => upload('sparse-1m.xlsx', xlsxWithSheet(sheetXml([{ row: 1, cells: ['mobile', 'name'] }, { row: 1_048_576, cells: ['09121234567', 'far'] }])), importAll),
  bomb: async () => upload('bomb.xlsx', await paddedXlsx(1024 * 2 ** 20)),
  liar: async () => upload('liar.xlsx', await paddedXlsx(1024 * 2 ** 20, 4096)),
  'big-xlsx': async () => upload('big.xlsx', await paddedXlsx(200 * 2 ** 20), importAll),
  'csv-field': async () => upload('field.csv', Buffer.concat([Buffer.from('mobile,note\n09121234567,"'), Buffer.alloc(50 * 2 ** 20, 'x'), Buffer.from('"\n')])),
  'csv-import': async () => upload('contacts.csv', Buffer.from(`mobile,name\n${numbers(200_000).map((n, i) => `${n},name ${i}`).join('\n')}\n`), importAll),
  'json-2m': async () => json({ to: numbers(2_000_000), text: 'hello', class: 'service' }),
  'json-1m': async () => json({ to: numbers(1_000_000), text: 'hello', class: 'service' }),
  // a 5 MB ticket attachment, stored as the file pieces every module's files use
  attachment: async () => {
    const { payload, contentType } = multipartBody({ subject: 'scan', text: 'attached' }, [{ filename: 'scan.pdf', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5 * 2 ** 20 - 9)]) }]);
    return { url: '/api/v1/support/tickets', body: payload, contentType };
  },
  // 5 MB of JSON to a route that needs a few kilobytes
  'json-5m-ticket': async () => ({ url: '/api/v1/support/tickets', body: Buffer.from(JSON.stringify({ subject: 'big', text: 'x'.repeat(5 * 2 ** 20) })), contentType: 'application/json' }),
};

// The client sends the headers, then the body a moment later, and reads the answer even when the
// server answers from the headers alone (a 27 MB body refused by its length).
const client = `const [url, token, type, file] = process.argv.slice(1);
  const body = require('node:fs').readFileSync(file);
  const req = require('node:http').request(url, { method: 'POST', headers: { 'content-type': type, 'content-length': body.length, authorization: 'Bearer ' + token } }, (res) => {
    let text = '';
    res.on('data', (d) => (text += d));
    res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body: JSON.parse(text) })));
  });
  req.on('error', (err) => process.stdout.write(JSON.stringify({ status: 0, body: { error: { code: err.code } } })));
  req.flushHeaders();
  setTimeout(() => req.end(body), 200);`;

/** POSTs the file from another process; resolves with its status and JSON answer. */
function send(url: string, contentType: string, file: string): Promise<{ status: number; body: any }> {
  const child = spawn(process.execPath, ['-e', client, url, c.token, contentType, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'chapar-event-loop-'));
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(cases);
console.log(`machine: ${machine()}; ${c.database}`);
for (const name of chosen) {
  const req = await cases[name]();
  const file = path.join(dir, name);
  writeFileSync(file, req.body);
  collectGarbage(); // what building the body left behind is not the request's pause
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const res = await send(c.base + req.url, req.contentType, file);
  const answer = res.body;
  const ok = res.status < 300;
  const extra = ok && req.after ? `; ${await req.after(answer)}` : '';
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  const outcome = ok ? (answer.accepted !== undefined ? `accepted ${answer.accepted}` : answer.rows ? `${answer.rows.length} preview rows` : 'stored') : answer.error?.code;
  console.log(
    `${name.padEnd(10)} ${mib(req.body.length).padStart(10)}  HTTP ${res.status} ${outcome}${extra}  ${seconds.toFixed(2)} s  ` +
      `worst event-loop delay ${(histogram.max / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms`,
  );
}
console.log(`peak RSS: ${peakRssMb()} MB`);
await c.chapar.stop();
process.exit(0);
