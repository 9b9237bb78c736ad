// /metrics as an operator reads it: messages sent through the simulator SMSC are counted per
// event, tier, connector and operator; submit and receipt times per connector; the outbox, open
// reservations, the database's size, the connectors' binds, unmatched receipts, webhooks and
// group commits — each family present with the values this test caused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { parseMetrics, type Samples } from '../helpers/metrics.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'metrics-token-0123456789';
const three = ['09121234567', '09351234567', '09201234567'];

describe('Prometheus metrics of the message engine', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let user: Awaited<ReturnType<typeof createChild>>;
  let connector: string;
  let hook: Server;

  const scrape = async (): Promise<Samples> => {
    const res = await t.api({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return parseMetrics(res.body as string);
  };

  beforeAll(async () => {
    t = await testChapar({
      engine: true,
      jobs: true,
      env: { CHAPAR_METRICS_TOKEN: TOKEN, CHAPAR_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1' },
      // a receipt that matches no message is given up after 2 s here, 60 s by default
      engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 1, max: 10 } } }, keepUnmatchedReceiptsMs: 2000 },
    });
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    agency = await createChild(t, admin, { username: 'mtagency', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'mtshop', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: 'test' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '100000', note: 'test' } })).status).toBe(200);
    [connector] = Object.keys(t.services.engine.routing.stats());
    // one endpoint that answers 200 and one that answers 500
    hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/ok' ? 200 : 500).end());
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await t.close();
    hook.close();
  });

  it('shows the outbox waiting, its oldest due message’s age and the open reservations while nothing is sent', async () => {
    await t.services.engine.dispatcher.stop();
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121110000', '09351110000'], text: 'waiting', class: 'service' } });
    expect(res.status).toBe(202);
    t.clock.advance(30_000);
    const m = await scrape();
    expect(m.value('chapar_outbox_messages')).toBe(2);
    expect(m.value('chapar_outbox_oldest_due_age_seconds')).toBe(30);
    expect(m.value('chapar_ledger_reservations_open')).toBeGreaterThanOrEqual(1);
    expect(m.value('chapar_data_size_bytes')).toBeGreaterThan(0);
    await t.services.engine.dispatcher.start();
    await until('the waiting send done', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token: user.token }), (r) => r.body.status === 'done');
  });

  it('counts messages accepted, submitted and delivered per tier, connector and operator, never per account', async () => {
    const before = await scrape();
    for (const [token, to] of [[user.token, three], [agency.token, ['09121234000']], [admin, ['09351234000']]] as const) {
      const res = await t.api({ url: '/api/v1/messages', token, body: { to, text: 'hello', class: 'service' } });
      expect(res.status).toBe(202);
      await until('delivered', () => t.api({ url: `/api/v1/messages/${res.body.batchId}`, token }), (r) => r.body.status === 'done');
    }
    const m = await until('delivered counted', scrape, (s) => s.delta(before, 'chapar_messages_total', { event: 'delivered' }) === 5);
    const d = (labels: Record<string, string>) => m.delta(before, 'chapar_messages_total', labels);
    expect(d({ event: 'accepted', tier: 'user', connector: 'none', operator: 'mci' })).toBe(1);
    expect(d({ event: 'accepted', tier: 'user', connector: 'none', operator: 'irancell' })).toBe(1);
    expect(d({ event: 'accepted', tier: 'user', connector: 'none', operator: 'rightel' })).toBe(1);
    expect(d({ event: 'accepted', tier: 'agency', operator: 'mci' })).toBe(1);
    expect(d({ event: 'accepted', tier: 'platform', operator: 'irancell' })).toBe(1);
    expect(d({ event: 'accepted' })).toBe(5);
    expect(d({ event: 'submitted', tier: 'user', connector })).toBe(3);
    expect(d({ event: 'submitted', tier: 'agency', connector, operator: 'mci' })).toBe(1);
    expect(d({ event: 'submitted', tier: 'platform', connector, operator: 'irancell' })).toBe(1);
    expect(d({ event: 'delivered', tier: 'user', connector, operator: 'rightel' })).toBe(1);
    expect(d({ event: 'delivered', connector })).toBe(5);
    expect(d({ event: 'failed' })).toBe(0);
    // no label carries an account id
    expect(m.all('chapar_messages_total').some((s) => Object.values(s.labels).some((v) => v.startsWith('acc_')))).toBe(false);
    expect(m.delta(before, 'chapar_submit_duration_seconds_count', { connector })).toBe(5);
    expect(m.delta(before, 'chapar_receipt_latency_seconds_count', { connector })).toBe(5);
    expect(m.delta(before, 'chapar_accept_group_sends_sum', {})).toBe(3);
    expect(m.value('chapar_accept_group_fallbacks_total')).toBe(0);
    // the outbox's figures are read at most once a second: a scrape may show the last reading
    const idle = await until('outbox empty', scrape, (s) => s.value('chapar_outbox_messages') === 0);
    expect(idle.value('chapar_outbox_oldest_due_age_seconds')).toBe(0);
    expect(idle.value('chapar_ledger_reservations_open')).toBe(0);
  });

  it('counts a message that expired before it was sent, without a connector', async () => {
    const before = await scrape();
    await t.services.engine.dispatcher.stop();
    const account = (await t.services.accounts.findAccountForAuth(user.id))!;
    await t.services.engine.accept.send(account, { to: ['09121239999'], text: 'late', class: 'service', validUntil: new Date(t.clock.now().getTime() + 60_000) }, { source: 'api' });
    t.clock.advance(120_000);
    await t.services.engine.dispatcher.start();
    const m = await until('expired counted', scrape, (s) => s.delta(before, 'chapar_messages_total', { event: 'expired' }) === 1);
    expect(m.delta(before, 'chapar_messages_total', { event: 'expired', tier: 'user', connector: 'none', operator: 'mci' })).toBe(1);
  });

  it('counts the messages of a send cancelled by moderation once the decision commits', async () => {
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: true } });
    try {
      const before = await scrape();
      const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121235555', '09351235555'], text: 'held for review', class: 'service' } });
      expect(res.body.status).toBe('held');
      const queue = await t.api({ url: '/api/v1/compliance/moderation?status=pending', token: admin });
      const item = queue.body.items.find((i: { batchId: string }) => i.batchId === res.body.batchId);
      expect((await t.api({ url: `/api/v1/compliance/moderation/${item.id}/reject`, token: admin, body: { comment: 'no' } })).status).toBe(200);
      const m = await scrape();
      expect(m.delta(before, 'chapar_messages_total', { event: 'cancelled', tier: 'user', connector: 'none' })).toBe(2);
    } finally {
      await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    }
  });

  it('shows each connector bound, its binds, losses, throttles and generic_nacks', async () => {
    const m = await scrape();
    expect(m.value('chapar_connector_up', { connector })).toBe(1);
    expect(m.value('chapar_connector_binds_total', { connector })).toBeGreaterThanOrEqual(1);
    expect(m.value('chapar_connector_bind_losses_total', { connector })).toBe(0);
    expect(m.value('chapar_connector_throttles_total', { connector })).toBe(0);
    expect(m.value('chapar_connector_generic_nacks_total', { connector })).toBe(0);
  });

  it('counts a receipt whose id matches no message once it is given up', async () => {
    const before = await scrape();
    const answered = t.services.engine.receipts.push(connector, { upstreamId: 'no-such-message', status: 'delivered' });
    // it is tried again as the engine's clock moves on, and given up 2 s after it came
    const m = await until('given up', () => {
      t.clock.advance(300);
      return scrape();
    }, (s) => s.delta(before, 'chapar_receipts_unmatched_total', { connector }) >= 1);
    await answered;
    expect(m.delta(before, 'chapar_receipts_unmatched_total', { connector })).toBe(1);
    // …and on the connector's page, all processes together, with the id it named
    const connectors = await t.api({ url: '/api/v1/connectors', token: admin });
    const shown = connectors.body.items.find((c: { id: string }) => c.id === connector);
    expect(shown.unmatchedReceipts).toMatchObject({ count: 1, lastUpstreamId: 'no-such-message' });
  });

  it('counts webhook attempts by outcome', async () => {
    const port = (hook.address() as AddressInfo).port;
    for (const path of ['/ok', '/fail']) {
      const res = await t.api({ url: '/api/v1/webhooks', token: user.token, body: { url: `http://127.0.0.1:${port}${path}`, events: ['delivery'] } });
      expect(res.status).toBe(201);
    }
    const before = await scrape();
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121230001'], text: 'hooked', class: 'service' } });
    expect(res.status).toBe(202);
    const m = await until('webhook attempts', scrape, (s) => s.delta(before, 'chapar_webhook_attempts_total', { outcome: 'ok' }) >= 1 && s.delta(before, 'chapar_webhook_attempts_total', { outcome: 'failed' }) >= 1);
    expect(m.delta(before, 'chapar_webhook_attempts_total', { event: 'delivery', outcome: 'ok' })).toBe(1);
  });
});
