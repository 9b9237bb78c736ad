// Every route that takes an id, generated from the app's own route table, is tried by tenants of
// the tree with ids that belong outside their subtree (another branch, and their own ancestors):
// none may answer 2xx, and no row of the database may change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable, type RouteEntry } from '../../src/http/app.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { fixtures, postForm } from '../helpers/multipart.ts';
import { samplesFor } from '../helpers/zod-sample.ts';

const TENANTS = ['platform', 'A', 'A1', 'u1', 'uA', 'B', 'uB'] as const;
type Tenant = (typeof TENANTS)[number];
const PARENT: Record<Tenant, Tenant | null> = { platform: null, A: 'platform', A1: 'A', u1: 'A1', uA: 'A', B: 'platform', uB: 'B' };
const KIND: Record<Tenant, 'agency' | 'user' | 'platform'> = { platform: 'platform', A: 'agency', A1: 'agency', u1: 'user', uA: 'user', B: 'agency', uB: 'user' };
const ATTACKERS: Tenant[] = ['u1', 'A1', 'uA', 'A', 'B', 'uB'];

/**
 * What each id in a path names, keyed by the path up to that parameter (so a new route under a
 * known prefix is swept at once), and how to read who owns each such resource. The owner is the
 * deepest account that holds it; the owner and its ancestors may reach it, nobody else.
 */
const OWNERS = {
  account: 'SELECT id, id AS owner FROM accounts',
  apiKey: 'SELECT id, account_id AS owner FROM api_keys',
  application: 'SELECT id, applicant_id AS owner FROM agency_applications',
  applicationDoc: 'SELECT d.id, a.applicant_id AS owner FROM agency_application_documents d JOIN agency_applications a ON a.id = d.application_id',
  priceGroup: 'SELECT id, owner_id AS owner FROM user_groups',
  gateway: 'SELECT id, owner_id AS owner FROM payment_gateways',
  payment: 'SELECT id, payer_id AS owner FROM payments',
  bankAccount: 'SELECT id, owner_id AS owner FROM bank_accounts',
  deposit: 'SELECT id, payer_id AS owner FROM deposits',
  batch: 'SELECT id, account_id AS owner FROM batches',
  route: "SELECT r.id, p.id AS owner FROM routes r, accounts p WHERE p.kind = 'platform'",
  connector: "SELECT c.id, p.id AS owner FROM connectors c, accounts p WHERE p.kind = 'platform'",
  notification: "SELECT id, account_id AS owner FROM notifications WHERE channel = 'panel'",
  domain: 'SELECT h.host AS id, b.account_id AS owner FROM brand_hosts h JOIN brands b ON b.id = h.brand_id',
  package: 'SELECT id, owner_id AS owner FROM packages',
  pattern: 'SELECT id, account_id AS owner FROM pattern_templates',
  phonebookGroup: 'SELECT id, account_id AS owner FROM phonebook_groups',
  phonebookField: 'SELECT key AS id, account_id AS owner FROM phonebook_fields',
  contact: 'SELECT id::text AS id, account_id AS owner FROM phonebook_contacts',
  upload: 'SELECT id, account_id AS owner FROM phonebook_uploads',
  import: 'SELECT id, account_id AS owner FROM phonebook_imports',
  ticket: 'SELECT id, opener_id AS owner FROM tickets',
  attachment: 'SELECT a.id, t.opener_id AS owner FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id',
  cannedReply: 'SELECT id, account_id AS owner FROM canned_replies',
  word: 'SELECT word AS id, account_id AS owner FROM compliance_words',
  blacklistNumber: 'SELECT number AS id, account_id AS owner FROM account_blacklist',
  moderationItem: 'SELECT id, account_id AS owner FROM moderation_items',
  kycDoc: 'SELECT id, account_id AS owner FROM kyc_documents',
  // A shared line is everyone's by design; a dedicated one belongs to its deepest assignee.
  line: `SELECT l.id, COALESCE((SELECT la.account_id FROM line_assignments la JOIN accounts a ON a.id = la.account_id
           WHERE la.line_id = l.id ORDER BY length(a.path) DESC LIMIT 1), (SELECT id FROM accounts WHERE kind = 'platform')) AS owner
         FROM lines l WHERE NOT l.is_shared`,
  forwardingRule: 'SELECT id, account_id AS owner FROM forwarding_rules',
  webhook: 'SELECT id, account_id AS owner FROM webhook_endpoints',
} as const;
type ResourceKind = keyof typeof OWNERS;

const PARAM_KINDS: Record<string, ResourceKind> = {
  '/api/v1/api-keys/:id': 'apiKey',
  '/api/v1/accounts/:id': 'account',
  '/api/v1/agencies/:id': 'account',
  '/api/v1/users/:id': 'account',
  '/api/v1/agency-applications/:id': 'application',
  '/api/v1/agency-applications/:id/documents/:docId': 'applicationDoc',
  '/api/v1/billing/groups/:id': 'priceGroup',
  '/api/v1/billing/gateways/:id': 'gateway',
  '/api/v1/billing/payments/:id': 'payment',
  '/api/v1/billing/bank-accounts/:id': 'bankAccount',
  '/api/v1/billing/deposits/:id': 'deposit',
  '/api/v1/messages/:batchId': 'batch',
  '/api/v1/routes/:id': 'route',
  '/api/v1/connectors/:id': 'connector',
  '/api/v1/notifications/:id': 'notification',
  '/api/v1/domains/:host': 'domain',
  '/api/v1/packages/:id': 'package',
  '/api/v1/patterns/:id': 'pattern',
  '/api/v1/phonebook/groups/:id': 'phonebookGroup',
  '/api/v1/phonebook/fields/:key': 'phonebookField',
  '/api/v1/phonebook/contacts/:id': 'contact',
  '/api/v1/phonebook/uploads/:id': 'upload',
  '/api/v1/phonebook/imports/:id': 'import',
  '/api/v1/support/tickets/:id': 'ticket',
  '/api/v1/support/tickets/:id/attachments/:attachmentId': 'attachment',
  '/api/v1/support/canned-replies/:id': 'cannedReply',
  '/api/v1/compliance/policies/:accountId': 'account',
  '/api/v1/compliance/words/:word': 'word',
  '/api/v1/compliance/blacklist/:number': 'blacklistNumber',
  '/api/v1/compliance/moderation/:id': 'moderationItem',
  '/api/v1/kyc/documents/:id': 'kycDoc',
  '/api/v1/kyc/:accountId': 'account',
  '/api/v1/kyc/:accountId/documents/:id': 'kycDoc',
  '/api/v1/lines/:id': 'line',
  '/api/v1/lines/:id/assignments/:accountId': 'account',
  '/api/v1/lines/:id/forwarding/:ruleId': 'forwardingRule',
  '/api/v1/webhooks/:id': 'webhook',
};

/** Paths with a parameter that names no tenant's resource, each with the reason it is not swept. */
const NOT_TENANT_IDS: Record<string, string> = {
  '/api/v1/branding/:kind': 'logo or favicon of the caller’s own brand: the parameter is a name, not an id',
  '/api/v1/brand/:kind': 'public: the logo or favicon of the brand that owns the Host',
  '/api/v1/notifications/templates/:kind/:lang': 'a template of the caller’s own brand, named by kind and language',
  '/pay/sandbox/:id': 'public: the payer’s browser without a session; the payment’s secret authority is required',
  '/pay/callback/:id': 'public: the gateway’s redirect without a session; the gateway verifies the payment',
  '/internal/upstreams/:connectorId/receipts': 'no session: an HTTP provider proves itself with the connector’s callback token',
};

const REFUSED = new Set([400, 403, 404, 422]);

type Attack = { attacker: Tenant; method: string; url: string; route: string; body?: unknown };
type Owned = Map<ResourceKind, { id: string; owner: Tenant }[]>;

const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], prefix: url.slice(0, m.index + m[0].length) }));

function ancestorsOf(t: Tenant): Tenant[] {
  const out: Tenant[] = [];
  for (let p = PARENT[t]; p; p = PARENT[p]) out.push(p);
  return out;
}
/** A resource owned by `owner` lies outside `attacker`'s subtree. */
const foreign = (attacker: Tenant, owner: Tenant) => owner !== attacker && !ancestorsOf(owner).includes(attacker);

function sweptRoutes(routes: readonly RouteEntry[]): { swept: RouteEntry[]; unmapped: string[] } {
  const swept: RouteEntry[] = [];
  const unmapped = new Set<string>();
  for (const r of routes) {
    const params = paramsOf(r.url);
    if (!params.length || Object.keys(NOT_TENANT_IDS).some((p) => r.url.startsWith(p))) continue;
    const missing = params.filter((p) => !PARAM_KINDS[p.prefix]);
    if (missing.length) for (const p of missing) unmapped.add(`${r.method} ${r.url} (:${p.name})`);
    else swept.push(r);
  }
  return { swept, unmapped: [...unmapped] };
}

/** An empty body and what the route's schema accepts (a route without one reads free-form fields). */
function bodiesFor(r: RouteEntry): unknown[] {
  if (r.method === 'GET' || r.method === 'HEAD') return [undefined];
  const derived = r.schema?.body ? samplesFor(r.schema.body) : [{ text: 'sweep', reason: 'sweep' }];
  return [{}, ...derived.filter((b) => JSON.stringify(b) !== '{}')];
}

function attacksOn(r: RouteEntry, attacker: Tenant, owned: Owned): Attack[] {
  const params = paramsOf(r.url).map((p) => ({ ...p, kind: PARAM_KINDS[p.prefix] }));
  const idsOf = (kind: ResourceKind, owner: Tenant) => (owned.get(kind) ?? []).filter((x) => x.owner === owner).map((x) => x.id);
  const fill = (values: string[]) => params.reduce((url, p, i) => url.replace(`:${p.name}`, encodeURIComponent(values[i])), r.url);
  const urls = new Set<string>();
  params.forEach((target, i) => {
    for (const { id, owner } of owned.get(target.kind) ?? []) {
      if (!foreign(attacker, owner)) continue;
      // the other ids: the attacker's own (a foreign id among its own), and the same owner's (a consistent foreign pair)
      for (const other of [attacker, owner]) {
        const values = params.map((p, j) => (j === i ? id : idsOf(p.kind, other)[0]));
        if (values.every((v) => v !== undefined)) urls.add(fill(values));
      }
    }
  });
  return [...urls].flatMap((url) => bodiesFor(r).map((body) => ({ attacker, method: r.method, url, route: r.url, body })));
}

/** The route each URL reaches: a foreign id that routed elsewhere would be refused for the wrong reason. */
function routesMatching(routes: readonly RouteEntry[]): (method: string, url: string) => string[] {
  const escape = (x: string) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  const compiled = routes.map((r) => ({ ...r, re: new RegExp(`^${r.url.split(/(:[A-Za-z]+)/).map((x) => (x.startsWith(':') ? '[^/]+' : escape(x))).join('')}$`) }));
  return (method, url) => compiled.filter((r) => r.method === method && r.re.test(url)).map((r) => r.url);
}

async function snapshot(t: TestChapar): Promise<Map<string, Set<string>>> {
  const { rows: tables } = await t.db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const out = new Map<string, Set<string>>();
  for (const { name } of tables) {
    const { rows } = await t.db.query<{ h: string }>(`SELECT md5(x::text) AS h FROM "${name}" x`);
    out.set(name, new Set(rows.map((r) => r.h)));
  }
  return out;
}

function changedTables(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [name, rows] of after) {
    const old = before.get(name) ?? new Set<string>();
    const added = [...rows].filter((h) => !old.has(h)).length;
    const removed = [...old].filter((h) => !rows.has(h)).length;
    if (added || removed) out.push(`${name}: ${added} rows added or changed, ${removed} removed or changed`);
  }
  return out;
}

describe('tenant isolation on every route that takes an id', () => {
  let t: TestChapar;
  const tok = {} as Record<Tenant, string>;
  const acc = {} as Record<Tenant, string>;

  async function must(res: Promise<{ status: number; body: any }>, what: string): Promise<any> {
    const r = await res;
    if (r.status >= 300) throw new Error(`setup: ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  const call = (who: Tenant, url: string, body?: unknown, method?: string) => must(t.api({ url, token: tok[who], body, method }), `${who} ${method ?? (body ? 'POST' : 'GET')} ${url}`);

  beforeAll(async () => {
    // 10:00 in Tehran: inside advertising hours, so a big advertising send goes to moderation
    t = await testChapar({ clockStart: '2026-11-25T10:00:00+03:30' });
    tok.platform = await t.adminToken();
    acc.platform = (await call('platform', '/api/v1/me')).id;
    await call('platform', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false }, 'PUT');
    let n = 0;
    for (const who of TENANTS.slice(1)) {
      const parent = PARENT[who]!;
      const child = await createChild(t, tok[parent], { username: `sweep-${who.toLowerCase()}`, kind: KIND[who] as 'agency' | 'user', mobile: `0912900${String(++n).padStart(4, '0')}` });
      tok[who] = child.token;
      acc[who] = child.id;
      await call(parent, `/api/v1/accounts/${child.id}/credit`, { amount: parent === 'platform' ? '100000000' : KIND[who] === 'agency' ? '20000000' : '2000000', note: '' });
    }
    await seed();
  }, 180_000);
  afterAll(() => t?.close());

  async function seed() {
    const agencies = TENANTS.filter((x) => KIND[x] !== 'user');
    const gateway = {} as Record<Tenant, string>;
    const bank = {} as Record<Tenant, string>;
    for (const [i, who] of agencies.entries()) {
      bank[who] = (await call(who, '/api/v1/billing/bank-accounts', { bankName: 'ملت', holderName: who, iban: 'IR062960000000100324200001' })).id;
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
      for (let k = 1; k < path.length; k++) await call(path[k - 1], `/api/v1/lines/${line.id}/assignments`, { accountId: acc[path[k]] });
      if (who !== 'platform') await call(who, `/api/v1/lines/${line.id}/forwarding`, { kind: 'sms', target: `0912800000${i}` });
      await call(who, '/api/v1/api-keys', { name: `key ${who}` });
      await call(who, '/api/v1/webhooks', { url: `https://hooks.sweep.test/${who}` });
      const group = await call(who, '/api/v1/phonebook/groups', { name: `group ${who}` });
      await call(who, `/api/v1/phonebook/groups/${group.id}/contacts`, { mobile: `0912700000${i}`, name: who });
      await call(who, '/api/v1/phonebook/fields', { key: `field${i}`, label: who, type: 'text' });
      const upload = await must(postForm(t, { url: '/api/v1/phonebook/uploads', token: tok[who], fields: {}, files: [{ filename: 'c.csv', data: Buffer.from(`mobile\n0912600000${i}\n`), field: 'file' }] }), 'upload');
      await call(who, `/api/v1/phonebook/uploads/${upload.uploadId}/import`, { groupId: group.id, mapping: { 0: 'mobile' } });
      await call(who, '/api/v1/patterns', { name: `otp ${who}`, body: 'کد شما: %code%', variables: [{ name: 'code', type: 'number', maxLength: 6 }] });
      await call(who, '/api/v1/compliance/blacklist', { numbers: [`0912500000${i}`] });
      await call(who, '/api/v1/messages', { to: [`0912400000${i}`], text: `hello from ${who}` });
      if (who === 'platform') continue;
      const parent = PARENT[who]!;
      const ticket = await must(postForm(t, { url: '/api/v1/support/tickets', token: tok[who], fields: { subject: `help ${who}`, text: 'hi', priority: 'normal' }, files: [{ filename: 'shot.png', data: fixtures.png }] }), 'ticket');
      await call(parent, `/api/v1/support/tickets/${ticket.id}/messages`, { text: 'on it' });
      await must(postForm(t, { url: '/api/v1/kyc/documents', token: tok[who], fields: { kind: 'national_card' }, files: [{ filename: 'card.jpg', data: fixtures.jpeg, field: 'file' }] }), 'kyc document');
      await call(who, '/api/v1/billing/deposits', { amount: '110000', paidOn: '2026-01-10', trackingNumber: `77${i}00`, bankAccountId: bank[parent], receipt: { data: fixtures.png.toString('base64') } });
      await call(who, '/api/v1/billing/payments', { gatewayId: gateway[parent], amount: '50000' });
      if (KIND[who] === 'user') {
        const application = await call(who, '/api/v1/agency-applications', { businessName: who, legalType: 'natural', nationalNumber: '0013542419', address: 'تهران', phone: '02100000000', email: `${who}@sweep.test`, plan: 'پیامک' });
        await call(who, `/api/v1/agency-applications/${application.id}/documents`, { kind: 'national_card', filename: 'card.png', data: fixtures.png.toString('base64') });
      }
    }
    await call('platform', '/api/v1/compliance/policy', { kycOwnMobileOnly: false, moderateWithoutKyc: false, moderationThreshold: 2 }, 'PUT');
    for (const who of ['u1', 'uA', 'uB'] as const) {
      const held = await call(who, '/api/v1/messages', { to: ['09121000001', '09121000002', '09121000003'], text: 'تخفیف ویژه لغو۱۱', class: 'advertising' });
      if (held.status !== 'held') throw new Error(`setup: ${who}'s advertising was not held for moderation: ${JSON.stringify(held)}`);
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

  it('knows what every id in every route names', () => {
    const { unmapped } = sweptRoutes(routeTable(t.app));
    // A new route whose path takes an id must say what that id names: add its path prefix to
    // PARAM_KINDS (and the resource's owner query to OWNERS), or to NOT_TENANT_IDS with a reason.
    expect(unmapped, 'routes with ids the sweep cannot map; add them to PARAM_KINDS or NOT_TENANT_IDS').toEqual([]);
  });

  it('gives every tenant one of each resource it can have, so every kind is swept', async () => {
    const owned = await ownedResources();
    const used = new Set(Object.values(PARAM_KINDS));
    const empty = [...used].filter((k) => !(owned.get(k) ?? []).some((x) => x.owner !== 'platform' || k === 'route' || k === 'connector'));
    expect(empty, 'resource kinds no tenant below the platform has').toEqual([]);
  });

  it('answers no request with a foreign id with 2xx, and changes no row', async () => {
    const owned = await ownedResources();
    const { swept } = sweptRoutes(routeTable(t.app));
    const attacks = ATTACKERS.flatMap((who) => swept.flatMap((r) => attacksOn(r, who, owned)));
    const match = routesMatching(routeTable(t.app));
    const misrouted = attacks.filter((a) => match(a.method, a.url).join() !== a.route).map((a) => `${a.method} ${a.url} ≠ ${a.route}`);
    expect(misrouted, 'attack URLs that would reach another route').toEqual([]);
    const before = await snapshot(t);
    const leaks: string[] = [];
    const reached = new Set<string>();
    for (let i = 0; i < attacks.length; i += 24) {
      await Promise.all(attacks.slice(i, i + 24).map(async (a) => {
        const res = await t.api({ method: a.method, url: a.url, token: tok[a.attacker], body: a.body });
        if (res.body?.error?.code !== 'VALIDATION_FAILED') reached.add(`${a.attacker} ${a.method} ${a.route}`);
        if (!REFUSED.has(res.status)) leaks.push(`${a.attacker} ${a.method} ${a.url} ${a.body === undefined ? '' : JSON.stringify(a.body)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }));
    }
    const changed = changedTables(before, await snapshot(t));
    expect(attacks.length).toBeGreaterThan(1000);
    expect(leaks, 'requests with a foreign id that were not refused').toEqual([]);
    expect(changed, 'tables that changed while only foreign ids were sent').toEqual([]);
    // A route whose every request failed validation never reached its scope check.
    const unreached = [...new Set(attacks.map((a) => `${a.attacker} ${a.method} ${a.route}`))].filter((k) => !reached.has(k));
    expect(unreached, 'routes the sweep never got past validation').toEqual([]);
  }, 300_000);
});
