// Connectors and routes live in the database: every process follows a change made through
// another, a message is recorded as sent or delivered only through a connector enabled at that
// moment, and a connector's binds are shared by all processes through leases.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createSmsc, type Smsc } from '../../src/upstreams/simulator/smsc.ts';
import type { SimulatorUpstream } from '../../src/upstreams/simulator/adapter.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

const fast = { dispatcher: { idleMs: 20 }, simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 } } } };

async function simulatorId(t: TestChapar): Promise<string> {
  const list = await t.api({ url: '/api/v1/connectors', token: await t.adminToken() });
  return list.body.items.find((c: { kind: string }) => c.kind === 'simulator').id;
}

/** Sessions this process holds for a connector, bound or trying to bind. */
const sessions = (t: TestChapar, connectorId: string) => t.services.engine.routing.binds()[connectorId] ?? 0;

async function messages(t: TestChapar, batchId: string) {
  const { rows } = await t.db.query<{ status: string; error_code: string | null; attempts: number }>(
    'SELECT status, error_code, attempts FROM messages WHERE batch_id = $1', [batchId]);
  return rows;
}

describe('a connector disabled in the database', () => {
  let t: TestChapar;
  afterEach(async () => t?.close());

  it('delivers nothing through it, even from a process that has not seen the change', async () => {
    // routing.pollMs 0: this process does not follow changes, like one that has not caught up yet
    t = await testChapar({ engine: true, engineOptions: { ...fast, routing: { pollMs: 0 } } });
    const sender = await openSender(t, 'sender', '1000000');
    const sim = await simulatorId(t);
    await t.db.query('UPDATE connectors SET enabled = false WHERE id = $1', [sim]);
    const res = await t.api({ url: '/api/v1/messages', token: sender.token, body: { to: ['09121234567', '09351234567'], text: 'hello', class: 'service' } });
    expect(res.status).toBe(202);
    const rows = await until('every message tried', () => messages(t, res.body.batchId), (r) => r.length === 2 && r.every((m) => m.status !== 'sending' && m.attempts >= 1));
    expect(rows.map((m) => [m.status, m.error_code])).toEqual([['queued', 'connector_disabled'], ['queued', 'connector_disabled']]);
    expect((await t.api({ url: '/api/v1/balance', token: sender.token })).body).toMatchObject({ balance: '1000000' });
  }, 90_000);

  it('refuses its receipts until it is enabled again, and the SMSC sends them again', async () => {
    const slow = { ...fast, simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1500, max: 1500 } } } };
    t = await testChapar({ engine: true, engineOptions: { ...slow, routing: { pollMs: 0 } } });
    const sender = await openSender(t, 'sender', '1000000');
    const sim = await simulatorId(t);
    const smsc = (t.services.engine.routing.upstream(sim) as SimulatorUpstream).smsc;
    const res = await t.api({ url: '/api/v1/messages', token: sender.token, body: { to: ['09121234567'], text: 'hello', class: 'service' } });
    await until('sent', () => messages(t, res.body.batchId), (r) => r[0]?.status === 'sent');
    await t.db.query('UPDATE connectors SET enabled = false WHERE id = $1', [sim]);
    // refused, then sent again by the SMSC a second later
    await until('the receipt sent twice', () => smsc.stats().receiptsSent, (n) => n >= 2);
    expect((await messages(t, res.body.batchId))[0].status).toBe('sent');
    await t.db.query('UPDATE connectors SET enabled = true WHERE id = $1', [sim]);
    await until('delivered', () => messages(t, res.body.batchId), (r) => r[0]?.status === 'delivered');
  });
});

describe('changing a connector', () => {
  let t: TestChapar;
  afterEach(async () => t?.close());

  it('keeps what the change leaves out: a disabled connector stays disabled, its binds stay', async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    const created = await t.api({ url: '/api/v1/connectors', token: admin, body: { name: 'spare', kind: 'smpp', enabled: false, binds: 3, settings: { host: '127.0.0.1', port: 1, systemId: 'x', password: 'p' } } });
    expect(created.body).toMatchObject({ enabled: false, binds: 3 });
    const changed = await t.api({ method: 'PATCH', url: `/api/v1/connectors/${created.body.id}`, token: admin, body: { settings: { host: '127.0.0.2', port: 1, systemId: 'x' } } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: false, binds: 3, settings: { host: '127.0.0.2', password: '••••' } });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two processes on one PostgreSQL', () => {
  let db: TestDb | null = null;
  let a: TestChapar | null = null;
  let b: TestChapar | null = null;
  let smsc: Smsc | null = null;
  afterEach(async () => {
    await b?.close();
    await a?.close();
    await db?.close();
    await smsc?.stop();
    a = b = db = smsc = null;
  });

  /** Two Chapar instances on one database, as two processes would run; the first starts first. */
  async function start(): Promise<[TestChapar, TestChapar]> {
    db = await freshDb({ migrate: false });
    // one time for both (the test clock stands still): what one schedules is due for the other
    const clockStart = new Date().toISOString();
    a = await testChapar({ engine: true, engineOptions: fast, db, clockStart });
    b = await testChapar({ engine: true, engineOptions: fast, db, clockStart });
    return [a, b];
  }

  it('follows connectors and routes changed through the other', async () => {
    const [a, b] = await start();
    smsc = createSmsc({ accounts: [{ systemId: 'chapar', password: 'first' }], deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, record: true });
    await smsc.start();
    const admin = await a.adminToken();
    const sim = await simulatorId(a);
    const settings = (password: string) => ({ host: '127.0.0.1', port: smsc!.port, systemId: 'chapar', password, reconnectMinMs: 50, reconnectMaxMs: 200 });
    // sessions bound at the SMSC, sampled throughout: never more than the connector's binds
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, smsc!.stats().bound)), 5);
    onTestFinished(() => clearInterval(sampler));
    const created = await a.api({ url: '/api/v1/connectors', token: admin, body: { name: 'operator', kind: 'smpp', binds: 2, settings: settings('first') } });
    expect(created.status).toBe(201);
    const con = created.body.id;
    expect((await a.api({ url: '/api/v1/routes', token: admin, body: { priority: 1, connectorId: con } })).status).toBe(201);
    await a.api({ method: 'PATCH', url: `/api/v1/connectors/${sim}`, token: admin, body: { enabled: false } });
    // two binds in all, one of them from the process that did not serve the change
    await until('two binds', () => smsc!.stats().bound, (n) => n === 2);
    await until('b drops the simulator', () => b.services.engine.routing.stats(), (s) => !(sim in s));
    expect(sessions(a, con) + sessions(b, con)).toBe(2);
    // both processes route through the new connector
    const sender = await openSender(b, 'sender', '1000000');
    const to = ['09121234567', '09351234567', '09201234567', '09131234567'];
    for (const t of [a, b]) {
      const res = await t.api({ url: '/api/v1/messages', token: sender.token, body: { to, text: 'hello', class: 'service' } });
      await until('delivered', () => messages(t, res.body.batchId), (r) => r.length === 4 && r.every((m) => m.status === 'delivered'));
    }
    expect(smsc.received.length).toBe(8);
    // a new password reaches every session, in both processes
    smsc.update({ accounts: [{ systemId: 'chapar', password: 'second' }] });
    smsc.dropConnections();
    await a.api({ method: 'PATCH', url: `/api/v1/connectors/${con}`, token: admin, body: { settings: settings('second') } });
    await until('rebound with the new password', () => smsc!.stats().bound, (n) => n === 2);
    expect(sessions(a, con) + sessions(b, con)).toBe(2);
    expect(most).toBe(2);
  });

  it('stops delivering through a simulator the other process disabled', async () => {
    const [a, b] = await start();
    const sender = await openSender(a, 'sender', '1000000');
    const sim = await simulatorId(a);
    await a.api({ method: 'PATCH', url: `/api/v1/connectors/${sim}`, token: await a.adminToken(), body: { enabled: false } });
    const res = await b.api({ url: '/api/v1/messages', token: sender.token, body: { to: ['09121234567', '09351234567', '09201234567'], text: 'hello', class: 'service' } });
    expect(res.status).toBe(202);
    const rows = await until('every message tried', () => messages(b, res.body.batchId), (r) => r.length === 3 && r.every((m) => m.status !== 'sending' && m.attempts >= 1));
    expect(rows.map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    expect((await b.api({ url: '/api/v1/balance', token: sender.token })).body).toMatchObject({ balance: '1000000' });
    expect(sessions(a, sim) + sessions(b, sim)).toBe(0);
  });

  it('never holds more binds than the connector allows, and takes over a lease its holder gave up', async () => {
    const [first, second] = await start();
    const sim = await simulatorId(first);
    // one bind (the default) between two processes: the first to start holds it
    expect([sessions(first, sim), sessions(second, sim)]).toEqual([1, 0]);
    // what is sent through the process without the bind is sent by the one holding it, first time
    const sender = await openSender(second, 'sender', '1000000');
    const res = await second.api({ url: '/api/v1/messages', token: sender.token, body: { to: ['09121234567', '09351234567'], text: 'hello', class: 'service' } });
    const rows = await until('delivered', () => messages(second, res.body.batchId), (r) => r.length === 2 && r.every((m) => m.status === 'delivered'));
    expect(rows.map((m) => m.attempts)).toEqual([1, 1]);
    // a lease its holder stopped renewing (a process that died) is taken over once it runs out
    await db!.query("UPDATE connector_binds SET holder = 'prc_gone', expires_at = now() + interval '1 second' WHERE connector_id = $1", [sim]);
    await until('the lease taken over', () => db!.query<{ holder: string }>('SELECT holder FROM connector_binds WHERE connector_id = $1', [sim]), (r) => r.rows.length === 1 && r.rows[0].holder !== 'prc_gone');
    await until('one session', () => sessions(first, sim) + sessions(second, sim), (n) => n === 1);
    // a process that stops gives its binds back; the other takes them
    const holder = sessions(first, sim) ? first : second;
    const rest = holder === first ? second : first;
    await holder.close();
    if (holder === a) a = null;
    else b = null;
    await until('the other process binds', () => sessions(rest, sim), (n) => n === 1);
  });
});
