import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/jobs/purge-expired.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

const CODE = /\d{5,}/;

describe('in production, codes and passwords leave the notification rows once delivered', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    t = await testChapar({ env: { NODE_ENV: 'production' } });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency_p', kind: 'agency' });
  });
  afterAll(() => t.close());

  const rows = async (kind: string) => (await t.db.query('SELECT body, subject, status FROM notifications WHERE kind = $1', [kind])).rows;

  it('a sign-up code is sent, then kept neither in the row nor in GET /system/outbox', async () => {
    const start = await t.api({ url: '/api/v1/auth/signup', body: { username: 'newshop', password: 'newshop-pass-1', mobile: '09121231234' } });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const stored = await rows('code.signup');
    expect(stored).toHaveLength(1);
    expect(stored[0].status).toBe('sent');
    expect(String(stored[0].body)).not.toMatch(CODE);
    const outbox = await t.api({ url: '/api/v1/system/outbox?channel=sms&recipient=%2B989121231234', token: admin });
    expect(outbox.status).toBe(200);
    expect(outbox.body.items).toHaveLength(1);
    expect(outbox.body.items[0]).toMatchObject({ kind: 'code.signup', redacted: true });
    expect(`${outbox.body.items[0].subject} ${outbox.body.items[0].body}`).not.toMatch(CODE);
  });

  it('a new user’s password goes out in the welcome SMS and e-mail and is then gone from both rows', async () => {
    const password = 'Welcome-Secret-9871';
    const res = await t.api({ url: '/api/v1/users', token: agency.token, body: { username: 'welcomed', password, mobile: '09121239876', email: 'shop@example.com' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const stored = await rows('agency.welcome');
    expect(stored.map((r) => r.status).sort()).toEqual(['sent', 'sent']);
    expect(stored.filter((r) => `${r.subject} ${r.body}`.includes(password))).toEqual([]);
    const outbox = await t.api({ url: '/api/v1/system/outbox?channel=email', token: admin });
    expect(JSON.stringify(outbox.body)).not.toContain(password);
  });
});

describe('outside production the simulator handset still shows codes, for a day', () => {
  let t: TestChapar;
  let admin: string;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  it('shows the sign-up code on the handset, and the hourly purge redacts it a day later', async () => {
    expect((await t.api({ url: '/api/v1/auth/signup', body: { username: 'devshop', password: 'devshop-pass-1', mobile: '09121235555' } })).status).toBe(200);
    const outbox = async () => (await t.api({ url: '/api/v1/system/outbox?channel=sms&recipient=%2B989121235555', token: admin })).body.items;
    const [shown] = await outbox();
    expect(shown).toMatchObject({ kind: 'code.signup', redacted: false });
    expect(shown.body).toMatch(CODE);
    await purgeExpired(t.db, t.clock);
    expect((await outbox())[0].body).toMatch(CODE);
    t.clock.advance(25 * 3_600_000);
    await purgeExpired(t.db, t.clock);
    const [later] = await outbox();
    expect(later).toMatchObject({ kind: 'code.signup', redacted: true });
    expect(later.body).not.toMatch(CODE);
  });
});

describe('in production with the message engine, a code sent as system SMS leaves its row once sent', () => {
  let t: TestChapar;

  beforeAll(async () => {
    t = await testChapar({ env: { NODE_ENV: 'production' }, engine: true });
  });
  afterAll(() => t.close());

  it('empties the code when the engine marks the row sent', async () => {
    expect((await t.api({ url: '/api/v1/auth/signup', body: { username: 'engineshop', password: 'engineshop-pass-1', mobile: '09121236666' } })).status).toBe(200);
    const row = async () => (await t.db.query("SELECT body, status FROM notifications WHERE kind = 'code.signup'")).rows[0];
    for (let i = 0; i < 200 && (await row()).status === 'pending'; i++) await new Promise((r) => setTimeout(r, 50));
    const sent = await row();
    expect(sent.status).toBe('sent');
    expect(String(sent.body)).not.toMatch(CODE);
  });
});
