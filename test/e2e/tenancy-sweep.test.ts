// Every route that takes an id, generated from the app's own route table, is tried by tenants of
// the tree with ids that belong outside their subtree (another branch, and their own ancestors) in
// its path, body and query string: none may answer 2xx with them, a filter may only narrow the
// caller's own list, and no row of the database may change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../src/http/app.ts';
import { smpp, type Pdu, type Session } from '../../src/upstreams/smpp/lib.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { fixtures, postForm } from '../helpers/multipart.ts';
import {
  ancestorsOf, changedTables, fieldAttacks, foreign, ID_FIELDS, OWNERS, PARAM_KINDS, PARENT, pathAttacks, routesMatching, snapshot,
  TENANTS, unmappedRoutes, type Attack, type Owned, type ResourceKind, type Tenant,
} from '../helpers/tenancy-sweep.ts';

const KIND: Record<Tenant, 'agency' | 'user' | 'platform'> = {
  platform: 'platform', A: 'agency', A1: 'agency', u1: 'user', uA: 'user', B: 'agency', uB: 'user',
};
const ATTACKERS: Tenant[] = ['u1', 'A1', 'uA', 'A', 'B', 'uB'];
const REFUSED = new Set([400, 403, 404, 422]);
/** Refused by the route's schema, before the handler could look an id up (a service's own check names a bare field). */
const bySchema = (body: any) =>
  body?.error?.code === 'VALIDATION_FAILED' &&
  (body.error.details?.fields ?? []).every((f: { path: string }) => /^(body|querystring|params|headers)\b/.test(f.path));

describe('tenant isolation on every route that takes an id', () => {
  let t: TestChapar;
  const tok = {} as Record<Tenant, string>;
  const acc = {} as Record<Tenant, string>;

  async function must(res: Promise<{ status: number; body: any }>, what: string): Promise<any> {
    const r = await res;
    if (r.status >= 300) throw new Error(`setup: ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  const call = (who: Tenant, url: string, body?: unknown, method?: string) =>
    must(t.api({ url, token: tok[who], body, method }), `${who} ${method ?? (body ? 'POST' : 'GET')} ${url}`);
  const form = (who: Tenant, url: string, fields: Record<string, string>, file: { filename: string; data: Buffer; field?: string }) =>
    must(postForm(t, { url, token: tok[who], fields, files: [file] }), `${who} POST ${url}`);

  beforeAll(async () => {
    // 10:00 in Tehran: inside advertising hours, so a big advertising send goes to moderation
    t = await testChapar({ clockStart: '2026-11-25T10:00:00+03:30', env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1' } });
    tok.platform = await t.adminToken();
    acc.platform = (await call('platform', '/api/v1/me')).id;
    await call('platform', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false }, 'PUT');
    let n = 0;
    for (const who of TENANTS.slice(1)) {
      const parent = PARENT[who]!;
      const mobile = `0912900${String(++n).padStart(4, '0')}`;
      const child = await createChild(t, tok[parent], { username: `sweep-${who.toLowerCase()}`, kind: KIND[who] as 'agency' | 'user', mobile });
      tok[who] = child.token;
      acc[who] = child.id;
      const amount = parent === 'platform' ? '100000000' : KIND[who] === 'agency' ? '20000000' : '2000000';
      await call(parent, `/api/v1/accounts/${child.id}/credit`, { amount, note: '' });
    }
    await seed();
  }, 180_000);
  afterAll(() => t?.close());

  async function seed() {
    const agencies = TENANTS.filter((x) => KIND[x] !== 'user');
    const gateway = {} as Record<Tenant, string>;
    const bank = {} as Record<Tenant, string>;
    for (const [i, who] of agencies.entries()) {
      const iban = 'IR062960000000100324200001';
      bank[who] = (await call(who, '/api/v1/billing/bank-accounts', { bankName: 'ملت', holderName: who, iban })).id;
      gateway[who] = (await call(who, '/api/v1/billing/gateways', { kind: 'sandbox', name: `sandbox ${who}` })).id;
      await call(who, '/api/v1/billing/groups', { name: `group ${who}` });
      await call(who, '/api/v1/support/canned-replies', { title: `canned ${who}`, body: 'thanks' });
      await call(who, '/api/v1/packages', { name: `package ${who}`, permissions: ['use_api'] });
      await call(who, '/api/v1/compliance/words', { words: [`sweepword${i}`] });
      await call(who, '/api/v1/domains', { host: `sms.sweep-${who.toLowerCase()}.test` });
    }
    for (const [i, who] of TENANTS.entries()) {
      // a dedicated line given down the path from the platform to its holder
      const line = await call('platform', '/api/v1/lines', { number: `30009${i}00`, lineType: '3000', canReceive: true });
      const path = [...ancestorsOf(who).reverse(), who];
      for (let k = 1; k < path.length; k++) {
        await call(path[k - 1], `/api/v1/lines/${line.id}/assignments`, { accountId: acc[path[k]] });
      }
      if (who !== 'platform') await call(who, `/api/v1/lines/${line.id}/forwarding`, { kind: 'sms', target: `0912800000${i}` });
      await call(who, '/api/v1/api-keys', { name: `key ${who}` });
      await call(who, '/api/v1/webhooks', { url: `https://hooks.sweep.test/${who}` });
      const group = await call(who, '/api/v1/phonebook/groups', { name: `group ${who}` });
      await call(who, `/api/v1/phonebook/groups/${group.id}/contacts`, { mobile: `0912700000${i}`, name: who });
      await call(who, '/api/v1/phonebook/fields', { key: `field${i}`, label: who, type: 'text' });
      const csv = Buffer.from(`mobile\n0912600000${i}\n`);
      const upload = await form(who, '/api/v1/phonebook/uploads', {}, { filename: 'c.csv', data: csv, field: 'file' });
      await call(who, `/api/v1/phonebook/uploads/${upload.uploadId}/import`, { groupId: group.id, mapping: { 0: 'mobile' } });
      const variables = [{ name: 'code', type: 'number', maxLength: 6 }];
      const pattern = await call(who, '/api/v1/patterns', { name: `otp ${who}`, body: 'کد شما: %code%', variables });
      await call('platform', `/api/v1/patterns/${pattern.id}/review`, { decision: 'approve' });
      await call(who, '/api/v1/compliance/blacklist', { numbers: [`0912500000${i}`] });
      await call(who, '/api/v1/messages', { to: [`0912400000${i}`], text: `hello from ${who}` });
      if (who === 'platform') continue;
      const parent = PARENT[who]!;
      const ticket = await form(who, '/api/v1/support/tickets', { subject: `help ${who}`, text: 'hi', priority: 'normal' }, { filename: 'shot.png', data: fixtures.png });
      await call(parent, `/api/v1/support/tickets/${ticket.id}/messages`, { text: 'on it' });
      await form(who, '/api/v1/kyc/documents', { kind: 'national_card' }, { filename: 'card.jpg', data: fixtures.jpeg, field: 'file' });
      const receipt = { data: fixtures.png.toString('base64') };
      await call(who, '/api/v1/billing/deposits', { amount: '110000', paidOn: '2026-01-10', trackingNumber: `77${i}00`, bankAccountId: bank[parent], receipt });
      await call(who, '/api/v1/billing/payments', { gatewayId: gateway[parent], amount: '50000' });
      if (KIND[who] === 'user') {
        const application = await call(who, '/api/v1/agency-applications', {
          businessName: who, legalType: 'natural', nationalNumber: '0013542419', address: 'تهران', phone: '02100000000', email: `${who}@sweep.test`, plan: 'پیامک',
        });
        const doc = { kind: 'national_card', filename: 'card.png', data: fixtures.png.toString('base64') };
        await call(who, `/api/v1/agency-applications/${application.id}/documents`, doc);
      }
    }
    // an advertising send to more than two numbers waits for moderation: a moderation item per user
    await call('platform', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false, moderationThreshold: 2 }, 'PUT');
    for (const who of ['u1', 'uA', 'uB'] as const) {
      const to = ['09121000001', '09121000002', '09121000003'];
      const held = await call(who, '/api/v1/messages', { to, text: 'تخفیف ویژه لغو۱۱', class: 'advertising' });
      if (held.status !== 'held') throw new Error(`setup: ${who}'s advertising was not held: ${JSON.stringify(held)}`);
    }
  }

  async function ownedResources(): Promise<Owned> {
    const byAccount = new Map(TENANTS.map((x) => [acc[x], x]));
    const owned: Owned = new Map();
    for (const [kind, sql] of Object.entries(OWNERS) as [ResourceKind, string][]) {
      const { rows } = await t.db.query<{ id: string; owner: string }>(sql);
      owned.set(kind, rows.flatMap((r) => (byAccount.has(r.owner) ? [{ id: r.id, owner: byAccount.get(r.owner)! }] : [])));
    }
    return owned;
  }

  /** Sends the attacks in moderate batches; returns each one's answer. */
  async function send(attacks: Attack[]): Promise<{ status: number; body: any }[]> {
    const out: { status: number; body: any }[] = [];
    for (let i = 0; i < attacks.length; i += 24) {
      const batch = attacks.slice(i, i + 24).map((a) => t.api({ method: a.method, url: a.url, token: tok[a.attacker], body: a.body }));
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }
  const show = (a: Attack, res: { status: number; body: any }) =>
    `${a.attacker} ${a.method} ${a.url} ${a.body === undefined ? '' : JSON.stringify(a.body)} → ` +
    `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
  const misrouted = (attacks: Attack[]) => {
    const match = routesMatching(routeTable(t.app));
    return attacks.filter((a) => match(a.method, a.url).join() !== a.route).map((a) => `${a.method} ${a.url} ≠ ${a.route}`);
  };

  it('knows what every id in every route names', () => {
    // A new route that takes an id must say what the id names: its path prefix in PARAM_KINDS, its
    // field in ID_FIELDS (and the resource's owner query in OWNERS), or a reason in NOT_TENANT_IDS
    // or NOT_TENANT_FIELDS.
    expect(unmappedRoutes(routeTable(t.app)), 'ids the sweep cannot map; see test/helpers/tenancy-sweep.ts').toEqual([]);
  });

  it('gives every tenant one of each resource it can have, so every kind is swept', async () => {
    const owned = await ownedResources();
    const used = new Set<ResourceKind>([...Object.values(PARAM_KINDS), ...Object.values(ID_FIELDS).map((f) => f.kind)]);
    const platformOnly = new Set<ResourceKind>(['route', 'connector']);
    const empty = [...used].filter((k) => !(owned.get(k) ?? []).some((x) => x.owner !== 'platform' || platformOnly.has(k)));
    expect(empty, 'resource kinds no tenant below the platform has').toEqual([]);
  });

  it('refuses every foreign id in a path like an unknown one, and changes no row', async () => {
    const owned = await ownedResources();
    const attacks = ATTACKERS.flatMap((who) => pathAttacks(routeTable(t.app), who, owned));
    expect(attacks.length).toBeGreaterThan(1000);
    expect(misrouted(attacks), 'attack URLs that would reach another route').toEqual([]);
    const before = await snapshot(t);
    const answers = await send(attacks);
    const changed = changedTables(before, await snapshot(t));
    const leaks = answers.flatMap((res, i) => (REFUSED.has(res.status) ? [] : [show(attacks[i], res)]));
    expect(leaks, 'foreign ids that were not refused').toEqual([]);
    expect(changed, 'tables that changed while only foreign ids were sent').toEqual([]);
    // nor may the answer tell a foreign id from one that does not exist
    const key = (a: Attack, url: string) => `${a.attacker} ${a.method} ${url} ${JSON.stringify(a.body)}`;
    const controls = [...new Map(attacks.map((a) => [key(a, a.unknown!), { ...a, url: a.unknown! }])).values()];
    const unknown = new Map((await send(controls)).map((res, i) => [key(controls[i], controls[i].url), res]));
    const told = attacks.flatMap((a, i) => {
      const u = unknown.get(key(a, a.unknown!))!;
      const res = answers[i];
      return res.status === u.status && res.body?.error?.code === u.body?.error?.code ? [] : [`${show(a, res)} (unknown id: ${u.status} ${u.body?.error?.code})`];
    });
    expect(told, 'foreign ids answered differently from unknown ones').toEqual([]);
    // A route whose every request failed validation for an attacker never reached its scope check.
    const who = (a: Attack) => `${a.attacker} ${a.method} ${a.route}`;
    const reached = new Set(attacks.filter((_, i) => !bySchema(answers[i].body)).map(who));
    const unreached = [...new Set(attacks.map(who))].filter((k) => !reached.has(k));
    expect(unreached, 'routes the sweep never got past validation').toEqual([]);
  }, 300_000);

  it('refuses every foreign id in a body, filters by none in a query string, and changes no row', async () => {
    const owned = await ownedResources();
    const key = (a: Attack, url: string) => `${a.attacker} ${a.method} ${url}`;
    const attacks = ATTACKERS.flatMap((who) => fieldAttacks(routeTable(t.app), who, owned));
    expect(attacks.length).toBeGreaterThan(100);
    expect(misrouted(attacks), 'attack URLs that would reach another route').toEqual([]);
    const controls = [
      ...new Map(attacks.flatMap((a) => (a.query ? [[key(a, a.query.control), { ...a, url: a.query.control }] as const] : []))).values(),
    ];
    const before = await snapshot(t);
    const answers = await send(attacks);
    const controlAnswers = new Map((await send(controls)).map((res, i) => [key(controls[i], controls[i].url), res]));
    const changed = changedTables(before, await snapshot(t));
    const problems = attacks.flatMap((a, i) => {
      const res = answers[i];
      if (!a.query) return REFUSED.has(res.status) && !bySchema(res.body) ? [] : [show(a, res)];
      // a foreign id in a filter may narrow the caller's own list, never add to it
      const control = controlAnswers.get(key(a, a.query.control))!;
      const all = new Set((Array.isArray(control.body?.items) ? control.body.items : []).map((x: unknown) => JSON.stringify(x)));
      const same = JSON.stringify(res.body) === JSON.stringify(control.body);
      const extra = Array.isArray(res.body?.items) ? res.body.items.filter((x: unknown) => !all.has(JSON.stringify(x))) : same ? [] : [res.body];
      if (res.status === control.status && !extra.length) return [];
      return [`${show(a, res)} (unfiltered: ${control.status} ${JSON.stringify(control.body).slice(0, 200)})`];
    });
    expect(problems, 'foreign ids in bodies not refused (or only by the schema), or filters that added to the caller’s list').toEqual([]);
    expect(changed, 'tables that changed while only foreign ids were sent').toEqual([]);
  }, 300_000);

  it('refuses every foreign sender line over a real SMPP socket, and changes no row', async () => {
    const owned = await ownedResources();
    const sessions: Session[] = [];
    const bound: [Tenant, Session][] = [];
    for (const who of ATTACKERS) {
      const key = await t.api({ url: '/api/v1/smpp/password', token: tok[who], body: {} });
      if (key.status !== 201) continue;
      const session = smpp.connect({ host: '127.0.0.1', port: t.chapar.smpp!.port } as { host: string; port: number });
      sessions.push(session);
      session.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => session.once('connect', resolve).once('error', reject));
      const call = (command: string, o: Record<string, unknown>) =>
        new Promise<Pdu>((resolve) => (session as unknown as Record<string, (o: unknown, cb: (p: Pdu) => void) => void>)[command](o, resolve));
      expect((await call('bind_transceiver', { system_id: `sweep-${who.toLowerCase()}`, password: key.body.password })).command_status).toBe(0);
      bound.push([who, session]);
    }
    expect(bound.map(([who]) => who), 'users that bound over SMPP').toEqual(expect.arrayContaining(['u1', 'uA', 'uB']));
    try {
      const before = await snapshot(t);
      const accepted: string[] = [];
      for (const [who, session] of bound) {
        for (const { id: number, owner } of owned.get('lineNumber') ?? []) {
          if (!foreign(who, 'lineNumber', owner)) continue;
          const pdu = await new Promise<Pdu>((resolve) => (session as unknown as { submit_sm(o: unknown, cb: (p: Pdu) => void): void }).submit_sm(
            { source_addr: number, destination_addr: '09121110000', short_message: 'sweep' }, resolve));
          if (pdu.command_status === 0) accepted.push(`${who} from ${owner}'s line ${number}`);
        }
      }
      expect(accepted, 'submit_sm from a foreign line that was accepted').toEqual([]);
      expect(changedTables(before, await snapshot(t)), 'tables that changed while only foreign lines were named').toEqual([]);
    } finally {
      await Promise.all(sessions.map((x) => new Promise<void>((resolve) => x.destroy(() => resolve()))));
    }
  }, 120_000);
});
