// Read-only views an agency has of its subtree, for user management: sent and received records,
// a user's active services and its requests. These read other modules' tables (messages, batches,
// inbox, lines, api_keys, sessions, deposits, kyc, tickets) and never write them; every query is
// limited to the caller's subtree by the materialised path.
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import { numberFragment } from '../../lib/phone.ts';
import type { Scope } from '../accounts/scope.ts';

export type RecordFilter = { accountId?: string; subtree: boolean; number?: string; text?: string; status?: string; from?: Date; to?: Date; limit: number; offset: number };

const iso = (v: unknown) => toDate(v)?.toISOString() ?? null;

/** Where clauses shared by sent and received searches; `path` is the table's account path column. */
function filters(scope: Scope, f: RecordFilter, cols: { path: string; account: string; number: string; text: string; at: string; status?: string }) {
  const where = [`starts_with(${cols.path}, $1)`];
  const params: unknown[] = [scope.path];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    where.push(sql(params.length));
  };
  // One account (with or without its own subtree), or the caller's whole subtree.
  if (f.accountId) add((n) => (f.subtree ? `starts_with(${cols.path}, (SELECT path FROM accounts WHERE id = $${n} AND starts_with(path, $1)))` : `${cols.account} = $${n}`), f.accountId);
  if (f.number) add((n) => `${cols.number} LIKE $${n}`, `%${numberFragment(f.number)}%`);
  if (f.text) add((n) => `${cols.text} ILIKE $${n}`, `%${f.text.replace(/[%_\\]/g, '')}%`);
  if (f.status && cols.status) add((n) => `${cols.status} = $${n}`, f.status);
  if (f.from) add((n) => `${cols.at} >= $${n}`, f.from);
  if (f.to) add((n) => `${cols.at} < $${n}`, f.to);
  return { where: where.join(' AND '), params };
}

/** A system SMS that carries a code or a password is neither shown nor searchable (batches.secret). */
const shownText = "CASE WHEN b.secret THEN '' ELSE b.body END";

export function recordsRepo(db: Db) {
  return {
    async sent(scope: Scope, f: RecordFilter) {
      const { where, params } = filters(scope, f, { path: 'b.account_path', account: 'm.account_id', number: 'm.recipient', text: shownText, at: 'm.created_at', status: 'm.status' });
      const total = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM outbox_messages m JOIN batches b ON b.id = m.batch_id WHERE ${where}`, params);
      const { rows } = await db.query(
        `SELECT m.id, m.batch_id, m.account_id, a.username, m.recipient, m.operator, m.status, m.parts, m.cost, ${shownText} AS body, b.message_class, l.number AS line, m.created_at, m.updated_at
         FROM outbox_messages m JOIN batches b ON b.id = m.batch_id JOIN accounts a ON a.id = m.account_id LEFT JOIN lines l ON l.id = b.line_id
         WHERE ${where} ORDER BY m.created_at DESC, m.id DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
        params,
      );
      return {
        total: Number(total.rows[0].n),
        items: rows.map((r) => ({
          id: String(r.id), batchId: r.batch_id as string, accountId: r.account_id as string, username: r.username as string, to: r.recipient as string, from: (r.line as string | null) ?? null,
          operator: r.operator as string, status: r.status as string, parts: Number(r.parts), cost: toBigInt(r.cost).toString(), text: r.body as string, class: r.message_class as string,
          createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
        })),
      };
    },

    async received(scope: Scope, f: RecordFilter) {
      const { where, params } = filters(scope, f, { path: 'i.account_path', account: 'i.account_id', number: 'i.sender', text: 'i.body', at: 'i.received_at' });
      const total = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM inbox i WHERE ${where}`, params);
      const { rows } = await db.query(
        `SELECT i.id, i.account_id, a.username, i.sender, i.recipient, i.body, i.parts, i.received_at FROM inbox i LEFT JOIN accounts a ON a.id = i.account_id
         WHERE ${where} ORDER BY i.received_at DESC, i.id LIMIT ${f.limit} OFFSET ${f.offset}`,
        params,
      );
      return {
        total: Number(total.rows[0].n),
        items: rows.map((r) => ({ id: r.id as string, accountId: (r.account_id as string | null) ?? null, username: (r.username as string | null) ?? null, from: r.sender as string, to: r.recipient as string, text: r.body as string, parts: Number(r.parts), receivedAt: iso(r.received_at)! })),
      };
    },

    async services(accountId: string) {
      const lines = await db.query(
        `SELECT l.number, l.line_type, la.can_send, la.can_receive, la.is_default FROM line_assignments la JOIN lines l ON l.id = la.line_id WHERE la.account_id = $1 ORDER BY l.number`,
        [accountId],
      );
      const keys = await db.query('SELECT id, name, key_prefix, created_at, last_used_at FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at', [accountId]);
      return {
        lines: lines.rows.map((r) => ({ number: r.number as string, lineType: r.line_type as string, canSend: Boolean(r.can_send), canReceive: Boolean(r.can_receive), isDefault: Boolean(r.is_default) })),
        apiKeys: keys.rows.map((r) => ({ id: r.id as string, name: r.name as string, keyPrefix: r.key_prefix as string, createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at) })),
      };
    },

    async requests(accountId: string) {
      const apps = await db.query('SELECT id, status, updated_at FROM agency_applications WHERE applicant_id = $1 ORDER BY created_at DESC', [accountId]);
      const deps = await db.query('SELECT id, status, amount, tracking_number, created_at FROM deposits WHERE payer_id = $1 ORDER BY created_at DESC LIMIT 50', [accountId]);
      const kyc = await db.query('SELECT status, submitted_at FROM kyc_profiles WHERE account_id = $1', [accountId]);
      const tickets = await db.query('SELECT id, subject, status, last_message_at FROM tickets WHERE opener_id = $1 ORDER BY last_message_at DESC LIMIT 50', [accountId]);
      return {
        applications: apps.rows.map((r) => ({ id: r.id as string, status: r.status as string, updatedAt: iso(r.updated_at)! })),
        deposits: deps.rows.map((r) => ({ id: r.id as string, status: r.status as string, amount: toBigInt(r.amount).toString(), trackingNumber: r.tracking_number as string, createdAt: iso(r.created_at)! })),
        kyc: kyc.rows[0] ? { status: kyc.rows[0].status as string, submittedAt: iso(kyc.rows[0].submitted_at) } : null,
        tickets: tickets.rows.map((r) => ({ id: r.id as string, subject: r.subject as string, status: r.status as string, lastMessageAt: iso(r.last_message_at)! })),
      };
    },

    /** Sessions opened by someone signing in as this account for support. */
    async impersonations(accountId: string) {
      const { rows } = await db.query(
        `SELECT s.created_at, s.expires_at, s.revoked_at FROM sessions s
         WHERE s.account_id = $1 AND s.impersonator_id IS NOT NULL ORDER BY s.created_at DESC LIMIT 100`,
        [accountId],
      );
      return rows.map((r) => ({ createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at)!, revokedAt: iso(r.revoked_at) }));
    },

    async revokeSessions(accountId: string, at: Date): Promise<void> {
      await db.query('UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, at]);
    },
  };
}
