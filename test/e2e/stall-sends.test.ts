// Issue 14: no single request may hold the event loop for long. A big send is checked, priced,
// composed and stored in slices with turns of the event loop between them, inside the one
// transaction that makes it all-or-nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNKS_PER_STATEMENT } from '../../src/modules/messages/repo.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { counting } from '../helpers/turns.ts';

const N = 200_000;
const numbers = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(1_000_000 + i)}`);

let t: TestChapar;
beforeAll(async () => {
  t = await testChapar();
});
afterAll(async () => {
  await t?.close();
});

describe('a 200,000-recipient send', () => {
  it('lets the event loop turn while it is checked, composed and stored, not only while its numbers are parsed', async () => {
    const sender = await openSender(t, 'stall-bulk', '100000000000');
    const sent = await counting(() => t.api({ url: '/api/v1/messages', token: sender.token, body: { to: numbers(N, '0935'), text: 'hello', class: 'service' } }));
    expect(sent.value.status).toBe(202);
    expect(sent.value.body.accepted).toBe(N);
    const { rows } = await t.db.query<{ n: number; chunks: number }>('SELECT sum(size)::int AS n, count(*)::int AS chunks FROM message_chunks WHERE batch_id = $1', [sent.value.body.batchId]);
    expect(rows[0]).toEqual({ n: N, chunks: Math.ceil(N / 4096) });
    // Slices of 20,000: 9 turns while parsing, 9 in each of the compliance check's number
    // conversion, the pricing cells and composing, and one between statements of 4 chunks.
    const statements = Math.ceil(Math.ceil(N / 4096) / CHUNKS_PER_STATEMENT);
    expect(sent.turns).toBeGreaterThanOrEqual(9 * 4 + statements - 1);
  });

  it('charges nothing and leaves no batch when a chunk written after several turns cannot be stored', async () => {
    const sender = await openSender(t, 'stall-atomic', '100000000000');
    const balance = async () => (await t.api({ url: '/api/v1/balance', token: sender.token })).body.balance as string;
    const before = await balance();
    await t.db.exec(`CREATE FUNCTION stall_refuse_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM message_chunks WHERE batch_id = NEW.batch_id) >= 20 THEN RAISE EXCEPTION 'chunk refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER stall_refuse_chunk BEFORE INSERT ON message_chunks FOR EACH ROW EXECUTE FUNCTION stall_refuse_chunk();`);
    try {
      const res = await t.api({ url: '/api/v1/messages', token: sender.token, body: { to: numbers(N, '0912'), text: 'hello', class: 'service' } });
      expect(res.status).toBe(500);
    } finally {
      await t.db.exec('DROP TRIGGER stall_refuse_chunk ON message_chunks; DROP FUNCTION stall_refuse_chunk();');
    }
    expect(await balance()).toBe(before);
    const batches = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM batches WHERE account_id = $1', [sender.id]);
    const chunks = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM message_chunks WHERE account_id = $1', [sender.id]);
    expect([batches.rows[0].n, chunks.rows[0].n]).toEqual([0, 0]);
  });
});

describe('body limits', () => {
  it('refuses a 5 MB JSON body on a route that needs far less, from its length and before parsing it', async () => {
    const user = await openSender(t, 'stall-body', '1000');
    const text = 'x'.repeat(5 * 2 ** 20);
    for (const lang of ['fa', 'en'] as const) {
      const res = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'big', text }, lang });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('BODY_TOO_LARGE');
      expect(res.body.error.details).toEqual({ maxBytes: 2 ** 20 });
      expect(res.body.error.message).toBe(lang === 'fa' ? 'حجم درخواست بیش از ۱ مگابایت است.' : 'The request body is larger than 1 MB.');
    }
  });

  it('still takes a send of 1,000,000 recipients, and says how many a send may name when it is larger', async () => {
    const user = await openSender(t, 'stall-body-send', '1000');
    const to = numbers(200_000, '0912');
    const quote = await t.api({ url: '/api/v1/messages/quote', token: user.token, body: { to: [...to, ...to, ...to, ...to, ...to], text: 'hello' } });
    expect(quote.status).toBe(200);
    expect(JSON.stringify({ to: [...to, ...to, ...to, ...to, ...to] }).length).toBeGreaterThan(2 ** 20);
    const huge = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: [...to, 'x'.repeat(21 * 2 ** 20)], text: 'hello' } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.details).toEqual({ maxBytes: 20 * 2 ** 20, maxRecipients: 1_000_000 });
  });
});
