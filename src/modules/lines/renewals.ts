// Dedicated lines are rented by the year, the way Iranian panels sell them. Assigning a priced,
// non-shared line charges the assignee its first year (paid to the assigner, its parent: each
// level of the tree pays its own parent for its own assignment, so nobody pays twice for a year);
// short of credit, nothing is assigned. The daily run reminds 30, 7 and 1 days before the
// paid-until date, renews from credit on the due date (once per line, account and period: the
// period's start is in the ledger key and the row is locked), and after the line's grace period
// records the suspension — the send refusal itself is computed from the clock (lines/service.ts).
// Renewing by hand restores sending at once; nothing is ever deleted.
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
import type { LineService } from './service.ts';
import { addYears, REMINDER_DAYS, renewalStateOf } from './renewal-state.ts';
import { rentalRepo, type Rental } from './renewals-repo.ts';

const DAY = 86_400_000;

export type Renewed = { lineId: string; accountId: string; paidUntil: Date; charged: bigint; transactionId: string | null };

export function createLineRenewalService(deps: {
  db: Db; clock: Clock; log: Logger; lines: LineService; accounts: AccountService; billing: BillingService; audit: AuditService; notifications: NotificationService; brands: BrandService;
}) {
  const now = () => deps.clock.now();
  const deliverAlerts = () => deps.billing.deliverLowCreditAlerts().catch((err: unknown) => deps.log.warn({ err }, 'low-credit alerts not delivered'));

  // The first year, in the assignment's transaction: INSUFFICIENT_CREDIT rolls the assignment back.
  deps.lines.onAssigned(async (tx, { line, child, assigner }) => {
    if (line.isShared || line.lineType === 'public' || line.renewalPrice <= 0n || child.kind === 'platform') return { charged: 0n, paidUntil: null };
    const paidUntil = addYears(now(), 1);
    const posted = await deps.billing.chargeFee(tx, {
      actorId: assigner.id, type: 'renewal', fromAccountId: child.id, toAccountId: assigner.id, amount: line.renewalPrice,
      params: { kind: 'line', line: line.number, first: true }, idempotencyKey: `line-rent:${line.id}:${child.id}:${newId('tx')}`, reference: line.id,
    });
    await rentalRepo(tx).setPaidUntil(line.id, child.id, paidUntil);
    await deps.audit.record({
      actorId: assigner.id, subject: child, action: 'line.assigned',
      details: { lineId: line.id, number: line.number, price: line.renewalPrice.toString(), paidUntil: paidUntil.toISOString(), transactionId: posted.transaction.id },
    }, tx);
    return { charged: line.renewalPrice, paidUntil };
  });

  /**
   * One more year for one assignment, paid by the assignee to its parent. Within the grace period
   * the year runs on from the old date (the anniversary is kept); after it, from today. `auto`:
   * the daily run — only on or after the due date and within grace, and only if nobody renewed
   * since it looked (`expected`).
   */
  async function renewOne(lineId: string, accountId: string, actorId: string | null, o: { auto: boolean; expected?: Date; ip?: string | null }): Promise<Renewed | null> {
    return deps.db.transaction(async (tx) => {
      const r = rentalRepo(tx);
      const a = await r.find(lineId, accountId, { forUpdate: true });
      if (!a) throw new AppError('NOT_FOUND');
      if (!a.paidUntil) throw new AppError('LINE_NOT_RENEWABLE', { reason: 'no_renewal' });
      if (o.expected && a.paidUntil.getTime() !== o.expected.getTime()) return null;
      const at = now();
      const state = renewalStateOf(a.paidUntil, a.graceDays, at);
      if (o.auto && state !== 'grace') return null;
      if (state === 'active') throw new AppError('LINE_NOT_RENEWABLE', { reason: 'not_due', paidUntil: a.paidUntil.toISOString() });
      const next = addYears(state === 'suspended' ? at : a.paidUntil, 1);
      let transactionId: string | null = null;
      if (a.price > 0n) {
        const posted = await deps.billing.chargeFee(tx, {
          actorId, type: 'renewal', fromAccountId: a.accountId, toAccountId: a.parentId, amount: a.price,
          params: { kind: 'line', line: a.number, years: 1 }, idempotencyKey: `line-renewal:${lineId}:${accountId}:${a.paidUntil.toISOString()}`, reference: lineId,
        });
        if (posted.replayed) return null;
        transactionId = posted.transaction.id;
      }
      await r.setPaidUntil(lineId, accountId, next);
      await deps.audit.record({
        actorId, subject: { id: a.accountId, path: a.accountPath }, action: 'line.renewed', ip: o.ip ?? null,
        details: { lineId, number: a.number, from: a.paidUntil.toISOString(), to: next.toISOString(), price: a.price.toString(), transactionId, auto: o.auto },
      }, tx);
      return { lineId, accountId, paidUntil: next, charged: a.price, transactionId };
    });
  }

  /** "Renew now": the assignee (or its parent on its behalf) pays the next year from the assignee's credit. */
  async function renew(caller: Account, lineId: string, accountId: string | undefined, ip: string | null): Promise<Renewed> {
    if (accountId && accountId !== caller.id) {
      const target = await deps.accounts.getAccount(scopeOf(caller), accountId);
      if (target.parentId !== caller.id) throw new AppError('FORBIDDEN');
    }
    const done = await renewOne(lineId, accountId ?? caller.id, caller.id, { auto: false, ip });
    if (!done) throw new AppError('CONFLICT', { reason: 'renewed meanwhile' });
    await deliverAlerts();
    return done;
  }

  async function remind(a: Rental, days: number): Promise<void> {
    const account = await deps.accounts.findAccountForAuth(a.accountId);
    if (!account) return;
    const { customerOf } = await deps.brands.brandsOf(account);
    const brand = customerOf ?? (await deps.brands.getPlatformBrand());
    const fa = account.locale === 'fa';
    const brandName = fa ? brand.nameFa : brand.nameEn;
    const text = await deps.notifications.render(brand.id, 'line.renewal_reminder', account.locale, {
      brandName, supportPhone: brand.settings.supportPhone ?? '', signature: brandName,
      name: account.displayName || account.username, username: account.username,
      number: fa ? toPersianDigits(a.number) : a.number,
      days: fa ? toPersianDigits(days) : String(days),
      paidUntil: fa ? jalaliDate(a.paidUntil) : a.paidUntil.toISOString().slice(0, 10),
      price: fa ? toPersianDigits(groupDigits(a.price)) : groupDigits(a.price),
    });
    const common = { kind: 'line.renewal_reminder', accountId: account.id, brandId: brand.id, data: { days, lineId: a.lineId } };
    await deps.notifications.send({ ...common, channel: 'sms', recipient: account.mobile, body: text.sms });
    if (account.email) await deps.notifications.send({ ...common, channel: 'email', recipient: account.email, subject: text.subject, body: text.body, fromName: brandName });
    await deps.notifications.send({ ...common, channel: 'panel', recipient: account.id, subject: text.subject, body: text.sms });
  }

  /**
   * The daily job: for each rented assignment due within 30 days or past due, the most urgent
   * reminder not yet sent for its period, the automatic renewal in the grace window (from credit;
   * short → it stays due and is tried again the next day), and the suspension, recorded once.
   */
  async function runDaily(): Promise<{ reminders: number; renewed: number; unpaid: number; suspended: number }> {
    const at = now();
    const counts = { reminders: 0, renewed: 0, unpaid: 0, suspended: 0 };
    for (const a of await rentalRepo(deps.db).dueBefore(new Date(at.getTime() + (REMINDER_DAYS[0] + 1) * DAY))) {
      const left = a.paidUntil.getTime() - at.getTime();
      const due = [...REMINDER_DAYS].reverse().find((d) => left > 0 && left <= d * DAY);
      if (due !== undefined && (await rentalRepo(deps.db).claimEvent(a, `reminder_${due}`, at))) {
        await remind(a, due).catch((err: unknown) => deps.log.warn({ err, lineId: a.lineId, accountId: a.accountId }, 'line renewal reminder not sent'));
        counts.reminders++;
      }
      const state = renewalStateOf(a.paidUntil, a.graceDays, at);
      if (state === 'grace') {
        try {
          if (await renewOne(a.lineId, a.accountId, null, { auto: true, expected: a.paidUntil })) counts.renewed++;
        } catch (err) {
          if (!(err instanceof AppError) || err.code !== 'INSUFFICIENT_CREDIT') throw err;
          counts.unpaid++;
        }
      } else if (state === 'suspended') {
        const recorded = await deps.db.transaction(async (tx) => {
          if (!(await rentalRepo(tx).claimEvent(a, 'suspended', at))) return false;
          await deps.audit.record({
            actorId: null, subject: { id: a.accountId, path: a.accountPath }, action: 'line.suspended',
            details: { lineId: a.lineId, number: a.number, paidUntil: a.paidUntil.toISOString(), graceDays: a.graceDays },
          }, tx);
          return true;
        });
        if (recorded) counts.suspended++;
      }
    }
    if (counts.renewed) await deliverAlerts();
    return counts;
  }

  return { renew, runDaily };
}

export type LineRenewalService = ReturnType<typeof createLineRenewalService>;
