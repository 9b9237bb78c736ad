// Packages withhold reading: without `receive` an account may not read its inbox or set where its
// line's messages go (they still arrive); without `see_reports` an agency may not search its
// subtree's sent and received records. The refusal is 403 PERMISSION_DENIED in the caller's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('package permissions: receive and see_reports', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let shop: Child;
  let lineId: string;

  const givePackage = async (parentToken: string, accountId: string, name: string, permissions: string[]) => {
    const pkg = await t.api({ url: '/api/v1/packages', token: parentToken, body: { name, permissions } });
    expect(pkg.status).toBe(201);
    expect((await t.api({ method: 'PUT', url: `/api/v1/accounts/${accountId}/package`, token: parentToken, body: { packageId: pkg.body.id } })).status).toBe(200);
  };

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'payamresan', kind: 'agency' });
    shop = await createChild(t, agency.token, { username: 'shop', kind: 'user' });
    const line = await t.api({ url: '/api/v1/lines', token: admin, body: { number: '3000555', lineType: '3000', canReceive: true } });
    lineId = line.body.id;
    // Lines go down the tree one level at a time: the platform to its agency, the agency to its user.
    expect((await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: admin, body: { accountId: agency.id, canSend: true, canReceive: true } })).status).toBeLessThan(300);
    const own = await t.api({ url: `/api/v1/lines/${lineId}/assignments`, token: agency.token, body: { accountId: shop.id, canSend: true, canReceive: true } });
    expect(own.status, JSON.stringify(own.body)).toBeLessThan(300);
    const path = (await t.db.query<{ path: string }>('SELECT path FROM accounts WHERE id = $1', [shop.id])).rows[0].path;
    await t.db.query(`INSERT INTO inbox (id, line_id, account_id, account_path, sender, recipient, body) VALUES ('in_p1', $1, $2, $3, '+989121234567', '3000555', 'سلام')`, [lineId, shop.id, path]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the inbox and forwarding to a package without receive, in Persian, and allows them with it', async () => {
    await givePackage(agency.token, shop.id, 'فقط ارسال', ['send_advertising']);
    const refused = await t.api({ url: '/api/v1/inbox', token: shop.token, lang: 'fa' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'PERMISSION_DENIED', message: 'بستهٔ دسترسی شما اجازهٔ این کار را نمی‌دهد (receive).', details: { permission: 'receive' } });
    expect((await t.api({ url: `/api/v1/lines/${lineId}/forwarding`, token: shop.token })).status).toBe(403);
    const forward = await t.api({ url: `/api/v1/lines/${lineId}/forwarding`, token: shop.token, body: { kind: 'sms', target: '09120004455' } });
    expect(forward.status).toBe(403);
    expect(forward.body.error.details).toEqual({ permission: 'receive' });

    await givePackage(agency.token, shop.id, 'ارسال و دریافت', ['send_advertising', 'receive']);
    const inbox = await t.api({ url: '/api/v1/inbox', token: shop.token, lang: 'fa' });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toMatchObject([{ from: '+989121234567', to: '3000555', text: 'سلام' }]);
    expect((await t.api({ url: `/api/v1/lines/${lineId}/forwarding`, token: shop.token })).body).toEqual({ items: [] });
    expect((await t.api({ url: `/api/v1/lines/${lineId}/forwarding`, token: shop.token, body: { kind: 'sms', target: '09120004455' } })).status).toBe(201);
  });

  it('refuses the records search to an agency whose package lacks see_reports, and allows it with it', async () => {
    await givePackage(admin, agency.id, 'نمایندگی بدون گزارش', ['create_subaccounts', 'receive']);
    for (const box of ['sent', 'received']) {
      const refused = await t.api({ url: `/api/v1/records/${box}`, token: agency.token, lang: 'fa' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'PERMISSION_DENIED', message: 'بستهٔ دسترسی شما اجازهٔ این کار را نمی‌دهد (see_reports).' });
    }
    await givePackage(admin, agency.id, 'نمایندگی کامل', ['create_subaccounts', 'receive', 'see_reports']);
    const received = await t.api({ url: '/api/v1/records/received', token: agency.token });
    expect(received.status).toBe(200);
    expect(received.body.items).toMatchObject([{ username: 'shop', text: 'سلام' }]);
    expect((await t.api({ url: '/api/v1/records/sent', token: agency.token })).status).toBe(200);
  });

  it('leaves accounts without a package every permission', async () => {
    expect((await t.api({ url: '/api/v1/inbox', token: admin })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/records/sent', token: admin })).status).toBe(200);
  });
});
