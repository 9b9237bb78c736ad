// Top-ups: a payer pays its own parent (a user its agency, an agency its parent) online through
// one of the parent's gateways, or by bank deposit the parent approves. Either way the credit
// posts through the ledger from the parent's wallet, since the parent received the real money.
// The payer pays amount + VAT and is credited amount.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import { baseUrlAllowed, gatewayFor, type GatewayContext, type GatewayKind, type GatewaySettings } from '../../payments/gateway.ts';
import type { Outbound } from '../../lib/outbound.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import type { AuditService } from '../audit/service.ts';
import type { AccountService } from '../accounts/service.ts';
import { normaliseCardNumber, normaliseIban, sniffReceipt } from './bank-numbers.ts';
import type { LedgerParams } from './descriptions.ts';
import { addVat, splitVat } from './pricing.ts';
import { ledgerRepo, walletIdOf } from './repo.ts';
import type { BillingService } from './service.ts';
import { topupRepo, type Direction, type Payment } from './topups-repo.ts';

export const MAX_RECEIPT_BYTES = 5 * 1024 * 1024;
const MAX_TOPUP = 10n ** 14n;

export function createTopupService(deps: {
  db: Db; clock: Clock; log: Logger; accounts: AccountService; billing: BillingService; production: boolean; audit?: Pick<AuditService, 'record'>; outbound: Outbound;
  /** production only: the operator's explicit choice to let the sandbox take payments */
  allowSandbox?: boolean;
}) {
  const repo = topupRepo(deps.db);
  const now = () => deps.clock.now();
  // The sandbox verifies every payment it is asked about: in production it would credit money that
  // never arrived. An install first started in development keeps its sandbox enabled, so the rule
  // holds at payment time, not only when the gateway row is created.
  const sandboxRefused = (kind: GatewayKind) => kind === 'sandbox' && deps.production && !deps.allowSandbox;

  // The platform starts with the sandbox gateway, so a fresh installation can be tried end to
  // end; in production it starts switched off.
  deps.accounts.onAccountCreated(async (tx, account) => {
    if (account.kind !== 'platform') return;
    await topupRepo(tx).insertGateway({ id: newId('gtw'), ownerId: account.id, kind: 'sandbox', name: 'Sandbox', settings: {}, enabled: !deps.production });
  });

  /** Only the platform's own gateway, outside production, may point at a stand-in for its provider. */
  const customBaseUrl = (ownerKind: Account['kind'] | undefined) => ownerKind === 'platform' && !deps.production;
  async function contextFor(ownerId: string, publicBaseUrl: string): Promise<GatewayContext> {
    const owner = await deps.accounts.findAccountForAuth(ownerId);
    return { publicBaseUrl, outbound: deps.outbound, customBaseUrl: customBaseUrl(owner?.kind) };
  }

  async function assertGatewayUrl(caller: Account, kind: GatewayKind, baseUrl: string | undefined) {
    if (baseUrl === undefined) return;
    const fields = [{ path: 'settings.baseUrl' }];
    if (!baseUrlAllowed(kind, baseUrl, customBaseUrl(caller.kind))) throw new AppError('URL_NOT_ALLOWED', { reason: 'gateway_host', fields });
    const reason = await deps.outbound.refusalOnSave(baseUrl);
    if (reason) throw new AppError('URL_NOT_ALLOWED', { reason, fields });
  }

  /** At start: say whether enabled sandbox gateways exist in production, and what happens to them. */
  async function announceSandbox(): Promise<void> {
    if (!deps.production) return;
    const enabled = await repo.countEnabledGateways('sandbox');
    if (!enabled) return;
    if (deps.allowSandbox) deps.log.warn({ gateways: enabled }, 'sandbox payment gateway ALLOWED in production (CHAPAR_ALLOW_SANDBOX_GATEWAY=true): its payments credit money that was never paid');
    else deps.log.warn({ gateways: enabled }, 'sandbox payment gateway enabled in production: refused (payments through it fail and credit nothing); disable it, or set CHAPAR_ALLOW_SANDBOX_GATEWAY=true to allow it');
  }

  function payeeOf(caller: Account): string {
    if (!caller.parentId) throw new AppError('FORBIDDEN');
    return caller.parentId;
  }
  function requireOwner(caller: Account) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
  }

  /** The parent must be able to give the credit it is being paid for. */
  async function assertPayeeCanCredit(payeeId: string, amount: bigint, tx: Db = deps.db) {
    const w = (await ledgerRepo(tx).lockWallets([walletIdOf(payeeId)])).get(walletIdOf(payeeId))!;
    if (w.kind !== 'issuance' && w.balance - amount < -w.creditLimit) throw new AppError('INSUFFICIENT_CREDIT', { level: 'ancestor' });
  }

  async function creditPayer(tx: Db, r: { payerId: string; payeeId: string; amount: bigint; key: string; actorId: string | null; params: LedgerParams; reference: string }) {
    return deps.billing.postAdjustment(
      r.actorId,
      { type: 'topup', fromAccountId: r.payeeId, toAccountId: r.payerId, amount: r.amount, params: r.params, idempotencyKey: r.key, reference: r.reference },
      tx,
    );
  }

  async function topupOptions(caller: Account) {
    const payeeId = payeeOf(caller);
    const gateways = (await repo.listGateways(payeeId, true)).filter((g) => !sandboxRefused(g.kind));
    return { vatBp: await repo.vatBp(), gateways: gateways.map((g) => ({ id: g.id, kind: g.kind, name: g.name })), bankAccounts: await repo.listBankAccounts(payeeId, true) };
  }

  /** Creates a pending payment and asks the gateway for an authority; the payer is sent to redirectUrl. */
  async function startPayment(caller: Account, input: { gatewayId: string; amount: bigint }, publicBaseUrl: string) {
    const payeeId = payeeOf(caller);
    if (input.amount <= 0n || input.amount > MAX_TOPUP) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'amount' }] });
    const gw = await repo.findGateway(input.gatewayId);
    if (!gw || gw.ownerId !== payeeId || !gw.enabled) throw new AppError('NOT_FOUND');
    if (sandboxRefused(gw.kind)) throw new AppError('SANDBOX_GATEWAY_REFUSED');
    await assertPayeeCanCredit(payeeId, input.amount);
    const money = addVat(input.amount, await repo.vatBp());
    const id = newId('pay');
    await repo.insertPayment({ id, payerId: caller.id, payeeId, payerPath: caller.path, gatewayId: gw.id, ...money, at: now() });
    const gateway = gatewayFor(gw.kind, gw.settings, await contextFor(gw.ownerId, publicBaseUrl));
    const r = await gateway.request({ paymentId: id, amount: money.total, callbackUrl: `${publicBaseUrl}/pay/callback/${id}`, description: `Chapar top-up ${id}`, mobile: caller.mobile });
    if (!r.ok) {
      await repo.failPayment(id, r.code);
      throw new AppError('GATEWAY_UNAVAILABLE', { code: r.code });
    }
    await repo.setPaymentAuthority(id, r.authority);
    return { payment: (await repo.findPaymentForCallback(id))!, redirectUrl: r.redirectUrl };
  }

  /**
   * The gateway's callback. pending → verifying happens once and only with the authority the
   * gateway issued for this payment, so a replayed or forged callback changes nothing. The
   * gateway is asked outside any transaction; the credit posts once (ledger key per payment).
   */
  async function completePayment(paymentId: string, cb: { authority: string; status: 'OK' | 'NOK' }, publicBaseUrl: string): Promise<Payment | null> {
    const claimed = await repo.claimPayment(paymentId, cb.authority);
    if (!claimed) return repo.findPaymentForCallback(paymentId);
    const gw = (await repo.findGateway(claimed.gatewayId))!;
    const result = sandboxRefused(gw.kind) ? ({ ok: false, retryable: false, code: 'sandbox_refused' } as const) : cb.status === 'OK' ? await gatewayFor(gw.kind, gw.settings, await contextFor(gw.ownerId, publicBaseUrl)).verify({ amount: claimed.total, authority: cb.authority }) : ({ ok: false, retryable: false, code: 'cancelled_by_payer' } as const);
    if (!result.ok) {
      // Unreachable gateway: back to pending, so the payer's retry (or the gateway's) verifies later.
      await repo.finishPayment(paymentId, { status: result.retryable ? 'pending' : 'failed', errorCode: result.code, at: now() });
      return repo.findPaymentForCallback(paymentId);
    }
    await repo.finishPayment(paymentId, { status: 'verified', refId: result.refId, cardPan: result.cardPan, at: now() });
    await postPaymentCredit(paymentId).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      deps.log.warn({ paymentId, code: err.code }, 'payment verified but not credited: the payee lacks credit');
    });
    return repo.findPaymentForCallback(paymentId);
  }

  /** Posts a verified payment's credit (again safe: once per payment). The payee may retry it. */
  async function postPaymentCredit(paymentId: string, caller?: Account) {
    await deps.db.transaction(async (tx) => {
      const t = topupRepo(tx);
      const p = await t.lockPayment(paymentId);
      if (!p || (caller && p.payeeId !== caller.id)) throw new AppError('NOT_FOUND');
      if (p.status !== 'verified') throw new AppError('CONFLICT', { status: p.status });
      if (p.transactionId) return;
      const gateway = (await t.findGateway(p.gatewayId))?.kind ?? 'online';
      const params = { method: 'online', gateway, ...(p.refId ? { refId: p.refId } : {}) };
      const posted = await creditPayer(tx, { payerId: p.payerId, payeeId: p.payeeId, amount: p.amount, key: `payment:${p.id}`, actorId: null, params, reference: p.id });
      await t.setPaymentTransaction(p.id, posted.transaction.id);
    });
    await deps.billing.deliverLowCreditAlerts().catch(() => 0);
    return repo.findPaymentForCallback(paymentId);
  }

  async function getPayment(scope: Scope, id: string) {
    const p = await repo.findPayment(scope, id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  async function createGateway(caller: Account, g: { kind: GatewayKind; name: string; settings: GatewaySettings; enabled: boolean }) {
    requireOwner(caller);
    if (g.kind === 'zarinpal' && !g.settings.merchantId) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'settings.merchantId' }] });
    await assertGatewayUrl(caller, g.kind, g.settings.baseUrl);
    const id = newId('gtw');
    await repo.insertGateway({ id, ownerId: caller.id, ...g });
    return (await repo.findGateway(id))!;
  }

  async function ownGateway(caller: Account, id: string) {
    const g = await repo.findGateway(id);
    if (!g || g.ownerId !== caller.id) throw new AppError('NOT_FOUND');
    return g;
  }

  async function updateGateway(caller: Account, id: string, c: { name?: string; settings?: GatewaySettings; enabled?: boolean }) {
    const g = await ownGateway(caller, id);
    await assertGatewayUrl(caller, g.kind, c.settings?.baseUrl);
    await repo.updateGateway(id, { ...c, settings: c.settings ? { ...g.settings, ...c.settings } : undefined });
    return (await repo.findGateway(id))!;
  }

  async function deleteGateway(caller: Account, id: string) {
    await ownGateway(caller, id);
    if (!(await repo.deleteGateway(id))) throw new AppError('CONFLICT', { reason: 'gateway has payments; disable it instead' });
  }

  async function addBankAccount(caller: Account, b: { bankName: string; holderName: string; iban: string; cardNumber?: string | null; accountNo?: string | null }) {
    requireOwner(caller);
    const iban = normaliseIban(b.iban);
    if (!iban) throw new AppError('INVALID_IBAN', { fields: [{ path: 'iban' }] });
    const cardNumber = b.cardNumber ? normaliseCardNumber(b.cardNumber) : null;
    if (b.cardNumber && !cardNumber) throw new AppError('INVALID_CARD_NUMBER', { fields: [{ path: 'cardNumber' }] });
    const account = { id: newId('bnk'), ownerId: caller.id, bankName: b.bankName, holderName: b.holderName, iban, cardNumber, accountNo: b.accountNo ?? null, enabled: true };
    await repo.insertBankAccount(account);
    return account;
  }

  async function declareDeposit(caller: Account, d: { total: bigint; paidOn: string; trackingNumber: string; bankAccountId?: string | null; receipt: Uint8Array }) {
    const payeeId = payeeOf(caller);
    if (d.total <= 0n || d.total > MAX_TOPUP) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'amount' }] });
    const receiptType = sniffReceipt(d.receipt);
    if (!receiptType || d.receipt.byteLength > MAX_RECEIPT_BYTES) throw new AppError('RECEIPT_NOT_ALLOWED', { maxBytes: MAX_RECEIPT_BYTES });
    if (d.bankAccountId && !(await repo.listBankAccounts(payeeId, false)).some((b) => b.id === d.bankAccountId)) throw new AppError('NOT_FOUND');
    const id = newId('dep');
    const money = splitVat(d.total, await repo.vatBp());
    await repo.insertDeposit({
      id, payerId: caller.id, payeeId, payerPath: caller.path, bankAccountId: d.bankAccountId ?? null, ...money, paidOn: d.paidOn, trackingNumber: d.trackingNumber,
      receipt: d.receipt, receiptType, at: now(),
    });
    return (await repo.findDeposit(scopeOf(caller), id))!;
  }

  /** The parent decides once: approve posts the credit from its wallet, reject records why. */
  async function decideDeposit(caller: Account, id: string, decision: { approve: true } | { approve: false; reason: string }, ip?: string | null) {
    let payerId = '';
    await deps.db.transaction(async (tx) => {
      const t = topupRepo(tx);
      const d = await t.lockPendingDeposit(caller.id, id);
      if (!d) throw new AppError('NOT_FOUND');
      if (d.status !== 'pending') throw new AppError('CONFLICT', { status: d.status });
      payerId = d.payerId;
      let transactionId: string | null = null;
      if (decision.approve) {
        await assertPayeeCanCredit(caller.id, d.amount, tx);
        const posted = await creditPayer(tx, { payerId: d.payerId, payeeId: caller.id, amount: d.amount, key: `deposit:${d.id}`, actorId: caller.id, params: { method: 'deposit', trackingNumber: d.trackingNumber }, reference: d.id });
        transactionId = posted.transaction.id;
      }
      await t.decideDeposit(id, { status: decision.approve ? 'approved' : 'rejected', reason: decision.approve ? null : decision.reason, by: caller.id, at: now(), transactionId });
    });
    await deps.billing.deliverLowCreditAlerts().catch(() => 0);
    const payer = await deps.accounts.findAccountForAuth(payerId);
    const deposit = (await repo.findDeposit(scopeOf(caller), id))!;
    if (payer) {
      await deps.audit?.record({
        actorId: caller.id, subject: payer, action: decision.approve ? 'billing.deposit_approved' : 'billing.deposit_rejected', ip: ip ?? null,
        details: { depositId: id, amount: deposit.amount.toString(), ...(decision.approve ? {} : { reason: decision.reason }) },
      });
    }
    return deposit;
  }

  return {
    announceSandbox,
    topupOptions,
    startPayment,
    completePayment,
    postPaymentCredit: (caller: Account, id: string) => postPaymentCredit(id, caller),
    getPayment,
    findPaymentForPage: repo.findPaymentForCallback,
    listPayments: (scope: Scope, direction: Direction, limit: number, offset: number) => repo.listPayments(scope, direction, limit, offset),
    listGateways: (caller: Account) => repo.listGateways(caller.id, false),
    createGateway,
    updateGateway,
    deleteGateway,
    listBankAccounts: (caller: Account) => repo.listBankAccounts(caller.id, false),
    addBankAccount,
    setBankAccountEnabled: async (caller: Account, id: string, enabled: boolean) => {
      if (!(await repo.setBankAccountEnabled(scopeOf(caller), id, enabled))) throw new AppError('NOT_FOUND');
    },
    declareDeposit,
    decideDeposit,
    getDeposit: async (scope: Scope, id: string) => (await repo.findDeposit(scope, id)) ?? Promise.reject(new AppError('NOT_FOUND')),
    depositReceipt: async (scope: Scope, id: string) => (await repo.receipt(scope, id)) ?? Promise.reject(new AppError('NOT_FOUND')),
    listDeposits: (scope: Scope, direction: Direction, limit: number, offset: number) => repo.listDeposits(scope, direction, limit, offset),
    vatBp: () => repo.vatBp(),
    setVatBp: async (caller: Account, bp: number) => {
      if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
      await repo.setVatBp(bp);
    },
  };
}

export type TopupService = ReturnType<typeof createTopupService>;
