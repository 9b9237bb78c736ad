// Limits of customers' SMPP binds, over a real SMPP socket: binds per account, one throughput
// budget per account whatever the number of binds, and failed binds held back per (username,
// address) with growing delays and capped per address, counted before the password hash runs.
// (Pacing to the account's rate and the limits a parent sets: smpp-pacing.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smpp } from '../../src/upstreams/smpp/lib.ts';
import type { Pdu, Session } from '../../src/upstreams/smpp/lib.ts';
import { BIND_DELAY_BASE_MS, BIND_FAILURES_PER_IP, BIND_FREE_FAILURES } from '../../src/modules/smpp-server/service.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Client = { call(command: string, options?: Record<string, unknown>): Promise<Pdu>; close(): Promise<void>; closed: () => boolean };

const BINDFAIL = 0x0d;
const INVPASWD = 0x0e;
const THROTTLED = 0x58;

let nextAddress = 0;
const freshAddress = () => `127.1.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 2}`;

async function connect(port: number, localAddress = freshAddress()): Promise<Client> {
  const session: Session = smpp.connect({ host: '127.0.0.1', port, localAddress } as { host: string; port: number });
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  let closed = false;
  session.on('close', () => (closed = true));
  session.on('error', () => undefined);
  session.on('deliver_sm', (pdu: Pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu: Pdu) => session.send(pdu.response()));
  return {
    closed: () => closed,
    call: (command, options = {}) => new Promise((resolve) => (session as unknown as Record<string, (o: unknown, cb: (p: Pdu) => void) => void>)[command](options, resolve)),
    close: () => new Promise((resolve) => (closed ? resolve() : session.destroy(() => resolve()))),
  };
}

describe('SMPP bind limits', () => {
  let t: TestChapar;
  let port: number;
  let admin: string;
  const open: Client[] = [];

  const account = async (username: string) => {
    const child = await createChild(t, admin, { username, kind: 'user' });
    const res = await t.api({ url: '/api/v1/smpp/password', token: child.token, body: {} });
    expect(res.status).toBe(201);
    return { ...child, smppPassword: res.body.password as string };
  };
  const bind = async (username: string, password: string, localAddress?: string, mode = 'bind_transceiver') => {
    const c = await connect(port, localAddress);
    open.push(c);
    return { c, status: (await c.call(mode, { system_id: username, password })).command_status as number };
  };
  const auditReasons = async (accountId: string) => {
    const { rows } = await t.db.query("SELECT details FROM audit_events WHERE action = 'smpp.bind_failed' AND subject_id = $1 ORDER BY id", [accountId]);
    return rows.map((r) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details).reason as string);
  };

  beforeAll(async () => {
    t = await testChapar({ engine: true, env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1', CHAPAR_SMPP_MAX_BINDS: '2', CHAPAR_SMPP_TPS: '1', CHAPAR_SMPP_WINDOW: '2' } });
    port = t.chapar.smpp!.port;
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await t.close();
  });

  it('refuses a bind past the account’s limit with ESME_RBINDFAIL, and takes it once a bind ends', async () => {
    const a = await account('binder');
    const first = await bind(a.username, a.smppPassword);
    const second = await bind(a.username, a.smppPassword, undefined, 'bind_receiver');
    expect([first.status, second.status]).toEqual([0, 0]);
    expect((await bind(a.username, a.smppPassword)).status).toBe(BINDFAIL);
    expect((await bind(a.username, a.smppPassword, undefined, 'bind_transmitter')).status).toBe(BINDFAIL);
    // another account is not affected
    const b = await account('neighbour');
    expect((await bind(b.username, b.smppPassword)).status).toBe(0);
    await first.c.call('unbind');
    expect((await bind(a.username, a.smppPassword)).status).toBe(0);
  });

  it('shares one throughput budget between all binds of an account', async () => {
    const a = await account('sharer');
    const x = await bind(a.username, a.smppPassword, undefined, 'bind_transmitter');
    const y = await bind(a.username, a.smppPassword, undefined, 'bind_transmitter');
    expect([x.status, y.status]).toEqual([0, 0]);
    // 1 submit_sm a second and a window of 2 for the account: after one answered at once, two more
    // (one per bind) are held for their turns and fill the window; a third is past it, although
    // its bind has only one unanswered (a window per bind would take it)
    const submit = (c: Client) => c.call('submit_sm', { destination_addr: '09121234567', short_message: 'hi' });
    // (the account has no credit: answered, but not with ESME_RTHROTTLED)
    expect((await submit(x.c)).command_status).not.toBe(THROTTLED);
    const answers = await Promise.all([submit(x.c), submit(y.c), submit(y.c)]);
    expect(answers.filter((p) => p.command_status === THROTTLED).length).toBe(1);
  });

  it('holds back wrong binds of a username from one address with delays that double, then takes the right password', async () => {
    const a = await account('guessed');
    const address = freshAddress();
    for (let i = 0; i < BIND_FREE_FAILURES; i++) expect((await bind(a.username, `wrong${i}xx`, address)).status).toBe(INVPASWD);
    expect((await bind(a.username, a.smppPassword, address)).status).toBe(THROTTLED);
    expect((await auditReasons(a.id)).slice(-1)).toEqual(['throttled']);
    t.clock.advance(BIND_DELAY_BASE_MS + 1000);
    expect((await bind(a.username, 'wrong9xx', address)).status).toBe(INVPASWD);
    expect((await bind(a.username, a.smppPassword, address)).status).toBe(THROTTLED);
    // the second delay is twice the first
    t.clock.advance(BIND_DELAY_BASE_MS + 1000);
    expect((await bind(a.username, a.smppPassword, address)).status).toBe(THROTTLED);
    t.clock.advance(BIND_DELAY_BASE_MS);
    expect((await bind(a.username, a.smppPassword, address)).status).toBe(0);
  });

  it('lets the customer bind from its own address while a stranger fails binds with its username', async () => {
    const victim = await account('smpp-victim');
    const stranger = freshAddress();
    for (let i = 0; i < BIND_FREE_FAILURES + 3; i++) expect([INVPASWD, THROTTLED]).toContain((await bind(victim.username, `wrong${i}xx`, stranger)).status);
    expect((await bind(victim.username, victim.smppPassword)).status).toBe(0);
  });

  it('counts parallel wrong binds before the password hash: at most the free failures are checked', async () => {
    const a = await account('smpp-race');
    const address = freshAddress();
    const res = await Promise.all(Array.from({ length: 18 }, (_, i) => bind(a.username, `wrong${i}xx`, address)));
    expect(res.filter((r) => r.status === INVPASWD).length).toBeLessThanOrEqual(BIND_FREE_FAILURES);
    expect(res.filter((r) => r.status === THROTTLED).length).toBeGreaterThanOrEqual(18 - BIND_FREE_FAILURES);
  });

  it('refuses binds from an address after repeated failures, whichever username it tries', async () => {
    const a = await account('bystander');
    const address = freshAddress();
    for (let i = 0; i < BIND_FAILURES_PER_IP; i++) expect((await bind(`nobody${i}`, 'wrong123', address)).status).toBe(INVPASWD);
    expect((await bind(a.username, a.smppPassword, address)).status).toBe(BINDFAIL);
    // from elsewhere the account binds
    expect((await bind(a.username, a.smppPassword)).status).toBe(0);
  });
});
