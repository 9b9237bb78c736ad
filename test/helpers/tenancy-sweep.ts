// The tenant-isolation sweep's map: what each id a route takes names, who owns each such resource,
// and the requests that try another tenant's ids. Routes come from the app's own route table, so
// a new route is swept (or the sweep fails and asks for its mapping) without anyone remembering.
import { z } from 'zod';
import type { RouteEntry } from '../../src/http/app.ts';
import type { TestChapar } from './app.ts';
import { samplesFor } from './zod-sample.ts';

export const TENANTS = ['platform', 'A', 'A1', 'u1', 'uA', 'B', 'uB'] as const;
export type Tenant = (typeof TENANTS)[number];
export const PARENT: Record<Tenant, Tenant | null> = {
  platform: null, A: 'platform', A1: 'A', u1: 'A1', uA: 'A', B: 'platform', uB: 'B',
};

/**
 * Who owns each kind of resource: the deepest account that holds it. The owner and its ancestors
 * may reach it, nobody else.
 */
export const OWNERS = {
  account: 'SELECT id, id AS owner FROM accounts',
  apiKey: 'SELECT id, account_id AS owner FROM api_keys',
  application: 'SELECT id, applicant_id AS owner FROM agency_applications',
  applicationDoc:
    'SELECT d.id, a.applicant_id AS owner FROM agency_application_documents d JOIN agency_applications a ON a.id = d.application_id',
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
  line: `SELECT l.id, ${lineHolder('l')} AS owner FROM lines l WHERE NOT l.is_shared`,
  lineNumber: `SELECT l.number AS id, ${lineHolder('l')} AS owner FROM lines l WHERE NOT l.is_shared`,
  forwardingRule: 'SELECT id, account_id AS owner FROM forwarding_rules',
  webhook: 'SELECT id, account_id AS owner FROM webhook_endpoints',
} as const;
export type ResourceKind = keyof typeof OWNERS;

function lineHolder(l: string): string {
  return `COALESCE((SELECT la.account_id FROM line_assignments la JOIN accounts a ON a.id = la.account_id
    WHERE la.line_id = ${l}.id ORDER BY length(a.path) DESC LIMIT 1), (SELECT id FROM accounts WHERE kind = 'platform'))`;
}

/** What a path parameter names, keyed by the path up to it: a new route under a known prefix is swept at once. */
export const PARAM_KINDS: Record<string, ResourceKind> = {
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

/** Path parameters that name no tenant's resource, each with the reason it is not swept. */
export const NOT_TENANT_IDS: Record<string, string> = {
  '/api/v1/branding/:kind': 'logo or favicon of the caller’s own brand: the parameter is a name, not an id',
  '/api/v1/brand/:kind': 'public: the logo or favicon of the brand that owns the Host',
  '/api/v1/notifications/templates/:kind/:lang': 'a template of the caller’s own brand, named by kind and language',
  '/pay/sandbox/:id': 'public: the payer’s browser without a session; the payment’s secret authority is required',
  '/pay/callback/:id': 'public: the gateway’s redirect without a session; the gateway verifies the payment',
  '/internal/upstreams/:connectorId/receipts': 'no session: an HTTP provider proves itself with the connector’s callback token',
};

/**
 * Ids in query strings and bodies, keyed by route path and field (`file.uploadId`: a field of an
 * object). Fields named *Id or *Ids are found by themselves; `from` (a sender line's number) is
 * listed by hand. `parentMay`: a child legitimately uses its parent's (it pays through them).
 */
type IdField = { kind: ResourceKind; parentMay?: true; set?: (id: string) => Record<string, unknown> };
const groupIds = { kind: 'phonebookGroup', set: (id: string) => ({ groupIds: [id] }) } as const;
const uploadId = {
  kind: 'upload',
  set: (id: string) => ({ groupIds: undefined, file: { uploadId: id, mapping: { 0: 'mobile' } } }),
} as const;
export const ID_FIELDS: Record<string, IdField> = {
  '/api/v1/accounts parentId': { kind: 'account' },
  '/api/v1/accounts groupId': { kind: 'priceGroup' },
  '/api/v1/accounts packageId': { kind: 'package' },
  '/api/v1/users groupId': { kind: 'priceGroup' },
  '/api/v1/users packageId': { kind: 'package' },
  '/api/v1/users/:id/group groupId': { kind: 'priceGroup' },
  '/api/v1/accounts/:id/group groupId': { kind: 'priceGroup' },
  '/api/v1/accounts/:id/package packageId': { kind: 'package' },
  '/api/v1/packages groupId': { kind: 'priceGroup' },
  '/api/v1/packages/:id groupId': { kind: 'priceGroup' },
  '/api/v1/records/sent accountId': { kind: 'account' },
  '/api/v1/records/received accountId': { kind: 'account' },
  '/api/v1/billing/preview accountId': { kind: 'account' },
  '/api/v1/billing/payments gatewayId': { kind: 'gateway', parentMay: true },
  '/api/v1/billing/deposits bankAccountId': { kind: 'bankAccount', parentMay: true },
  '/api/v1/audit subjectId': { kind: 'account' },
  '/api/v1/audit actorId': { kind: 'account' },
  '/api/v1/lines/:id/assignments accountId': { kind: 'account' },
  '/api/v1/lines/:id/renew accountId': { kind: 'account' },
  '/api/v1/messages accountId': { kind: 'account' },
  '/api/v1/messages from': { kind: 'lineNumber' },
  '/api/v1/messages/quote from': { kind: 'lineNumber' },
  '/api/v1/messages/pattern from': { kind: 'lineNumber' },
  '/api/v1/messages/pattern templateId': { kind: 'pattern' },
  '/api/v1/campaigns from': { kind: 'lineNumber' },
  '/api/v1/campaigns/quote from': { kind: 'lineNumber' },
  '/api/v1/campaigns groupIds': groupIds,
  '/api/v1/campaigns/quote groupIds': groupIds,
  '/api/v1/campaigns file.uploadId': uploadId,
  '/api/v1/campaigns/quote file.uploadId': uploadId,
  '/api/v1/inbox lineId': { kind: 'line' },
  '/api/v1/routes connectorId': { kind: 'connector' },
  '/api/v1/phonebook/uploads/:id/import groupId': { kind: 'phonebookGroup' },
};

/** Id fields that name no tenant's resource. */
export const NOT_TENANT_FIELDS: Record<string, string> = {
  '/api/v1/auth/signup/verify verificationId': 'a sign-up code sent to a mobile, before any account or session exists',
  '/api/v1/auth/password/reset verificationId': 'a reset code sent to the account’s mobile; the code is the proof',
  '/api/v1/billing/gateways settings.merchantId': 'the payment provider’s merchant id, not one of ours',
  '/api/v1/billing/gateways/:id settings.merchantId': 'the payment provider’s merchant id, not one of ours',
  '/api/v1/kyc nationalId': 'a company’s national ID number (شناسه ملی), not one of ours',
};

/** A body around the id under test that the route would otherwise accept, so the id is what decides. */
type Own = (kind: ResourceKind) => string | undefined;
const sendBase = () => ({ to: ['09121110000'], text: 'sweep' });
const campaignBase = (own: Own) => ({ text: 'sweep', class: 'service', groupIds: [own('phonebookGroup')] });
const BASES: Record<string, (own: Own) => Record<string, unknown>> = {
  'POST /api/v1/accounts': () => ({ username: 'sweepchild', password: 'sweep-pass-1', mobile: '09129990001', kind: 'user' }),
  'POST /api/v1/users': () => ({ username: 'sweepuser', password: 'sweep-pass-1', mobile: '09129990002' }),
  'POST /api/v1/packages': () => ({ name: 'sweep package', permissions: ['use_api'] }),
  'POST /api/v1/messages': sendBase,
  'POST /api/v1/messages/quote': sendBase,
  'POST /api/v1/messages/pattern': (own) => ({ templateId: own('pattern'), to: '09121110000', params: { code: 1234 } }),
  'POST /api/v1/campaigns': campaignBase,
  'POST /api/v1/campaigns/quote': campaignBase,
  'POST /api/v1/billing/payments': () => ({ amount: '50000' }),
  'POST /api/v1/billing/preview': () => ({
    lineType: '3000', class: 'service', counts: [{ operator: 'mci', alphabet: 'gsm7', parts: 1, count: 1 }],
  }),
  'POST /api/v1/billing/deposits': () => ({
    amount: '110000', paidOn: '2026-01-10', trackingNumber: '55500', receipt: { data: 'iVBORw0KGgo=' },
  }),
};

export type Attack = {
  attacker: Tenant; method: string; url: string; route: string; body?: unknown;
  /** a query id: the field, and the same request without it */
  query?: { field: string; control: string };
  /** a path id: the same request with an id nobody has */
  unknown?: string;
};
export type Owned = Map<ResourceKind, { id: string; owner: Tenant }[]>;

export const paramsOf = (url: string) =>
  [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], prefix: url.slice(0, m.index + m[0].length) }));

export function ancestorsOf(t: Tenant): Tenant[] {
  const out: Tenant[] = [];
  for (let p = PARENT[t]; p; p = PARENT[p]) out.push(p);
  return out;
}

/**
 * Kinds private to their owner: an agency manages its children through their accounts (wallet,
 * lines, KYC, tickets, requests), never through these. A phonebook, for one, is its owner's only.
 */
export const OWNER_ONLY = new Set<ResourceKind>([
  'apiKey', 'webhook', 'notification', 'phonebookGroup', 'phonebookField', 'contact', 'upload', 'import', 'blacklistNumber',
  'cannedReply', 'bankAccount', 'gateway', 'package', 'domain', 'word',
]);

/** A resource of `kind` owned by `owner` is out of `attacker`'s reach: outside its subtree, or another's private one. */
export const foreign = (attacker: Tenant, kind: ResourceKind, owner: Tenant) =>
  owner !== attacker && (OWNER_ONLY.has(kind) || !ancestorsOf(owner).includes(attacker));

const jsonOf = (schema: unknown): Record<string, any> | null => {
  if (!(schema instanceof z.ZodType)) return null;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  } catch {
    return null;
  }
};

/** The id fields of a route's query string or body: `*Id`, `*Ids`, one object deep, and those listed by hand. */
export function idFieldsOf(r: RouteEntry): { part: 'querystring' | 'body'; field: string }[] {
  const out: { part: 'querystring' | 'body'; field: string }[] = [];
  for (const part of ['querystring', 'body'] as const) {
    const props: Record<string, any> = jsonOf(r.schema?.[part])?.properties ?? {};
    const names = Object.entries(props).flatMap(([k, v]) => [k, ...Object.keys(v?.properties ?? {}).map((n) => `${k}.${n}`)]);
    for (const field of names) {
      if (/Ids?$/.test(field) || ID_FIELDS[`${r.url} ${field}`]) out.push({ part, field });
    }
  }
  return out;
}

export function unmappedRoutes(routes: readonly RouteEntry[]): string[] {
  const out = new Set<string>();
  for (const r of routes) {
    if (!Object.keys(NOT_TENANT_IDS).some((p) => r.url.startsWith(p))) {
      for (const p of paramsOf(r.url)) if (!PARAM_KINDS[p.prefix]) out.add(`${r.method} ${r.url} (:${p.name})`);
    }
    for (const { field } of idFieldsOf(r)) {
      const key = `${r.url} ${field}`;
      if (!ID_FIELDS[key] && !NOT_TENANT_FIELDS[key]) out.add(`${r.method} ${r.url} (${field})`);
    }
  }
  return [...out];
}

const swept = (r: RouteEntry) => !Object.keys(NOT_TENANT_IDS).some((p) => r.url.startsWith(p));

/** An empty body and what the route's schema accepts (a route without one reads free-form fields). */
function bodiesFor(r: RouteEntry): unknown[] {
  if (r.method === 'GET' || r.method === 'HEAD') return [undefined];
  const derived = r.schema?.body ? samplesFor(r.schema.body) : [{ text: 'sweep', reason: 'sweep' }];
  return [{}, ...derived.filter((b) => JSON.stringify(b) !== '{}')];
}

const idsOf = (owned: Owned, kind: ResourceKind, owner: Tenant) =>
  (owned.get(kind) ?? []).filter((x) => x.owner === owner).map((x) => x.id);

function fillPath(r: RouteEntry, values: string[]): string {
  return paramsOf(r.url).reduce((url, p, i) => url.replace(`:${p.name}`, encodeURIComponent(values[i])), r.url);
}

/** An id of the same shape that nobody has: a foreign id must be answered exactly like it. */
function unknownLike(id: string): string {
  if (/^\d+$/.test(id)) return `${id}000000`;
  if (/^\+\d+$/.test(id)) return `${id.slice(0, -1)}9`;
  return `${id.slice(0, -1)}${id.endsWith('z') ? 'y' : 'z'}`;
}

/**
 * Every path id in turn out of reach, the others the attacker's own or the same owner's; each with
 * the same request naming an unknown id instead, which must be answered the same way.
 */
export function pathAttacks(routes: readonly RouteEntry[], attacker: Tenant, owned: Owned): Attack[] {
  return routes.filter((r) => paramsOf(r.url).length && swept(r)).flatMap((r) => {
    const params = paramsOf(r.url).map((p) => ({ ...p, kind: PARAM_KINDS[p.prefix] }));
    const urls = new Map<string, string>();
    params.forEach((target, i) => {
      for (const { id, owner } of owned.get(target.kind) ?? []) {
        if (!foreign(attacker, target.kind, owner)) continue;
        for (const other of [attacker, owner]) {
          const values = params.map((p, j) => (j === i ? id : idsOf(owned, p.kind, other)[0]));
          const url = fillPath(r, values);
          if (values.every((v) => v !== undefined) && !urls.has(url)) urls.set(url, fillPath(r, values.with(i, unknownLike(id))));
        }
      }
    });
    return [...urls].flatMap(([url, unknown]) => bodiesFor(r).map((body) => ({ attacker, method: r.method, url, route: r.url, body, unknown })));
  });
}

/**
 * Every id field in turn set to a foreign id, on a path made of the attacker's own ids (and, for
 * an account, its direct children's). A query id comes with a control: the same request without
 * the filter, whose answer must hold everything the filtered one holds.
 */
export function fieldAttacks(routes: readonly RouteEntry[], attacker: Tenant, owned: Owned): Attack[] {
  const children = (TENANTS as readonly Tenant[]).filter((x) => PARENT[x] === attacker);
  const own: Own = (kind) => idsOf(owned, kind, attacker)[0];
  return routes.filter(swept).flatMap((r) => {
    const fields = idFieldsOf(r).filter((f) => ID_FIELDS[`${r.url} ${f.field}`]);
    if (!fields.length) return [];
    const params = paramsOf(r.url).map((p) => PARAM_KINDS[p.prefix]);
    const ownFirst = params.length ? idsOf(owned, params[0], attacker).slice(0, 1) : [''];
    const pathChoices = params[0] === 'account' ? [...ownFirst, ...children.map((c) => idsOf(owned, 'account', c)[0])] : ownFirst;
    const rest = params.slice(1).map((k) => own(k));
    if (rest.some((v) => v === undefined)) return [];
    const derived = r.method === 'GET' || r.method === 'HEAD' ? {} : (bodiesFor(r)[1] as object | undefined);
    const base = { ...derived, ...BASES[`${r.method} ${r.url}`]?.(own) };
    return fields.flatMap(({ part, field }) => {
      const spec = ID_FIELDS[`${r.url} ${field}`];
      const usable = (owner: Tenant) => !foreign(attacker, spec.kind, owner) || (spec.parentMay && owner === PARENT[attacker]);
      const targets = (owned.get(spec.kind) ?? []).filter((x) => !usable(x.owner));
      return pathChoices.flatMap((first) => targets.map(({ id }) => {
        const path = params.length ? fillPath(r, [first, ...(rest as string[])]) : r.url;
        if (part === 'querystring') {
          // the largest page, so the unfiltered control holds every row the filtered answer may
          const max = jsonOf(r.schema?.querystring)?.properties?.pageSize?.maximum;
          const control = max ? `${path}?pageSize=${max}` : path;
          const url = `${control}${max ? '&' : '?'}${new URLSearchParams({ [field]: id })}`;
          return { attacker, method: r.method, url, route: r.url, query: { field, control } };
        }
        return { attacker, method: r.method, url: path, route: r.url, body: { ...base, ...(spec.set?.(id) ?? { [field]: id }) } };
      }));
    });
  });
}

/** The routes a URL reaches: a foreign id routed elsewhere would be refused for the wrong reason. */
export function routesMatching(routes: readonly RouteEntry[]): (method: string, url: string) => string[] {
  const escape = (x: string) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  const patternOf = (url: string) => url.split(/(:[A-Za-z]+)/).map((x) => (x.startsWith(':') ? '[^/]+' : escape(x))).join('');
  const compiled = routes.map((r) => ({ ...r, re: new RegExp(`^${patternOf(r.url)}$`) }));
  return (method, url) => compiled.filter((r) => r.method === method && r.re.test(url.split('?')[0])).map((r) => r.url);
}

/** Each table's rows as hashes, to tell whether anything was written. */
export async function snapshot(t: TestChapar): Promise<Map<string, Set<string>>> {
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

export function changedTables(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [name, rows] of after) {
    const old = before.get(name) ?? new Set<string>();
    const added = [...rows].filter((h) => !old.has(h)).length;
    const removed = [...old].filter((h) => !rows.has(h)).length;
    if (added || removed) out.push(`${name}: ${added} rows added or changed, ${removed} removed or changed`);
  }
  return out;
}
