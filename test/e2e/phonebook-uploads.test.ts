// Hostile uploads and bodies over real HTTP: a sparse sheet, zip bombs, giant CSV cells, too many
// cells, re-read previews, never-imported uploads left behind, and a JSON body beyond the limit.
// The limits are lowered through the configuration so that each attack stays small here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/jobs/purge-expired.ts';
import { createChild, openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { postForm } from '../helpers/multipart.ts';
import { counting } from '../helpers/turns.ts';
import { sheetXml, xlsxWithSheet, zip } from '../helpers/xlsx.ts';

let t: TestChapar;
let owner: { id: string; token: string };
let groupId: string;

const MAX_CELLS = 200_000;

async function upload(filename: string, data: Buffer) {
  return postForm(t, { url: '/api/v1/phonebook/uploads', token: owner.token, fields: {}, files: [{ filename, data, field: 'file' }] });
}

async function importUpload(uploadId: string, mapping: Record<string, string> = { 0: 'mobile', 1: 'name' }) {
  const started = await t.api({ url: `/api/v1/phonebook/uploads/${uploadId}/import`, token: owner.token, body: { groupId, mapping, hasHeader: true } });
  expect(started.status).toBe(202);
  await t.services.phonebook.settled(started.body.id);
  return t.api({ url: `/api/v1/phonebook/imports/${started.body.id}`, token: owner.token });
}

const mobile = (i: number) => `0912${String(i).padStart(7, '0')}`;
const csvRows = (n: number) => Buffer.from(`mobile,name\n${Array.from({ length: n }, (_, i) => `${mobile(i)},n${i}`).join('\n')}\n`);

beforeAll(async () => {
  t = await testChapar({ env: { CHAPAR_UPLOAD_MAX_MB: '2', CHAPAR_UPLOAD_MAX_UNCOMPRESSED_MB: '4', CHAPAR_UPLOAD_MAX_CELLS: String(MAX_CELLS) } });
  const admin = await t.adminToken();
  owner = await createChild(t, admin, { username: 'uploader', kind: 'user' });
  const g = await t.api({ url: '/api/v1/phonebook/groups', token: owner.token, body: { name: 'customers' } });
  groupId = g.body.id;
});
afterAll(async () => {
  await t?.close();
});

describe('spreadsheet rows', () => {
  it('refuses a sheet with a row numbered beyond 1,048,576, the most a sheet can have', async () => {
    const sheet = sheetXml([{ row: 1, cells: ['mobile', 'name'] }, { row: 3_000_000, cells: [mobile(1), 'far'] }]);
    const res = await upload('sparse.xlsx', xlsxWithSheet(sheet));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('IMPORT_FILE_TOO_LARGE');
    expect(res.body.error.details).toMatchObject({ limit: 'rows', max: 1_048_576 });
  });

  it('keeps spreadsheet row numbers across missing rows in the error report', async () => {
    const sheet = sheetXml([{ row: 1, cells: ['mobile', 'name'] }, { row: 2, cells: [mobile(2), 'near'] }, { row: 1_000_000, cells: ['not-a-number', 'far'] }]);
    const up = await upload('gaps.xlsx', xlsxWithSheet(sheet));
    expect(up.status).toBe(201);
    const job = await importUpload(up.body.uploadId);
    expect(job.body).toMatchObject({ status: 'done', rowsRead: 2, failed: 1 });
    expect(job.body.errors).toMatchObject([{ row: 1_000_000, code: 'INVALID_NUMBER' }]);
  });

  it('refuses a row wider than 16,384 columns', async () => {
    const wide = Array.from({ length: 16_385 }, (_, i) => (i === 0 ? 'mobile' : ''));
    const res = await upload('wide.csv', Buffer.from(`${wide.join(',')}\n${mobile(3)}\n`));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'columns', max: 16_384 } });
  });
});

describe('zip bombs', () => {
  const bomb = (extra: number) => sheetXml([{ row: 1, cells: ['mobile'] }, { row: 2, cells: [mobile(4)] }], ' '.repeat(extra));

  it('refuses an XLSX whose entries inflate beyond the uncompressed cap, before reading a row', async () => {
    const data = xlsxWithSheet(bomb(8 * 1024 * 1024));
    expect(data.length).toBeLessThan(64 * 1024);
    const res = await upload('bomb.xlsx', data);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'uncompressed_bytes', max: 4 * 1024 * 1024 } });
    expect(res.body.error.message).toMatch(/4 MB/);
  });

  it('refuses an XLSX whose zip directory understates what an entry inflates to', async () => {
    const res = await upload('liar.xlsx', xlsxWithSheet(bomb(8 * 1024 * 1024), { declaredSize: 1000 }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_INVALID', details: { reason: 'zip_sizes' } });
  });

  it('refuses an XLSX that hides an entry after an entry’s deflate stream, inside its declared size', async () => {
    // a streaming reader that finds the end of the first stream would read the hidden bomb next
    const hidden = zip([{ name: 'xl/sharedStrings.xml', data: Buffer.from(bomb(8 * 1024 * 1024)) }]);
    const res = await upload('hidden.xlsx', xlsxWithSheet(sheetXml([{ row: 1, cells: ['mobile'] }, { row: 2, cells: [mobile(5)] }]), { hidden }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_INVALID', details: { reason: 'zip_sizes' } });
  });
});

describe('CSV and upload size', () => {
  it('refuses an upload beyond the upload cap with the cap in the message', async () => {
    const res = await upload('big.csv', Buffer.alloc(3 * 1024 * 1024, 'a'));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'bytes', max: 2 * 1024 * 1024 } });
  });

  it('refuses a CSV with one giant quoted cell', async () => {
    const res = await upload('giant.csv', Buffer.from(`mobile,note\n${mobile(5)},"${'x'.repeat(1_500_000)}"\n`));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'cell_chars', max: 65_536 } });
  });

  it('fails an import whose file holds more cells than the cap, with the limit as its error', async () => {
    const up = await upload('many.csv', csvRows(MAX_CELLS / 2 + 10));
    expect(up.status).toBe(201);
    const job = await importUpload(up.body.uploadId);
    expect(job.body).toMatchObject({ status: 'failed', error: 'IMPORT_FILE_TOO_LARGE' });
  }, 120_000); // a million rows to read: slow on a busy machine

  it('lets the event loop turn between slices while it reads past 180,000 blank lines', async () => {
    const { value: res, turns } = await counting(() => upload('blank.csv', Buffer.from(`${'\n'.repeat(180_000)}mobile,name\n${mobile(6)},n\n`)));
    expect(res.status).toBe(201);
    expect(res.body.rows).toEqual([['mobile', 'name'], [mobile(6), 'n']]);
    // a slice is at most 20,000 rows or cells: 180,000 rows give other requests 9 turns
    expect(turns).toBeGreaterThanOrEqual(9);
  });
});

describe('stored previews and leftovers', () => {
  it('answers the preview again from what the upload stored, without reading the file', async () => {
    const up = await upload('again.csv', csvRows(20));
    expect(up.status).toBe(201);
    await t.db.query("UPDATE phonebook_upload_chunks SET data = '\\x00ff'::bytea WHERE upload_id = $1", [up.body.uploadId]);
    const again = await t.api({ url: `/api/v1/phonebook/uploads/${up.body.uploadId}`, token: owner.token });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(up.body);
  });

  it('purges uploads never imported after a day and keeps those imported', async () => {
    const left = await upload('left.csv', csvRows(3));
    const used = await upload('used.csv', csvRows(3));
    expect((await importUpload(used.body.uploadId)).body.status).toBe('done');
    await purgeExpired(t.db, t.clock);
    expect((await t.api({ url: `/api/v1/phonebook/uploads/${left.body.uploadId}`, token: owner.token })).status).toBe(200);
    t.clock.advance(25 * 3_600_000);
    await purgeExpired(t.db, t.clock);
    expect((await t.api({ url: `/api/v1/phonebook/uploads/${left.body.uploadId}`, token: owner.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/phonebook/uploads/${used.body.uploadId}`, token: owner.token })).status).toBe(200);
  });
});

describe('JSON bodies', () => {
  it('lets the event loop turn while the recipients of a big send are parsed', async () => {
    const sender = await openSender(t, 'bulk', '100000000000');
    const to = Array.from({ length: 200_000 }, (_, i) => `0935${String(1_000_000 + i)}`);
    const { value: res, turns } = await counting(() => t.api({ url: '/api/v1/messages', token: sender.token, body: { to, text: 'hello', class: 'service' } }));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(200_000);
    // numbers are parsed 20,000 between two turns: 200,000 give other requests 9 turns
    expect(turns).toBeGreaterThanOrEqual(9);
  });

  it('refuses a send body with 2,000,000 recipients with the body limit and the recipient maximum', async () => {
    const to = Array.from({ length: 2_000_000 }, (_, i) => mobile(i % 10_000_000));
    const res = await t.api({ url: '/api/v1/messages', token: owner.token, body: { to, text: 'hello' }, lang: 'fa' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
    expect(res.body.error.details).toMatchObject({ maxRecipients: 1_000_000 });
    expect(res.body.error.message).toMatch(/۱٬?۰۰۰٬?۰۰۰|۱,۰۰۰,۰۰۰/);
  });
});
