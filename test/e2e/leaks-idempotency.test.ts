import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerIdempotency } from '../../src/http/idempotency.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('Idempotency-Key: scoped to the caller and the actual request, never a store of secrets', () => {
  let t: TestChapar;
  let admin: string;
  let uA: Child;
  let uA2: Child;

  const balance = async (token: string) => (await t.api({ url: '/api/v1/balance', token })).body.balance as string;
  const stored = async () => (await t.db.query('SELECT response::text AS r FROM idempotency_keys')).rows.map((r) => String(r.r)).join('\n');

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    uA = await createChild(t, admin, { username: 'shop_a', kind: 'user' });
    uA2 = await createChild(t, admin, { username: 'shop_a2', kind: 'user' });
  });
  afterAll(() => t.close());

  it('a key reused to credit another account is a conflict: it neither replays the first answer nor credits', async () => {
    const headers = { 'idempotency-key': 'credit-1' };
    const first = await t.api({ url: `/api/v1/accounts/${uA.id}/credit`, token: admin, body: { amount: '5000', note: '' }, headers });
    expect(first.status).toBe(200);
    const other = await t.api({ url: `/api/v1/accounts/${uA2.id}/credit`, token: admin, body: { amount: '5000', note: '' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await balance(uA2.token)).toBe('0');
    // the same request again is a replay: the answer once more, and no second credit
    const again = await t.api({ url: `/api/v1/accounts/${uA.id}/credit`, token: admin, body: { amount: '5000', note: '' }, headers });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await balance(uA.token)).toBe('5000');
  });

  it('the query string is part of the request a key stands for', async () => {
    const headers = { 'idempotency-key': 'query-1' };
    const first = await t.api({ url: `/api/v1/accounts/${uA.id}/credit?x=1`, token: admin, body: { amount: '7', note: '' }, headers });
    expect(first.status).toBe(200);
    const other = await t.api({ url: `/api/v1/accounts/${uA.id}/credit?x=2`, token: admin, body: { amount: '7', note: '' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('two callers may use the same key: each gets its own answer', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const a = await t.api({ url: '/api/v1/phonebook/groups', token: uA.token, body: { name: 'friends' }, headers });
    const b = await t.api({ url: '/api/v1/phonebook/groups', token: uA2.token, body: { name: 'friends' }, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.body.id).not.toBe(b.body.id);
  });

  // Every route that shows a secret once: the secret is in the first answer, never in the store,
  // and a replay says "already created" with the resource's id but without the secret.
  const secretRoutes: { name: string; call: (key: string) => Promise<{ status: number; body: any }>; secrets: (body: any) => string[]; status: number }[] = [
    { name: 'API key creation', status: 201, call: (key) => t.api({ url: '/api/v1/api-keys', token: uA.token, body: { name: 'shop' }, headers: { 'idempotency-key': key } }), secrets: (b) => [b.key] },
    { name: 'SMPP password', status: 201, call: (key) => t.api({ url: '/api/v1/smpp/password', token: uA.token, body: {}, headers: { 'idempotency-key': key } }), secrets: (b) => [b.password] },
    { name: 'TOTP enrolment', status: 200, call: (key) => t.api({ url: '/api/v1/auth/2fa/setup', token: uA2.token, body: {}, headers: { 'idempotency-key': key } }), secrets: (b) => [b.secret, b.otpauthUrl, b.qrDataUrl] },
    { name: 'impersonation', status: 200, call: (key) => t.api({ url: `/api/v1/users/${uA.id}/impersonate`, token: admin, body: {}, headers: { 'idempotency-key': key } }), secrets: (b) => [b.token, b.csrfToken] },
    { name: 'webhook secret', status: 201, call: (key) => t.api({ url: '/api/v1/webhooks', token: uA.token, body: { url: 'https://hooks.example.com/sms' }, headers: { 'idempotency-key': key } }), secrets: (b) => [b.secret] },
    { name: 'sign-in while signed in', status: 200, call: (key) => t.api({ url: '/api/v1/auth/login', token: uA.token, body: { username: uA2.username, password: uA2.password }, headers: { 'idempotency-key': key } }), secrets: (b) => [b.token, b.csrfToken] },
  ];

  for (const route of secretRoutes) {
    it(`${route.name}: the secret is answered once and never stored; a replay is ALREADY_CREATED without it`, async () => {
      const key = `secret-${route.name}`;
      const first = await route.call(key);
      expect(first.status, JSON.stringify(first.body)).toBe(route.status);
      const secrets = route.secrets(first.body);
      expect(secrets.every((s) => typeof s === 'string' && s.length >= 8)).toBe(true);
      const store = await stored();
      expect(secrets.filter((s) => store.includes(s))).toEqual([]);
      const replay = await route.call(key);
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('ALREADY_CREATED');
      expect(secrets.filter((s) => JSON.stringify(replay.body).includes(s))).toEqual([]);
      if (first.body.id) expect(replay.body.error.details.answer.id).toBe(first.body.id);
    });
  }

  it('a request that carries a password leaves no fast hash of it to guess against', async () => {
    const changer = await createChild(t, admin, { username: 'changer', kind: 'user', password: 'old-pass-1234' });
    const body = { currentPassword: 'old-pass-1234', newPassword: 'new-pass-5678' };
    const headers = { 'idempotency-key': 'change-1' };
    expect((await t.api({ url: '/api/v1/auth/password', token: changer.token, body, headers })).status).toBe(200);
    const { rows } = await t.db.query("SELECT request_hash FROM idempotency_keys WHERE key = 'change-1'");
    const guess = createHash('sha256').update(`POST /api/v1/auth/password\n${JSON.stringify(body)}`).digest('hex');
    expect(rows).toHaveLength(1);
    expect(rows[0].request_hash).not.toBe(guess);
    // still a working key: the same request replays, another password is a conflict
    const again = await t.api({ url: '/api/v1/auth/password', token: changer.token, body, headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await t.api({ url: '/api/v1/auth/password', token: changer.token, body: { ...body, newPassword: 'other-pass-999' }, headers });
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('refuses to register a POST route that answers with a secret it did not name', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    registerIdempotency(app, { db: t.db });
    const r = app.withTypeProvider<ZodTypeProvider>();
    const response = { 201: z.object({ id: z.string(), token: z.string() }) };
    r.post('/marked', { config: { secretFields: ['token'] }, schema: { response } }, async () => ({ id: 'x', token: 'y' }));
    expect(() => r.post('/forgot', { schema: { response } }, async () => ({ id: 'x', token: 'y' }))).toThrow(/token.*secretFields/);
    await app.close();
  });

  it('says "already created" in Persian too', async () => {
    const call = () => t.api({ url: '/api/v1/api-keys', token: uA2.token, body: { name: 'fa' }, headers: { 'idempotency-key': 'fa-key' }, lang: 'fa' });
    expect((await call()).status).toBe(201);
    const replay = await call();
    expect(replay.body.error.message).toMatch(/[\u0600-\u06FF]/);
  });
});
