// Phonebook over real HTTP: uploads, previews, imports with mapping and error reports, merges,
// typed fields, filters, export, scoping; and what the engine calls (blocked numbers, campaign
// recipients) on the same database.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { postForm } from '../helpers/multipart.ts';
import { renderPerRecipient } from '../../src/modules/campaigns/recipients.ts';

let t: TestChapar;
let owner: { id: string; token: string };
let other: { id: string; token: string };
let agency: { id: string; token: string };

async function upload(token: string, filename: string, data: Buffer) {
  return postForm(t, { url: '/api/v1/phonebook/uploads', token, fields: {}, files: [{ filename, data, field: 'file' }] });
}

/** Starts an import and waits for it to end (the service's own promise, not a timer). */
async function importUpload(token: string, uploadId: string, body: Record<string, unknown>) {
  const started = await t.api({ url: `/api/v1/phonebook/uploads/${uploadId}/import`, token, body });
  if (started.status !== 202) return started;
  await t.services.phonebook.settled(started.body.id);
  return t.api({ url: `/api/v1/phonebook/imports/${started.body.id}`, token });
}

async function group(token: string, name: string): Promise<string> {
  const res = await t.api({ url: '/api/v1/phonebook/groups', token, body: { name } });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  t = await testChapar();
  const admin = await t.adminToken();
  agency = await createChild(t, admin, { username: 'agency1', kind: 'agency' });
  owner = await createChild(t, agency.token, { username: 'shop1', kind: 'user' });
  other = await createChild(t, agency.token, { username: 'shop2', kind: 'user' });
  for (const f of [{ key: 'city', label: 'شهر', type: 'text' }, { key: 'birthday', label: 'تولد', type: 'date' }, { key: 'points', label: 'امتیاز', type: 'number' }]) {
    expect((await t.api({ url: '/api/v1/phonebook/fields', token: owner.token, body: f })).status).toBe(201);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('phonebook import', () => {
  it('imports the good rows of a malformed CSV and reports each bad row with its number and reason', async () => {
    const g = await group(owner.token, 'customers');
    const csv = [
      'موبایل;نام;شهر;تولد;امتیاز',
      '09121234567;علی;تهران;1370/05/12;10',
      '0912123;بد;;;', // row 3: invalid number
      '۰۹۳۵۱۲۳۴۵۶۷;"سارا; رضایی";"شیراز',
      'کوچه"" ۵";2001-02-30;', // row 4 spans two lines; bad date
      ';بی‌شماره;;;', // row 5: no number
      '+989011234567;Reza;;;1,250', // row 6
      '',
      '989121234567;Ali again;Karaj;;x12', // row 8: bad number
      '9121234567;Ali;Karaj;;', // row 9: duplicate of row 2, merged
    ].join('\r\n');
    const up = await upload(owner.token, 'contacts.csv', Buffer.from(`\ufeff${csv}\n`));
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ format: 'csv', delimiter: ';' });
    expect(up.body.columns.map((c: { header: string }) => c.header)).toEqual(['موبایل', 'نام', 'شهر', 'تولد', 'امتیاز']);
    expect(up.body.suggestedMapping).toEqual({ 0: 'mobile', 1: 'name', 2: 'field:city', 3: 'field:birthday', 4: 'field:points' });

    const done = await importUpload(owner.token, up.body.uploadId, { groupId: g, mapping: up.body.suggestedMapping, hasHeader: true });
    expect(done.body).toMatchObject({ status: 'done', rowsRead: 7, imported: 2, merged: 1, failed: 4 });
    // Row 4 (the quoted newline) fails on its date, so only rows 2 and 6 are new contacts.
    expect(done.body.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [3, 'INVALID_NUMBER'], [4, 'BAD_DATE:birthday'], [5, 'MISSING_NUMBER'], [8, 'BAD_NUMBER:points'], [9, 'DUPLICATE'],
    ]);
    expect(done.body.errors[1]).toMatchObject({ value: '2001-02-30', reason: expect.stringContaining('not a valid date') });

    const report = await t.app.inject({ url: `/api/v1/phonebook/imports/${done.body.id}/errors.csv`, headers: { host: 'platform.test', authorization: `Bearer ${owner.token}`, 'accept-language': 'fa' } });
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('ردیف,مقدار,کد,علت');
    expect(lines[1]).toBe('3,0912123,INVALID_NUMBER,شمارهٔ موبایل معتبر نیست');
    expect(lines).toHaveLength(6);

    const list = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token });
    expect(list.body.total).toBe(2);
    const ali = list.body.items.find((c: { mobile: string }) => c.mobile === '+989121234567');
    // Row 9 merged into row 2: the later name and city win, the earlier fields stay.
    expect(ali).toMatchObject({ name: 'Ali', fields: { city: 'Karaj', birthday: '1991-08-03', points: 10 } });
    expect(list.body.items.find((c: { mobile: string }) => c.mobile === '+989011234567').fields).toEqual({ points: 1250 });
  });

  it('imports an XLSX file with a column mapping, dates and tags, and merges into existing contacts', async () => {
    const g = await group(owner.token, 'xlsx');
    await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '09351112233', name: 'Old', fields: { city: 'Tabriz' }, tags: ['vip'] } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Customer', 'Phone number', 'Town', 'Born', 'Labels', 'Ignored']);
    ws.addRow(['Maryam', '09351112233', 'Isfahan', new Date(Date.UTC(1990, 0, 15)), 'new, gold', 'x']);
    ws.addRow(['Hasan', 9121110000, 'Yazd', '1375/01/01', 'gold', 'y']);
    ws.addRow([]);
    ws.addRow(['Nobody', '12345', '', '', '', '']);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const up = await upload(owner.token, 'book.xlsx', data);
    expect(up.status).toBe(201);
    expect(up.body.format).toBe('xlsx');
    expect(up.body.rows[1]).toEqual(['Maryam', '09351112233', 'Isfahan', '1990-01-15', 'new, gold', 'x']);
    const mapping = { 0: 'name', 1: 'mobile', 2: 'field:city', 3: 'field:birthday', 4: 'tag', 5: 'ignore' };
    const done = await importUpload(owner.token, up.body.uploadId, { groupId: g, mapping, hasHeader: true });
    expect(done.body).toMatchObject({ status: 'done', rowsRead: 3, imported: 1, merged: 1, failed: 1 });
    expect(done.body.errors).toEqual([expect.objectContaining({ row: 5, value: '12345', code: 'INVALID_NUMBER' })]);
    const list = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts?q=0935`, token: owner.token });
    expect(list.body.items).toEqual([expect.objectContaining({ name: 'Maryam', fields: { city: 'Isfahan', birthday: '1990-01-15' }, tags: ['gold', 'new', 'vip'] })]);
    const hasan = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts?q=Hasan`, token: owner.token });
    expect(hasan.body.items[0]).toMatchObject({ mobile: '+989121110000', fields: { birthday: '1996-03-20' } });
  });

  it('refuses a mapping without a mobile column or with an unknown field', async () => {
    const g = await group(owner.token, 'mapping');
    const up = await upload(owner.token, 'a.csv', Buffer.from('a,b\n09121234567,x\n'));
    expect((await importUpload(owner.token, up.body.uploadId, { groupId: g, mapping: { 1: 'name' } })).status).toBe(400);
    const bad = await importUpload(owner.token, up.body.uploadId, { groupId: g, mapping: { 0: 'mobile', 1: 'field:nope' } });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'mapping.1' }] } });
  });
});

describe('contacts', () => {
  it('merges the same mobile in a group into one contact, in any written form', async () => {
    const g = await group(owner.token, 'merge');
    const a = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '0912 555 6677', name: 'Neda', tags: ['a'] } });
    expect(a.status).toBe(201);
    const b = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '+98 912 555 6677', fields: { points: '۱۲' }, tags: ['b'] } });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ id: a.body.id, name: 'Neda', fields: { points: 12 }, tags: ['a', 'b'] });
  });

  it('validates custom field values by type', async () => {
    const g = await group(owner.token, 'types');
    const url = `/api/v1/phonebook/groups/${g}/contacts`;
    const bad = await t.api({ url, token: owner.token, body: { mobile: '09121000001', fields: { birthday: '1403/13/01' } } });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'fields.birthday' }] } });
    expect((await t.api({ url, token: owner.token, body: { mobile: '09121000001', fields: { points: 'many' } } })).status).toBe(400);
    expect((await t.api({ url, token: owner.token, body: { mobile: '09121000001', fields: { unknown: 'x' } } })).status).toBe(400);
    expect((await t.api({ url, token: owner.token, body: { mobile: '0212345678' } })).body.error.code).toBe('INVALID_MOBILE');
    const ok = await t.api({ url, token: owner.token, body: { mobile: '09121000001', fields: { birthday: '۱۴۰۳/۰۱/۰۱', points: '1,500.5' } } });
    expect(ok.body.fields).toEqual({ birthday: '2024-03-20', points: 1500.5 });
    expect((await t.api({ url: '/api/v1/phonebook/fields', token: owner.token, body: { key: 'city', type: 'number' } })).body.error.code).toBe('FIELD_KEY_TAKEN');
  });

  it('filters contacts by fields and tags, and resolves campaign recipients across groups once per number', async () => {
    const g1 = await group(owner.token, 'f1');
    const g2 = await group(owner.token, 'f2');
    const add = (g: string, body: object) => t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body });
    await add(g1, { mobile: '09122000001', name: 'Amir', fields: { city: 'Tehran', points: 50, birthday: '1990-01-01' }, tags: ['vip'] });
    await add(g1, { mobile: '09122000002', name: 'Bita', fields: { city: 'Tehran North', points: 5, birthday: '2000-06-01' } });
    await add(g1, { mobile: '09122000003', name: 'Cyrus', fields: { city: 'Shiraz', points: 500 }, tags: ['vip'] });
    await add(g2, { mobile: '09122000001', name: 'Amir K', fields: { city: 'Tehran', points: 60 }, tags: ['vip'] });
    const q = (filters: object[]) => t.api({ url: `/api/v1/phonebook/groups/${g1}/contacts?filters=${encodeURIComponent(JSON.stringify(filters))}`, token: owner.token });
    const names = (res: { body: { items: { name: string }[] } }) => (res.body.items ?? [res.body]).map((c) => c.name ?? JSON.stringify(c)).sort();
    expect(names(await q([{ field: 'city', op: 'contains', value: 'tehran' }]))).toEqual(['Amir', 'Bita']);
    expect(names(await q([{ field: 'points', op: 'gt', value: 10 }, { field: 'points', op: 'lt', value: '۱۰۰' }]))).toEqual(['Amir']);
    expect(names(await q([{ field: 'birthday', op: 'before', value: '1375/01/01' }]))).toEqual(['Amir']);
    expect(names(await q([{ field: 'birthday', op: 'after', value: '1995-01-01' }]))).toEqual(['Bita']);
    expect((await q([{ field: 'city', op: 'gt', value: 1 }])).status).toBe(400);

    const got = await t.db.transaction(async (tx) => {
      const out = [];
      for await (const batch of t.services.campaignRecipients.resolveGroupRecipients(tx, owner.id, { groupIds: [g1, g2], tags: ['vip'], filters: [{ field: 'points', op: 'lt', value: 100 }] })) out.push(...batch);
      return out;
    });
    expect(got).toEqual([{ e164: '+989122000001', fields: expect.objectContaining({ name: 'Amir K', city: 'Tehran', points: 60, mobile: '09122000001' }) }]);
    expect(renderPerRecipient('سلام {name} از {city}، امتیاز شما {points} است. {missing}', got[0].fields)).toBe('سلام Amir K از Tehran، امتیاز شما 60 است. ');
    await expect(t.db.transaction(async (tx) => {
      for await (const _ of t.services.campaignRecipients.resolveGroupRecipients(tx, other.id, { groupIds: [g1] })) return;
    })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives the engine the numbers flagged "do not send" and exports the group as CSV', async () => {
    const g = await group(owner.token, 'flags');
    const c = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '09123000001', name: '=cmd', blockSend: true } });
    await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '09123000002', blockReceive: true } });
    const blocked = await t.db.transaction((tx) => t.services.phonebook.blockedNumbers(tx, owner.id, ['+989123000001', '+989123000002', '+989129999999'].map((e164) => ({ e164 }))));
    expect([...blocked]).toEqual(['+989123000001']);
    expect(await t.db.transaction((tx) => t.services.phonebook.isReceiveBlocked(tx, owner.id, '+989123000002'))).toBe(true);
    expect((await t.db.transaction((tx) => t.services.phonebook.blockedNumbers(tx, other.id, [{ e164: '+989123000001' }]))).size).toBe(0);
    await t.api({ method: 'PATCH', url: `/api/v1/phonebook/contacts/${c.body.id}`, token: owner.token, body: { blockSend: false } });
    expect((await t.db.transaction((tx) => t.services.phonebook.blockedNumbers(tx, owner.id, [{ e164: '+989123000001' }]))).size).toBe(0);
    const csv = await t.api({ url: `/api/v1/phonebook/groups/${g}/export.csv`, token: owner.token });
    expect(String(csv.body).replace(/^\ufeff/, '').split('\r\n').slice(0, 3)).toEqual(['mobile,name,city,birthday,points,tags,block_send,block_receive', "09123000001,'=cmd,,,,,0,0", '09123000002,,,,,,0,1']);
  });
});

describe('scoping', () => {
  it('keeps a phonebook to its owner: other users and the parent agency cannot read it or import into it', async () => {
    const g = await group(owner.token, 'private');
    const c = await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token: owner.token, body: { mobile: '09124000001', name: 'Secret' } });
    for (const token of [other.token, agency.token]) {
      expect((await t.api({ url: `/api/v1/phonebook/groups/${g}`, token })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/phonebook/contacts/${c.body.id}`, token })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/phonebook/groups/${g}/export.csv`, token })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/phonebook/groups/${g}/contacts`, token, body: { mobile: '09124000002' } })).status).toBe(404);
      expect((await t.api({ method: 'DELETE', url: `/api/v1/phonebook/contacts/${c.body.id}`, token })).status).toBe(404);
      expect(await t.api({ url: '/api/v1/phonebook/groups', token }).then((r) => r.body.some((x: { id: string }) => x.id === g))).toBe(false);
    }
    // Another user's own upload cannot be imported into this group, nor this upload read by them.
    const theirs = await upload(other.token, 'x.csv', Buffer.from('09124000003\n'));
    expect((await importUpload(other.token, theirs.body.uploadId, { groupId: g, mapping: { 0: 'mobile' }, hasHeader: false })).status).toBe(404);
    const mine = await upload(owner.token, 'y.csv', Buffer.from('09124000004\n'));
    expect(mine.body.suggestedMapping).toEqual({ 0: 'mobile' });
    expect((await t.api({ url: `/api/v1/phonebook/uploads/${mine.body.uploadId}`, token: other.token })).status).toBe(404);
    const done = await importUpload(owner.token, mine.body.uploadId, { groupId: g, mapping: { 0: 'mobile' }, hasHeader: false });
    expect(done.body).toMatchObject({ imported: 1 });
    expect((await t.api({ url: `/api/v1/phonebook/imports/${done.body.id}`, token: other.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/phonebook/groups/${g}`, token: owner.token })).body.contacts).toBe(2);
  });
});
