// Issue 14: a big JSON body (a million-recipient send is 13 MB) is parsed and validated on a
// worker thread, not in two synchronous calls on the event loop, and answers exactly as a small
// body does: the same errors for malformed JSON, prototype poisoning and invalid fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_BODY_BYTES } from '../../src/http/big-json/parser.ts';
import { openSender, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';
import { counting } from '../helpers/turns.ts';

const numbers = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(1_000_000 + i)}`);

let t: TestChapar;
let token: string;
beforeAll(async () => {
  t = await testChapar();
  token = (await openSender(t, 'json-big', '100000000')).token;
});
afterAll(async () => {
  await t?.close();
});

/** A raw body to the quote route (no store, no charge). */
const post = (payload: string, lang = 'en') =>
  t.app.inject({ method: 'POST', url: '/api/v1/messages/quote', payload, headers: { host: PLATFORM_HOST, 'accept-language': lang, authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

describe('a big JSON body', () => {
  it('is refused field by field after the event loop turned while it was parsed and checked', async () => {
    const to = numbers(300_000, '0912');
    to[123_456] = '0'.repeat(41);
    const payload = JSON.stringify({ to, text: 'hello' });
    expect(payload.length).toBeGreaterThan(BIG_BODY_BYTES);
    // Parsed and validated on the event loop, this body takes one turn (~60 ms) and the probe
    // runs a handful of times while the request is read; off it, the loop keeps turning.
    const res = await counting(() => post(payload));
    expect(res.value.statusCode).toBe(400);
    const body = res.value.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields).toEqual([{ path: 'body.to.123456', message: 'must be at most 40 characters', reason: 'must be at most 40 characters' }]);
    expect(res.turns).toBeGreaterThan(50);
    const fa = (await post(payload, 'fa')).json();
    expect(fa.error.details.fields[0].reason).toBe('حداکثر ۴۰ نویسه مجاز است');
  });

  it('names a missing field as a small body would', async () => {
    const payload = JSON.stringify({ to: numbers(300_000, '0912') });
    const small = (await post(JSON.stringify({ to: ['09121234567'] }))).json();
    const big = (await post(payload)).json();
    expect(big.error).toEqual(small.error);
    expect(big.error.details.fields).toEqual([{ path: 'body.text', message: 'is required', reason: 'is required' }]);
  });

  it('answers malformed JSON and prototype poisoning as Fastify does for a small body', async () => {
    const to = JSON.stringify(numbers(300_000, '0912'));
    for (const [big, small] of [
      [`{"to": ${to}, "text": "hello"`, '{"to": ["09121234567"], "text": "hello"'],
      [`{"to": ${to}, "text": "hello", "__proto__": {"admin": true}}`, '{"to": ["09121234567"], "text": "hello", "__proto__": {"admin": true}}'],
      [`{"to": ${to}, "text": "hello", "x": {"constructor": {"prototype": {"admin": true}}}}`, '{"to": ["09121234567"], "text": "hello", "x": {"constructor": {"prototype": {"admin": true}}}}'],
    ]) {
      expect(big.length).toBeGreaterThan(BIG_BODY_BYTES);
      const [a, b] = [await post(big), await post(small)];
      expect(a.statusCode).toBe(400);
      expect([a.statusCode, a.json()]).toEqual([b.statusCode, b.json()]);
    }
  });

  it('reaches the route whole: every number, in order, with the schema’s defaults', async () => {
    const to = [...numbers(150_000, '0912'), ...numbers(150_000, '0935'), '09121000000'];
    const res = await post(JSON.stringify({ to, text: 'hello' }));
    expect(res.statusCode).toBe(200);
    const q = res.json();
    expect([q.accepted, q.duplicates, q.text]).toEqual([300_000, 1, 'hello']);
    expect(q.perOperator.mci.count).toBe(150_000);
    expect(q.perOperator.irancell.count).toBe(150_000);
  });
});
