// SQL for wallets, the ledger and send reservations. Amounts go in as strings (both drivers
// accept them for int8) and come out as bigint.
import type { Db, Row } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { LedgerParams } from './descriptions.ts';

export type TransactionType = 'topup' | 'transfer' | 'send_reserve' | 'settle' | 'refund' | 'agency_fee' | 'renewal' | 'adjustment' | 'credit_backing';
/** available: spendable; held: open send reservations; backing: set aside for the credit limits granted to children. */
export type Bucket = 'available' | 'held' | 'backing';

export type Wallet = {
  id: string;
  accountId: string;
  kind: 'account' | 'issuance';
  balance: bigint;
  reserved: bigint;
  creditLimit: bigint;
  /** The account's own money set aside for the credit limits it granted its children (their sum). */
  backing: bigint;
  groupId: string | null;
  lowCreditThreshold: bigint | null;
  lowCreditAlerted: boolean;
};

export type LedgerTransaction = {
  id: string; type: TransactionType; idempotencyKey: string; actorId: string | null; note: string; params: LedgerParams | null; reference: string | null; createdAt: Date;
};
export type EntryRow = { walletId: string; bucket: Bucket; amount: bigint; balanceAfter: bigint };

/** An account on the way up from a sender: whom it pays and at which group's prices. */
export type ChainLink = { accountId: string; kind: string; parentId: string | null; depth: number; walletId: string; groupId: string | null };

export type ReservationLine = {
  reservationId: string; cell: number; level: number; payerWallet: string; payeeWallet: string;
  operator: string; lineType: string; messageClass: string; alphabet: string; parts: number;
  unitPrice: bigint; count: number; settled: number; released: number;
};

export const walletIdOf = (accountId: string) => `wal_${accountId.replace(/^acc_/, '')}`;

const walletColumns = 'w.id, w.account_id, w.kind, w.balance, w.reserved, w.credit_limit, w.backing, w.group_id, w.low_credit_threshold, w.low_credit_alerted';

function toWallet(r: Row): Wallet {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    kind: r.kind as Wallet['kind'],
    balance: toBigInt(r.balance),
    reserved: toBigInt(r.reserved),
    creditLimit: toBigInt(r.credit_limit),
    backing: toBigInt(r.backing),
    groupId: (r.group_id as string | null) ?? null,
    lowCreditThreshold: r.low_credit_threshold === null ? null : toBigInt(r.low_credit_threshold),
    lowCreditAlerted: Boolean(r.low_credit_alerted),
  };
}

function toTransaction(r: Row): LedgerTransaction {
  return {
    id: r.id as string, type: r.type as TransactionType, idempotencyKey: r.idempotency_key as string, actorId: (r.actor_id as string | null) ?? null,
    note: r.note as string, params: (r.params as LedgerParams | null) ?? null, reference: (r.reference as string | null) ?? null, createdAt: toDate(r.created_at)!,
  };
}

function toLine(r: Row): ReservationLine {
  return {
    reservationId: r.reservation_id as string, cell: Number(r.cell), level: Number(r.level), payerWallet: r.payer_wallet as string,
    payeeWallet: r.payee_wallet as string, operator: r.operator as string, lineType: r.line_type as string, messageClass: r.message_class as string,
    alphabet: r.alphabet as string, parts: Number(r.parts), unitPrice: toBigInt(r.unit_price), count: Number(r.count),
    settled: Number(r.settled), released: Number(r.released),
  };
}

export type StatementFilter = { type?: TransactionType; from?: Date; to?: Date; limit: number; offset: number };

export function ledgerRepo(db: Db) {
  return {
    async insertWallet(w: { accountId: string; kind: Wallet['kind']; groupId: string | null }): Promise<void> {
      await db.query('INSERT INTO wallets (id, account_id, kind, group_id) VALUES ($1,$2,$3,$4)', [walletIdOf(w.accountId), w.accountId, w.kind, w.groupId]);
    },

    /** A wallet of an account inside the scope (the scope's own included). */
    async findWallet(scope: Scope, accountId: string): Promise<Wallet | null> {
      const { rows } = await db.query(
        `SELECT ${walletColumns} FROM wallets w JOIN accounts a ON a.id = w.account_id WHERE w.account_id = $1 AND starts_with(a.path, $2)`,
        [accountId, scope.path],
      );
      return rows[0] ? toWallet(rows[0]) : null;
    },

    /** Row locks in id order: every writer takes them in the same order, so none deadlock. */
    async lockWallets(ids: string[]): Promise<Map<string, Wallet>> {
      const { rows } = await db.query(`SELECT ${walletColumns} FROM wallets w WHERE w.id = ANY($1) ORDER BY w.id FOR UPDATE`, [[...ids].sort()]);
      return new Map(rows.map((r) => [r.id as string, toWallet(r)]));
    },

    /** The sender and its ancestors, the sender first. */
    async chain(accountId: string): Promise<ChainLink[]> {
      const { rows } = await db.query(
        `SELECT a.id, a.kind, a.parent_id, a.depth, w.id AS wallet_id, w.group_id FROM accounts a JOIN wallets w ON w.account_id = a.id
         WHERE a.id = ANY(string_to_array(trim(both '/' from (SELECT path FROM accounts WHERE id = $1)), '/')) ORDER BY a.depth DESC`,
        [accountId],
      );
      return rows.map((r) => ({
        accountId: r.id as string, kind: r.kind as string, parentId: (r.parent_id as string | null) ?? null, depth: Number(r.depth),
        walletId: r.wallet_id as string, groupId: (r.group_id as string | null) ?? null,
      }));
    },

    /** null when the key is taken: the caller returns the transaction that holds it. */
    async insertTransaction(t: { id: string; type: TransactionType; idempotencyKey: string; actorId: string | null; note: string; params: LedgerParams; reference: string | null; at: Date }) {
      const { rows } = await db.query(
        `INSERT INTO ledger_transactions (id, type, idempotency_key, actor_id, note, params, reference, created_at) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
        [t.id, t.type, t.idempotencyKey, t.actorId, t.note, JSON.stringify(t.params), t.reference, t.at],
      );
      return rows[0] ? toTransaction(rows[0]) : null;
    },

    async findTransactionByKey(key: string): Promise<LedgerTransaction | null> {
      const { rows } = await db.query('SELECT * FROM ledger_transactions WHERE idempotency_key = $1', [key]);
      return rows[0] ? toTransaction(rows[0]) : null;
    },

    async entriesOf(transactionId: string): Promise<EntryRow[]> {
      const { rows } = await db.query('SELECT wallet_id, bucket, amount, balance_after FROM ledger_entries WHERE transaction_id = $1 ORDER BY id', [transactionId]);
      return rows.map((r) => ({ walletId: r.wallet_id as string, bucket: r.bucket as Bucket, amount: toBigInt(r.amount), balanceAfter: toBigInt(r.balance_after) }));
    },

    /** New transactions whose keys are fresh (group commit); returns how many were inserted. */
    async insertTransactions(ts: { id: string; type: TransactionType; idempotencyKey: string; actorId: string | null; note: string; params: LedgerParams; reference: string | null; at: Date }[]): Promise<number> {
      const r = await db.query(
        `INSERT INTO ledger_transactions (id, type, idempotency_key, actor_id, note, params, reference, created_at)
         SELECT id, type, key, actor, note, params::jsonb, ref, at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS t(id, type, key, actor, note, params, ref, at)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [ts.map((t) => t.id), ts.map((t) => t.type), ts.map((t) => t.idempotencyKey), ts.map((t) => t.actorId), ts.map((t) => t.note), ts.map((t) => JSON.stringify(t.params)), ts.map((t) => t.reference), ts.map((t) => t.at)],
      );
      return r.rowCount;
    },

    /** The entries of one or more transactions, each transaction's in leg order. */
    async insertEntries(of: { transactionId: string; entries: EntryRow[] }[], at: Date): Promise<void> {
      const rows = of.flatMap((t) => t.entries.map((e) => ({ ...e, transactionId: t.transactionId })));
      if (!rows.length) return;
      await db.query(
        `INSERT INTO ledger_entries (transaction_id, wallet_id, bucket, amount, balance_after, created_at)
         SELECT e.t, e.w, e.b, e.a, e.after, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[]) WITH ORDINALITY AS e(t, w, b, a, after, n) ORDER BY e.n`,
        [rows.map((e) => e.transactionId), rows.map((e) => e.walletId), rows.map((e) => e.bucket), rows.map((e) => e.amount.toString()), rows.map((e) => e.balanceAfter.toString()), at],
      );
    },

    async writeWallets(ws: Wallet[], at: Date): Promise<void> {
      if (!ws.length) return;
      await db.query(
        `UPDATE wallets w SET balance = d.balance, reserved = d.reserved, backing = d.backing, low_credit_alerted = d.alerted, updated_at = $5
         FROM unnest($1::text[], $2::int8[], $3::int8[], $4::boolean[], $6::int8[]) AS d(id, balance, reserved, alerted, backing) WHERE w.id = d.id`,
        [ws.map((w) => w.id), ws.map((w) => w.balance.toString()), ws.map((w) => w.reserved.toString()), ws.map((w) => w.lowCreditAlerted), at, ws.map((w) => w.backing.toString())],
      );
    },

    async setCreditLimit(walletId: string, limit: bigint): Promise<void> {
      await db.query('UPDATE wallets SET credit_limit = $2, updated_at = now() WHERE id = $1', [walletId, limit.toString()]);
    },

    /** The credit limits of the account's children, summed: what its backing must hold. */
    async grantedCredit(accountId: string): Promise<bigint> {
      const { rows } = await db.query('SELECT coalesce(sum(w.credit_limit), 0)::int8 AS s FROM accounts c JOIN wallets w ON w.account_id = c.id WHERE c.parent_id = $1', [accountId]);
      return toBigInt(rows[0].s);
    },

    async setGroup(walletId: string, groupId: string): Promise<void> {
      await db.query('UPDATE wallets SET group_id = $2, updated_at = now() WHERE id = $1', [walletId, groupId]);
    },

    async setLowCreditThreshold(walletId: string, threshold: bigint | null, alerted: boolean): Promise<void> {
      await db.query('UPDATE wallets SET low_credit_threshold = $2, low_credit_alerted = $3, updated_at = now() WHERE id = $1', [walletId, threshold?.toString() ?? null, alerted]);
    },

    /**
     * The wallet's transactions, newest first: its net change per bucket and the balance after, and
     * `party`, the deepest other account of the transaction inside the scope (the child credited,
     * the user who sent); null when the other side is above the reader, whose name it need not see.
     */
    async statement(scope: Scope, f: StatementFilter) {
      const where = ['e.wallet_id = $1'];
      const params: unknown[] = [walletIdOf(scope.accountId)];
      const add = (cond: string, v: unknown) => {
        params.push(v);
        where.push(cond.replace('?', `$${params.length}`));
      };
      if (f.type) add('t.type = ?', f.type);
      if (f.from) add('t.created_at >= ?', f.from);
      if (f.to) add('t.created_at < ?', f.to);
      const w = where.join(' AND ');
      const from = `FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE ${w}`;
      const total = await db.query<{ n: bigint }>(`SELECT count(DISTINCT t.id)::int8 AS n ${from}`, params);
      const { rows } = await db.query(
        `SELECT t.id, t.type, t.note, t.params, t.idempotency_key, t.reference, t.created_at,
           (SELECT a.username FROM ledger_entries pe JOIN wallets pw ON pw.id = pe.wallet_id JOIN accounts a ON a.id = pw.account_id
             WHERE pe.transaction_id = t.id AND pe.wallet_id <> $1 AND starts_with(a.path, $${params.length + 1}) ORDER BY a.depth DESC LIMIT 1) AS party,
           coalesce(sum(e.amount) FILTER (WHERE e.bucket = 'available'), 0)::int8 AS amount,
           coalesce(sum(e.amount) FILTER (WHERE e.bucket = 'held'), 0)::int8 AS reserved_change,
           (array_agg(e.balance_after ORDER BY e.id DESC) FILTER (WHERE e.bucket = 'available'))[1] AS balance_after,
           (array_agg(e.balance_after ORDER BY e.id DESC) FILTER (WHERE e.bucket = 'held'))[1] AS reserved_after
         ${from} GROUP BY t.id ORDER BY t.created_at DESC, max(e.id) DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
        [...params, scope.path],
      );
      return {
        total: Number(total.rows[0].n),
        items: rows.map((r) => ({
          id: r.id as string, type: r.type as TransactionType, note: r.note as string, reference: (r.reference as string | null) ?? null,
          params: (r.params as LedgerParams | null) ?? null, idempotencyKey: r.idempotency_key as string, party: (r.party as string | null) ?? null,
          createdAt: toDate(r.created_at)!, amount: toBigInt(r.amount), reservedChange: toBigInt(r.reserved_change),
          balanceAfter: r.balance_after === null ? null : toBigInt(r.balance_after), reservedAfter: r.reserved_after === null ? null : toBigInt(r.reserved_after),
        })),
      };
    },

    /**
     * Wallets whose stored balance, reserved amount or backing differs from their entries and open
     * reservations; transactions that do not sum to zero; and agencies whose backing is not the sum
     * of the credit limits they granted (credit that could be spent without having entered the tree).
     */
    async reconcile() {
      const { rows } = await db.query(
        `SELECT w.id, w.account_id, w.balance, w.reserved, w.backing, coalesce(e.available, 0)::int8 AS ledger_balance, coalesce(e.held, 0)::int8 AS ledger_reserved,
           coalesce(e.backing, 0)::int8 AS ledger_backing, coalesce(o.open, 0)::int8 AS open_reserved
         FROM wallets w
         LEFT JOIN (SELECT wallet_id, sum(amount) FILTER (WHERE bucket = 'available') AS available, sum(amount) FILTER (WHERE bucket = 'held') AS held,
                      sum(amount) FILTER (WHERE bucket = 'backing') AS backing
                    FROM ledger_entries GROUP BY wallet_id) e ON e.wallet_id = w.id
         LEFT JOIN (SELECT payer_wallet, sum(unit_price * (count - settled - released)) AS open FROM reservation_lines GROUP BY payer_wallet) o ON o.payer_wallet = w.id
         WHERE w.balance <> coalesce(e.available, 0) OR w.reserved <> coalesce(e.held, 0) OR w.reserved <> coalesce(o.open, 0) OR w.backing <> coalesce(e.backing, 0)
         ORDER BY w.id`,
      );
      const unbalanced = await db.query('SELECT transaction_id, sum(amount)::text AS total FROM ledger_entries GROUP BY transaction_id HAVING sum(amount) <> 0');
      const unbacked = await db.query(
        `SELECT w.account_id, w.backing, coalesce(g.granted, 0)::int8 AS granted FROM wallets w
         LEFT JOIN (SELECT c.parent_id, sum(cw.credit_limit) AS granted FROM accounts c JOIN wallets cw ON cw.account_id = c.id GROUP BY c.parent_id) g ON g.parent_id = w.account_id
         WHERE w.kind = 'account' AND w.backing <> coalesce(g.granted, 0) ORDER BY w.account_id`,
      );
      return {
        wallets: rows.map((r) => ({
          walletId: r.id as string, accountId: r.account_id as string, balance: toBigInt(r.balance), ledgerBalance: toBigInt(r.ledger_balance),
          reserved: toBigInt(r.reserved), ledgerReserved: toBigInt(r.ledger_reserved), openReservations: toBigInt(r.open_reserved),
          backing: toBigInt(r.backing), ledgerBacking: toBigInt(r.ledger_backing),
        })),
        unbalancedTransactions: unbalanced.rows.map((r) => ({ transactionId: r.transaction_id as string, total: BigInt(r.total as string) })),
        unbackedCredit: unbacked.rows.map((r) => ({ accountId: r.account_id as string, backing: toBigInt(r.backing), granted: toBigInt(r.granted) })),
      };
    },

    /** Reservations and their lines (each line names its reservation). */
    async insertReservations(rs: { id: string; accountId: string; idempotencyKey: string; transactionId: string; total: bigint; at: Date }[], lines: ReservationLine[]) {
      await db.query(
        `INSERT INTO reservations (id, account_id, idempotency_key, transaction_id, total, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::timestamptz[])`,
        [rs.map((r) => r.id), rs.map((r) => r.accountId), rs.map((r) => r.idempotencyKey), rs.map((r) => r.transactionId), rs.map((r) => r.total.toString()), rs.map((r) => r.at)],
      );
      if (!lines.length) return;
      const col = <K extends keyof ReservationLine>(k: K) => lines.map((l) => (typeof l[k] === 'bigint' ? l[k].toString() : l[k]));
      await db.query(
        `INSERT INTO reservation_lines (reservation_id, cell, level, payer_wallet, payee_wallet, operator, line_type, message_class, alphabet, parts, unit_price, count)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int8[], $12::int[])`,
        [col('reservationId'), col('cell'), col('level'), col('payerWallet'), col('payeeWallet'), col('operator'), col('lineType'), col('messageClass'), col('alphabet'), col('parts'), col('unitPrice'), col('count')],
      );
    },

    /** Reservations with messages not yet settled or released (a gauge for /metrics). */
    async countOpenReservations(): Promise<number> {
      const { rows } = await db.query('SELECT count(DISTINCT reservation_id)::int8 AS n FROM reservation_lines WHERE settled + released < count');
      return Number(rows[0].n);
    },

    async findReservationByKey(key: string): Promise<{ id: string; total: bigint } | null> {
      const { rows } = await db.query('SELECT id, total FROM reservations WHERE idempotency_key = $1', [key]);
      return rows[0] ? { id: rows[0].id as string, total: toBigInt(rows[0].total) } : null;
    },

    async reservationLines(reservationId: string, lock: boolean): Promise<ReservationLine[]> {
      const { rows } = await db.query(`SELECT * FROM reservation_lines WHERE reservation_id = $1 ORDER BY cell, level${lock ? ' FOR UPDATE' : ''}`, [reservationId]);
      return rows.map(toLine);
    },

    /** The lines of several reservations, in the order lockForClosing locks them. */
    async reservationExists(id: string): Promise<boolean> {
      const { rows } = await db.query('SELECT 1 FROM reservations WHERE id = $1', [id]);
      return rows.length > 0;
    },

    async reservationLinesOf(reservationIds: string[], lock: boolean): Promise<ReservationLine[]> {
      const { rows } = await db.query(
        `SELECT * FROM reservation_lines WHERE reservation_id = ANY($1) ORDER BY reservation_id, cell, level${lock ? ' FOR UPDATE' : ''}`,
        [[...reservationIds].sort()],
      );
      return rows.map(toLine);
    },

    /** One change per (reservation, cell): an UPDATE … FROM applies only one of two rows that match the same line. */
    async addLineCountsOf(changes: { reservationId: string; cell: number; settled: number; released: number }[]): Promise<void> {
      if (!changes.length) return;
      await db.query(
        `UPDATE reservation_lines l SET settled = l.settled + d.s, released = l.released + d.r
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS d(rid, cell, s, r) WHERE l.reservation_id = d.rid AND l.cell = d.cell`,
        [changes.map((c) => c.reservationId), changes.map((c) => c.cell), changes.map((c) => c.settled), changes.map((c) => c.released)],
      );
    },

    async addLineCounts(reservationId: string, changes: { cell: number; settled: number; released: number }[]): Promise<void> {
      await db.query(
        `UPDATE reservation_lines l SET settled = l.settled + d.s, released = l.released + d.r
         FROM unnest($2::int[], $3::int[], $4::int[]) AS d(cell, s, r) WHERE l.reservation_id = $1 AND l.cell = d.cell`,
        [reservationId, changes.map((c) => c.cell), changes.map((c) => c.settled), changes.map((c) => c.released)],
      );
    },

    async insertLowCreditAlerts(alerts: { accountId: string; balance: bigint; threshold: bigint }[], at: Date): Promise<void> {
      if (!alerts.length) return;
      await db.query(
        'INSERT INTO low_credit_alerts (account_id, balance, threshold, created_at) SELECT a, b, t, $4 FROM unnest($1::text[], $2::int8[], $3::int8[]) AS x(a, b, t)',
        [alerts.map((a) => a.accountId), alerts.map((a) => a.balance.toString()), alerts.map((a) => a.threshold.toString()), at],
      );
    },

    /** Claims unsent alerts (SKIP LOCKED: two senders never send one twice). */
    async claimLowCreditAlerts(limit: number, at: Date) {
      const { rows } = await db.query(
        `UPDATE low_credit_alerts l SET sent_at = $2 FROM accounts a
         WHERE l.id IN (SELECT id FROM low_credit_alerts WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) AND a.id = l.account_id
         RETURNING l.account_id, l.balance, l.threshold, a.mobile, a.locale`,
        [limit, at],
      );
      return rows.map((r) => ({ accountId: r.account_id as string, balance: toBigInt(r.balance), threshold: toBigInt(r.threshold), mobile: r.mobile as string, locale: r.locale as 'fa' | 'en' }));
    },
  };
}

export type LedgerRepo = ReturnType<typeof ledgerRepo>;
