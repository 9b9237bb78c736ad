// Concurrent small sends are committed in groups (accept.ts): each must still get exactly the
// answer, batch, reservation and charge it would have got alone, and a send that fails must not
// take the others of its group with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

const mobile = (i: number) => `0912${String(5_000_000 + i)}`;

describe('group commit of concurrent sends', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let rich: Awaited<ReturnType<typeof createChild>>;
  let poor: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false } });
    const price = async (token: string, basePrice: string) => {
      const groups = await t.api({ url: '/api/v1/billing/groups', token });
      const g = groups.body.items.find((x: { isDefault: boolean }) => x.isDefault);
      expect((await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${g.id}`, token, body: { basePrice } })).status).toBe(200);
    };
    await price(admin, '1000');
    agency = await createChild(t, admin, { username: 'gcagency', kind: 'agency' });
    await price(agency.token, '1500');
    rich = await createChild(t, agency.token, { username: 'gcrich', kind: 'user' });
    poor = await createChild(t, agency.token, { username: 'gcpoor', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: '' } })).status).toBe(200);
    expect((await t.api({ url: `/api/v1/accounts/${rich.id}/credit`, token: agency.token, body: { amount: '100000', note: '' } })).status).toBe(200);
    // enough for two messages at 1,500 rials, not three
    expect((await t.api({ url: `/api/v1/accounts/${poor.id}/credit`, token: agency.token, body: { amount: '4000', note: '' } })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('answers each of many concurrent sends as if it had been alone, and charges each once', async () => {
    const send = (token: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
      t.api({ url: '/api/v1/messages', token, body: { class: 'service', text: 'کد سفارش شما ثبت شد', ...body }, headers });
    const richSends = Array.from({ length: 40 }, (_, i) => send(rich.token, { to: [mobile(i)] }));
    const poorSends = Array.from({ length: 5 }, (_, i) => send(poor.token, { to: [mobile(100 + i)] }));
    const footerless = send(rich.token, { to: [mobile(200)], class: 'advertising', text: 'تخفیف ویژه' });
    const nobody = send(rich.token, { to: ['12345'] });
    const twice = [0, 1].map(() => send(rich.token, { to: [mobile(300)] }, { 'idempotency-key': 'same-key-1' }));
    const before = t.services.engine.accept.groupStats();
    const [r, p, f, n, tw] = await Promise.all([Promise.all(richSends), Promise.all(poorSends), footerless, nobody, Promise.all(twice)]);

    // they were committed in groups, not one by one
    const stats = t.services.engine.accept.groupStats();
    expect(stats.largest).toBeGreaterThan(10);
    expect(stats.groups - before.groups).toBeLessThan(stats.jobs - before.jobs);
    expect(stats.fallbacks).toBe(0);
    expect(r.map((x) => x.status)).toEqual(new Array(40).fill(202));
    expect(r.map((x) => x.body.cost)).toEqual(new Array(40).fill('1500'));
    expect(new Set(r.map((x) => x.body.batchId)).size).toBe(40);
    expect(p.filter((x) => x.status === 202)).toHaveLength(2);
    expect(p.filter((x) => x.status === 402).map((x) => x.body.error.code)).toEqual(['INSUFFICIENT_CREDIT', 'INSUFFICIENT_CREDIT', 'INSUFFICIENT_CREDIT']);
    expect([f.status, f.body.error.code]).toEqual([422, 'OPT_OUT_FOOTER_MISSING']);
    expect(n.body.error.code).toBe('NO_VALID_RECIPIENTS');
    // the same key twice at once: one send; the other is told it is in progress or gets the same answer
    const first = tw.find((x) => x.status === 202)!;
    for (const x of tw) expect(x.status === 202 ? x.body.batchId : x.body.error.details.reason).toBe(x.status === 202 ? first.body.batchId : 'in_progress');
    const retried = await send(rich.token, { to: [mobile(300)] }, { 'idempotency-key': 'same-key-1' });
    expect([retried.status, retried.body.batchId]).toEqual([202, first.body.batchId]);

    // Below HTTP (SMPP, system sends) the same key twice in one group, next to a key a batch
    // already holds: each answers with the one batch, and the group still commits as a whole.
    const account = (await t.services.accounts.findAccountForAuth(rich.id))!;
    const direct = (key: string, i: number) => t.services.engine.accept.send(account, { to: [mobile(i)], text: 'کد سفارش شما ثبت شد', class: 'service' }, { idempotencyKey: key, source: 'smpp' });
    const [d1, d2, d3, d4] = await Promise.all([direct('smpp-1', 400), direct('smpp-1', 400), direct('same-key-1', 300), direct('smpp-2', 401)]);
    expect(d2.batchId).toBe(d1.batchId);
    expect([d1.replayed, d2.replayed].sort()).toEqual([false, true]);
    expect([d3.batchId, d3.replayed]).toEqual([first.body.batchId, true]);
    expect(d4.replayed).toBe(false);
    expect(t.services.engine.accept.groupStats().fallbacks).toBe(0);

    // every accepted send is its own batch with its one message and its cost
    for (const x of [...r, ...p.filter((y) => y.status === 202)]) {
      const batch = await t.api({ url: `/api/v1/messages/${x.body.batchId}`, token: admin });
      expect(batch.body).toMatchObject({ total: 1, cost: '1500', status: 'queued' });
    }
    // 43 sends held at the user's price (40, the HTTP idempotent one, two below HTTP), 2 for the poor user; nothing else
    const balance = async (token: string) => (await t.api({ url: '/api/v1/balance', token })).body;
    expect(await balance(rich.token)).toMatchObject({ balance: String(100_000 - 43 * 1500) });
    expect(await balance(poor.token)).toMatchObject({ balance: String(4000 - 2 * 1500) });
    expect(await balance(agency.token)).toMatchObject({ balance: String(1_000_000 - 100_000 - 4000 - 45 * 1000) });
    // The sends of one account committed together share one reservation and one ledger
    // transaction, whose lines count all their messages at every level.
    const { rows: shared } = await t.services.db.query<{ reservation_id: string; account_id: string; sends: number; cost: string }>(
      "SELECT reservation_id, account_id, count(*)::int AS sends, sum(cost)::text AS cost FROM batches WHERE status = 'queued' GROUP BY 1, 2",
    );
    expect(shared.reduce((n, x) => n + x.sends, 0)).toBe(45);
    expect(shared.length).toBeLessThan(45);
    expect(new Set(shared.map((x) => x.reservation_id)).size).toBe(shared.length);
    for (const x of shared) {
      const { rows: r } = await t.services.db.query<{ account_id: string; total: string; transaction_id: string }>('SELECT account_id, total::text, transaction_id FROM reservations WHERE id = $1', [x.reservation_id]);
      expect(r[0]).toMatchObject({ account_id: x.account_id, total: x.cost });
      const { rows: lines } = await t.services.db.query<{ level: number; count: number; unit_price: string }>('SELECT level, count, unit_price::text FROM reservation_lines WHERE reservation_id = $1 ORDER BY level', [x.reservation_id]);
      expect(lines).toEqual([{ level: 0, count: x.sends, unit_price: '1500' }, { level: 1, count: x.sends, unit_price: '1000' }]);
      const { rows: entries } = await t.services.db.query<{ amount: string }>("SELECT amount::text FROM ledger_entries WHERE transaction_id = $1 AND bucket = 'held' ORDER BY id", [r[0].transaction_id]);
      expect(entries.map((e) => e.amount)).toEqual([String(1500 * x.sends), String(1000 * x.sends)]);
    }
    const reconcile = await t.api({ url: '/api/v1/billing/reconcile', token: admin });
    expect(reconcile.body).toMatchObject({ ok: true, wallets: [] });
    // every statement's running balance holds entry by entry (the agency's interleaves both users' sends)
    const { rows: all } = await t.services.db.query<{ wallet_id: string; bucket: string; amount: string; balance_after: string }>('SELECT wallet_id, bucket, amount::text, balance_after::text FROM ledger_entries ORDER BY id');
    const running = new Map<string, bigint>();
    for (const e of all) {
      const k = `${e.wallet_id}|${e.bucket}`;
      const v = (running.get(k) ?? 0n) + BigInt(e.amount);
      running.set(k, v);
      expect([k, v.toString()]).toEqual([k, e.balance_after]);
    }

    // Settling by counts: every other message delivered (spent), the rest failed (refunded by the
    // line's policy), batch by batch in separate transactions; each shared reservation closes exactly.
    const { rows: queued } = await t.services.db.query<{ id: string; account_id: string }>("SELECT m.id::text, b.account_id FROM messages m JOIN batches b ON b.id = m.batch_id WHERE m.status = 'queued' ORDER BY m.id");
    const delivered = queued.filter((_, i) => i % 2 === 0);
    for (const [i, m] of queued.entries()) {
      await t.services.db.transaction((tx) => t.services.engine.settlement.finalise(tx, [{ id: BigInt(m.id), status: i % 2 === 0 ? 'delivered' : 'failed', errorCode: null }], new Date()));
    }
    const spent = (account: string) => delivered.filter((m) => m.account_id === account).length;
    const { rows: open } = await t.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reservation_lines WHERE count <> settled + released');
    expect(open[0].n).toBe(0);
    expect(await balance(rich.token)).toMatchObject({ balance: String(100_000 - spent(rich.id) * 1500), reserved: '0' });
    expect(await balance(poor.token)).toMatchObject({ balance: String(4000 - spent(poor.id) * 1500), reserved: '0' });
    expect(await balance(agency.token)).toMatchObject({ balance: String(1_000_000 - 100_000 - 4000 + (spent(rich.id) + spent(poor.id)) * (1500 - 1000)), reserved: '0' });
    expect((await t.api({ url: '/api/v1/billing/reconcile', token: admin })).body).toMatchObject({ ok: true, wallets: [] });
  });
});
