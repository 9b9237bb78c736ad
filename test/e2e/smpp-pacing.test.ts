// The customer SMPP server paces an account to its rate instead of refusing: an ESME that keeps its
// window full (as Kannel does, 10 unanswered submit_sm) gets its answers as the account's rate
// allows, never ESME_RTHROTTLED, and every message is accepted. ESME_RTHROTTLED is kept for an
// account that has more unanswered than its window across all its binds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smpp } from '../../src/upstreams/smpp/lib.ts';
import type { Pdu, Session } from '../../src/upstreams/smpp/lib.ts';
import { createChild, openSender, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';

const THROTTLED = 0x58;

type Client = { session: Session; call(command: string, options?: Record<string, unknown>): Promise<Pdu>; close(): Promise<void> };

let nextAddress = 0;
const freshAddress = () => `127.3.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 2}`;

async function connect(port: number): Promise<Client> {
  const session: Session = smpp.connect({ host: '127.0.0.1', port, localAddress: freshAddress() } as { host: string; port: number });
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  session.on('error', () => undefined);
  session.on('deliver_sm', (pdu: Pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu: Pdu) => session.send(pdu.response()));
  return {
    session,
    call: (command, options = {}) => new Promise((resolve) => (session as unknown as Record<string, (o: unknown, cb: (p: Pdu) => void) => void>)[command](options, resolve)),
    close: () => new Promise((resolve) => session.destroy(() => resolve())),
  };
}

/** Keeps `window` submit_sm unanswered until `total` were answered; like Kannel, a throttled one is not resent here. */
async function keepWindowFull(c: Client, total: number, window: number) {
  const statuses: number[] = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const next = () => {
      if (sent >= total) return;
      sent++;
      void c.call('submit_sm', { destination_addr: '09121234567', short_message: `paced ${sent}`, registered_delivery: 0 }).then((r) => {
        statuses.push(r.command_status as number);
        if (statuses.length === total) resolve();
        else next();
      });
    };
    for (let i = 0; i < window; i++) next();
  });
  return statuses;
}

describe('SMPP server pacing', () => {
  let t: TestChapar;
  let port: number;

  const esme = async (username: string) => {
    const user = await openSender(t, username, '10000000');
    const res = await t.api({ url: '/api/v1/smpp/password', token: user.token, body: {} });
    expect(res.status).toBe(201);
    return { ...user, smppPassword: res.body.password as string };
  };

  beforeAll(async () => {
    t = await testChapar({ engine: true, env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1', CHAPAR_SMPP_TPS: '20', CHAPAR_SMPP_TPS_MAX: '500', CHAPAR_SMPP_WINDOW_MAX: '50', CHAPAR_SMPP_MAX_BINDS_MAX: '4' } });
    port = t.chapar.smpp!.port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a full window of 10 at a 20 TPS account without ESME_RTHROTTLED, accepting every message', async () => {
    const a = await esme('pacer');
    const c = await connect(port);
    expect((await c.call('bind_transmitter', { system_id: a.username, password: a.smppPassword })).command_status).toBe(0);
    const statuses = await keepWindowFull(c, 100, 10);
    await c.close();
    expect(statuses.filter((s) => s === THROTTLED).length).toBe(0);
    expect(statuses.filter((s) => s === 0).length).toBe(100);
  }, 30_000);

  it('lets a parent set a child’s limits within its own, and shows the account its own', async () => {
    const admin = await t.adminToken();
    const agency = await createChild(t, admin, { username: 'pace-agency', kind: 'agency' });
    // the platform's own limits bound what it gives; an unset agency has the defaults
    const first = await t.api({ url: `/api/v1/users/${agency.id}/smpp`, token: admin });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ own: { tps: null, window: null, maxBinds: null }, effective: { tps: 20, window: 20, maxBinds: 2 }, max: { tps: 500, window: 50, maxBinds: 4 } });
    const tooMuch = await t.api({ method: 'PUT', url: `/api/v1/users/${agency.id}/smpp`, token: admin, body: { tps: 501 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'SMPP_LIMIT_ABOVE_PARENT', details: { field: 'tps', max: 500 } });
    expect(tooMuch.body.error.message).toContain('500');
    const fa = await t.api({ method: 'PUT', url: `/api/v1/users/${agency.id}/smpp`, token: admin, body: { window: 51 }, lang: 'fa' });
    expect(fa.body.error.message).toContain('پنجره');
    const bad = await t.api({ method: 'PUT', url: `/api/v1/users/${agency.id}/smpp`, token: admin, body: { tps: 0, speed: 3 } });
    expect(bad.status).toBe(400);
    const set = await t.api({ method: 'PUT', url: `/api/v1/users/${agency.id}/smpp`, token: admin, body: { tps: 200, window: 30, maxBinds: 3 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.effective).toEqual({ tps: 200, window: 30, maxBinds: 3 });

    // the agency gives its user no more than its own
    const user = await createChild(t, agency.token, { username: 'pace-user', kind: 'user' });
    const over = await t.api({ method: 'PUT', url: `/api/v1/users/${user.id}/smpp`, token: agency.token, body: { tps: 201 } });
    expect(over.body.error).toMatchObject({ code: 'SMPP_LIMIT_ABOVE_PARENT', details: { field: 'tps', max: 200 } });
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${user.id}/smpp`, token: agency.token, body: { tps: 150, maxBinds: 3 } })).status).toBe(200);
    // an unset window is the platform default, capped by the agency's
    expect((await t.api({ url: `/api/v1/users/${user.id}/smpp`, token: agency.token })).body.effective).toEqual({ tps: 150, window: 20, maxBinds: 3 });
    // the platform lowers the agency: the user's effective limits follow, its own setting stays
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${agency.id}/smpp`, token: admin, body: { tps: 100, window: 10 } })).status).toBe(200);
    const after = await t.api({ url: `/api/v1/users/${user.id}/smpp`, token: agency.token });
    expect(after.body).toMatchObject({ own: { tps: 150, window: null, maxBinds: 3 }, effective: { tps: 100, window: 10, maxBinds: 3 } });
    // only the parent sets them: not the account itself, not the platform for a grandchild
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${user.id}/smpp`, token: user.token, body: { tps: 1 } })).status).toBe(403);
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${user.id}/smpp`, token: admin, body: { tps: 1 } })).status).toBe(403);
    // the account reads its own on its profile's SMPP card
    expect((await t.api({ url: '/api/v1/smpp', token: user.token })).body.limits).toEqual({ tps: 100, window: 10, maxBinds: 3 });
  });

  it('applies a change to live binds: a lowered window refuses sooner, a lowered bind limit drops the newest bind', async () => {
    const admin = await t.adminToken();
    const a = await esme('pace-live');
    const c1 = await connect(port);
    const c2 = await connect(port);
    expect((await c1.call('bind_transmitter', { system_id: a.username, password: a.smppPassword })).command_status).toBe(0);
    expect((await c2.call('bind_transmitter', { system_id: a.username, password: a.smppPassword })).command_status).toBe(0);
    let closed = false;
    c2.session.on('close', () => (closed = true));
    expect((await t.api({ method: 'PUT', url: `/api/v1/users/${a.id}/smpp`, token: admin, body: { tps: 1, window: 1, maxBinds: 1 } })).status).toBe(200);
    await until('the newest bind dropped', () => closed, (v) => v, 5000);
    const submit = () => c1.call('submit_sm', { destination_addr: '09121234567', short_message: 'live' });
    expect((await submit()).command_status).toBe(0);
    // the next is held for its turn (a second later) and fills the window of 1: one more is refused
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => r.command_status).sort()).toEqual([0, THROTTLED]);
    await c1.close();
  });
});
