import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import type { SimulatorUpstream } from '../../src/upstreams/simulator/adapter.ts';

/** Polls the API until `done` holds; bounded, so a broken engine fails instead of hanging. */
async function until<T>(what: string, get: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setDefaultGroupPrice(t: TestChapar, token: string, basePrice: string) {
  const groups = await t.api({ url: '/api/v1/billing/groups', token });
  const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
  const res = await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token, body: { basePrice } });
  expect(res.status).toBe(200);
}

const persian = 'سلام، سفارش شما ارسال شد.';
const three = ['09121234567', '09351234567', '09201234567'];

describe('sending through the engine to the simulator SMSC', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let user: Awaited<ReturnType<typeof createChild>>;
  let hook: Server;
  const hookBodies: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    // The webhook receiver below listens on loopback, which only this setting lets a URL reach.
    t = await testChapar({ engine: true, jobs: true, env: { CHAPAR_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1' }, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 10 }, record: true } } } });
    admin = await t.adminToken();
    // These sends test the engine, not KYC: the platform lets unverified accounts send freely.
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    await setDefaultGroupPrice(t, admin, '1000');
    agency = await createChild(t, admin, { username: 'agency', kind: 'agency' });
    await setDefaultGroupPrice(t, agency.token, '1500');
    user = await createChild(t, agency.token, { username: 'shop', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: 'test' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '100000', note: 'test' } })).status).toBe(200);
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hookBodies.push({ headers: req.headers, body });
        res.writeHead(hookBodies.length === 1 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await t.close();
    hook.close();
  });

  it('quotes the exact parts and cost that the send then charges', async () => {
    const quote = await t.api({ url: '/api/v1/messages/quote', token: user.token, body: { to: [...three, '0912 123 4567', 'not a number'], text: persian, class: 'service' } });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ alphabet: 'ucs2', parts: 1, accepted: 3, duplicates: 1, cost: '4500' });
    expect(quote.body.rejected).toEqual([{ to: 'not a number', code: 'INVALID_NUMBER' }]);
    expect(quote.body.levels).toEqual([{ accountId: user.id, kind: 'user', amount: '4500' }]);
    expect(quote.body.shortBy).toBe('0');
    // more than the user's 100,000 rials: the quote says by how much, before the send is refused
    const many = Array.from({ length: 80 }, (_, i) => `0912555${String(1000 + i)}`);
    const big = await t.api({ url: '/api/v1/messages/quote', token: user.token, body: { to: many, text: persian, class: 'service' } });
    expect(BigInt(big.body.cost)).toBeGreaterThan(100_000n);
    expect(big.body.shortBy).toBe(String(BigInt(big.body.cost) - 100_000n));
  });

  it('sends a Persian message to three numbers and sees every one delivered, charged at each level', async () => {
    const before = await t.api({ url: '/api/v1/balance', token: agency.token });
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: three, text: persian, class: 'service' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 3, parts: 1, cost: '4500', rejected: [] });
    const batch = await until('delivery', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.delivered === 3);
    expect(batch.body).toMatchObject({ status: 'done', total: 3, cost: '4500', alphabet: 'ucs2' });
    expect((await t.api({ url: '/api/v1/balance', token: user.token })).body).toMatchObject({ balance: '95500', reserved: '0' });
    const after = await t.api({ url: '/api/v1/balance', token: agency.token });
    // the agency received 4500 from its user and paid 3000 to the platform
    expect(BigInt(after.body.balance) - BigInt(before.body.balance)).toBe(1500n);
    const rec = await t.api({ url: `/api/v1/messages/${res.body.batchId}/recipients`, token: agency.token });
    expect(rec.body.items.map((i: { to: string; status: string; cost: string }) => [i.to, i.status, i.cost])).toEqual([
      ['+989121234567', 'delivered', '1500'], ['+989351234567', 'delivered', '1500'], ['+989201234567', 'delivered', '1500'],
    ]);
    const sim = simulator(t);
    const sent = sim.smsc.received.filter((p) => p.to.endsWith('9121234567'));
    expect(sent.at(-1)!.payload.toString('hex')).toBe(Buffer.from(persian, 'utf16le').swap16().toString('hex'));
  });

  it('refunds every level for the messages the operator did not deliver, per the line’s policy', async () => {
    await t.api({ method: 'PATCH', url: '/api/v1/lines/lin_public', token: admin, body: { refundStatuses: ['failed', 'rejected', 'expired', 'undelivered'] } });
    const connectors = await t.api({ url: '/api/v1/connectors', token: admin });
    const sim = connectors.body.items.find((c: { kind: string }) => c.kind === 'simulator');
    await t.api({ method: 'PATCH', url: `/api/v1/connectors/${sim.id}`, token: admin, body: { settings: { smsc: { deliveryRatio: 0, receiptLatencyMs: { min: 1, max: 5 }, record: true } } } });
    const userBefore = (await t.api({ url: '/api/v1/balance', token: user.token })).body.balance;
    const agencyBefore = (await t.api({ url: '/api/v1/balance', token: agency.token })).body.balance;
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: three, text: persian, class: 'service' } });
    await until('undelivered', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.counts.undelivered === 3);
    expect((await t.api({ url: '/api/v1/balance', token: user.token })).body).toMatchObject({ balance: userBefore, reserved: '0' });
    expect((await t.api({ url: '/api/v1/balance', token: agency.token })).body).toMatchObject({ balance: agencyBefore, reserved: '0' });
    await t.api({ method: 'PATCH', url: `/api/v1/connectors/${sim.id}`, token: admin, body: { settings: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 10 }, record: true } } } });
  });

  it('accepts a retry with the same Idempotency-Key once, charging once', async () => {
    const body = { to: ['09121111111'], text: 'Hello', class: 'service' };
    const a = await t.api({ url: '/api/v1/messages', token: user.token, body, headers: { 'idempotency-key': 'order-77' } });
    const b = await t.api({ url: '/api/v1/messages', token: user.token, body, headers: { 'idempotency-key': 'order-77' } });
    expect(b.body.batchId).toBe(a.body.batchId);
    const { rows } = await t.db.query("SELECT count(*)::int AS n FROM batches WHERE idempotency_key = 'order-77'");
    expect(Number(rows[0].n)).toBe(1);
  });

  it('schedules a send, and cancelling it gives the reservation back', async () => {
    // Earlier sends may still await their receipts: start from a wallet with nothing reserved.
    await until('earlier sends settled', () => t.api({ url: '/api/v1/balance', token: user.token }), (r) => r.body.reserved === '0');
    const before = (await t.api({ url: '/api/v1/balance', token: user.token })).body;
    const sendAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: three, text: persian, class: 'service', sendAt } });
    expect(res.body.status).toBe('scheduled');
    const held = (await t.api({ url: '/api/v1/balance', token: user.token })).body;
    expect(BigInt(held.reserved) - BigInt(before.reserved)).toBe(4500n);
    expect(BigInt(before.balance) - BigInt(held.balance)).toBe(4500n);
    const cancel = await t.api({ url: `/api/v1/messages/${res.body.batchId}/cancel`, token: user.token, body: {} });
    expect(cancel.body).toMatchObject({ status: 'cancelled', counts: { cancelled: 3 } });
    expect((await t.api({ url: '/api/v1/balance', token: user.token })).body).toMatchObject({ balance: before.balance, reserved: before.reserved });
    expect((await t.api({ url: `/api/v1/messages/${res.body.batchId}/cancel`, token: user.token, body: {} })).body.error.code).toBe('BATCH_NOT_CANCELLABLE');
  });

  it('refuses a send the user cannot pay, naming the level, and keeps nothing', async () => {
    const poor = await createChild(t, agency.token, { username: 'poor', kind: 'user' });
    const res = await t.api({ url: '/api/v1/messages', token: poor.token, body: { to: three, text: persian, class: 'service' }, lang: 'fa' });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('INSUFFICIENT_CREDIT');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM batches WHERE account_id = $1', [poor.id]);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('exports every recipient of a large send as CSV, past any page size', async () => {
    await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '20000000', note: 'big send' } });
    await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '10000000', note: 'big send' } });
    const to = Array.from({ length: 6000 }, (_, i) => `0912${String(3_000_000 + i)}`);
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to, text: 'Hi', class: 'service', sendAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString() } });
    expect(res.body.accepted).toBe(6000);
    const csv = await t.api({ url: `/api/v1/messages/${res.body.batchId}/recipients?format=csv`, token: user.token });
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0].replace(/^\ufeff/, '')).toBe('to,operator,status,parts,cost,error,updatedAt');
    expect(lines).toHaveLength(6001);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(6000);
    await t.api({ url: `/api/v1/messages/${res.body.batchId}/cancel`, token: user.token, body: {} });
  });

  it('keeps a connector’s secret when an edit sends back the mask', async () => {
    const created = await t.api({ url: '/api/v1/connectors', token: admin, body: { name: 'spare', kind: 'smpp', enabled: false, settings: { host: '127.0.0.1', port: 1, systemId: 'x', password: 'real-secret' } } });
    expect(created.body.settings.password).toBe('••••');
    await t.api({ method: 'PATCH', url: `/api/v1/connectors/${created.body.id}`, token: admin, body: { settings: { host: '127.0.0.2', port: 1, systemId: 'x', password: '••••' } } });
    const { rows } = await t.db.query('SELECT settings FROM connectors WHERE id = $1', [created.body.id]);
    expect(rows[0].settings).toMatchObject({ host: '127.0.0.2', password: 'real-secret' });
    await t.api({ method: 'DELETE', url: `/api/v1/connectors/${created.body.id}`, token: admin });
  });

  it('keeps sends of one subtree out of another’s reach', async () => {
    const other = await createChild(t, admin, { username: 'other-agency', kind: 'agency' });
    const mine = await t.api({ url: '/api/v1/messages', token: user.token });
    const id = mine.body.items[0].id;
    expect((await t.api({ url: `/api/v1/messages/${id}`, token: other.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/messages/${id}/recipients`, token: other.token })).status).toBe(404);
    expect((await t.api({ url: `/api/v1/messages/${id}`, token: agency.token })).status).toBe(200);
  });

  it('puts an inbound message in the line owner’s inbox and signs it to the webhook, retrying a failure', async () => {
    const hookRes = await t.api({ url: '/api/v1/webhooks', token: admin, body: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/chapar` } });
    expect(hookRes.status).toBe(201);
    const inject = await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09127654321', to: '30001000', text: 'سلام، لطفاً تماس بگیرید' } });
    expect(inject.status).toBe(200);
    const inbox = await until('inbox', () => t.api({ url: '/api/v1/inbox', token: admin }), (r) => r.body.items.length > 0);
    expect(inbox.body.items[0]).toMatchObject({ from: '+989127654321', to: '30001000', text: 'سلام، لطفاً تماس بگیرید' });
    // The receiver failed the first attempt; the queue retries with backoff.
    await until('webhook retry', async () => hookBodies.length, (n) => n >= 2, 60_000);
    const { headers, body } = hookBodies[1];
    const [tPart, vPart] = String(headers['x-chapar-signature']).split(',');
    const expected = createHmac('sha256', hookRes.body.secret).update(`${tPart.slice(2)}.${body}`).digest('hex');
    expect(vPart.slice(3)).toBe(expected);
    expect(JSON.parse(body)).toMatchObject({ event: 'inbound', data: { from: '+989127654321', text: 'سلام، لطفاً تماس بگیرید' } });
    const attempts = await until('attempt log', () => t.api({ url: `/api/v1/webhooks/${hookRes.body.id}/attempts`, token: admin }), (r) => r.body.items.length >= 2);
    expect(attempts.body.items.map((a: { statusCode: number }) => a.statusCode).sort()).toEqual([200, 500]);
  });

  it('tells a delivery webhook each recipient’s final status, parts and price', async () => {
    const hookRes = await t.api({ url: '/api/v1/webhooks', token: user.token, body: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/delivery`, events: ['delivery'] } });
    expect(hookRes.status).toBe(201);
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: three, text: persian, class: 'service' } });
    expect(res.status).toBe(202);
    const events = () => hookBodies.map((h) => JSON.parse(h.body)).filter((b) => b.event === 'delivery' && b.data.batchId === res.body.batchId);
    await until('three delivery events', async () => events().length, (n) => n >= 3, 60_000);
    const got = events().map((e) => e.data).sort((a, b) => a.to.localeCompare(b.to));
    expect(got.map((d) => [d.to, d.status, d.parts, d.cost, d.error])).toEqual(
      ['+989121234567', '+989201234567', '+989351234567'].map((to) => [to, 'delivered', 1, '1500', null]),
    );
  });

  it('forwards what its line receives to a URL, an e-mail and another mobile', async () => {
    const base = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/forward`;
    for (const rule of [{ kind: 'url', target: base }, { kind: 'email', target: 'desk@example.ir' }, { kind: 'sms', target: '۰۹۱۲۰۰۰۴۴۵۵' }]) {
      expect((await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: admin, body: rule })).status).toBe(201);
    }
    // only the line's receiver configures it
    expect((await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: user.token, body: { kind: 'sms', target: '09120004455' } })).status).toBe(404);
    await t.api({ url: '/api/v1/system/simulator/inbound', token: admin, body: { from: '09128887766', to: '30001000', text: 'لطفاً فاکتور را بفرستید' } });
    const forwarded = await until('forward POST', async () => hookBodies.filter((b) => JSON.parse(b.body).event === 'forward'), (l) => l.length === 1, 60_000);
    expect(JSON.parse(forwarded[0].body).data).toMatchObject({ from: '+989128887766', text: 'لطفاً فاکتور را بفرستید' });
    expect(String(forwarded[0].headers['x-chapar-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const sms = await until('forwarded SMS', () => t.db.query("SELECT b.body FROM batches b JOIN messages m ON m.batch_id = b.id WHERE m.recipient = '+989120004455'"), (r) => r.rows.length === 1);
    expect(sms.rows[0].body).toBe('09128887766: لطفاً فاکتور را بفرستید');
    const mail = await until('forwarded e-mail', () => t.db.query("SELECT body FROM notifications WHERE channel = 'email' AND recipient = 'desk@example.ir'"), (r) => r.rows.length === 1);
    expect(mail.rows[0].body).toBe('09128887766: لطفاً فاکتور را بفرستید');

    // a rule removed takes its URL's signed endpoint with it; another's rule is not found
    const rules = (await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: admin })).body.items as { id: string; kind: string; endpointId: string | null }[];
    const urlRule = rules.find((r) => r.kind === 'url')!;
    expect(urlRule.endpointId).toBeTruthy();
    expect((await t.api({ method: 'DELETE', url: `/api/v1/lines/lin_platform/forwarding/${urlRule.id}`, token: user.token })).status).toBe(404);
    expect((await t.api({ method: 'DELETE', url: `/api/v1/lines/lin_platform/forwarding/${urlRule.id}`, token: admin })).status).toBeLessThan(300);
    expect((await t.db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1', [urlRule.endpointId])).rows).toHaveLength(0);
    expect((await t.api({ url: '/api/v1/lines/lin_platform/forwarding', token: admin })).body.items.map((r: { kind: string }) => r.kind).sort()).toEqual(['email', 'sms']);
  });
});

describe('system SMS through the engine', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar({ engine: true, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, record: true } } } });
  });
  afterAll(() => t.close());

  it('sends a sign-up code as an OTP from the platform’s line, delivered by the SMSC', async () => {
    const res = await t.api({ url: '/api/v1/auth/signup', body: { username: 'newbie', password: 'newbie-pass-1', mobile: '09361234567' } });
    expect(res.status).toBe(200);
    const sent = await until('code through the engine', () => t.db.query("SELECT status FROM notifications WHERE recipient = '+989361234567'"), (r) => r.rows[0]?.status === 'sent');
    expect(sent.rows).toHaveLength(1);
    const batch = await until('code delivered', () => t.db.query("SELECT b.message_class, m.status FROM batches b JOIN messages m ON m.batch_id = b.id WHERE b.source = 'system' AND m.recipient = '+989361234567'"), (r) => r.rows[0]?.status === 'delivered');
    expect(batch.rows[0].message_class).toBe('otp');
    const sim = simulator(t);
    expect(sim.smsc.received.find((p) => p.to.endsWith('9361234567'))?.text).toMatch(/\d{6}/);
  });
});

function simulator(t: TestChapar): SimulatorUpstream {
  const stats = t.services.engine.routing.stats();
  const id = Object.keys(stats)[0];
  return t.services.engine.routing.upstream(id) as SimulatorUpstream;
}
