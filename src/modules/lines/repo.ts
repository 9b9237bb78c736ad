import type { Db } from '../../db/driver.ts';
import { toBigInt } from '../../db/driver.ts';
import type { LineType, Line, UsableLine } from './types.ts';

const toLine = (r: Record<string, unknown>): Line => ({
  id: r.id as string,
  number: r.number as string,
  lineType: r.line_type as LineType,
  operators: r.operators as string[],
  canSend: Boolean(r.can_send),
  canReceive: Boolean(r.can_receive),
  ref16: Boolean(r.ref16),
  refundStatuses: r.refund_statuses as string[],
  renewalPrice: toBigInt(r.renewal_price),
  renewalGraceDays: Number(r.renewal_grace_days ?? 7),
  isShared: Boolean(r.is_shared),
  status: r.status as Line['status'],
});

const toUsable = (r: Record<string, unknown>): UsableLine => ({
  ...toLine(r),
  maySend: Boolean(r.can_send) && Boolean(r.a_send ?? r.is_shared),
  mayReceive: Boolean(r.can_receive) && Boolean(r.a_receive),
  isDefault: Boolean(r.is_default),
  paidUntil: r.paid_until ? new Date(r.paid_until as string) : null,
  chainPaidUntil: r.chain_paid_until ? new Date(r.chain_paid_until as string) : null,
});

export function lineRepo(db: Db) {
  return {
    async insert(l: Omit<Line, 'renewalGraceDays'> & { renewalGraceDays?: number }): Promise<Line> {
      const { rows } = await db.query(
        `INSERT INTO lines (id, number, line_type, operators, can_send, can_receive, ref16, refund_statuses, renewal_price, is_shared, renewal_grace_days)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING *`,
        [l.id, l.number, l.lineType, l.operators, l.canSend, l.canReceive, l.ref16, l.refundStatuses, l.renewalPrice, l.isShared, l.renewalGraceDays ?? 7],
      );
      return toLine(rows[0]);
    },
    async findById(id: string): Promise<Line | null> {
      const { rows } = await db.query('SELECT * FROM lines WHERE id = $1', [id]);
      return rows[0] ? toLine(rows[0]) : null;
    },
    async findByNumber(number: string): Promise<Line | null> {
      const { rows } = await db.query('SELECT * FROM lines WHERE number = $1', [number]);
      return rows[0] ? toLine(rows[0]) : null;
    },
    async listAll(): Promise<Line[]> {
      const { rows } = await db.query('SELECT * FROM lines ORDER BY created_at, number');
      return rows.map(toLine);
    },
    /** Lines assigned to the account, and shared lines. */
    async listUsable(accountId: string): Promise<UsableLine[]> {
      const { rows } = await db.query(
        `SELECT l.*, a.can_send AS a_send, a.can_receive AS a_receive, COALESCE(a.is_default, false) AS is_default, a.paid_until,
           (SELECT min(x.paid_until) FROM line_assignments x JOIN accounts ax ON ax.id = x.account_id
            WHERE x.line_id = l.id AND x.paid_until IS NOT NULL AND starts_with(me.path, ax.path)) AS chain_paid_until
         FROM lines l CROSS JOIN (SELECT path FROM accounts WHERE id = $1) me
         LEFT JOIN line_assignments a ON a.line_id = l.id AND a.account_id = $1
         WHERE l.status = 'active' AND (a.account_id IS NOT NULL OR l.is_shared)
         ORDER BY COALESCE(a.is_default, false) DESC, l.created_at`,
        [accountId],
      );
      return rows.map(toUsable);
    },
    /** True when the assignment is new (an existing one only gets the new rights). */
    async assign(a: { lineId: string; accountId: string; canSend: boolean; canReceive: boolean; assignedBy: string }): Promise<boolean> {
      const { rows } = await db.query(
        `INSERT INTO line_assignments (line_id, account_id, can_send, can_receive, assigned_by) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (line_id, account_id) DO UPDATE SET can_send = EXCLUDED.can_send, can_receive = EXCLUDED.can_receive
         RETURNING (xmax = 0) AS inserted`,
        [a.lineId, a.accountId, a.canSend, a.canReceive, a.assignedBy],
      );
      return Boolean(rows[0]?.inserted);
    },
    /** Removing a line from an account removes it from that account's whole subtree. */
    async unassignFromSubtree(lineId: string, subtreePath: string): Promise<number> {
      const r = await db.query(
        'DELETE FROM line_assignments WHERE line_id = $1 AND account_id IN (SELECT id FROM accounts WHERE starts_with(path, $2))',
        [lineId, subtreePath],
      );
      return r.rowCount;
    },
    async setDefault(accountId: string, lineId: string): Promise<void> {
      await db.query('UPDATE line_assignments SET is_default = false WHERE account_id = $1 AND is_default', [accountId]);
      await db.query('UPDATE line_assignments SET is_default = true WHERE account_id = $1 AND line_id = $2', [accountId, lineId]);
    },
    /** Who receives on a line: the deepest account it is assigned to with receive rights. */
    async findReceiver(lineId: string): Promise<{ accountId: string; path: string } | null> {
      const { rows } = await db.query(
        `SELECT ac.id, ac.path FROM line_assignments a JOIN accounts ac ON ac.id = a.account_id
         WHERE a.line_id = $1 AND a.can_receive ORDER BY ac.depth DESC LIMIT 1`,
        [lineId],
      );
      return rows[0] ? { accountId: rows[0].id as string, path: rows[0].path as string } : null;
    },
    async update(id: string, patch: Partial<Pick<Line, 'status' | 'refundStatuses' | 'renewalPrice' | 'renewalGraceDays' | 'operators' | 'canSend' | 'canReceive' | 'ref16' | 'isShared'>>): Promise<void> {
      await db.query(
        `UPDATE lines SET status = COALESCE($2, status), refund_statuses = COALESCE($3, refund_statuses),
           renewal_price = COALESCE($4, renewal_price), operators = COALESCE($5, operators), can_send = COALESCE($6, can_send),
           can_receive = COALESCE($7, can_receive), ref16 = COALESCE($8, ref16), is_shared = COALESCE($9, is_shared),
           renewal_grace_days = COALESCE($10, renewal_grace_days) WHERE id = $1`,
        [id, patch.status ?? null, patch.refundStatuses ?? null, patch.renewalPrice ?? null, patch.operators ?? null, patch.canSend ?? null,
          patch.canReceive ?? null, patch.ref16 ?? null, patch.isShared ?? null, patch.renewalGraceDays ?? null],
      );
    },
  };
}
