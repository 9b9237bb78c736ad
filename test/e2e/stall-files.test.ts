// Issue 14: no single request may hold the event loop for long. A 5 MB file (ticket attachment,
// KYC document, deposit receipt, agency document, logo) is stored and read as pieces with a turn
// of the event loop between them, and files stored before the pieces survive the migration.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { readFile } from '../../src/db/files-repo.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { freshDb } from '../helpers/db.ts';
import { postForm } from '../helpers/multipart.ts';
import { counting } from '../helpers/turns.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const MB5 = 5 * 1024 * 1024;
// 256 KiB pieces: a 5 MB file is 20 of them, so at least 19 turns between them
const PIECE_TURNS = 19;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(size - 9)]);
const png = (size: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), randomBytes(size - 12)]);

let t: TestChapar;
let agency: Child;
let user: Child;

beforeAll(async () => {
  t = await testChapar();
  const admin = await t.adminToken();
  agency = await createChild(t, admin, { username: 'files-agency', kind: 'agency' });
  user = await createChild(t, agency.token, { username: 'files-user', kind: 'user' });
});
afterAll(async () => {
  await t?.close();
});

describe('a 5 MB file', () => {
  it('lets the event loop turn between pieces while a ticket attachment is stored and served', async () => {
    const file = pdf(MB5);
    const up = await counting(() => postForm(t, { url: '/api/v1/support/tickets', token: user.token, fields: { subject: 'scan', text: 'attached' }, files: [{ filename: 'scan.pdf', data: file }] }));
    expect(up.value.status).toBe(201);
    expect(up.turns).toBeGreaterThanOrEqual(PIECE_TURNS);
    const a = up.value.body.messages[0].attachments[0];
    expect(a).toMatchObject({ contentType: 'application/pdf', size: MB5 });

    const down = await counting(() => t.app.inject({ url: a.url, headers: { host: 'platform.test', authorization: `Bearer ${agency.token}` } }));
    expect(down.value.statusCode).toBe(200);
    expect(sha(down.value.rawPayload)).toBe(sha(file));
    expect(down.turns).toBeGreaterThanOrEqual(PIECE_TURNS);
  });

  it('lets the event loop turn between pieces while a deposit receipt is stored and served', async () => {
    const file = png(MB5);
    const up = await counting(() => t.api({ url: '/api/v1/billing/deposits', token: user.token, body: { amount: '110000', paidOn: '2026-01-10', trackingNumber: '987654321', receipt: { data: file.toString('base64') } } }));
    expect(up.value.status).toBe(201);
    expect(up.turns).toBeGreaterThanOrEqual(PIECE_TURNS);
    const down = await counting(() => t.app.inject({ url: `/api/v1/billing/deposits/${up.value.body.id}/receipt`, headers: { host: 'platform.test', authorization: `Bearer ${agency.token}` } }));
    expect(down.value.statusCode).toBe(200);
    expect(sha(down.value.rawPayload)).toBe(sha(file));
    expect(down.turns).toBeGreaterThanOrEqual(PIECE_TURNS);
  });

  it('stores a KYC document whole and serves the same bytes, turning between pieces', async () => {
    const file = pdf(MB5 - 1);
    const up = await counting(() => postForm(t, { url: '/api/v1/kyc/documents', token: user.token, fields: { kind: 'national_card' }, files: [{ filename: 'card.pdf', data: file, field: 'file' }] }));
    expect(up.value.status).toBe(201);
    expect(up.turns).toBeGreaterThanOrEqual(PIECE_TURNS);
    const list = await t.api({ url: '/api/v1/kyc', token: user.token });
    const doc = (list.body.documents as { id: string }[]).find((d) => d.id === up.value.body.id);
    expect(doc).toBeDefined();
    const down = await t.app.inject({ url: `/api/v1/kyc/${user.id}/documents/${up.value.body.id}`, headers: { host: 'platform.test', authorization: `Bearer ${agency.token}` } });
    expect(down.statusCode).toBe(200);
    expect(sha(down.rawPayload)).toBe(sha(file));
  });

  it('keeps a replaced logo’s new bytes only, and nothing of a removed one', async () => {
    const first = png(300_000);
    const second = png(290_000);
    for (const f of [first, second]) expect((await t.api({ method: 'PUT', url: '/api/v1/branding/logo', token: agency.token, body: { data: f.toString('base64') } })).status).toBe(200);
    const pieces = async () => (await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM file_pieces WHERE file_id LIKE 'brand_assets/%'")).rows[0].n;
    expect(await pieces()).toBe(2);
    expect((await t.api({ method: 'DELETE', url: '/api/v1/branding/logo', token: agency.token })).status).toBe(200);
    expect(await pieces()).toBe(0);
  });
});

describe('files stored before pieces', () => {
  it('are moved into pieces by the migration, byte for byte', async () => {
    const db = await freshDb({ migrate: false });
    try {
      const all = await loadMigrations();
      await migrate(db, all.filter((m) => m.version < 29));
      const big = pdf(600_000);
      const small = png(1000);
      await db.transaction(async (tx) => {
        // rows as an older version wrote them; their parents do not matter to the move
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query(
          `INSERT INTO ticket_attachments (id, ticket_id, message_id, position, filename, content_type, size, sha256, data, created_at)
           VALUES ('att_old', 'tkt_x', 'tmsg_x', 0, 'old.pdf', 'application/pdf', $1, $2, $3, now())`,
          [big.length, sha(big), big],
        );
        await tx.query("INSERT INTO brand_assets (brand_id, kind, content_type, size, sha256, data, updated_at) VALUES ('brd_x', 'logo', 'image/png', $1, $2, $3, now())", [small.length, sha(small), small]);
      });
      await migrate(db, all);
      expect(sha(await readFile(db, 'ticket_attachments/att_old'))).toBe(sha(big));
      expect(sha(await readFile(db, 'brand_assets/brd_x/logo'))).toBe(sha(small));
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM file_pieces WHERE file_id = 'ticket_attachments/att_old'");
      expect(rows[0].n).toBe(3);
    } finally {
      await db.close();
    }
  });
});
