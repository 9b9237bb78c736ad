// The inbox, the parts of long inbound messages waiting for their siblings, and forwarding rules.
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';

export type InboxMessage = {
  id: string;
  lineId: string | null;
  accountId: string | null;
  sender: string;
  recipient: string;
  body: string;
  parts: number;
  cost: bigint;
  receivedAt: Date;
};

export type ForwardKind = 'url' | 'email' | 'sms';
export type ForwardingRule = { id: string; lineId: string; kind: ForwardKind; target: string; endpointId: string | null };

const toInbox = (r: Record<string, unknown>): InboxMessage => ({
  id: r.id as string,
  lineId: (r.line_id as string) ?? null,
  accountId: (r.account_id as string) ?? null,
  sender: r.sender as string,
  recipient: r.recipient as string,
  body: r.body as string,
  parts: Number(r.parts),
  cost: toBigInt(r.cost),
  receivedAt: toDate(r.received_at)!,
});

const toRule = (r: Record<string, unknown>): ForwardingRule => ({ id: r.id as string, lineId: r.line_id as string, kind: r.kind as ForwardKind, target: r.target as string, endpointId: (r.endpoint_id as string) ?? null });

type FragmentKey = { from: string; to: string; ref: number; total: number };

export function inboxRepo(db: Db) {
  return {
    /** Stores a part (a copy sent again is ignored) and returns every part of its message so far, in order, locked. */
    async addFragment(k: FragmentKey & { seq: number; text: string; receivedAt: Date }): Promise<string[]> {
      await db.query(
        `INSERT INTO inbound_fragments (sender, recipient, ref, total, seq, body, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT DO NOTHING`,
        [k.from, k.to, k.ref, k.total, k.seq, k.text, k.receivedAt],
      );
      const { rows } = await db.query(
        'SELECT seq, body FROM inbound_fragments WHERE sender = $1 AND recipient = $2 AND ref = $3 AND total = $4 ORDER BY seq FOR UPDATE',
        [k.from, k.to, k.ref, k.total],
      );
      return rows.map((r) => r.body as string);
    },

    async deleteFragments(k: FragmentKey): Promise<void> {
      await db.query('DELETE FROM inbound_fragments WHERE sender = $1 AND recipient = $2 AND ref = $3 AND total = $4', [k.from, k.to, k.ref, k.total]);
    },

    /** Removes and returns the parts of messages whose last part came before the cutoff. */
    async takeStaleFragments(cutoff: Date): Promise<{ from: string; to: string; ref: number; total: number; seq: number; body: string }[]> {
      const { rows } = await db.query(
        `DELETE FROM inbound_fragments WHERE (sender, recipient, ref, total) IN
           (SELECT sender, recipient, ref, total FROM inbound_fragments GROUP BY 1, 2, 3, 4 HAVING max(received_at) < $1)
         RETURNING sender, recipient, ref, total, seq, body`,
        [cutoff],
      );
      return rows.map((r) => ({ from: r.sender as string, to: r.recipient as string, ref: Number(r.ref), total: Number(r.total), seq: Number(r.seq), body: r.body as string }));
    },

    async insert(m: InboxMessage, accountPath: string | null): Promise<void> {
      await db.query(
        'INSERT INTO inbox (id, line_id, account_id, account_path, sender, recipient, body, parts, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [m.id, m.lineId, m.accountId, accountPath, m.sender, m.recipient, m.body, m.parts, m.receivedAt],
      );
    },

    async setCost(id: string, cost: bigint): Promise<void> {
      await db.query('UPDATE inbox SET cost = $2 WHERE id = $1', [id, cost]);
    },

    /** The subtree's inbox, newest first; q matches the text or the sender. */
    async list(scope: Scope, f: { q?: string; lineId?: string; limit: number; offset: number }): Promise<InboxMessage[]> {
      const params: unknown[] = [scope.path];
      let where = 'starts_with(account_path, $1)';
      if (f.q) {
        params.push(`%${f.q}%`);
        where += ` AND (body ILIKE $${params.length} OR sender LIKE $${params.length})`;
      }
      if (f.lineId) {
        params.push(f.lineId);
        where += ` AND line_id = $${params.length}`;
      }
      const { rows } = await db.query(`SELECT * FROM inbox WHERE ${where} ORDER BY received_at DESC, id LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`, params);
      return rows.map(toInbox);
    },

    async rulesFor(lineId: string, accountId: string): Promise<ForwardingRule[]> {
      const { rows } = await db.query('SELECT * FROM forwarding_rules WHERE line_id = $1 AND account_id = $2 ORDER BY created_at', [lineId, accountId]);
      return rows.map(toRule);
    },

    async insertRule(r: ForwardingRule & { accountId: string }): Promise<void> {
      await db.query('INSERT INTO forwarding_rules (id, line_id, account_id, kind, target, endpoint_id) VALUES ($1,$2,$3,$4,$5,$6)', [r.id, r.lineId, r.accountId, r.kind, r.target, r.endpointId]);
    },

    /** The deleted rule's webhook endpoint (url rules), undefined when there was no such rule. */
    async deleteRule(id: string, lineId: string, accountId: string): Promise<{ endpointId: string | null } | undefined> {
      const { rows } = await db.query('DELETE FROM forwarding_rules WHERE id = $1 AND line_id = $2 AND account_id = $3 RETURNING endpoint_id', [id, lineId, accountId]);
      return rows.length ? { endpointId: (rows[0].endpoint_id as string) ?? null } : undefined;
    },
  };
}
