// A big send that goes out at once is stored as recipient chunks (migration 0018), its rows made
// as the dispatcher claims them. Whatever shows recipients must show every one of them, with the
// id it keeps once its row exists, and the dispatcher must send each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRepo } from '../../src/modules/messages/repo.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';

const prefixes = ['0912', '0935', '0921'];
const mobile = (i: number) => `${prefixes[i % 3]}${String(4_000_000 + i)}`;
const N = 2_500;

describe('a big send stored as recipient chunks', () => {
  let t: TestChapar;
  let admin: string;
  let user: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    user = await createChild(t, admin, { username: 'bigsender', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '100000000', note: '' } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/blacklist', token: user.token, body: { numbers: [mobile(7)] } })).body.added).toBe(1);
  });
  afterAll(() => t.close());

  it('lists, counts and finds every recipient before and while the dispatcher makes their rows, then sends each once', async () => {
    const to = Array.from({ length: N }, (_, i) => mobile(i));
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [...to, to[5]], text: 'حراج زمستانه', class: 'service' } });
    expect(res.status).toBe(202);
    const { batchId } = res.body;
    const price = BigInt(res.body.cost) / BigInt(N - 1);
    expect(res.body).toMatchObject({ accepted: N - 1, blacklisted: 1 });

    // stored compactly: only the blacklisted recipient has a row
    const rows = await t.db.query('SELECT count(*)::int AS n FROM messages WHERE batch_id = $1', [batchId]);
    const chunks = await t.db.query('SELECT operator, cardinality(recipients) AS n, cost FROM message_chunks WHERE batch_id = $1 ORDER BY first_id', [batchId]);
    expect(rows.rows[0].n).toBe(1);
    expect(chunks.rows.map((c) => c.operator).sort()).toEqual(['irancell', 'mci', 'rightel']);
    expect(chunks.rows.reduce((s, c) => s + Number(c.n), 0)).toBe(N - 1);
    expect(chunks.rows.every((c) => BigInt(c.cost as string) === price)).toBe(true);

    const batch = await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token });
    expect(batch.body.counts).toEqual({ queued: N - 1, blacklisted: 1 });

    // the recipients table pages through all of them, each once
    const listAll = async () => {
      const seen: { to: string; status: string; cost: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { to: string; status: string; cost: string }[]; nextCursor: string | null } } = await t.api({
          url: `/api/v1/messages/${batchId}/recipients?limit=700${cursor ? `&cursor=${cursor}` : ''}`, token: user.token,
        });
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const before = await listAll();
    expect(before).toHaveLength(N);
    expect(new Set(before.map((r) => r.to)).size).toBe(N);
    expect(before.filter((r) => r.status === 'blacklisted').map((r) => r.to)).toEqual(['+98' + mobile(7).slice(1)]);
    expect(before.filter((r) => r.status === 'queued' && r.cost === price.toString())).toHaveLength(N - 1);
    const queuedOnly = await t.api({ url: `/api/v1/messages/${batchId}/recipients?status=queued&q=${mobile(1234).slice(-6)}`, token: user.token });
    expect(queuedOnly.body.items.map((r: { to: string }) => r.to)).toEqual(['+98' + mobile(1234).slice(1)]);
    const csv = await t.api({ url: `/api/v1/messages/${batchId}/recipients?format=csv`, token: user.token });
    expect(String(csv.body).trim().split('\n')).toHaveLength(N + 1);

    // the platform's records search finds a recipient still in a chunk
    const found = await t.api({ url: `/api/v1/records/sent?number=${mobile(2001)}`, token: admin });
    expect(found.body.items).toMatchObject([{ to: '+98' + mobile(2001).slice(1), status: 'queued', batchId }]);

    // a claim makes rows with the ids the recipients had while in their chunk
    const ids = async () => new Map((await t.db.query('SELECT id::text AS id, recipient FROM outbox_messages WHERE batch_id = $1', [batchId])).rows.map((r) => [r.recipient as string, r.id as string]));
    const idsBefore = await ids();
    const claimed = await messageRepo(t.db).claim(700, t.clock.now());
    expect(claimed).toHaveLength(700);
    expect(claimed.every((m) => m.batchId === batchId && m.attempts === 1 && m.body === 'حراج زمستانه' && m.parts === 1)).toBe(true);
    expect(claimed.every((m) => idsBefore.get(m.recipient) === m.id.toString())).toBe(true);
    const idsAfter = await ids();
    expect(idsAfter).toEqual(idsBefore);
    expect((await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body.counts).toEqual({ queued: N - 1 - 700, sending: 700, blacklisted: 1 });
    // the claim's lease runs out (as after a crash): those go back to the outbox as rows
    await messageRepo(t.db).reclaimStale(new Date(t.clock.now().getTime() + 1), t.clock.now());

    // the engine sends every recipient once and the batch is done with nothing left reserved
    await t.services.engine.start();
    const done = await until('batch done', () => t.api({ url: `/api/v1/messages/${batchId}`, token: user.token }), (r) => r.body.status === 'done', 60_000);
    expect(done.body.counts).toEqual({ delivered: N - 1, blacklisted: 1 });
    expect((await t.db.query('SELECT count(*)::int AS n FROM message_chunks WHERE batch_id = $1', [batchId])).rows[0].n).toBe(0);
    const dup = await t.db.query('SELECT recipient FROM messages WHERE batch_id = $1 GROUP BY recipient HAVING count(*) > 1', [batchId]);
    expect(dup.rows).toEqual([]);
    const submitted = await t.db.query("SELECT count(*)::int AS n FROM messages WHERE batch_id = $1 AND upstream_id IS NOT NULL", [batchId]);
    expect(submitted.rows[0].n).toBe(N - 1);
    const wallet = await t.api({ url: '/api/v1/balance', token: user.token });
    expect(BigInt(wallet.body.reserved ?? 0)).toBe(0n);
    expect(BigInt(wallet.body.balance)).toBe(100_000_000n - price * BigInt(N - 1));
  });
});

describe('claiming across rows and chunks', () => {
  let t: TestChapar;
  let user: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    // 11:30 in Tehran: advertising may go out
    t = await testChapar({ clockStart: '2026-12-03T08:00:00Z' });
    const admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    user = await createChild(t, admin, { username: 'mixedsender', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '100000000', note: '' } })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('takes an OTP row first, then a chunked service send, and an advertising row only after it', async () => {
    const send = async (to: string[], cls: string) => {
      const text = cls === 'advertising' ? 'پیام\nلغو۱۱' : 'پیام';
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to, text, class: cls } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return res.body.batchId as string;
    };
    const ad = await send(['09127770001', '09127770002'], 'advertising');
    const service = await send(Array.from({ length: 1200 }, (_, i) => mobile(i)), 'service');
    const otp = await send(['09127770003'], 'otp');
    expect((await t.db.query('SELECT count(*)::int AS n FROM message_chunks WHERE batch_id = $1', [service])).rows[0].n).toBeGreaterThan(0);

    const first = await messageRepo(t.db).claim(10, t.clock.now());
    expect(first.map((m) => m.batchId)).toEqual([otp, ...Array(9).fill(service)]);
    const rest = await messageRepo(t.db).claim(2000, t.clock.now());
    expect(rest.map((m) => m.batchId)).toEqual([...Array(1191).fill(service), ad, ad]);
  });
});
