// SQL for groups, custom fields and contacts. A phonebook is its owner's alone: every read takes
// the caller's Scope first and matches account_id = scope.accountId (ancestors do not browse it).
import type { Db, Row } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { FieldDef, FieldType, FieldValue } from './values.ts';

export type Group = { id: string; name: string; description: string; contacts: number; createdAt: Date; updatedAt: Date };
export type Contact = {
  id: string;
  groupId: string;
  mobile: string;
  name: string;
  fields: Record<string, FieldValue>;
  tags: string[];
  blockSend: boolean;
  blockReceive: boolean;
  createdAt: Date;
  updatedAt: Date;
};
export type ContactWrite = { mobile: string; name: string; fields: Record<string, FieldValue>; tags: string[]; blockSend?: boolean; blockReceive?: boolean };
export type FilterOp = 'eq' | 'contains' | 'gt' | 'lt' | 'before' | 'after';
/** A filter whose field type is already known (service.ts checks op against type). */
export type TypedFilter = { field: string; type: FieldType | 'name'; op: FilterOp; value: string | number };

/** '+989121234567' → '989121234567' (int8 text), and back. */
export const mobileKey = (e164: string) => e164.slice(1);
export const e164Of = (key: unknown) => `+${String(key)}`;
const SEP = '\u001f';

function toGroup(r: Row): Group {
  return { id: r.id as string, name: r.name as string, description: r.description as string, contacts: Number(r.contacts ?? 0), createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)! };
}

const contactColumns = 'id, group_id, mobile, name, fields, tags, block_send, block_receive, created_at, updated_at';
function toContact(r: Row): Contact {
  return {
    id: String(r.id), groupId: r.group_id as string, mobile: e164Of(r.mobile), name: r.name as string,
    fields: (typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields) as Record<string, FieldValue>,
    tags: (r.tags as string[]) ?? [], blockSend: Boolean(r.block_send), blockReceive: Boolean(r.block_receive),
    createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

/** WHERE fragments for typed filters; values and keys are parameters, never SQL text. */
export function filterSql(filters: readonly TypedFilter[], params: unknown[], alias = 'c'): string[] {
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // jsonb -> and ->> take text or int: name the key's type or the operator is ambiguous.
  const k = (key: string) => `${p(key)}::text`;
  for (const f of filters) {
    // Every parameter pushed must appear in the SQL (an unused one has no type): build lazily.
    const text = () => (f.type === 'name' ? `${alias}.name` : `(${alias}.fields->>${k(f.field)})`);
    if (f.op === 'eq' && f.type === 'number') where.push(`CASE WHEN jsonb_typeof(${alias}.fields->${k(f.field)}) = 'number' THEN (${alias}.fields->>${k(f.field)})::numeric END = ${p(f.value)}::numeric`);
    else if (f.op === 'eq') where.push(`${text()} = ${p(String(f.value))}`);
    else if (f.op === 'contains') where.push(`strpos(lower(${text()}), lower(${p(String(f.value))})) > 0`);
    else if (f.op === 'gt' || f.op === 'lt') {
      where.push(`CASE WHEN jsonb_typeof(${alias}.fields->${k(f.field)}) = 'number' THEN (${alias}.fields->>${k(f.field)})::numeric END ${f.op === 'gt' ? '>' : '<'} ${p(f.value)}::numeric`);
    } else {
      const key = k(f.field);
      where.push(`CASE WHEN (${alias}.fields->>${key}) ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN (${alias}.fields->>${key})::date END ${f.op === 'before' ? '<' : '>'} ${p(f.value)}::date`);
    }
  }
  return where;
}

export function phonebookRepo(db: Db) {
  return {
    async insertGroup(scope: Scope, g: { id: string; name: string; description: string }): Promise<Group> {
      const { rows } = await db.query('INSERT INTO phonebook_groups (id, account_id, name, description) VALUES ($1,$2,$3,$4) RETURNING *', [g.id, scope.accountId, g.name, g.description]);
      return toGroup(rows[0]);
    },
    async listGroups(scope: Scope): Promise<Group[]> {
      const { rows } = await db.query(
        `SELECT g.*, (SELECT count(*) FROM phonebook_contacts c WHERE c.group_id = g.id)::int8 AS contacts
         FROM phonebook_groups g WHERE g.account_id = $1 ORDER BY g.name`,
        [scope.accountId],
      );
      return rows.map(toGroup);
    },
    async findGroup(scope: Scope, id: string): Promise<Group | null> {
      const { rows } = await db.query(
        `SELECT g.*, (SELECT count(*) FROM phonebook_contacts c WHERE c.group_id = g.id)::int8 AS contacts
         FROM phonebook_groups g WHERE g.id = $1 AND g.account_id = $2`,
        [id, scope.accountId],
      );
      return rows[0] ? toGroup(rows[0]) : null;
    },
    async findGroupIds(scope: Scope, ids: readonly string[]): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM phonebook_groups WHERE account_id = $1 AND id = ANY($2::text[])', [scope.accountId, ids]);
      return rows.map((r) => r.id);
    },
    async updateGroup(scope: Scope, id: string, g: { name?: string; description?: string }): Promise<boolean> {
      const r = await db.query(
        'UPDATE phonebook_groups SET name = COALESCE($3, name), description = COALESCE($4, description), updated_at = now() WHERE id = $1 AND account_id = $2',
        [id, scope.accountId, g.name ?? null, g.description ?? null],
      );
      return r.rowCount > 0;
    },
    async deleteGroup(scope: Scope, id: string): Promise<boolean> {
      return (await db.query('DELETE FROM phonebook_groups WHERE id = $1 AND account_id = $2', [id, scope.accountId])).rowCount > 0;
    },

    async listFields(scope: Scope): Promise<FieldDef[]> {
      const { rows } = await db.query('SELECT key, label, type FROM phonebook_fields WHERE account_id = $1 ORDER BY created_at, key', [scope.accountId]);
      return rows.map((r) => ({ key: r.key as string, label: r.label as string, type: r.type as FieldType }));
    },
    async insertField(scope: Scope, f: FieldDef): Promise<boolean> {
      const r = await db.query('INSERT INTO phonebook_fields (account_id, key, label, type) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING', [scope.accountId, f.key, f.label, f.type]);
      return r.rowCount > 0;
    },
    /** Drops the definition and every stored value of it. */
    async deleteField(scope: Scope, key: string): Promise<boolean> {
      const r = await db.query('DELETE FROM phonebook_fields WHERE account_id = $1 AND key = $2', [scope.accountId, key]);
      if (r.rowCount) await db.query('UPDATE phonebook_contacts SET fields = fields - $2 WHERE account_id = $1 AND fields ? $2', [scope.accountId, key]);
      return r.rowCount > 0;
    },

    async listContacts(scope: Scope, groupId: string, f: { q?: string; tag?: string; filters?: TypedFilter[]; limit: number; offset: number }): Promise<{ items: Contact[]; total: number }> {
      const params: unknown[] = [scope.accountId, groupId];
      const where = ['c.account_id = $1', 'c.group_id = $2'];
      if (f.q) {
        params.push(`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
        where.push(`(c.name ILIKE $${params.length} OR c.mobile::text LIKE $${params.length})`);
      }
      if (f.tag) {
        params.push(f.tag);
        where.push(`$${params.length} = ANY(c.tags)`);
      }
      where.push(...filterSql(f.filters ?? [], params));
      const w = where.join(' AND ');
      const total = await db.query<{ n: unknown }>(`SELECT count(*)::int8 AS n FROM phonebook_contacts c WHERE ${w}`, params);
      const { rows } = await db.query(`SELECT ${contactColumns} FROM phonebook_contacts c WHERE ${w} ORDER BY c.id LIMIT ${f.limit} OFFSET ${f.offset}`, params);
      return { items: rows.map(toContact), total: Number(total.rows[0].n) };
    },
    async findContact(scope: Scope, id: string): Promise<Contact | null> {
      if (!/^\d{1,18}$/.test(id)) return null;
      const { rows } = await db.query(`SELECT ${contactColumns} FROM phonebook_contacts WHERE id = $1 AND account_id = $2`, [id, scope.accountId]);
      return rows[0] ? toContact(rows[0]) : null;
    },
    /** Keyset page for exports: contacts of a group after `afterId`. */
    async contactsAfter(scope: Scope, groupId: string, afterId: string, limit: number): Promise<Contact[]> {
      const { rows } = await db.query(
        `SELECT ${contactColumns} FROM phonebook_contacts WHERE account_id = $1 AND group_id = $2 AND id > $3 ORDER BY id LIMIT ${limit}`,
        [scope.accountId, groupId, afterId],
      );
      return rows.map(toContact);
    },
    async updateContact(scope: Scope, id: string, c: ContactWrite): Promise<boolean> {
      const r = await db.query(
        `UPDATE phonebook_contacts SET mobile = $3, name = $4, fields = $5::jsonb, tags = $6::text[], block_send = $7, block_receive = $8, updated_at = now()
         WHERE id = $1 AND account_id = $2`,
        [id, scope.accountId, mobileKey(c.mobile), c.name, JSON.stringify(c.fields), c.tags, c.blockSend ?? false, c.blockReceive ?? false],
      );
      return r.rowCount > 0;
    },
    async deleteContact(scope: Scope, id: string): Promise<boolean> {
      if (!/^\d{1,18}$/.test(id)) return false;
      return (await db.query('DELETE FROM phonebook_contacts WHERE id = $1 AND account_id = $2', [id, scope.accountId])).rowCount > 0;
    },

    /** Inserts or merges a batch (mobiles unique within it) into one group: on a number already in
     * the group, a non-empty name replaces, fields merge (new values win), tags are united and a
     * blacklist flag once set stays set. Returns how many rows were new and how many merged. */
    async upsertContacts(scope: Scope, groupId: string, batch: readonly ContactWrite[]): Promise<{ inserted: number; merged: number; ids: string[] }> {
      if (!batch.length) return { inserted: 0, merged: 0, ids: [] };
      const { rows } = await db.query<{ id: unknown; fresh: boolean }>(
        `INSERT INTO phonebook_contacts AS c (account_id, group_id, mobile, name, fields, tags, block_send, block_receive)
         SELECT $1, $2, u.m, u.n, u.f::jsonb, CASE WHEN u.t = '' THEN '{}'::text[] ELSE string_to_array(u.t, $9) END, u.bs, u.br
         FROM unnest($3::int8[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::boolean[]) AS u(m, n, f, t, bs, br)
         ON CONFLICT (group_id, mobile) DO UPDATE SET
           name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE c.name END,
           fields = c.fields || EXCLUDED.fields,
           tags = ARRAY(SELECT DISTINCT x FROM unnest(c.tags || EXCLUDED.tags) AS x ORDER BY x),
           block_send = c.block_send OR EXCLUDED.block_send,
           block_receive = c.block_receive OR EXCLUDED.block_receive,
           updated_at = now()
         RETURNING c.id, (c.xmax = 0) AS fresh`,
        [
          scope.accountId, groupId,
          batch.map((c) => mobileKey(c.mobile)), batch.map((c) => c.name), batch.map((c) => JSON.stringify(c.fields)),
          batch.map((c) => c.tags.join(SEP)), batch.map((c) => c.blockSend ?? false), batch.map((c) => c.blockReceive ?? false), SEP,
        ],
      );
      const inserted = rows.filter((r) => r.fresh).length;
      return { inserted, merged: rows.length - inserted, ids: rows.map((r) => String(r.id)) };
    },

    /** Campaign recipients: one row per distinct mobile across the groups (the most recently
     * updated contact's name and fields), keyset-paged by mobile so a million rows stream. */
    async recipientsAfter(scope: Scope, q: { groupIds: readonly string[]; tags: readonly string[]; filters: readonly TypedFilter[]; afterMobile: string; limit: number }): Promise<{ mobile: string; name: string; fields: Record<string, FieldValue> }[]> {
      const params: unknown[] = [scope.accountId, q.groupIds, q.afterMobile];
      const where = ['c.account_id = $1', 'c.group_id = ANY($2::text[])', 'c.mobile > $3::int8'];
      if (q.tags.length) {
        params.push(q.tags);
        where.push(`c.tags && $${params.length}::text[]`);
      }
      where.push(...filterSql(q.filters, params));
      const { rows } = await db.query(
        `SELECT DISTINCT ON (c.mobile) c.mobile, c.name, c.fields FROM phonebook_contacts c WHERE ${where.join(' AND ')}
         ORDER BY c.mobile, c.updated_at DESC, c.id DESC LIMIT ${q.limit}`,
        params,
      );
      return rows.map((r) => ({ mobile: String(r.mobile), name: r.name as string, fields: (typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields) as Record<string, FieldValue> }));
    },

    /** The account's contacts flagged block_send (or block_receive): few per account, read whole
     * through the partial index, so a million-recipient send pays one small query. */
    async flaggedMobiles(accountId: string, flag: 'send' | 'receive'): Promise<Set<string>> {
      const column = flag === 'send' ? 'block_send' : 'block_receive';
      const { rows } = await db.query(`SELECT DISTINCT mobile FROM phonebook_contacts WHERE account_id = $1 AND ${column} AND (block_send OR block_receive)`, [accountId]);
      return new Set(rows.map((r) => e164Of(r.mobile)));
    },
  };
}

export type PhonebookRepo = ReturnType<typeof phonebookRepo>;
