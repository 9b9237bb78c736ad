// The content rules judge what each recipient receives, not only the template: a forbidden word
// or a moderated link placed in a phonebook field of a personalised campaign is held like the same
// text sent plainly, and an agency cannot approve what the platform's own rules caught there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

describe('content rules on personalised campaigns', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let user: Awaited<ReturnType<typeof createChild>>;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    const policy = { kycOwnMobileOnly: false, moderateWithoutKyc: false, wordAction: 'moderate', linkAction: 'moderate' };
    expect((await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: policy })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/words', token: admin, body: { words: ['قمار'] } })).status).toBe(200);
    agency = await createChild(t, admin, { username: 'agency-pz', kind: 'agency' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: '' } })).status).toBe(200);
    user = await createChild(t, agency.token, { username: 'puppet-pz', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '100000', note: '' } })).status).toBe(200);
  });
  afterAll(() => t.close());

  const campaignTo = async (names: string[]) => {
    const group = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: `g${names.length}-${names[0].length}` } });
    expect(group.status).toBe(201);
    for (const [i, name] of names.entries()) {
      const mobile = `0912123${String(4000 + i).padStart(4, '0')}`;
      const c = await t.api({ url: `/api/v1/phonebook/groups/${group.body.id}/contacts`, token: user.token, body: { mobile, name } });
      expect([200, 201]).toContain(c.status);
    }
    const sent = await t.api({ url: '/api/v1/campaigns', token: user.token, body: { groupIds: [group.body.id], text: 'سلام {name}', personalised: true, class: 'service' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    return sent.body as { batchId: string; status: string };
  };

  it('holds a campaign whose forbidden word comes through a {name} field, as it holds the plain text', async () => {
    const plain = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121234567'], text: 'بازی قمار آنلاین casino-win.com', class: 'service' } });
    expect(plain.body.status).toBe('held');
    const sent = await campaignTo(['علی', 'بازی قمار آنلاین casino-win.com']);
    expect(sent.status).toBe('held');
  });

  it('does not let the agency approve what the platform’s rules caught in a contact’s field', async () => {
    const sent = await campaignTo(['مریم', 'رضا', 'سر بزنید به lucky-bet.ir']);
    expect(sent.status).toBe('held');
    const queue = await t.api({ method: 'GET', url: '/api/v1/compliance/moderation?status=pending', token: agency.token });
    const item = (queue.body.items as { id: string; batchId: string; reasons: string[] }[]).find((i) => i.batchId === sent.batchId);
    expect(item?.reasons).toContain('content_link:lucky-bet.ir');
    const approve = await t.api({ url: `/api/v1/compliance/moderation/${item!.id}/approve`, token: agency.token, body: {} });
    expect(approve.status).toBe(403);
    expect(approve.body.error.code).toBe('MODERATION_NEEDS_PLATFORM');
  });

  it('sends a personalised campaign whose fields are clean', async () => {
    const sent = await campaignTo(['سارا', 'نیما']);
    expect(sent.status).not.toBe('held');
  });
});
