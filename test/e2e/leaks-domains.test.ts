import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startDns } from '../helpers/dns.ts';

type Child = Awaited<ReturnType<typeof createChild>>;
const DAY = 24 * 3_600_000;

describe('a domain claim nobody verifies lapses after 7 days', () => {
  let t: TestChapar;
  let dns: Awaited<ReturnType<typeof startDns>>;
  let squatter: Child;
  let owner: Child;

  // Sessions lapse as the clock moves days ahead: every call signs in afresh.
  const signedIn = async (who: Child) => (who.token = await t.login(who.username, who.password));
  const claim = async (who: Child, host: string) => (await signedIn(who), t.api({ url: '/api/v1/domains', token: who.token, body: { host } }));
  const hostsOf = async (who: Child) => (await signedIn(who), await t.api({ url: '/api/v1/domains', token: who.token })).body.items.map((d: { host: string }) => d.host);
  const expiredEvents = async (who: Child) => (await signedIn(who), await t.api({ url: '/api/v1/audit?action=domain.expired', token: who.token })).body.items;

  beforeAll(async () => {
    dns = await startDns();
    t = await testChapar({ env: { CHAPAR_DNS_SERVERS: dns.server, CHAPAR_CANONICAL_HOST: 'edge.chapar.test', CHAPAR_PUBLIC_IPS: '203.0.113.10' } });
    const admin = await t.adminToken();
    squatter = await createChild(t, admin, { username: 'squatter', kind: 'agency' });
    owner = await createChild(t, admin, { username: 'realowner', kind: 'agency' });
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  it('holds the host for 7 days, then another agency may claim it, and the lapse is audited', async () => {
    expect((await claim(squatter, 'sms.brand-a.test')).status).toBe(201);
    t.clock.advance(6 * DAY);
    expect((await claim(owner, 'sms.brand-a.test')).status).toBe(409);
    t.clock.advance(DAY + 60_000);
    const taken = await claim(owner, 'sms.brand-a.test');
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ host: 'sms.brand-a.test', status: 'pending' });
    expect(await hostsOf(squatter)).not.toContain('sms.brand-a.test');
    expect(await hostsOf(owner)).toContain('sms.brand-a.test');
    expect(await expiredEvents(squatter)).toMatchObject([{ action: 'domain.expired', details: { host: 'sms.brand-a.test' } }]);
  });

  it('the periodic check lets unverified claims lapse, and keeps the verified ones', async () => {
    expect((await claim(squatter, 'sms.brand-b.test')).status).toBe(201);
    const verified = await claim(squatter, 'sms.brand-c.test');
    dns.zone.set('_chapar-verify.sms.brand-c.test', { TXT: [verified.body.records.ownership.value] });
    expect((await t.api({ url: '/api/v1/domains/sms.brand-c.test/check', token: squatter.token, body: {} })).body.status).toBe('verified');
    t.clock.advance(8 * DAY);
    await t.services.domains.checkAll();
    const rows = (await t.db.query("SELECT host FROM brand_hosts WHERE host LIKE 'sms.brand-%' ORDER BY host")).rows.map((r) => r.host);
    expect(rows).not.toContain('sms.brand-b.test');
    expect(rows).toContain('sms.brand-c.test');
    expect((await expiredEvents(squatter)).map((e: { details: { host: string } }) => e.details.host)).toContain('sms.brand-b.test');
  });

  it('a claim that is past 7 days reads as gone to its own agency too', async () => {
    expect((await claim(squatter, 'sms.brand-d.test')).status).toBe(201);
    t.clock.advance(7 * DAY + 60_000);
    expect(await hostsOf(squatter)).not.toContain('sms.brand-d.test');
    expect((await t.api({ url: '/api/v1/domains/sms.brand-d.test', token: await signedIn(squatter) })).status).toBe(404);
  });
});
