// SQL of line rentals: assignments with a paid-until date, and the once-per-period events of the
// daily run (reminders, suspension).
import type { Db } from '../../db/driver.ts';
import { toBigInt } from '../../db/driver.ts';

/** One rented assignment with what renewing it needs: the line's price and grace, the payer and its parent. */
export type Rental = {
  lineId: string;
  number: string;
  lineStatus: 'active' | 'disabled';
  price: bigint;
  graceDays: number;
  accountId: string;
  accountPath: string;
  parentId: string;
  paidUntil: Date;
};

const toRental = (r: Record<string, unknown>): Rental => ({
  lineId: r.line_id as string,
  number: r.number as string,
  lineStatus: r.status as Rental['lineStatus'],
  price: toBigInt(r.renewal_price),
  graceDays: Number(r.renewal_grace_days),
  accountId: r.account_id as string,
  accountPath: r.path as string,
  parentId: r.parent_id as string,
  paidUntil: new Date(r.paid_until as string),
});

const rentalSelect = `SELECT a.line_id, a.account_id, a.paid_until, l.number, l.status, l.renewal_price, l.renewal_grace_days, ac.path, ac.parent_id
  FROM line_assignments a JOIN lines l ON l.id = a.line_id JOIN accounts ac ON ac.id = a.account_id`;

export function rentalRepo(db: Db) {
  return {
    async setPaidUntil(lineId: string, accountId: string, paidUntil: Date): Promise<void> {
      await db.query('UPDATE line_assignments SET paid_until = $3 WHERE line_id = $1 AND account_id = $2', [lineId, accountId, paidUntil]);
    },
    /** The account's rented assignment of the line (null: not assigned); locked when renewing. */
    async find(lineId: string, accountId: string, opts: { forUpdate?: boolean } = {}): Promise<(Omit<Rental, 'paidUntil'> & { paidUntil: Date | null }) | null> {
      const { rows } = await db.query(`${rentalSelect} WHERE a.line_id = $1 AND a.account_id = $2${opts.forUpdate ? ' FOR UPDATE OF a' : ''}`, [lineId, accountId]);
      if (!rows[0]) return null;
      return { ...toRental(rows[0]), paidUntil: rows[0].paid_until ? new Date(rows[0].paid_until as string) : null };
    },
    /** Rented assignments of active lines paid until before `horizon` (due, in grace or lapsed). */
    async dueBefore(horizon: Date): Promise<Rental[]> {
      const { rows } = await db.query(`${rentalSelect} WHERE a.paid_until IS NOT NULL AND a.paid_until < $1 AND l.status = 'active' ORDER BY a.paid_until, a.line_id, a.account_id`, [horizon]);
      return rows.map(toRental);
    },
    /** True the first time an event is claimed for this paid period. */
    async claimEvent(r: { lineId: string; accountId: string; paidUntil: Date }, event: string, at: Date): Promise<boolean> {
      const res = await db.query(
        'INSERT INTO line_renewal_events (line_id, account_id, paid_until, event, at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING',
        [r.lineId, r.accountId, r.paidUntil, event, at],
      );
      return res.rowCount === 1;
    },
  };
}
