// The agency programme as a state machine (docs/agencies.md): a user applies, its parent (the
// platform, or an agency for a sub-agency) quotes a fee, the applicant pays (online or by bank
// deposit, through billing's top-ups), the parent activates (the fee moves applicant → parent in
// the ledger, the account becomes an agency for a year), the contract PDF is e-mailed, and the
// postal steps are recorded. Every transition is audited and announced to the applicant.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { BillingService } from '../billing/service.ts';
import type { TopupService } from '../billing/topups.ts';
import type { BrandService } from '../brands/service.ts';
import { isValidNationalCode, isValidNationalId, cleanDigits } from '../kyc/identity.ts';
import { sniffDocument, MAX_DOCUMENT_BYTES } from '../kyc/service.ts';
import type { Announcer } from './announce.ts';
import { agencyRepo, type Application, type ApplicationFields, type ApplicationPatch, type ApplicationStatus } from './repo.ts';
import { addYears, type TermService } from './validity.ts';

export type AgencyDeps = {
  db: Db;
  clock: Clock;
  log: Logger;
  accounts: AccountService;
  brands: BrandService;
  billing: BillingService;
  topups: TopupService;
  audit: AuditService;
  announce: Announcer;
  terms: TermService;
};

type Side = 'applicant' | 'parent';
type Move = { side: Side; from: readonly ApplicationStatus[]; to: ApplicationStatus | null };

/** Who may take each step, from which states, to which state (null: recorded, no change). */
export const moves = {
  submit: { side: 'applicant', from: ['draft'], to: 'submitted' },
  cancel: { side: 'applicant', from: ['draft', 'submitted', 'quoted', 'payment_declared'], to: 'cancelled' },
  declarePayment: { side: 'applicant', from: ['quoted'], to: 'payment_declared' },
  recordPosted: { side: 'applicant', from: ['contract_sent'], to: null },
  quote: { side: 'parent', from: ['submitted', 'quoted'], to: 'quoted' },
  reject: { side: 'parent', from: ['submitted', 'quoted', 'payment_declared'], to: 'rejected' },
  activate: { side: 'parent', from: ['quoted', 'payment_declared'], to: 'activated' },
  sendContract: { side: 'parent', from: ['activated', 'contract_sent'], to: 'contract_sent' },
  recordReceived: { side: 'parent', from: ['contract_sent'], to: 'contract_received' },
  recordCountersigned: { side: 'parent', from: ['contract_received'], to: 'countersigned' },
} as const satisfies Record<string, Move>;
export type MoveName = keyof typeof moves;

export type FieldsInput = Partial<ApplicationFields>;

function checkFields(f: FieldsInput): FieldsInput {
  const out: FieldsInput = { ...f };
  if (f.nationalNumber?.trim()) {
    const natural = (f.legalType ?? 'natural') === 'natural';
    if (natural && !isValidNationalCode(f.nationalNumber)) throw new AppError('INVALID_NATIONAL_CODE', { fields: [{ path: 'nationalNumber' }] });
    if (!natural && !isValidNationalId(f.nationalNumber)) throw new AppError('INVALID_NATIONAL_ID', { fields: [{ path: 'nationalNumber' }] });
    out.nationalNumber = cleanDigits(f.nationalNumber);
  }
  return out;
}

function missingFields(a: Application): string[] {
  const required: (keyof ApplicationFields)[] = ['businessName', 'nationalNumber', 'address', 'phone', 'email', 'plan'];
  return required.filter((k) => !String(a[k] ?? '').trim());
}

export function createAgencyService(deps: AgencyDeps) {
  const repo = agencyRepo(deps.db);
  const now = () => deps.clock.now();

  async function getApplication(scope: Scope, id: string, db: Db = deps.db, forUpdate = false): Promise<Application> {
    const a = await agencyRepo(db).findApplication(scope, id, { forUpdate });
    if (!a) throw new AppError('NOT_FOUND');
    return a;
  }

  /** A user with a parent applies; its parent will handle the application. */
  async function apply(caller: Account, fields: ApplicationFields, ip: string | null): Promise<Application> {
    if (caller.kind !== 'user' || !caller.parentId) throw new AppError('FORBIDDEN');
    const checked = checkFields(fields) as ApplicationFields;
    const id = newId('app');
    await deps.db.transaction(async (tx) => {
      await agencyRepo(tx).insertApplication({ id, applicantId: caller.id, applicantPath: caller.path, parentId: caller.parentId!, fields: checked, at: now() }).catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') throw new AppError('CONFLICT', { reason: 'an application is already open' });
        throw err;
      });
      await agencyRepo(tx).insertEvent({ applicationId: id, fromStatus: null, toStatus: 'draft', actorId: caller.id, reason: null, details: {}, at: now() });
      await deps.audit.record({ actorId: caller.id, subject: caller, action: 'agency.application_created', ip, details: { applicationId: id } }, tx);
    });
    return getApplication(scopeOf(caller), id);
  }

  async function updateDraft(caller: Account, id: string, fields: FieldsInput): Promise<Application> {
    const a = await getApplication(scopeOf(caller), id);
    if (a.applicantId !== caller.id) throw new AppError('FORBIDDEN');
    if (a.status !== 'draft') throw new AppError('APPLICATION_STATE', { status: a.status });
    await repo.patchApplication(id, checkFields({ legalType: a.legalType, ...fields }), now());
    return getApplication(scopeOf(caller), id);
  }

  async function addDocument(caller: Account, id: string, d: { kind: string; filename: string; data: Buffer }) {
    const a = await getApplication(scopeOf(caller), id);
    if (a.applicantId !== caller.id) throw new AppError('FORBIDDEN');
    if (a.status !== 'draft' && a.status !== 'submitted') throw new AppError('APPLICATION_STATE', { status: a.status });
    const contentType = sniffDocument(d.data);
    if (!contentType || d.data.byteLength > MAX_DOCUMENT_BYTES || d.data.byteLength === 0) throw new AppError('KYC_DOCUMENT_NOT_ALLOWED', { maxBytes: MAX_DOCUMENT_BYTES });
    const doc = {
      id: newId('agd'), applicationId: id, kind: d.kind, filename: d.filename.replace(/[\u0000-\u001f\u007f"/\\]/g, '').slice(-120) || 'document',
      contentType, size: d.data.byteLength, sha256: createHash('sha256').update(d.data).digest('hex'), createdAt: now(),
    };
    await repo.insertDocument({ ...doc, data: d.data });
    return doc;
  }

  /**
   * One step of the state machine, in one transaction: the caller must be a party (else 404),
   * on the right side (else 403), from an allowed state (else 409). `apply` adds the step's own
   * changes; the event and the audit entry commit with them; the applicant is told afterwards.
   */
  async function step(
    caller: Account,
    id: string,
    name: MoveName,
    o: { reason?: string | null; ip: string | null; details?: Record<string, unknown>; apply?: (tx: Db, a: Application) => Promise<ApplicationPatch | void> },
  ): Promise<Application> {
    const move: Move = moves[name];
    const result = await deps.db.transaction(async (tx) => {
      const a = await getApplication(scopeOf(caller), id, tx, true);
      const side: Side | null = a.parentId === caller.id ? 'parent' : a.applicantId === caller.id ? 'applicant' : null;
      if (side !== move.side) throw new AppError('FORBIDDEN');
      if (!move.from.includes(a.status)) throw new AppError('APPLICATION_STATE', { status: a.status });
      const patch = (await o.apply?.(tx, a)) ?? {};
      const to = move.to ?? a.status;
      const r = agencyRepo(tx);
      await r.patchApplication(id, { ...patch, status: to, ...(o.reason ? { reason: o.reason } : {}) }, now());
      await r.insertEvent({ applicationId: id, fromStatus: a.status, toStatus: to, actorId: caller.id, reason: o.reason ?? null, details: { step: name, ...o.details }, at: now() });
      const applicant = (await deps.accounts.findAccountForAuthIn(tx, a.applicantId))!;
      await deps.audit.record({ actorId: caller.id, subject: applicant, action: move.to ? 'agency.application_changed' : 'agency.contract_posted', ip: o.ip, details: { applicationId: id, step: name, from: a.status, to, reason: o.reason ?? null, ...o.details } }, tx);
      return { from: a.status, to };
    });
    const updated = await getApplication(scopeOf(caller), id);
    if (result.from !== result.to) await deps.announce.applicationChanged(updated).catch((err: unknown) => deps.log.warn({ err, applicationId: id }, 'application change not announced'));
    return updated;
  }

  async function submit(caller: Account, id: string, ip: string | null) {
    return step(caller, id, 'submit', {
      ip,
      apply: async (_tx, a) => {
        const missing = missingFields(a);
        if (missing.length) throw new AppError('APPLICATION_INCOMPLETE', { fields: missing.map((path) => ({ path })) });
      },
    });
  }

  async function quote(caller: Account, id: string, q: { fee: bigint; renewalFee?: bigint | null; note?: string | null }, ip: string | null) {
    if (q.fee < 0n || (q.renewalFee ?? 0n) < 0n) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'fee' }] });
    return step(caller, id, 'quote', { ip, reason: q.note ?? null, details: { fee: q.fee.toString() }, apply: async () => ({ fee: q.fee, renewalFee: q.renewalFee ?? null, quoteNote: q.note ?? null }) });
  }

  /** The applicant says how it paid: a bank deposit or an online payment to its parent. */
  async function declarePayment(caller: Account, id: string, p: { method: 'online' | 'deposit'; reference: string }, ip: string | null) {
    const scope = scopeOf(caller);
    const paid = p.method === 'deposit' ? await deps.topups.getDeposit(scope, p.reference) : await deps.topups.getPayment(scope, p.reference);
    const usable = p.method === 'deposit' ? (paid as { status: string }).status !== 'rejected' : (paid as { status: string }).status === 'verified';
    if ((paid as { payerId: string }).payerId !== caller.id || !usable) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'reference' }] });
    return step(caller, id, 'declarePayment', { ip, details: { method: p.method, reference: p.reference }, apply: async () => ({ paymentMethod: p.method, paymentReference: p.reference }) });
  }

  /** The fee moves applicant → parent; the account becomes an agency for one year. */
  async function activate(caller: Account, id: string, ip: string | null) {
    try {
      await step(caller, id, 'activate', {
        ip,
        apply: async (tx, a) => {
          if (a.fee === null) throw new AppError('APPLICATION_STATE', { status: a.status });
          let transactionId: string | null = null;
          if (a.fee > 0n) {
            const posted = await deps.billing.postAdjustment(caller.id, { type: 'agency_fee', fromAccountId: a.applicantId, toAccountId: a.parentId, amount: a.fee, idempotencyKey: `agency_fee:${a.id}`, reference: a.id }, tx);
            transactionId = posted.transaction.id;
          }
          const validUntil = addYears(now(), 1);
          await deps.terms.grantAgency(tx, a, validUntil);
          return { feeTransactionId: transactionId, activatedAt: now(), validUntil };
        },
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INSUFFICIENT_CREDIT') throw err;
      const a = await getApplication(scopeOf(caller), id);
      const w = await deps.billing.getWallet(scopeOf(caller), a.applicantId);
      const missing = a.fee! - (w.balance + w.creditLimit);
      // The parent approves; the money missing is the applicant's.
      throw new AppError('INSUFFICIENT_CREDIT', { level: 'applicant', fee: a.fee!.toString(), available: (w.balance + w.creditLimit).toString(), missing: (missing > 0n ? missing : 0n).toString() });
    }
    return sendContract(caller, id, ip);
  }

  /** Generates the contract PDF, stores it, e-mails it to the applicant (again on a resend). */
  async function sendContract(caller: Account, id: string, ip: string | null) {
    const a = await getApplication(scopeOf(caller), id);
    if (a.parentId !== caller.id) throw new AppError('FORBIDDEN');
    if (!moves.sendContract.from.includes(a.status as never)) throw new AppError('APPLICATION_STATE', { status: a.status });
    const contractNumber = a.contractNumber ?? `${a.id.slice(4, 12).toUpperCase()}`;
    const pdf = await deps.announce.contractPdf({ ...a, contractNumber });
    const mailed = await deps.announce.mailContract({ ...a, contractNumber }, pdf);
    return step(caller, id, 'sendContract', { ip, details: { emailed: mailed }, apply: async () => ({ contractNumber, contractPdf: pdf, contractSentAt: now() }) });
  }

  const date = (s: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s))) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'date' }] });
    return s;
  };

  return {
    apply,
    updateDraft,
    addDocument,
    submit,
    quote,
    declarePayment,
    activate,
    sendContract,
    getApplication,
    reject: (caller: Account, id: string, reason: string, ip: string | null) => step(caller, id, 'reject', { ip, reason }),
    cancel: (caller: Account, id: string, reason: string | null, ip: string | null) => step(caller, id, 'cancel', { ip, reason }),
    recordPosted: (caller: Account, id: string, p: { postedOn: string; trackingNumber: string }, ip: string | null) =>
      step(caller, id, 'recordPosted', { ip, details: { postedOn: date(p.postedOn), trackingNumber: p.trackingNumber }, apply: async () => ({ signedPostedOn: p.postedOn, signedTracking: p.trackingNumber }) }),
    recordReceived: (caller: Account, id: string, p: { receivedOn: string }, ip: string | null) =>
      step(caller, id, 'recordReceived', { ip, details: { receivedOn: date(p.receivedOn) }, apply: async () => ({ receivedOn: p.receivedOn }) }),
    recordCountersigned: (caller: Account, id: string, p: { postedOn: string; trackingNumber: string }, ip: string | null) =>
      step(caller, id, 'recordCountersigned', { ip, details: { postedOn: date(p.postedOn), trackingNumber: p.trackingNumber }, apply: async () => ({ countersignedOn: p.postedOn, countersignedTracking: p.trackingNumber }) }),
    list: (scope: Scope, f: Parameters<typeof repo.listApplications>[1]) => repo.listApplications(scope, f),
    queueCounts: (scope: Scope) => repo.countByStatus(scope),
    events: async (scope: Scope, id: string) => repo.events((await getApplication(scope, id)).id),
    documents: async (scope: Scope, id: string) => repo.documents((await getApplication(scope, id)).id),
    document: async (scope: Scope, id: string, docId: string) => (await repo.document((await getApplication(scope, id)).id, docId)) ?? Promise.reject(new AppError('NOT_FOUND')),
    contractPdf: async (scope: Scope, id: string) => (await repo.contractPdf(scope, id)) ?? Promise.reject(new AppError('NOT_FOUND')),
  };
}

export type AgencyService = ReturnType<typeof createAgencyService>;
