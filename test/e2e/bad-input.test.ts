// Bad input is the caller's error: a 4xx naming what is wrong, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { postForm } from '../helpers/multipart.ts';

type Sender = Awaited<ReturnType<typeof openSender>>;

describe('bad input answers 400, never 500', () => {
  let t: TestChapar;
  let user: Sender;

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'bad_input', '100000');
  });
  afterAll(() => t.close());

  const fieldsOf = (body: any) => (body.error.details.fields as { path: string }[]).map((f) => f.path);

  describe('a NUL character (U+0000), which PostgreSQL cannot store', () => {
    it('in a send\'s text is a VALIDATION_FAILED naming the field, in Persian and English', async () => {
      const body = { to: ['09121234567'], text: 'hello\u0000world', class: 'service' };
      const en = await t.api({ url: '/api/v1/messages', token: user.token, body });
      expect(en.status, JSON.stringify(en.body)).toBe(400);
      expect(en.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(en.body)).toEqual(['body.text']);
      expect(en.body.error.message).toContain('text (contains a NUL character');
      const fa = await t.api({ url: '/api/v1/messages', token: user.token, body, lang: 'fa' });
      expect(fa.status).toBe(400);
      expect(fa.body.error.message).toContain('text (نویسهٔ NUL');
    });

    it('in a recipient, a nested field and an object key', async () => {
      const send = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121234567', '0912\u00001234568'], text: 'x', class: 'service' } });
      expect(send.status).toBe(400);
      expect(fieldsOf(send.body)).toEqual(['body.to.1']);
      const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'a\u0000b' } });
      expect(group.status).toBe(400);
      expect(fieldsOf(group.body)).toEqual(['body.name']);
      const key = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'ok', ['x\u0000']: 1 } });
      expect(key.status).toBe(400);
      expect(fieldsOf(key.body)).toEqual(['body.x\\u0000']);
    });

    it('in a big send parsed on the worker thread: the same answer', async () => {
      const to = Array.from({ length: 30_000 }, (_, i) => `0912${String(i).padStart(7, '0')}`);
      const body = { to, text: 'big\u0000send', class: 'service' };
      expect(JSON.stringify(body).length).toBeGreaterThan(256 * 1024);
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['body.text']);
      expect(res.body.error.message).toContain('text (contains a NUL character');
    });

    it('in a multipart form\'s field and file name, and in the cells of an uploaded CSV', async () => {
      const ticket = await postForm(t, { url: '/api/v1/support/tickets', token: user.token, fields: { subject: 'nul', text: 'a\u0000b' }, files: [{ filename: 'x\u0000.txt', data: Buffer.from('hi'), contentType: 'text/plain' }] });
      expect(ticket.status, JSON.stringify(ticket.body)).toBe(400);
      expect(fieldsOf(ticket.body)).toEqual(['body.text']);
      const upload = await postForm(t, { url: '/api/v1/phonebook/uploads', token: user.token, fields: {}, files: [{ filename: 'nul\u0000.csv', data: Buffer.from('mobile,name\n09121234567,a\u0000b\n'), field: 'file' }] });
      expect(upload.status, JSON.stringify(upload.body)).toBe(201);
      {
        const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'nul-import' } });
        const started = await t.api({ url: `/api/v1/phonebook/uploads/${upload.body.uploadId}/import`, token: user.token, body: { groupId: group.body.id, mapping: { 0: 'mobile', 1: 'name' }, hasHeader: true } });
        expect(started.status, JSON.stringify(started.body)).toBe(202);
        await t.services.phonebook.settled(started.body.id);
        const done = await t.api({ url: `/api/v1/phonebook/imports/${started.body.id}`, token: user.token });
        expect(done.body.status, JSON.stringify(done.body)).toBe('done');
        const contacts = await t.api({ url: `/api/v1/phonebook/groups/${group.body.id}/contacts`, token: user.token });
        expect(JSON.stringify(contacts.body)).toContain('"ab"');
      }
    });

    it('in a query string and a path parameter', async () => {
      const q = await t.api({ url: '/api/v1/messages?accountId=%00', token: user.token });
      expect(q.status, JSON.stringify(q.body)).toBe(400);
      expect(fieldsOf(q.body)).toEqual(['querystring.accountId']);
      const p = await t.api({ url: '/api/v1/messages/bat_%00', token: user.token });
      expect(p.status, JSON.stringify(p.body)).toBe(400);
      expect(fieldsOf(p.body)).toEqual(['params.batchId']);
    });
  });

  describe('money beyond what a wallet can hold (10^15 rials)', () => {
    const huge = '999999999999999999';
    const refusedForBound = (res: { status: number; body: any }, field: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual([field]);
    };

    it('a credit transfer is refused naming the bound, in English and Persian, and moves nothing', async () => {
      const admin = await t.adminToken();
      for (const amount of [huge, `-${huge}`, '1000000000000001']) {
        const en = await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount, note: '' } });
        refusedForBound(en, 'body.amount');
        expect(en.body.error.message).toContain('at most 1000000000000000 rials');
      }
      const fa = await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: huge, note: '' }, lang: 'fa' });
      expect(fa.body.error.message).toContain('۱۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰ ریال');
      expect((await t.api({ url: '/api/v1/balance', token: user.token })).body.balance).toBe('100000');
      // the bound itself is an amount like any other
      const at = await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: admin, body: { amount: '1000000000000000', note: '' } });
      expect(at.status).not.toBe(400);
      expect(at.status).toBeLessThan(500);
    });

    it('a credit limit, a low-credit threshold, a top-up and a deposit', async () => {
      const admin = await t.adminToken();
      refusedForBound(await t.api({ method: 'PUT', url: `/api/v1/accounts/${user.id}/credit-limit`, token: admin, body: { creditLimit: huge } }), 'body.creditLimit');
      refusedForBound(await t.api({ method: 'PUT', url: '/api/v1/balance/low-credit-threshold', token: user.token, body: { threshold: huge } }), 'body.threshold');
      refusedForBound(await t.api({ url: '/api/v1/billing/payments', token: user.token, body: { gatewayId: 'gw_x', amount: huge } }), 'body.amount');
    });

    it('a line\'s yearly price', async () => {
      const admin = await t.adminToken();
      const res = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '30001234', lineType: '3000', renewalPrice: '99999999999999999999' } });
      refusedForBound(res, 'body.renewalPrice');
    });
  });

  describe('numbers beyond a column', () => {
    it('a recipients cursor past int8 is a VALIDATION_FAILED, not a database error', async () => {
      const sent = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121234567'], text: 'cursor', class: 'service' } });
      expect(sent.status).toBe(202);
      const res = await t.api({ url: `/api/v1/messages/${sent.body.batchId}/recipients?cursor=99999999999999999999999`, token: user.token });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['querystring.cursor']);
      const fine = await t.api({ url: `/api/v1/messages/${sent.body.batchId}/recipients?cursor=9223372036854775807`, token: user.token });
      expect(fine.status, JSON.stringify(fine.body)).toBe(200);
    });
  });

  describe('headers and shapes a client should never send, but might', () => {
    it('an Idempotency-Key with a control character is a VALIDATION_FAILED naming the header', async () => {
      for (const key of ['a\u0000b', 'line\nbreak']) {
        const res = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: `g-${key.length}` }, headers: { 'idempotency-key': key } });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
      }
    });

    it('a Host that is no host name is an unknown host', async () => {
      for (const host of ['a\u0000b', 'x'.repeat(300), 'a b.example']) {
        const res = await t.api({ url: '/api/v1/me', token: user.token, host });
        expect(res.status, JSON.stringify(res.body)).toBe(404);
        expect(res.body.error.code).toBe('UNKNOWN_HOST');
      }
    });

    it('an X-Request-Id that cannot be echoed in a header is replaced by a fresh one', async () => {
      const res = await t.api({ url: '/api/v1/me', token: user.token, headers: { 'x-request-id': 'a\u0000b' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).not.toContain('\u0000');
      const kept = await t.api({ url: '/api/v1/me', token: user.token, headers: { 'x-request-id': 'trace-42' } });
      expect(kept.headers['x-request-id']).toBe('trace-42');
    });

    it('a path that is not valid UTF-8 is a BAD_REQUEST in the error shape every answer has', async () => {
      for (const lang of ['en', 'fa']) {
        const res = await t.api({ url: '/api/v1/messages/%C0%80', token: user.token, lang });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(res.body.error.message).toBe(lang === 'fa' ? 'درخواست نامعتبر است.' : 'Bad request.');
      }
    });

    it('a body nested 50,000 deep is refused as invalid, not a 500', async () => {
      const payload = '{"name":'.repeat(50_000) + '1' + '}'.repeat(50_000);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/phonebook/groups', headers: { host: 'platform.test', authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'idempotency-key': 'deep' }, payload });
      expect(res.statusCode).toBe(400);
    });
  });
});
