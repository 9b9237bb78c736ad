// SQL for top-ups: gateways, payments, bank accounts, deposit declarations, the VAT setting.
import type { Db, Row } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import { readFile, writeFile } from '../../db/files-repo.ts';
import type { GatewayKind, GatewaySettings } from '../../payments/gateway.ts';
import type { Scope } from '../accounts/scope.ts';

export type PaymentGateway = { id: string; ownerId: string; kind: GatewayKind; name: string; settings: GatewaySettings; enabled: boolean; createdAt: Date };
export type PaymentStatus = 'pending' | 'verifying' | 'verified' | 'failed';
export type Payment = {
  id: string; payerId: string; payeeId: string; gatewayId: string; amount: bigint; vat: bigint; total: bigint; status: PaymentStatus;
  authority: string | null; refId: string | null; cardPan: string | null; errorCode: string | null; transactionId: string | null; createdAt: Date; verifiedAt: Date | null;
};
export type BankAccount = { id: string; ownerId: string; bankName: string; holderName: string; iban: string; cardNumber: string | null; accountNo: string | null; enabled: boolean };
export type DepositStatus = 'pending' | 'approved' | 'rejected';
export type Deposit = {
  id: string; payerId: string; payeeId: string; bankAccountId: string | null; amount: bigint; vat: bigint; total: bigint; paidOn: string; trackingNumber: string;
  receiptType: string; status: DepositStatus; reason: string | null; decidedBy: string | null; decidedAt: Date | null; transactionId: string | null; createdAt: Date;
};

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

const toGateway = (r: Row): PaymentGateway => ({
  id: r.id as string, ownerId: r.owner_id as string, kind: r.kind as GatewayKind, name: r.name as string, settings: json(r.settings) as GatewaySettings,
  enabled: Boolean(r.enabled), createdAt: toDate(r.created_at)!,
});

const toPayment = (r: Row): Payment => ({
  id: r.id as string, payerId: r.payer_id as string, payeeId: r.payee_id as string, gatewayId: r.gateway_id as string, amount: toBigInt(r.amount),
  vat: toBigInt(r.vat), total: toBigInt(r.total), status: r.status as PaymentStatus, authority: (r.authority as string | null) ?? null,
  refId: (r.ref_id as string | null) ?? null, cardPan: (r.card_pan as string | null) ?? null, errorCode: (r.error_code as string | null) ?? null,
  transactionId: (r.transaction_id as string | null) ?? null, createdAt: toDate(r.created_at)!, verifiedAt: toDate(r.verified_at),
});

const toBank = (r: Row): BankAccount => ({
  id: r.id as string, ownerId: r.owner_id as string, bankName: r.bank_name as string, holderName: r.holder_name as string, iban: r.iban as string,
  cardNumber: (r.card_number as string | null) ?? null, accountNo: (r.account_no as string | null) ?? null, enabled: Boolean(r.enabled),
});

const depositColumns = `id, payer_id, payee_id, bank_account_id, amount, vat, total, paid_on::text AS paid_on, tracking_number, receipt_type, status, reason,
  decided_by, decided_at, transaction_id, created_at`;
const toDeposit = (r: Row): Deposit => ({
  id: r.id as string, payerId: r.payer_id as string, payeeId: r.payee_id as string, bankAccountId: (r.bank_account_id as string | null) ?? null,
  amount: toBigInt(r.amount), vat: toBigInt(r.vat), total: toBigInt(r.total), paidOn: r.paid_on as string, trackingNumber: r.tracking_number as string,
  receiptType: r.receipt_type as string, status: r.status as DepositStatus, reason: (r.reason as string | null) ?? null, decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: toDate(r.decided_at), transactionId: (r.transaction_id as string | null) ?? null, createdAt: toDate(r.created_at)!,
});

/** Whose records: the caller's own, or those its direct children sent it. */
export type Direction = 'mine' | 'received';

export function topupRepo(db: Db) {
  return {
    async vatBp(): Promise<number> {
      const { rows } = await db.query('SELECT vat_bp FROM billing_settings');
      return Number(rows[0]?.vat_bp ?? 1000);
    },
    async setVatBp(bp: number): Promise<void> {
      await db.query('UPDATE billing_settings SET vat_bp = $1, updated_at = now()', [bp]);
    },

    async insertGateway(g: Omit<PaymentGateway, 'createdAt'>): Promise<void> {
      await db.query('INSERT INTO payment_gateways (id, owner_id, kind, name, settings, enabled) VALUES ($1,$2,$3,$4,$5,$6)', [
        g.id, g.ownerId, g.kind, g.name, JSON.stringify(g.settings), g.enabled,
      ]);
    },
    async updateGateway(id: string, c: { name?: string; settings?: GatewaySettings; enabled?: boolean }): Promise<void> {
      await db.query(
        'UPDATE payment_gateways SET name = COALESCE($2, name), settings = COALESCE($3::jsonb, settings), enabled = COALESCE($4, enabled), updated_at = now() WHERE id = $1',
        [id, c.name ?? null, c.settings ? JSON.stringify(c.settings) : null, c.enabled ?? null],
      );
    },
    async deleteGateway(id: string): Promise<boolean> {
      const used = await db.query('SELECT 1 FROM payments WHERE gateway_id = $1 LIMIT 1', [id]);
      if (used.rowCount) return false;
      await db.query('DELETE FROM payment_gateways WHERE id = $1', [id]);
      return true;
    },
    /** The gateways an owner configured (its own when the scope is the owner's). */
    async listGateways(ownerId: string, onlyEnabled: boolean): Promise<PaymentGateway[]> {
      const { rows } = await db.query(`SELECT * FROM payment_gateways WHERE owner_id = $1 ${onlyEnabled ? 'AND enabled' : ''} ORDER BY created_at, id`, [ownerId]);
      return rows.map(toGateway);
    },
    /** Enabled gateways of one kind across every owner (the start-up check of the sandbox). */
    async countEnabledGateways(kind: string): Promise<number> {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM payment_gateways WHERE kind = $1 AND enabled', [kind]);
      return Number(rows[0].n);
    },
    async findGateway(id: string): Promise<PaymentGateway | null> {
      const { rows } = await db.query('SELECT * FROM payment_gateways WHERE id = $1', [id]);
      return rows[0] ? toGateway(rows[0]) : null;
    },

    async insertPayment(p: { id: string; payerId: string; payeeId: string; payerPath: string; gatewayId: string; amount: bigint; vat: bigint; total: bigint; at: Date }) {
      await db.query(
        'INSERT INTO payments (id, payer_id, payee_id, payer_path, gateway_id, amount, vat, total, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [p.id, p.payerId, p.payeeId, p.payerPath, p.gatewayId, p.amount.toString(), p.vat.toString(), p.total.toString(), p.at],
      );
    },
    /** The gateway refused to open the payment: nobody was sent to pay. */
    async failPayment(id: string, errorCode: string): Promise<void> {
      await db.query("UPDATE payments SET status = 'failed', error_code = $2 WHERE id = $1", [id, errorCode]);
    },
    async setPaymentAuthority(id: string, authority: string): Promise<void> {
      await db.query('UPDATE payments SET authority = $2 WHERE id = $1', [id, authority]);
    },
    /** Unscoped: the gateway's callback arrives without a session. */
    async findPaymentForCallback(id: string): Promise<Payment | null> {
      const { rows } = await db.query('SELECT * FROM payments WHERE id = $1', [id]);
      return rows[0] ? toPayment(rows[0]) : null;
    },
    /** pending → verifying, once, and only with the authority the gateway gave us. */
    async claimPayment(id: string, authority: string): Promise<Payment | null> {
      const { rows } = await db.query("UPDATE payments SET status = 'verifying' WHERE id = $1 AND authority = $2 AND status = 'pending' RETURNING *", [id, authority]);
      return rows[0] ? toPayment(rows[0]) : null;
    },
    async finishPayment(id: string, r: { status: 'verified' | 'failed' | 'pending'; refId?: string | null; cardPan?: string | null; errorCode?: string | null; at: Date }) {
      await db.query(
        `UPDATE payments SET status = $2, ref_id = COALESCE($3, ref_id), card_pan = COALESCE($4, card_pan), error_code = $5,
           verified_at = CASE WHEN $2 = 'verified' THEN $6::timestamptz ELSE verified_at END WHERE id = $1 AND status = 'verifying'`,
        [id, r.status, r.refId ?? null, r.cardPan ?? null, r.errorCode ?? null, r.at],
      );
    },
    async lockPayment(id: string): Promise<Payment | null> {
      const { rows } = await db.query('SELECT * FROM payments WHERE id = $1 FOR UPDATE', [id]);
      return rows[0] ? toPayment(rows[0]) : null;
    },
    async setPaymentTransaction(id: string, transactionId: string): Promise<void> {
      await db.query('UPDATE payments SET transaction_id = $2 WHERE id = $1', [id, transactionId]);
    },
    async findPayment(scope: Scope, id: string): Promise<Payment | null> {
      const { rows } = await db.query('SELECT * FROM payments WHERE id = $1 AND starts_with(payer_path, $2)', [id, scope.path]);
      return rows[0] ? toPayment(rows[0]) : null;
    },
    async listPayments(scope: Scope, direction: Direction, limit: number, offset: number): Promise<Payment[]> {
      const { rows } = await db.query(
        `SELECT * FROM payments WHERE ${direction === 'mine' ? 'payer_id' : 'payee_id'} = $1 ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
        [scope.accountId],
      );
      return rows.map(toPayment);
    },

    async insertBankAccount(b: BankAccount): Promise<void> {
      await db.query('INSERT INTO bank_accounts (id, owner_id, bank_name, holder_name, iban, card_number, account_no, enabled) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        b.id, b.ownerId, b.bankName, b.holderName, b.iban, b.cardNumber, b.accountNo, b.enabled,
      ]);
    },
    async listBankAccounts(ownerId: string, onlyEnabled: boolean): Promise<BankAccount[]> {
      const { rows } = await db.query(`SELECT * FROM bank_accounts WHERE owner_id = $1 ${onlyEnabled ? 'AND enabled' : ''} ORDER BY created_at, id`, [ownerId]);
      return rows.map(toBank);
    },
    async setBankAccountEnabled(scope: Scope, id: string, enabled: boolean): Promise<boolean> {
      const r = await db.query('UPDATE bank_accounts SET enabled = $3 WHERE id = $1 AND owner_id = $2', [id, scope.accountId, enabled]);
      return r.rowCount === 1;
    },

    async insertDeposit(d: Omit<Deposit, 'status' | 'reason' | 'decidedBy' | 'decidedAt' | 'transactionId' | 'createdAt'> & { payerPath: string; receipt: Uint8Array; at: Date }) {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO deposits (id, payer_id, payee_id, payer_path, bank_account_id, amount, vat, total, paid_on, tracking_number, receipt_type, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
          [d.id, d.payerId, d.payeeId, d.payerPath, d.bankAccountId, d.amount.toString(), d.vat.toString(), d.total.toString(), d.paidOn, d.trackingNumber, d.receiptType, d.at],
        );
        await writeFile(tx, `deposits/${d.id}`, d.receipt);
      });
    },
    async findDeposit(scope: Scope, id: string): Promise<Deposit | null> {
      const { rows } = await db.query(`SELECT ${depositColumns} FROM deposits WHERE id = $1 AND starts_with(payer_path, $2)`, [id, scope.path]);
      return rows[0] ? toDeposit(rows[0]) : null;
    },
    async receipt(scope: Scope, id: string): Promise<{ data: Uint8Array; type: string } | null> {
      const { rows } = await db.query('SELECT receipt_type FROM deposits WHERE id = $1 AND starts_with(payer_path, $2)', [id, scope.path]);
      return rows[0] ? { data: await readFile(db, `deposits/${id}`), type: rows[0].receipt_type as string } : null;
    },
    async listDeposits(scope: Scope, direction: Direction, limit: number, offset: number): Promise<Deposit[]> {
      const { rows } = await db.query(
        `SELECT ${depositColumns} FROM deposits WHERE ${direction === 'mine' ? 'payer_id' : 'payee_id'} = $1 ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
        [scope.accountId],
      );
      return rows.map(toDeposit);
    },
    /** A pending deposit sent to `payeeId`, locked for the decision. */
    async lockPendingDeposit(payeeId: string, id: string): Promise<Deposit | null> {
      const { rows } = await db.query(`SELECT ${depositColumns} FROM deposits WHERE id = $1 AND payee_id = $2 FOR UPDATE`, [id, payeeId]);
      return rows[0] ? toDeposit(rows[0]) : null;
    },
    async decideDeposit(id: string, d: { status: 'approved' | 'rejected'; reason: string | null; by: string; at: Date; transactionId: string | null }) {
      await db.query("UPDATE deposits SET status = $2, reason = $3, decided_by = $4, decided_at = $5, transaction_id = $6 WHERE id = $1 AND status = 'pending'", [
        id, d.status, d.reason, d.by, d.at, d.transactionId,
      ]);
    },
  };
}
