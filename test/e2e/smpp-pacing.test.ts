// The customer SMPP server paces an account to its rate instead of refusing: an ESME that keeps its
// window full (as Kannel does, 10 unanswered submit_sm) gets its answers as the account's rate
// allows, never ESME_RTHROTTLED, and every message is accepted. ESME_RTHROTTLED is kept for an
// account that has more unanswered than its window across all its binds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smpp } from '../../src/upstreams/smpp/lib.ts';
import type { Pdu, Session } from '../../src/upstreams/smpp/lib.ts';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

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
    t = await testChapar({ engine: true, env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1', CHAPAR_SMPP_TPS: '20' } });
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
});
