// A sign-up code goes out as a system SMS: a send of the platform's whose batch keeps the text the
// engine sends. In production that copy of the code is shown to nobody (not the platform's
// message list, not the records search) and is emptied once the send is done; outside production
// the hourly purge empties it a day later, as it does the notification's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';
import { purgeExpired } from '../../src/jobs/purge-expired.ts';
import type { SimulatorUpstream } from '../../src/upstreams/simulator/adapter.ts';

function simulator(t: TestChapar): SimulatorUpstream {
  const id = Object.keys(t.services.engine.routing.stats())[0];
  return t.services.engine.routing.upstream(id) as SimulatorUpstream;
}

const systemBatch = async (t: TestChapar) => (await t.db.query<{ id: string; body: string; status: string }>("SELECT id, body, status FROM batches WHERE source = 'system'")).rows[0];

describe('in production, a code sent as a system SMS is not kept in the platform’s send', () => {
  let t: TestChapar;

  beforeAll(async () => {
    t = await testChapar({ env: { NODE_ENV: 'production' }, engine: true, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 }, record: true } } } });
  });
  afterAll(() => t.close());

  it('hides the code from the message list and the records search, and empties it once done', async () => {
    expect((await t.api({ url: '/api/v1/auth/signup', body: { username: 'codeshop', password: 'codeshop-pass-1', mobile: '09121237777' } })).status).toBe(200);
    const done = await until('system SMS delivered', () => systemBatch(t), (b) => b?.status === 'done');
    const code = /\d{5,6}/.exec(simulator(t).smsc.received.find((p) => p.to.endsWith('9121237777'))!.text)![0];
    expect(done.body).toBe('');
    const admin = await t.adminToken();
    const list = await t.api({ url: '/api/v1/messages', token: admin });
    const shown = list.body.items.find((b: { id: string }) => b.id === done.id);
    expect(shown.text).toBe('');
    const search = await t.api({ url: `/api/v1/records/sent?text=${code}`, token: admin });
    expect(search.body.total).toBe(0);
  });
});

describe('outside production, the platform’s send keeps the code for a day', () => {
  let t: TestChapar;

  beforeAll(async () => {
    t = await testChapar({ engine: true, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 5 } } } } });
  });
  afterAll(() => t.close());

  it('shows nobody the code, and the hourly purge empties it after a day', async () => {
    expect((await t.api({ url: '/api/v1/auth/signup', body: { username: 'devcode', password: 'devcode-pass-1', mobile: '09121238888' } })).status).toBe(200);
    const done = await until('system SMS delivered', () => systemBatch(t), (b) => b?.status === 'done');
    expect(done.body).toMatch(/\d{5,6}/);
    const list = await t.api({ url: '/api/v1/messages', token: await t.adminToken() });
    expect(list.body.items.find((b: { id: string }) => b.id === done.id).text).toBe('');
    t.clock.advance(25 * 3_600_000);
    await purgeExpired(t.db, t.clock);
    expect((await systemBatch(t)).body).toBe('');
  });
});
