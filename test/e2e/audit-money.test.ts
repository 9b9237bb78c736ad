import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

describe('the audit log of money', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('records credit moves, credit limits and price changes with who and from where', async () => {
    const admin = await t.adminToken();
    const agency = await createChild(t, admin, { username: 'audited', kind: 'agency' });
    const sibling = await createChild(t, admin, { username: 'sibling', kind: 'agency' });
    await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '50000', note: 'first credit' }, remoteAddress: '10.9.8.7' });
    await t.api({ method: 'PUT', url: `/api/v1/accounts/${agency.id}/credit-limit`, token: admin, body: { creditLimit: '1000' } });
    const groups = await t.api({ url: '/api/v1/billing/groups', token: agency.token });
    await t.api({ method: 'PATCH', url: `/api/v1/billing/groups/${groups.body.items[0].id}`, token: agency.token, body: { basePrice: '1200' } });

    const log = await t.api({ url: '/api/v1/audit?action=billing.*', token: admin });
    const byAction = new Map(log.body.items.map((e: { action: string }) => [e.action, e]));
    expect(byAction.get('billing.credit_transferred')).toMatchObject({ ip: '10.9.8.7', details: { amount: '50000', note: 'first credit' } });
    expect(byAction.get('billing.credit_limit_changed')).toMatchObject({ details: { creditLimit: '1000' } });
    expect(byAction.get('billing.prices_changed')).toMatchObject({ details: { changes: { basePrice: '1200' } } });
    // a deposit the agency's parent decides is an approval in the log, with the payer as subject
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
    const dep = await t.api({ url: '/api/v1/billing/deposits', token: agency.token, body: { amount: '110000', paidOn: '2026-01-10', trackingNumber: '998877', receipt: { data: PNG } } });
    expect(dep.status).toBe(201);
    expect((await t.api({ url: `/api/v1/billing/deposits/${dep.body.id}/reject`, token: admin, body: { reason: 'فیش خوانا نیست' } })).status).toBe(200);
    const deposits = await t.api({ url: '/api/v1/audit?action=billing.deposit_rejected', token: admin });
    expect(deposits.body.items[0]).toMatchObject({ subject: { id: agency.id }, details: { depositId: dep.body.id, reason: 'فیش خوانا نیست' } });
    // the agency sees its own entries; its sibling sees none of them
    expect((await t.api({ url: '/api/v1/audit?action=billing.*', token: sibling.token })).body.items).toEqual([]);
  });
});
