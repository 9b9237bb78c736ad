// Phonebook: groups, typed custom fields, contacts (one per mobile per group), blacklist flags,
// CSV export, and the imports of imports.ts. Owner-only: agencies do not browse their users'
// phonebooks.
//
// What the message engine calls, inside its own transaction:
//   blockedNumbers(tx, accountId, recipients) → Set<e164> of the recipients flagged "do not send": pass them
//     to compliance.evaluateSend as `extraBlocked` (they become 'blacklisted', not charged).
//   isReceiveBlocked(tx, accountId, e164) → boolean: drop an inbound message from this number.
//   recipientBatches(tx, accountId, { groupIds, tags, filters }) → AsyncIterable of recipient
//     batches (campaigns/recipients.ts wraps it).
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { toLatinDigits, type Lang } from '../../lib/i18n.ts';
import { createSlicer } from '../../lib/turns.ts';
import { normaliseIranMobile, toLocalMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import { csvLine } from './csv.ts';
import { createPhonebookImports, type UploadLimits } from './imports.ts';
import { e164Of, phonebookRepo, type Contact, type ContactWrite, type FilterOp, type TypedFilter } from './repo.ts';
import { FIELD_KEY, MAX_NAME, MAX_TAG, parseDate, parseFieldValue, parseNumber, type FieldDef, type FieldValue } from './values.ts';

export type ContactInput = { mobile: string; name?: string; fields?: Record<string, string | number | null>; tags?: string[]; blockSend?: boolean; blockReceive?: boolean };
export type Filter = { field: string; op: FilterOp; value: string | number };
export type RecipientQuery = { groupIds: readonly string[]; tags?: readonly string[]; filters?: readonly Filter[] };
export type Recipient = { e164: string; fields: Record<string, FieldValue> };

const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', { fields: [{ path, message }] });
const opsFor = { text: ['eq', 'contains'], name: ['eq', 'contains'], number: ['eq', 'gt', 'lt'], date: ['eq', 'before', 'after'] } as const;

/** Checks filters against the account's field types and normalises their values. */
export function typeFilters(filters: readonly Filter[], defs: readonly FieldDef[]): TypedFilter[] {
  return filters.map((f, i) => {
    const type = f.field === 'name' ? 'name' : defs.find((d) => d.key === f.field)?.type;
    if (!type) throw invalid(`filters.${i}.field`, `unknown field ${f.field}`);
    if (!(opsFor[type] as readonly string[]).includes(f.op)) throw invalid(`filters.${i}.op`, `${f.op} does not apply to a ${type} field`);
    let value: string | number = String(f.value);
    if (type === 'number') value = parseNumber(f.value) ?? NaN;
    if (type === 'date') value = parseDate(String(f.value)) ?? '';
    if (value === '' && type === 'date') throw invalid(`filters.${i}.value`, 'date expected');
    if (typeof value === 'number' && Number.isNaN(value)) throw invalid(`filters.${i}.value`, 'number expected');
    return { field: f.field, type, op: f.op, value };
  });
}

export function createPhonebookService(deps: { db: Db; clock: Clock; uploadLimits?: UploadLimits; onImportError?: (err: unknown, importId: string) => void }) {
  const repo = phonebookRepo(deps.db);
  const imports = createPhonebookImports({ db: deps.db, clock: deps.clock, limits: deps.uploadLimits, onError: deps.onImportError });

  async function getGroup(caller: Account, id: string) {
    const g = await repo.findGroup(scopeOf(caller), id);
    if (!g) throw new AppError('NOT_FOUND');
    return g;
  }

  const uniqueOr = async <T>(fn: () => Promise<T>, code: 'GROUP_NAME_TAKEN'): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError(code, undefined, { cause: err });
      throw err;
    }
  };

  async function createGroup(caller: Account, g: { name: string; description?: string }) {
    return uniqueOr(() => repo.insertGroup(scopeOf(caller), { id: newId('pb'), name: g.name.trim(), description: g.description?.trim() ?? '' }), 'GROUP_NAME_TAKEN');
  }

  async function updateGroup(caller: Account, id: string, g: { name?: string; description?: string }) {
    const ok = await uniqueOr(() => repo.updateGroup(scopeOf(caller), id, { name: g.name?.trim(), description: g.description?.trim() }), 'GROUP_NAME_TAKEN');
    if (!ok) throw new AppError('NOT_FOUND');
    return getGroup(caller, id);
  }

  async function createField(caller: Account, f: FieldDef) {
    if (!FIELD_KEY.test(f.key) || ['name', 'mobile', 'tag', 'tags'].includes(f.key)) throw invalid('key', 'a-z, 0-9 and _, starting with a letter; not name/mobile/tags');
    if (!(await repo.insertField(scopeOf(caller), { ...f, label: f.label.trim() || f.key }))) throw new AppError('FIELD_KEY_TAKEN');
    return f;
  }

  /** A contact as stored: mobile normalised, fields checked against their types. */
  async function toWrite(scope: Scope, c: ContactInput, base?: Contact): Promise<ContactWrite> {
    const mobile = normaliseIranMobile(c.mobile);
    if (!mobile) throw new AppError('INVALID_MOBILE', { fields: [{ path: 'mobile' }] });
    const defs = await repo.listFields(scope);
    const fields: Record<string, FieldValue> = { ...(base?.fields ?? {}) };
    for (const [key, raw] of Object.entries(c.fields ?? {})) {
      const def = defs.find((d) => d.key === key);
      if (!def) throw invalid(`fields.${key}`, 'unknown field');
      if (raw === null || raw === '') {
        delete fields[key];
        continue;
      }
      const v = parseFieldValue(def.type, raw);
      if (!v.ok) throw invalid(`fields.${key}`, v.code === 'BAD_DATE' ? 'date expected (1403/01/15 or 2024-04-03)' : v.code === 'BAD_NUMBER' ? 'number expected' : 'too long');
      fields[key] = v.value;
    }
    const tags = c.tags ? [...new Set(c.tags.map((t) => t.trim()).filter(Boolean))] : (base?.tags ?? []);
    if (tags.some((t) => t.length > MAX_TAG)) throw invalid('tags', `at most ${MAX_TAG} characters`);
    return {
      mobile, name: (c.name ?? base?.name ?? '').trim().slice(0, MAX_NAME), fields, tags,
      blockSend: c.blockSend ?? base?.blockSend ?? false, blockReceive: c.blockReceive ?? base?.blockReceive ?? false,
    };
  }

  async function getContact(caller: Account, id: string): Promise<Contact> {
    const c = await repo.findContact(scopeOf(caller), id);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  /** Adds a contact to a group; a number already in the group is merged into it. */
  async function addContact(caller: Account, groupId: string, input: ContactInput): Promise<{ contact: Contact; merged: boolean }> {
    const scope = scopeOf(caller);
    await getGroup(caller, groupId);
    const write = await toWrite(scope, input);
    const r = await repo.upsertContacts(scope, groupId, [write]);
    // A merge ORs the blacklist flags; an explicit false from this request still wins.
    if (r.merged && (input.blockSend === false || input.blockReceive === false)) {
      const merged = await getContact(caller, r.ids[0]);
      await repo.updateContact(scope, r.ids[0], { ...merged, blockSend: input.blockSend ?? merged.blockSend, blockReceive: input.blockReceive ?? merged.blockReceive });
    }
    return { contact: await getContact(caller, r.ids[0]), merged: r.merged > 0 };
  }

  async function updateContact(caller: Account, id: string, input: Partial<ContactInput>): Promise<Contact> {
    const scope = scopeOf(caller);
    const current = await getContact(caller, id);
    const write = await toWrite(scope, { ...input, mobile: input.mobile ?? current.mobile }, current);
    try {
      await repo.updateContact(scope, id, write);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('CONFLICT', { reason: 'mobile_in_group' }, { cause: err });
      throw err;
    }
    return getContact(caller, id);
  }

  async function listContacts(caller: Account, groupId: string, f: { q?: string; tag?: string; filters?: Filter[]; limit: number; offset: number }) {
    const scope = scopeOf(caller);
    await getGroup(caller, groupId);
    const filters = f.filters?.length ? typeFilters(f.filters, await repo.listFields(scope)) : [];
    // A number typed as 0912…, +98912… or with Persian digits searches the stored 98912… form.
    const digits = f.q ? toLatinDigits(f.q).replace(/[\s-]/g, '') : '';
    const q = !f.q ? undefined : /^0\d+$/.test(digits) ? `98${digits.slice(1)}` : /^\+?\d+$/.test(digits) ? digits.replace('+', '') : f.q;
    return repo.listContacts(scope, groupId, { ...f, q, filters });
  }

  /** The group as CSV, streamed in pages: mobile, name, each field, tags, flags. */
  async function* exportGroupCsv(caller: Account, groupId: string, lang: Lang): AsyncGenerator<string> {
    const scope = scopeOf(caller);
    await getGroup(caller, groupId);
    const defs = await repo.listFields(scope);
    const head = lang === 'fa' ? ['موبایل', 'نام', ...defs.map((d) => d.label), 'برچسب‌ها', 'عدم ارسال', 'عدم دریافت'] : ['mobile', 'name', ...defs.map((d) => d.key), 'tags', 'block_send', 'block_receive'];
    yield `\ufeff${csvLine(head)}\r\n`;
    for (let after = '0'; ;) {
      const page = await repo.contactsAfter(scope, groupId, after, 5000);
      if (!page.length) return;
      yield page.map((c) => `${csvLine([toLocalMobile(c.mobile), c.name, ...defs.map((d) => c.fields[d.key] ?? ''), c.tags.join(', '), c.blockSend ? 1 : 0, c.blockReceive ? 1 : 0])}\r\n`).join('');
      after = page[page.length - 1].id;
    }
  }

  /** Engine: numbers among `e164s` that this account flagged "do not send". */
  async function blockedNumbers(tx: Db, accountId: string, recipients: readonly { e164: string }[]): Promise<Set<string>> {
    const flagged = await phonebookRepo(tx).flaggedMobiles(accountId, 'send');
    const out = new Set<string>();
    if (!flagged.size) return out;
    const slicer = createSlicer();
    for (const r of recipients) {
      if (slicer.due()) await slicer.pause();
      if (flagged.has(r.e164)) out.add(r.e164);
    }
    return out;
  }

  /** Recipients of groups (deduplicated by mobile, filtered by fields and tags), in batches. */
  async function* recipientBatches(tx: Db, accountId: string, q: RecipientQuery, batchSize = 10_000): AsyncGenerator<Recipient[]> {
    const r = phonebookRepo(tx);
    // The engine acts for the owner; phonebook rows match account_id only, never the path.
    const scope = scopeOf({ id: accountId, path: '' });
    const groupIds = await r.findGroupIds(scope, q.groupIds);
    if (groupIds.length !== new Set(q.groupIds).size) throw new AppError('NOT_FOUND', { what: 'group' });
    const filters = q.filters?.length ? typeFilters(q.filters, await r.listFields(scope)) : [];
    for (let after = '0'; ;) {
      const page = await r.recipientsAfter(scope, { groupIds, tags: q.tags ?? [], filters, afterMobile: after, limit: batchSize });
      if (!page.length) return;
      yield page.map((p) => ({ e164: e164Of(p.mobile), fields: { ...p.fields, name: p.name, mobile: toLocalMobile(e164Of(p.mobile)) } }));
      after = page[page.length - 1].mobile;
      if (page.length < batchSize) return;
    }
  }

  return {
    listGroups: (caller: Account) => repo.listGroups(scopeOf(caller)),
    getGroup,
    createGroup,
    updateGroup,
    deleteGroup: async (caller: Account, id: string) => {
      if (!(await repo.deleteGroup(scopeOf(caller), id))) throw new AppError('NOT_FOUND');
    },
    listFields: (caller: Account) => repo.listFields(scopeOf(caller)),
    createField,
    deleteField: async (caller: Account, key: string) => {
      if (!(await repo.deleteField(scopeOf(caller), key))) throw new AppError('NOT_FOUND');
    },
    listContacts,
    getContact,
    addContact,
    updateContact,
    deleteContact: async (caller: Account, id: string) => {
      if (!(await repo.deleteContact(scopeOf(caller), id))) throw new AppError('NOT_FOUND');
    },
    exportGroupCsv,
    blockedNumbers,
    isReceiveBlocked: async (tx: Db, accountId: string, e164: string) => (await phonebookRepo(tx).flaggedMobiles(accountId, 'receive')).has(e164),
    recipientBatches,
    ...imports,
  };
}

export type PhonebookService = ReturnType<typeof createPhonebookService>;
