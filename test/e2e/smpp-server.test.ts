// Customers over SMPP: a real SMPP client (the `smpp` package) binds to Chapar's SMPP server on
// loopback with the account's 8-character SMPP password; what it submits goes through accept, the engine and the simulator SMSC,
// and its receipts and inbound messages come back as deliver_sm — also after a later bind.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitText } from '../../src/lib/sms-parts.ts';
import { encodeGsm7, encodeUcs2 } from '../../src/lib/sms-encoding.ts';
import { concatUdh, smpp } from '../../src/upstreams/smpp/lib.ts';
import type { Pdu, Session } from '../../src/upstreams/smpp/lib.ts';
import type { SimulatorUpstream } from '../../src/upstreams/simulator/adapter.ts';
import { createSmppListener } from '../../src/modules/smpp-server/listener.ts';
import { smppDate } from '../../src/modules/smpp-server/pdu.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
type Client = { session: Session; delivered: Pdu[]; unbinds: Pdu[]; closed: () => boolean; call(command: string, options?: Record<string, unknown>): Promise<Pdu>; close(): Promise<void> };

async function until<T>(what: string, get: () => Promise<T> | T, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Each connection from its own loopback address: the server allows 20 bind attempts a minute per address.
let nextAddress = 0;
const freshAddress = () => `127.0.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 2}`;

/** A bare ESME: answers every deliver_sm and keeps it, answers the SMSC's unbind. */
async function connect(port: number, localAddress = freshAddress()): Promise<Client> {
  const session = smpp.connect({ host: '127.0.0.1', port, localAddress } as { host: string; port: number });
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const delivered: Pdu[] = [];
  session.on('deliver_sm', (pdu: Pdu) => {
    delivered.push(pdu);
    session.send(pdu.response());
  });
  const unbinds: Pdu[] = [];
  session.on('unbind', (pdu: Pdu) => {
    unbinds.push(pdu);
    session.send(pdu.response());
  });
  let closed = false;
  session.on('close', () => (closed = true));
  session.on('error', () => undefined);
  return {
    session,
    delivered,
    unbinds,
    closed: () => closed,
    call: (command, options = {}) => new Promise((resolve) => (session as unknown as Record<string, (o: unknown, cb: (p: Pdu) => void) => void>)[command](options, resolve)),
    close: () => new Promise((resolve) => session.destroy(() => resolve())),
  };
}

const textOf = (pdu: Pdu): string => {
  const sm = pdu.short_message as { message: string | Buffer };
  return typeof sm.message === 'string' ? sm.message : sm.message.toString('latin1');
};
const receiptsFor = (c: Client, id: string) => c.delivered.filter((p) => p.receipted_message_id === id);

describe('the SMPP server for customers', () => {
  let t: TestChapar;
  let admin: string;
  let port: number;
  let esme: Child;
  let key: string;

  const newPassword = async (token: string, body: Record<string, unknown> = {}) => {
    const res = await t.api({ url: '/api/v1/smpp/password', token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; password: string; systemId: string; allowedIps: string[] };
  };
  const setup = async (username: string, credit: string | null) => {
    const child = await createChild(t, admin, { username, kind: 'user' });
    if (credit) expect((await t.api({ url: `/api/v1/accounts/${child.id}/credit`, token: admin, body: { amount: credit, note: 'test' } })).status).toBe(200);
    return { child, key: (await newPassword(child.token)).password };
  };
  const auditOf = async (accountId: string, action: string) => {
    const { rows } = await t.db.query('SELECT details FROM audit_events WHERE action = $1 AND subject_id = $2 ORDER BY id', [action, accountId]);
    return rows.map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>);
  };
  /** The SMSC sent an unbind and the connection closed. */
  const dropped = (c: Client) => until('the bind dropped', () => ({ unbinds: c.unbinds.length, closed: c.closed() }), (v) => v.unbinds === 1 && v.closed);
  const bound = async (username: string, password: string, mode = 'bind_transceiver') => {
    const c = await connect(port);
    const resp = await c.call(mode, { system_id: username, password });
    expect(resp.command_status, `bind ${username}`).toBe(0);
    return c;
  };
  const balance = async (token: string) => (await t.api({ url: '/api/v1/balance', token })).body;
  const simulator = () => {
    const id = Object.keys(t.services.engine.routing.stats())[0];
    return t.services.engine.routing.upstream(id) as SimulatorUpstream;
  };

  beforeAll(async () => {
    t = await testChapar({
      engine: true,
      env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1' },
      engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 10 }, record: true } } },
    });
    port = t.chapar.smpp!.port;
    admin = await t.adminToken();
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token: admin, body: { basePrice: '1000' } })).status).toBe(200);
    ({ child: esme, key } = await setup('esme', '100000'));
    // A line the customer sends from and receives on.
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '3000888', lineType: '3000', canReceive: true } });
    expect((await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: admin, body: { accountId: esme.id, canSend: true, canReceive: true } })).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a bind with a wrong password, an API key or an unknown username, and audits the attempt', async () => {
    const c = await connect(port);
    expect((await c.call('bind_transceiver', { system_id: 'esme', password: 'wrong123' })).command_status).toBe(0x0e);
    expect((await c.call('bind_transceiver', { system_id: 'nobody', password: key })).command_status).toBe(0x0e);
    // API keys are not SMPP passwords (none fits SMPP 3.4's 8 characters)
    const apiKey = await t.api({ url: '/api/v1/api-keys', token: esme.token, body: { name: 'rest' } });
    expect((await c.call('bind_transceiver', { system_id: 'esme', password: apiKey.body.key })).command_status).toBe(0x0e);
    // not bound: a submit is refused with ESME_RINVBNDSTS
    expect((await c.call('submit_sm', { destination_addr: '09121234567', short_message: 'hi' })).command_status).toBe(0x04);
    await c.close();
    expect((await auditOf(esme.id, 'smpp.bind_failed')).map((d) => d.reason)).toEqual(['invalid_credentials', 'invalid_credentials']);
  });

  it('generates an 8-character password shown once, stored as argon2id, and audited', async () => {
    const { child } = await setup('fresh', null);
    expect((await t.api({ url: '/api/v1/smpp', token: child.token })).body.credential).toMatchObject({ allowedIps: [], lastUsedAt: null });
    const p = await newPassword(child.token);
    expect(p.password).toMatch(/^[a-zA-Z2-9]{8}$/);
    expect(p.systemId).toBe('fresh');
    const { rows } = await t.db.query('SELECT id, password_hash FROM smpp_credentials WHERE account_id = $1', [child.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(p.id);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(await t.api({ url: '/api/v1/smpp', token: child.token }))).not.toContain(p.password);
    const audits = await auditOf(child.id, 'smpp.password_rotated');
    expect(audits).toHaveLength(2);
    expect(audits[1]).toMatchObject({ credentialId: p.id, replaced: audits[0].credentialId });
    const c = await bound('fresh', p.password);
    await c.close();
    expect((await t.api({ url: '/api/v1/smpp', token: child.token })).body.credential.lastUsedAt).not.toBeNull();
  });

  it('rotating the password drops the binds that use it (unbind, then close) and refuses the old one', async () => {
    const { child, key: old } = await setup('rotator', '10000');
    const trx = await bound('rotator', old);
    const rx = await bound('rotator', old, 'bind_receiver');
    const p = await newPassword(child.token);
    await dropped(trx);
    await dropped(rx);
    const c = await connect(port);
    expect((await c.call('bind_transmitter', { system_id: 'rotator', password: old })).command_status).toBe(0x0e);
    expect((await c.call('bind_transmitter', { system_id: 'rotator', password: p.password })).command_status).toBe(0);
    expect((await c.call('submit_sm', { destination_addr: '09121234567', short_message: 'after rotation' })).command_status).toBe(0);
    await c.close();
  });

  it('removing the password turns SMPP off: live binds drop and new ones are refused', async () => {
    const { child, key: pw } = await setup('quitter', null);
    const c = await bound('quitter', pw);
    const del = await t.api({ method: 'DELETE', url: '/api/v1/smpp/password', token: child.token });
    expect(del.status).toBe(204);
    await dropped(c);
    const again = await connect(port);
    expect((await again.call('bind_transceiver', { system_id: 'quitter', password: pw })).command_status).toBe(0x0e);
    await again.close();
    expect((await t.api({ url: '/api/v1/smpp', token: child.token })).body.credential).toBeNull();
    expect((await t.api({ method: 'DELETE', url: '/api/v1/smpp/password', token: child.token })).status).toBe(404);
    expect(await auditOf(child.id, 'smpp.disabled')).toHaveLength(1);
    expect((await auditOf(child.id, 'smpp.bind_failed')).map((d) => d.reason)).toEqual(['smpp_disabled']);
  });

  it('applies the password’s IP allow-list to the socket’s address', async () => {
    const { child } = await setup('fenced', null);
    expect((await t.api({ url: '/api/v1/smpp/password', token: child.token, body: { allowedIps: ['not-an-ip'] } })).status).toBe(400);
    const elsewhere = await newPassword(child.token, { allowedIps: ['10.0.0.0/8'] });
    const c = await connect(port, '127.0.0.1');
    expect((await c.call('bind_transceiver', { system_id: 'fenced', password: elsewhere.password })).command_status).toBe(0x0d);
    const here = await newPassword(child.token, { allowedIps: ['127.0.0.1/32', '::1'] });
    expect(here.allowedIps).toEqual(['127.0.0.1/32', '::1']);
    expect((await c.call('bind_transceiver', { system_id: 'fenced', password: here.password })).command_status).toBe(0);
    await c.close();
    expect((await auditOf(child.id, 'smpp.bind_failed')).map((d) => d.reason)).toEqual(['ip_not_allowed']);
  });

  it('sends a Persian UCS-2 message and a 3-part concatenated one, and delivers their DELIVRD receipts', async () => {
    const c = await bound('esme', key);
    const persian = 'سلام، سفارش شما ارسال شد.';
    const single = await c.call('submit_sm', { source_addr: '3000888', destination_addr: '09121234567', data_coding: 8, registered_delivery: 1, short_message: encodeUcs2(persian) });
    expect(single.command_status).toBe(0);
    expect(single.message_id).toMatch(/^[0-9a-z]{16}$/);

    const long = `Order 1042 confirmed. ${'Your parcel is on its way to you. '.repeat(11)}Thank you.`;
    const segments = splitText(long);
    expect(segments).toHaveLength(3);
    const partIds: string[] = [];
    for (const [i, segment] of segments.entries()) {
      const resp = await c.call('submit_sm', {
        source_addr: '3000888', destination_addr: '989351234567', esm_class: 0x40, data_coding: 0, registered_delivery: 1,
        short_message: Buffer.concat([concatUdh(77, 3, i + 1, false), encodeGsm7(segment)]),
      });
      expect(resp.command_status).toBe(0);
      partIds.push(resp.message_id!);
    }
    expect(new Set(partIds).size).toBe(3);

    const ids = [single.message_id!, ...partIds];
    await until('receipts', () => ids.map((id) => receiptsFor(c, id).length), (n) => n.every((x) => x === 1));
    for (const id of ids) {
      const r = receiptsFor(c, id)[0];
      expect(r.esm_class).toBe(0x04);
      expect(r.message_state).toBe(2);
      expect(textOf(r)).toMatch(new RegExp(`^id:${id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:`));
    }
    // Dates on Tehran's clock (UTC+03:30), the SMSC's local time
    expect(textOf(receiptsFor(c, single.message_id!)[0])).toContain(`submit date:${smppDate(t.clock.now())} done date:${smppDate(t.clock.now())}`);
    expect(textOf(receiptsFor(c, partIds[0])[0])).toContain('text:Order 1042 confirmed');

    // Through accept as one message each: one batch per submit, the long one reassembled in 3 parts.
    const { rows } = await t.db.query("SELECT body, parts, alphabet, status FROM batches WHERE account_id = $1 AND source = 'smpp' ORDER BY created_at", [esme.id]);
    expect(rows).toMatchObject([{ body: persian, parts: 1, alphabet: 'ucs2', status: 'done' }, { body: long, parts: 3, alphabet: 'gsm7', status: 'done' }]);
    // …and on to the simulator SMSC, in the bytes the customer sent.
    const sent = simulator().smsc.received.filter((p) => p.to.endsWith('9121234567'));
    expect(sent.at(-1)!.payload.toString('hex')).toBe(encodeUcs2(persian).toString('hex'));
    expect(simulator().smsc.received.filter((p) => p.to.endsWith('9351234567')).map((p) => p.concat?.total)).toEqual([3, 3, 3]);
    expect(await balance(esme.token)).toMatchObject({ balance: String(100000 - 1000 - 3000), reserved: '0' });
    await c.call('unbind');
    await c.close();
  });

  it('reassembles parts with 16-bit references sent out of order', async () => {
    const c = await bound('esme', key);
    const text = 'سلام! '.repeat(20).trim();
    const segments = splitText(text, { ref16: true });
    expect(segments).toHaveLength(2);
    const order = [2, 1];
    const ids: string[] = [];
    for (const seq of order) {
      const resp = await c.call('submit_sm', {
        destination_addr: '09201234567', esm_class: 0x40, data_coding: 8, registered_delivery: 1,
        short_message: Buffer.concat([concatUdh(0x1234, 2, seq, true), encodeUcs2(segments[seq - 1])]),
      });
      expect(resp.command_status).toBe(0);
      ids.push(resp.message_id!);
    }
    await until('receipts', () => ids.map((id) => receiptsFor(c, id).length), (n) => n.every((x) => x === 1));
    const { rows } = await t.db.query("SELECT body, parts FROM batches WHERE account_id = $1 AND source = 'smpp' ORDER BY created_at DESC LIMIT 1", [esme.id]);
    expect(rows[0]).toMatchObject({ body: text, parts: 2 });
    await c.close();
  });

  it('maps refusals to command_status: a foreign source line, an invalid destination, unknown commands', async () => {
    const c = await bound('esme', key, 'bind_transmitter');
    expect((await c.call('submit_sm', { source_addr: '30001000', destination_addr: '09121234567', short_message: 'hi' })).command_status).toBe(0x0a);
    expect((await c.call('submit_sm', { destination_addr: '12345', short_message: 'hi' })).command_status).toBe(0x0b);
    expect((await c.call('query_sm', { message_id: 'x' })).command_status).toBe(0x03);
    expect((await c.call('enquire_link')).command_status).toBe(0);
    await c.close();
  });

  it('accepts a blacklisted recipient uncharged and answers with a REJECTD receipt, as an SMSC refuses one recipient', async () => {
    expect((await t.api({ url: '/api/v1/compliance/blacklist', token: esme.token, body: { numbers: ['09121239999'] } })).status).toBe(200);
    const before = await balance(esme.token);
    const c = await bound('esme', key);
    const resp = await c.call('submit_sm', { source_addr: '3000888', destination_addr: '09121239999', registered_delivery: 1, short_message: 'hello' });
    expect(resp.command_status).toBe(0);
    const [r] = await until('the REJECTD receipt', () => receiptsFor(c, resp.message_id!), (l) => l.length === 1);
    expect(textOf(r)).toMatch(new RegExp(`^id:${resp.message_id} sub:001 dlvrd:000 .* stat:REJECTD `));
    expect(r.message_state).toBe(8);
    expect(await balance(esme.token)).toEqual(before);
    const { rows } = await t.db.query("SELECT b.status, m.status AS message FROM batches b JOIN messages m ON m.batch_id = b.id WHERE b.account_id = $1 AND m.recipient = '+989121239999'", [esme.id]);
    expect(rows).toEqual([{ status: 'done', message: 'blacklisted' }]);
    const open = await t.db.query("SELECT count(*)::int AS n FROM reservation_lines l JOIN batches b ON b.reservation_id = l.reservation_id WHERE b.account_id = $1 AND l.count > l.settled + l.released", [esme.id]);
    expect(open.rows[0]).toEqual({ n: 0 });
    const ledger = await t.services.billing.reconcile();
    expect([...ledger.wallets, ...ledger.unbalancedTransactions]).toEqual([]);
    await c.call('unbind');
    await c.close();
  });

  it('gives each receipt to the bind that submitted its message while it is bound, then to any receiver', async () => {
    const [a, b] = [await bound('esme', key), await bound('esme', key)];
    const submit = async (c: Client, i: number, more: Record<string, unknown> = {}) => {
      const resp = await c.call('submit_sm', { source_addr: '3000888', destination_addr: `0912555000${i}`, registered_delivery: 1, short_message: `code ${i}`, ...more });
      expect(resp.command_status).toBe(0);
      return resp.message_id!;
    };
    const fromA = [await submit(a, 0), await submit(a, 1), await submit(a, 2)];
    const fromB = [await submit(b, 3), await submit(b, 4), await submit(b, 5)];
    const mine = (c: Client) => c.delivered.filter((p) => p.receipted_message_id).map((p) => p.receipted_message_id as string).sort();
    await until('every receipt', () => mine(a).length + mine(b).length, (n) => n === 6);
    expect([mine(a), mine(b)]).toEqual([[...fromA].sort(), [...fromB].sort()]);
    // the submitting bind is gone by the time its message is sent (5 s later): the receipt goes to the other one
    const late = await submit(a, 6, { schedule_delivery_time: '000000000005000R' });
    await a.call('unbind');
    await a.close();
    t.clock.advance(6_000);
    await until('the receipt of the closed bind', () => mine(b), (l) => l.includes(late));
    await b.call('unbind');
    await b.close();
  });

  it('answers insufficient credit with an error status and charges nothing', async () => {
    const { child: poor, key: poorKey } = await setup('poor', null);
    const c = await bound('poor', poorKey);
    const resp = await c.call('submit_sm', { destination_addr: '09121234567', short_message: 'hello', registered_delivery: 1 });
    expect(resp.command_status).toBe(0x401);
    expect(await balance(poor.token)).toMatchObject({ balance: '0', reserved: '0' });
    const { rows } = await t.db.query('SELECT (SELECT count(*)::int FROM batches WHERE account_id = $1) AS batches, (SELECT count(*)::int FROM smpp_submissions WHERE account_id = $1) AS subs', [poor.id]);
    expect(rows[0]).toMatchObject({ batches: 0, subs: 0 });
    await c.close();
  });

  it('refuses a bind, and a new password, when the account’s package does not allow SMPP', async () => {
    const { child: limited, key: limitedKey } = await setup('limited', '1000');
    const pkg = await t.api({ url: '/api/v1/packages', token: admin, body: { name: 'بدون SMPP', permissions: ['use_api', 'receive'] } });
    expect(pkg.status).toBe(201);
    expect((await t.api({ method: 'PUT', url: `/api/v1/accounts/${limited.id}/package`, token: admin, body: { packageId: pkg.body.id } })).status).toBe(200);
    const c = await connect(port);
    expect((await c.call('bind_transceiver', { system_id: 'limited', password: limitedKey })).command_status).toBe(0x0d);
    await c.close();
    expect((await t.api({ url: '/api/v1/smpp/password', token: limited.token, body: {} })).status).toBe(403);
  });

  it('honours schedule_delivery_time and validity_period, absolute or relative, and refuses malformed ones', async () => {
    const c = await bound('esme', key, 'bind_transmitter');
    const submit = (options: Record<string, unknown>) => c.call('submit_sm', { destination_addr: '09121234567', short_message: 'timed', ...options });
    // In 2 hours (absolute, written in Tehran's local time: +14 quarter hours), valid 3 hours from now (relative).
    const now = t.clock.now().getTime();
    const at = new Date(Math.ceil(now / 1000) * 1000 + 2 * 3_600_000);
    const tehran = new Date(at.getTime() + 210 * 60_000);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const absolute = `${p2(tehran.getUTCFullYear() % 100)}${p2(tehran.getUTCMonth() + 1)}${p2(tehran.getUTCDate())}${p2(tehran.getUTCHours())}${p2(tehran.getUTCMinutes())}${p2(tehran.getUTCSeconds())}014+`;
    const scheduled = await submit({ schedule_delivery_time: absolute, validity_period: '000000030000000R' });
    expect(scheduled.command_status).toBe(0);
    const batchOf = async (id: string) => {
      const { rows } = await t.db.query(
        "SELECT b.status, b.send_at, m.expires_at FROM smpp_submissions s JOIN batches b ON b.account_id = s.account_id AND b.idempotency_key = s.idempotency_key JOIN messages m ON m.batch_id = b.id WHERE s.message_id = $1",
        [id],
      );
      return rows[0] as { status: string; send_at: Date | string; expires_at: Date | string };
    };
    const s = await batchOf(scheduled.message_id!);
    expect(s.status).toBe('scheduled');
    expect(new Date(s.send_at).toISOString()).toBe(at.toISOString());
    // A relative validity counts from the submit (§7.1.1.2), not from the send time.
    expect(new Date(s.expires_at).getTime()).toBe(now + 3 * 3_600_000);
    // A validity that is over before the scheduled time cannot be met.
    expect((await submit({ schedule_delivery_time: absolute, validity_period: '000000010000000R' })).command_status).toBe(0x62);

    // Now, valid 5 minutes: the message expires then, not after the default 24 hours.
    const short = await submit({ validity_period: '000000000500000R' });
    expect(short.command_status).toBe(0);
    expect(new Date((await batchOf(short.message_id!)).expires_at).getTime()).toBe(now + 5 * 60_000);

    expect((await submit({ schedule_delivery_time: 'tomorrow' })).command_status).toBe(0x61);
    expect((await submit({ validity_period: '991399000000000+' })).command_status).toBe(0x62);
    expect((await submit({ validity_period: '010101000000000+' })).command_status).toBe(0x62);
    await c.close();
  });

  it('keeps a receipt produced while no receiver is bound and delivers it at the next bind', async () => {
    const { child: offline, key: offlineKey } = await setup('offline', '10000');
    const tx = await bound('offline', offlineKey, 'bind_transmitter');
    const resp = await tx.call('submit_sm', { destination_addr: '09121239999', short_message: 'ping', registered_delivery: 1 });
    expect(resp.command_status).toBe(0);
    await tx.call('unbind');
    await tx.close();
    const pending = () => t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM smpp_deliveries WHERE account_id = $1', [offline.id]).then((r) => Number(r.rows[0].n));
    await until('the receipt queued', pending, (n) => n === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await pending()).toBe(1);

    const rx = await bound('offline', offlineKey, 'bind_receiver');
    await until('the receipt delivered', () => receiptsFor(rx, resp.message_id!).length, (n) => n === 1);
    expect(textOf(receiptsFor(rx, resp.message_id!)[0])).toContain('stat:DELIVRD');
    await until('the queue emptied', pending, (n) => n === 0);
    await rx.close();
  });

  it('hands an inbound message on the customer’s line to its bound receiver', async () => {
    const c = await bound('esme', key, 'bind_receiver');
    const injected = await simulator().smsc.injectInbound({ from: '09125550011', to: '3000888', text: 'سلام، موجودی دارید؟' });
    expect(injected.ok).toBe(true);
    const mo = await until('the inbound deliver_sm', () => c.delivered.filter((p) => !p.receipted_message_id), (l) => l.length === 1);
    expect(mo[0]).toMatchObject({ source_addr: '989125550011', destination_addr: '3000888', data_coding: 8, esm_class: 0 });
    expect(textOf(mo[0])).toBe('سلام، موجودی دارید؟');
    await c.close();
  });

  it('tells the panel how to bind', async () => {
    const res = await t.api({ url: '/api/v1/smpp', token: esme.token });
    expect(res.body).toMatchObject({ enabled: true, host: 'platform.test', port, systemId: 'esme', permitted: true, credential: { allowedIps: [] } });
    expect(res.body.credential.id).toMatch(/^smp_/);
  });

  it('paces submits to the account’s rate and answers ESME_RTHROTTLED past its window', async () => {
    const { child, key: pw } = await setup('slowesme', '100000');
    const set = await t.api({ method: 'PUT', url: `/api/v1/users/${child.id}/smpp`, token: admin, body: { tps: 1, window: 2 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const c = await connect(port);
    expect((await c.call('bind_transmitter', { system_id: 'slowesme', password: pw })).command_status).toBe(0);
    const submit = () => c.call('submit_sm', { destination_addr: '09121234567', short_message: 'rate' });
    expect((await submit()).command_status).toBe(0);
    // of four at once two fit the window (held for their turns, a second apart, then accepted); two are past it
    const answers = await Promise.all(Array.from({ length: 4 }, submit));
    expect(answers.filter((a) => a.command_status === 0).length).toBe(2);
    expect(answers.filter((a) => a.command_status === 0x58).length).toBe(2);
    await c.close();
  });

  it('drops the binds of an account once it is suspended', async () => {
    // Suspension comes from the accounts module (perhaps another process): a periodic check finds it.
    const quick = createSmppListener({ service: t.services.smpp, log: pino({ level: 'silent' }), options: { host: '127.0.0.1', port: 0, recheckMs: 100 } });
    await quick.start();
    try {
      const { child, key: pw } = await setup('suspendee', '10000');
      const c = await connect(quick.port);
      expect((await c.call('bind_transceiver', { system_id: 'suspendee', password: pw })).command_status).toBe(0);
      expect((await t.api({ url: `/api/v1/accounts/${child.id}/status`, token: admin, body: { status: 'suspended' } })).status).toBe(200);
      await dropped(c);
      const again = await connect(quick.port);
      expect((await again.call('bind_transceiver', { system_id: 'suspendee', password: pw })).command_status).toBe(0x0d);
      await again.close();
    } finally {
      await quick.stop();
    }
  });
});
