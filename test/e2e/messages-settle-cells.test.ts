// Settlement finds each message's reserved price cell. A peer-to-peer send reserves every
// recipient's own text at its own alphabet (a Persian name makes "Hi {name}" UCS-2), and sends of
// one account committed together share a reservation: a message counted at its batch's alphabet
// would close another send's line, at another price.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

const mobile = (i: number) => `0912${String(6_000_000 + i)}`;

describe('settling peer-to-peer sends with mixed alphabets next to plain sends', () => {
  let t: TestChapar;
  let admin: string;
  let user: Awaited<ReturnType<typeof openSender>>;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    const groups = await t.api({ url: '/api/v1/billing/groups', token: admin });
    const g = groups.body.items.find((x: { isDefault: boolean }) => x.isDefault);
    // a UCS-2 part costs 2,000 rials, a GSM-7 part 1,000
    const res = await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${g.id}`, token: admin, body: { basePrice: '1000', coefficients: { alphabet: { ucs2: 20000, gsm7: 10000 } } } });
    expect(res.status).toBe(200);
    user = await openSender(t, 'cellsuser', '100000');
  });
  afterAll(() => t.close());

  it('spends exactly what each message reserved and closes every line', async () => {
    const account = (await t.services.accounts.findAccountForAuth(user.id))!;
    const accept = t.services.engine.accept;
    const [p2p, plain, mixed] = await Promise.all([
      accept.send(account, { to: [mobile(1)], text: 'Hi {name}', texts: ['Hi علی'], class: 'service' }, { source: 'api' }),
      accept.send(account, { to: [mobile(2)], text: 'Hi there', class: 'service' }, { source: 'api' }),
      accept.send(account, { to: [mobile(3), mobile(4)], text: 'Dear {name}', texts: ['Dear Sara', 'Dear سارا'], class: 'service' }, { source: 'api' }),
    ]);
    expect([p2p.cost, plain.cost, mixed.cost]).toEqual([2000n, 1000n, 3000n]);
    const { rows: batches } = await t.db.query<{ reservation_id: string }>('SELECT DISTINCT reservation_id FROM batches WHERE id = ANY($1)', [[p2p.batchId, plain.batchId, mixed.batchId]]);
    expect(batches).toHaveLength(1);

    const balance = async () => (await t.api({ url: '/api/v1/balance', token: user.token })).body;
    expect(await balance()).toMatchObject({ balance: '94000', reserved: '6000' });
    // each message delivered in its own transaction, the UCS-2 ones first
    const { rows: messages } = await t.db.query<{ id: string }>('SELECT id::text FROM messages WHERE batch_id = ANY($1) ORDER BY parts DESC, (body IS NULL), id DESC', [[p2p.batchId, plain.batchId, mixed.batchId]]);
    expect(messages).toHaveLength(4);
    for (const m of messages) {
      await t.db.transaction((tx) => t.services.engine.settlement.finalise(tx, [{ id: BigInt(m.id), status: 'delivered', errorCode: null }], new Date()));
    }
    const { rows: lines } = await t.db.query<{ alphabet: string; count: number; settled: number; released: number }>('SELECT alphabet, count, settled, released FROM reservation_lines WHERE reservation_id = $1 ORDER BY alphabet', [batches[0].reservation_id]);
    expect(lines).toEqual([{ alphabet: 'gsm7', count: 2, settled: 2, released: 0 }, { alphabet: 'ucs2', count: 2, settled: 2, released: 0 }]);
    expect(await balance()).toMatchObject({ balance: '94000', reserved: '0' });
    expect((await t.api({ url: '/api/v1/billing/reconcile', token: admin })).body).toMatchObject({ ok: true, wallets: [] });
  });
});
