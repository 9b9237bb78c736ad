// An agency's term: one year from activation, reminders 30, 7 and 1 days before its end, then a
// grace period (the parent's setting, 15 days by default); after it the agency's admin features
// (creating users, changing settings) are refused while its users keep sending and nothing is
// deleted. Renewing (the renewal fee moves agency → parent) restores everything at once. Whether
// an agency is suspended is computed from the clock on every check, so it never waits for a job.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { toPersianDigits } from '../../lib/i18n.ts';
import { newId } from '../../lib/ids.ts';
import { groupDigits } from '../../lib/money.ts';
import { AppError } from '../../lib/app-error.ts';
import { jalaliDate } from '../../contracts/contract.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { BillingService } from '../billing/service.ts';
import type { BrandService } from '../brands/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import { agencyRepo, type Application, type Term } from './repo.ts';

const DAY = 86_400_000;
export const REMINDER_DAYS = [30, 7, 1] as const;
export const DEFAULT_GRACE_DAYS = 15;

export function addYears(at: Date, years: number): Date {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

export type AdminState = { state: 'active' | 'expiring' | 'grace' | 'suspended'; validUntil: string; graceUntil: string };

export function adminStateOf(term: Term, now: Date): AdminState {
  const end = term.validUntil.getTime();
  const graceUntil = end + term.graceDays * DAY;
  const t = now.getTime();
  const state = t >= graceUntil ? 'suspended' : t >= end ? 'grace' : t >= end - 30 * DAY ? 'expiring' : 'active';
  return { state, validUntil: term.validUntil.toISOString(), graceUntil: new Date(graceUntil).toISOString() };
}

export function createTermService(deps: { db: Db; clock: Clock; log: Logger; accounts: AccountService; brands: BrandService; billing: BillingService; audit: AuditService; notifications: NotificationService }) {
  const repo = agencyRepo(deps.db);
  const now = () => deps.clock.now();

  /** Activation, inside the application's transaction: agency kind, brand, default group, term. */
  async function grantAgency(tx: Db, a: Application, validUntil: Date): Promise<void> {
    const r = agencyRepo(tx);
    await deps.accounts.setKind(a.applicantId, 'agency', tx);
    const applicant = (await deps.accounts.findAccountForAuthIn(tx, a.applicantId))!;
    await deps.brands.ensureBrandFor({ ...applicant, displayName: a.businessName || applicant.displayName }, tx);
    await r.ensureDefaultGroup(a.applicantId, newId('grp'));
    await deps.accounts.setValidity(a.applicantId, validUntil, tx);
    const settings = await r.findSettings(a.parentId);
    await r.upsertTerm({ accountId: a.applicantId, parentId: a.parentId, applicationId: a.id, validUntil, renewalFee: a.renewalFee ?? settings?.renewalFee ?? 0n, graceDays: settings?.graceDays ?? DEFAULT_GRACE_DAYS, state: 'active' }, now());
  }

  async function adminState(accountId: string, db: Db = deps.db): Promise<AdminState | null> {
    const term = await agencyRepo(db).findTerm(accountId);
    return term ? adminStateOf(term, now()) : null;
  }

  // Creating users and changing settings stop once an agency is past its grace period.
  deps.accounts.addAdminGuard(async (db, caller) => {
    if (caller.kind !== 'agency') return;
    const s = await adminState(caller.id, db);
    if (s?.state === 'suspended') throw new AppError('AGENCY_ADMIN_SUSPENDED', { validUntil: s.validUntil, graceUntil: s.graceUntil });
  });

  async function getTerm(caller: Account, agencyId: string): Promise<Term & { admin: AdminState }> {
    await deps.accounts.getAccount(scopeOf(caller), agencyId);
    const term = await repo.findTerm(agencyId);
    if (!term) throw new AppError('NOT_FOUND');
    return { ...term, admin: adminStateOf(term, now()) };
  }

  /** The parent sets the renewal fee and grace period of one of its agencies. */
  async function setTerms(caller: Account, agencyId: string, t: { renewalFee?: bigint; graceDays?: number }) {
    const term = await getTerm(caller, agencyId);
    if (term.parentId !== caller.id) throw new AppError('FORBIDDEN');
    const { admin: _admin, ...plain } = term;
    await repo.upsertTerm({ ...plain, renewalFee: t.renewalFee ?? term.renewalFee, graceDays: t.graceDays ?? term.graceDays }, now());
    return getTerm(caller, agencyId);
  }

  /** The agency (or its parent on its behalf) renews: the fee moves agency → parent, one more year. */
  async function renew(caller: Account, agencyId: string, ip: string | null) {
    const term = await getTerm(caller, agencyId);
    if (caller.id !== agencyId && caller.id !== term.parentId) throw new AppError('FORBIDDEN');
    try {
      await deps.db.transaction(async (tx) => {
        const r = agencyRepo(tx);
        const t = (await r.findTerm(agencyId, { forUpdate: true }))!;
        if (t.renewalFee > 0n) {
          await deps.billing.postAdjustment(caller.id, { type: 'renewal', fromAccountId: agencyId, toAccountId: t.parentId, amount: t.renewalFee, params: { kind: 'agency', years: 1 }, idempotencyKey: `renewal:${agencyId}:${t.validUntil.toISOString()}`, reference: agencyId }, tx);
        }
        const base = t.validUntil.getTime() > now().getTime() ? t.validUntil : now();
        const validUntil = addYears(base, 1);
        await r.upsertTerm({ ...t, validUntil, state: 'renewed' }, now());
        await deps.accounts.setValidity(agencyId, validUntil, tx);
        const agency = (await deps.accounts.findAccountForAuthIn(tx, agencyId))!;
        await deps.audit.record({ actorId: caller.id, subject: agency, action: 'agency.renewed', ip, details: { from: t.validUntil.toISOString(), to: validUntil.toISOString(), fee: t.renewalFee.toString() } }, tx);
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INSUFFICIENT_CREDIT') throw err;
      const w = await deps.billing.getWallet(scopeOf(caller), agencyId);
      const missing = term.renewalFee - (w.balance + w.creditLimit);
      throw new AppError('INSUFFICIENT_CREDIT', { level: 'self', fee: term.renewalFee.toString(), missing: (missing > 0n ? missing : 0n).toString() });
    }
    return getTerm(caller, agencyId);
  }

  async function remind(term: Term, days: number): Promise<void> {
    const agency = await deps.accounts.findAccountForAuth(term.accountId);
    if (!agency) return;
    const { customerOf } = await deps.brands.brandsOf(agency);
    const brand = customerOf ?? (await deps.brands.getPlatformBrand());
    const lang = agency.locale;
    const text = await deps.notifications.render(brand.id, 'agency.renewal_reminder', lang, {
      brandName: lang === 'fa' ? brand.nameFa : brand.nameEn,
      supportPhone: brand.settings.supportPhone ?? '',
      signature: lang === 'fa' ? brand.nameFa : brand.nameEn,
      name: agency.displayName || agency.username,
      username: agency.username,
      days: lang === 'fa' ? toPersianDigits(days) : String(days),
      validUntil: lang === 'fa' ? jalaliDate(term.validUntil) : term.validUntil.toISOString().slice(0, 10),
      fee: lang === 'fa' ? toPersianDigits(groupDigits(term.renewalFee)) : groupDigits(term.renewalFee),
    });
    const common = { kind: 'agency.renewal_reminder', accountId: agency.id, brandId: brand.id, data: { days } };
    await deps.notifications.send({ ...common, channel: 'sms', recipient: agency.mobile, body: text.sms });
    if (agency.email) await deps.notifications.send({ ...common, channel: 'email', recipient: agency.email, subject: text.subject, body: text.body, fromName: lang === 'fa' ? brand.nameFa : brand.nameEn });
    await deps.notifications.send({ ...common, channel: 'panel', recipient: agency.id, subject: text.subject, body: text.sms });
  }

  /**
   * The daily job: the most urgent reminder due for each term (once per term end and lead time,
   * so a rerun or a late run sends nothing twice), and the states expiring → expired.
   */
  async function runDaily(): Promise<{ reminders: number; expired: number }> {
    const at = now();
    let reminders = 0;
    let expired = 0;
    for (const term of await repo.termsEndingBefore(new Date(at.getTime() + (REMINDER_DAYS[0] + 1) * DAY))) {
      const left = term.validUntil.getTime() - at.getTime();
      const due = [...REMINDER_DAYS].reverse().find((d) => left > 0 && left <= d * DAY);
      if (due !== undefined && (await repo.claimReminder(term.accountId, term.validUntil, due, at))) {
        await remind(term, due).catch((err: unknown) => deps.log.warn({ err, accountId: term.accountId }, 'renewal reminder not sent'));
        reminders++;
      }
      if (left <= 0 && term.state !== 'expired') {
        await deps.db.transaction(async (tx) => {
          await agencyRepo(tx).setTermState(term.accountId, 'expired', at);
          const agency = (await deps.accounts.findAccountForAuthIn(tx, term.accountId))!;
          await deps.audit.record({ actorId: null, subject: agency, action: 'agency.expired', details: { validUntil: term.validUntil.toISOString(), graceDays: term.graceDays } }, tx);
        });
        expired++;
      } else if (left > 0 && left <= REMINDER_DAYS[0] * DAY && (term.state === 'active' || term.state === 'renewed')) {
        await repo.setTermState(term.accountId, 'expiring', at);
      }
    }
    return { reminders, expired };
  }

  return { grantAgency, adminState, getTerm, setTerms, renew, runDaily };
}

export type TermService = ReturnType<typeof createTermService>;
