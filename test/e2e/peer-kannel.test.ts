// Kannel 1.4 (Debian's bearerbox + smsbox) as a customer bound to Chapar's SMPP server: a peer
// nobody here wrote. Messages go in through Kannel's sendsms, reports come back to the dlr-url,
// inbound messages to the sms-service's get-url, all over loopback. Skipped (with the reason) only
// where Kannel is not installed and CI is not set.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorUpstream } from '../../src/upstreams/simulator/adapter.ts';
import { DEFAULT_VALIDITY_MS } from '../../src/modules/messages/accept.ts';
import { vendorStatus } from '../../src/modules/smpp-server/pdu.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { freePort, kannelMissing, startKannel, type Kannel } from '../helpers/kannel.ts';
import { until } from '../helpers/until.ts';

const missing = kannelMissing();
if (missing) console.warn(`peer-kannel: skipped: ${missing}`);

type Hit = Record<string, string>;

describe.skipIf(missing !== null)('Kannel as a customer of Chapar’s SMPP server', () => {
  let t: TestChapar;
  let admin: string;
  let kannel: Kannel;
  let http: Server;
  let httpPort: number;
  const dlrs: Hit[] = [];
  const mos: Hit[] = [];
  const accounts: Record<string, { id: string; username: string; token: string; smppPassword: string }> = {};

  const simulator = () => t.services.engine.routing.upstream(Object.keys(t.services.engine.routing.stats())[0]) as SimulatorUpstream;
  const dlrUrl = (tag: string) => `http://127.0.0.1:${httpPort}/dlr?tag=${tag}&type=%d&reply=%A&msgid=%F&smsc=%i`;
  const dlrsOf = (tag: string) => dlrs.filter((d) => d.tag === tag);
  const send = async (smsc: string, tag: string, p: Record<string, string | number>) => {
    const res = await kannel.sendsms({ smsc, from: '3000888', to: '09121234567', 'dlr-mask': 27, 'dlr-url': dlrUrl(tag), ...p });
    expect(res.status, res.body).toBeLessThan(300);
    return res;
  };
  const account = async (username: string, credit: string | null) => {
    const child = await createChild(t, admin, { username, kind: 'user' });
    if (credit) expect((await t.api({ url: `/api/v1/accounts/${child.id}/credit`, token: admin, body: { amount: credit, note: 'kannel' } })).status).toBe(200);
    const pw = await t.api({ url: '/api/v1/smpp/password', token: child.token, body: {} });
    expect(pw.status).toBe(201);
    accounts[username] = { ...child, smppPassword: pw.body.password };
    return accounts[username];
  };

  beforeAll(async () => {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const hit = Object.fromEntries(url.searchParams);
      if (url.pathname === '/dlr') dlrs.push(hit);
      if (url.pathname === '/mo') mos.push(hit);
      res.end('ok');
    });
    httpPort = await freePort();
    await new Promise<void>((r) => http.listen(httpPort, '127.0.0.1', () => r()));
    t = await testChapar({
      engine: true,
      env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1' },
      engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 10 } } } },
    });
    admin = await t.adminToken();
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } })).status).toBe(200);
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
    expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${group.id}`, token: admin, body: { basePrice: '1000' } })).status).toBe(200);
    const customer = await account('kcustomer', '1000000');
    const broke = await account('kbroke', null);
    const paced = await account('kpaced', '1000000');
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${paced.id}/smpp`, token: admin, body: { tps: 20 } })).status).toBe(200);
    // the customers' line: it sends from it and receives on it
    for (const a of [customer, broke, paced]) {
      const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: a === customer ? '3000888' : a === broke ? '3000777' : '3000666', lineType: '3000', canReceive: true } });
      expect((await t.api({ url: `/api/v1/lines/${line.body.id}/assignments`, token: admin, body: { accountId: a.id, canSend: true, canReceive: true } })).status).toBeLessThan(300);
    }
    kannel = await startKannel({
      smscPort: t.chapar.smpp!.port,
      moUrl: `http://127.0.0.1:${httpPort}/mo`,
      smscs: [
        { id: 'chapar', username: customer.username, password: customer.smppPassword },
        { id: 'broke', username: broke.username, password: broke.smppPassword },
        { id: 'paced', username: paced.username, password: paced.smppPassword },
        // one try only: failed binds from one address are held back (smpp-binds.test.ts)
        { id: 'wrongpw', username: customer.username, password: 'wrongpw1', reconnectDelay: 600 },
      ],
    });
    await kannel.online(['chapar', 'broke', 'paced']);
  }, 60_000);
  afterAll(async () => {
    await kannel?.stop();
    await t?.close();
    await new Promise((r) => http?.close(r));
  });

  it('delivers Persian, ASCII and a 3-part message, each with a DELIVRD report', async () => {
    await send('chapar', 'fa', { text: 'سلام، این یک پیام آزمایشی از کانل است', coding: 2 });
    await send('chapar', 'ascii', { text: 'Hello from Kannel' });
    const long = 'Long message from Kannel. '.repeat(16).trim(); // 415 GSM characters: 3 parts of 153
    expect(long.length).toBeGreaterThan(306);
    await send('chapar', 'long', { text: long });
    for (const tag of ['fa', 'ascii', 'long']) await until(`${tag} delivered`, () => dlrsOf(tag).filter((d) => d.type === '1'), (l) => l.length >= 1, 20_000);
    // Chapar received each whole message as one (the 3 parts reassembled), with the text Kannel was given
    const { rows } = await t.db.query("SELECT body, parts FROM batches WHERE account_id = $1 AND source = 'smpp'", [accounts.kcustomer.id]);
    expect(rows.map((r) => [r.body, r.parts]).sort()).toEqual([['Hello from Kannel', 1], [long, 3], ['سلام، این یک پیام آزمایشی از کانل است', 1]]);
    expect(dlrsOf('fa').find((d) => d.type === '1')!.reply).toContain('stat:DELIVRD');
    expect(dlrsOf('long').filter((d) => d.type === '2' || d.type === '16')).toEqual([]);
  });

  it('reports UNDELIV and EXPIRED through the dlr-url', async () => {
    simulator().smsc.update({ deliveryRatio: 0 });
    await send('chapar', 'undeliv', { text: 'this one fails' });
    const undeliv = await until('UNDELIV', () => dlrsOf('undeliv').filter((d) => d.type === '2'), (l) => l.length === 1, 20_000);
    expect(undeliv[0].reply).toContain('stat:UNDELIV');
    // the SMSC sends no receipt: the message's validity passes and Chapar reports it expired
    simulator().smsc.update({ deliveryRatio: 1, receiptLatencyMs: { min: 3_600_000, max: 3_600_000 } });
    await send('chapar', 'expired', { text: 'this one expires' });
    await until('sent', () => dlrsOf('expired').filter((d) => d.type === '8'), (l) => l.length === 1, 20_000);
    await until('the message sent upstream', async () => (await t.db.query("SELECT count(*)::int AS n FROM messages m JOIN batches b ON b.id = m.batch_id WHERE b.body = 'this one expires' AND m.status = 'sent'")).rows[0].n, (n) => n === 1);
    t.clock.advance(DEFAULT_VALIDITY_MS + 60_000);
    // Kannel 1.4.5 reports an expiry as 34 (failed, expired)
    const expired = await until('EXPIRED', () => dlrsOf('expired').filter((d) => d.type === '34'), (l) => l.length === 1, 20_000);
    expect(expired[0].reply).toContain('stat:EXPIRED');
    simulator().smsc.update({ receiptLatencyMs: { min: 1, max: 10 } });
  });

  it('hands an inbound message to the customer through Kannel', async () => {
    const injected = await simulator().smsc.injectInbound({ from: '09125550011', to: '3000888', text: 'سلام، موجودی دارید؟' });
    expect(injected.ok).toBe(true);
    const mo = await until('the MO at the get-url', () => mos, (l) => l.length === 1, 20_000);
    expect(mo[0]).toMatchObject({ text: 'سلام، موجودی دارید؟', to: '3000888' });
    expect(mo[0].from).toMatch(/9125550011$/);
  });

  it('refuses what Chapar must refuse, and Kannel sees the status', async () => {
    // no credit
    await send('broke', 'broke', { from: '3000777', text: 'no money' });
    const broke = await until('the refusal of a send without credit', () => dlrsOf('broke').filter((d) => d.type === '16'), (l) => l.length === 1, 20_000);
    // a sender line the account may not use: ESME_RINVSRCADR
    await send('chapar', 'badsender', { from: '3000777', text: 'not my line' });
    const bad = await until('the refusal of a forbidden sender', () => dlrsOf('badsender').filter((d) => d.type === '16'), (l) => l.length === 1, 20_000);
    expect(bad[0].reply.toLowerCase()).toContain('0x0000000a/invalid source address');
    expect(broke[0].reply.toLowerCase()).toContain(`0x${vendorStatus.INSUFFICIENT_CREDIT.toString(16).padStart(8, '0')}`);
    // a wrong password: the bind is refused with ESME_RINVPASWD and the smsc never comes online
    await until('the refused bind in bearerbox’s log', () => kannel.bearerboxLog(), (l) => /SMPP\[wrongpw\]: SMSC rejected login to transmit, code 0x0000000e \(Invalid Password\)/.test(l), 20_000);
    expect(await kannel.status()).not.toMatch(/wrongpw\[wrongpw\][^\n]*online/);
  });

  it('paces a Kannel bind with default settings to its account’s 20 TPS without a throttle answer', async () => {
    const before = t.chapar.smpp!.stats().throttled;
    const n = 100;
    const started = Date.now();
    for (let i = 0; i < n; i++) await send('paced', 'paced', { from: '3000666', text: `paced ${i}`, 'dlr-mask': 24 });
    const acks = await until('every message accepted', () => dlrsOf('paced'), (l) => l.length === n, 40_000);
    const seconds = (Date.now() - started) / 1000;
    expect(acks.filter((d) => d.type !== '8')).toEqual([]);
    expect(t.chapar.smpp!.stats().throttled - before).toBe(0);
    const { rows } = await t.db.query("SELECT count(*)::int AS n FROM batches WHERE account_id = $1 AND source = 'smpp'", [accounts.kpaced.id]);
    expect(rows[0].n).toBe(n);
    // not faster than the account's rate (a short burst aside), and done in a sane time
    expect(seconds).toBeGreaterThan((n - 5) / 20);
    expect(seconds).toBeLessThan(40);
  }, 50_000);
});
