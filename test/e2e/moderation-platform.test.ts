// The platform's content rules (its forbidden words, links, card numbers) stay the platform's to
// waive: an agency may reject its customer's held send, but approving one that the platform's rules
// hold needs the platform. The agency's own rules remain the agency's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

describe('moderation of content the platform’s rules hold', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Awaited<ReturnType<typeof createChild>>;
  let user: Awaited<ReturnType<typeof createChild>>;

  const send = async (text: string) => {
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121234567'], text, class: 'service' } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).toBe('held');
    const queue = await t.api({ url: '/api/v1/compliance/moderation?status=pending', token: agency.token });
    const item = queue.body.items.find((i: { batchId: string }) => i.batchId === res.body.batchId);
    expect(item).toBeDefined();
    return { batchId: res.body.batchId as string, itemId: item.id as string };
  };
  const decide = (token: string, itemId: string, decision: 'approve' | 'reject', lang = 'en') =>
    t.api({ url: `/api/v1/compliance/moderation/${itemId}/${decision}`, token, lang, body: decision === 'reject' ? { comment: 'no' } : {} });
  const batchStatus = async (batchId: string) => (await t.api({ url: `/api/v1/messages/${batchId}`, token: user.token })).body.status as string;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    const policy = await t.api({ method: 'PUT', url: '/api/v1/compliance/policy', token: admin, body: { kycOwnMobileOnly: false, moderateWithoutKyc: false, wordAction: 'moderate', linkAction: 'moderate' } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/words', token: admin, body: { words: ['قمار'] } })).status).toBe(200);
    agency = await createChild(t, admin, { username: 'agency-mod', kind: 'agency' });
    expect((await t.api({ url: `/api/v1/accounts/${agency.id}/credit`, token: admin, body: { amount: '1000000', note: '' } })).status).toBe(200);
    user = await createChild(t, agency.token, { username: 'puppet', kind: 'user' });
    expect((await t.api({ url: `/api/v1/accounts/${user.id}/credit`, token: agency.token, body: { amount: '100000', note: '' } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/compliance/words', token: agency.token, body: { words: ['رقیب'] } })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('does not let an agency approve its customer’s send that holds a word the platform forbids', async () => {
    const held = await send('بازی قمار آنلاین با جایزه');
    const approved = await decide(agency.token, held.itemId, 'approve');
    expect(approved.status).toBe(403);
    expect(approved.body.error.code).toBe('MODERATION_NEEDS_PLATFORM');
    expect((await decide(agency.token, held.itemId, 'approve', 'fa')).body.error.message).toMatch(/سامانه/);
    expect(await batchStatus(held.batchId)).toBe('held');
    // still in the platform's queue, and the platform decides
    const platformQueue = await t.api({ url: '/api/v1/compliance/moderation?status=pending', token: admin });
    expect(platformQueue.body.items.map((i: { id: string }) => i.id)).toContain(held.itemId);
    const byPlatform = await decide(admin, held.itemId, 'approve');
    expect(byPlatform.status).toBe(200);
    expect(byPlatform.body.status).toBe('approved');
  });

  it('does not let an agency approve a link the platform moderates, but lets it reject one', async () => {
    const first = await send('جایزه در casino-win.com منتظر شماست');
    expect((await decide(agency.token, first.itemId, 'approve')).status).toBe(403);
    const rejected = await decide(agency.token, first.itemId, 'reject');
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
  });

  it('leaves the agency’s own forbidden words to the agency', async () => {
    const held = await send('تخفیف بهتر از رقیب');
    const approved = await decide(agency.token, held.itemId, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
  });
});
