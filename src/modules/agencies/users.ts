// User management for an agency (or the platform): create users with a package (the welcome
// template goes out with the username and password), edit, reset a password (the forgot-password
// template goes out), extend a panel's validity (the yearly cost is charged to the user), look at
// a user's records, services and requests, and sign in as a user for support — audited, and
// visible to that user.
import { randomInt } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { toPersianDigits } from '../../lib/i18n.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService, NewChild } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import { hashPassword } from '../accounts/passwords.ts';
import type { AuthService } from '../auth/service.ts';
import type { BillingService } from '../billing/service.ts';
import type { BrandService, ResolvedBrand } from '../brands/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import { renderTemplate, unknownVariables, type Template, type TemplateKind } from '../notifications/templates.ts';
import type { PackageService } from '../permission-packages/service.ts';
import { signatureOf } from './announce.ts';
import { recordsRepo, type RecordFilter } from './records-repo.ts';
import type { AgencySettingsService } from './settings.ts';
import { addYears } from './validity.ts';

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Readable when dictated over the phone: no 0/O, 1/l/I. */
export function generatePassword(length = 10): string {
  return Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
}

export type NewUser = Omit<NewChild, 'kind' | 'password'> & { password?: string; packageId?: string; groupId?: string };

export function createUserManagement(deps: {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  auth: AuthService;
  brands: BrandService;
  billing: BillingService;
  audit: AuditService;
  notifications: NotificationService;
  packages: PackageService;
  settings: AgencySettingsService;
}) {
  const records = recordsRepo(deps.db);

  async function subtreeAccount(caller: Account, id: string): Promise<Account> {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    const a = await deps.accounts.getAccount(scopeOf(caller), id);
    if (a.id === caller.id) throw new AppError('FORBIDDEN');
    return a;
  }

  async function directChild(caller: Account, id: string): Promise<Account> {
    const a = await subtreeAccount(caller, id);
    if (a.parentId !== caller.id) throw new AppError('FORBIDDEN');
    return a;
  }

  /**
   * Where the user signs in: the brand's own domain once one is active (same scheme and port as the
   * request: one server answers every host), unless the request already came through one of them.
   */
  async function loginUrlFor(brandId: string, requestUrl: string): Promise<string> {
    const hosts = (await deps.brands.listHosts(brandId)).filter((h) => h.status === 'active').map((h) => h.host);
    try {
      const url = new URL(requestUrl);
      if (!hosts.length || hosts.includes(url.hostname)) return requestUrl;
      url.hostname = hosts[0];
      return url.toString();
    } catch {
      return requestUrl;
    }
  }

  /** A template of the caller's brand, by SMS (a secret: it carries a password) and by e-mail. */
  async function sendTemplate(caller: Account, to: Account, kind: TemplateKind, extra: Record<string, string>, requestUrl: string) {
    const brand = (await deps.brands.findByAccount(caller.id)) ?? (await deps.brands.getPlatformBrand());
    const loginUrl = await loginUrlFor(brand.id, requestUrl);
    const lang = to.locale;
    const text = await deps.notifications.render(brand.id, kind, lang, {
      brandName: lang === 'fa' ? brand.nameFa : brand.nameEn,
      supportPhone: brand.settings.supportPhone ?? '',
      signature: signatureOf(brand, lang),
      name: to.displayName || to.username,
      username: to.username,
      loginUrl,
      validUntil: to.validUntil ? (lang === 'fa' ? toPersianDigits(to.validUntil.toISOString().slice(0, 10)) : to.validUntil.toISOString().slice(0, 10)) : '',
      ...extra,
    });
    const common = { kind, accountId: to.id, brandId: brand.id, secret: true };
    await deps.notifications.send({ ...common, channel: 'sms', recipient: to.mobile, body: text.sms });
    if (to.email) await deps.notifications.send({ ...common, channel: 'email', recipient: to.email, subject: text.subject, body: text.body, fromName: lang === 'fa' ? brand.nameFa : brand.nameEn });
  }

  async function createUser(caller: Account, input: NewUser, ctx: { ip: string | null; loginUrl: string }) {
    const password = input.password ?? generatePassword();
    const account = await deps.accounts.createChild(caller, { ...input, password, kind: 'user' }, ctx.ip);
    await sendTemplate(caller, account, 'agency.welcome', { password }, ctx.loginUrl);
    return { account, generatedPassword: input.password ? null : password };
  }

  async function updateUser(caller: Account, id: string, p: { displayName?: string; email?: string | null; locale?: 'fa' | 'en'; mobile?: string }, ip: string | null) {
    const a = await directChild(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    if (p.mobile) await deps.accounts.setMobile(a.id, p.mobile);
    await deps.accounts.updateProfile(a.id, p);
    await deps.audit.record({ actorId: caller.id, subject: a, action: 'account.updated', ip, details: { fields: Object.keys(p) } });
    return deps.accounts.getAccount(scopeOf(caller), id);
  }

  async function resetPassword(caller: Account, id: string, ctx: { ip: string | null; loginUrl: string }) {
    const a = await directChild(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const password = generatePassword();
    await deps.accounts.setPasswordHash(a.id, await hashPassword(password));
    await records.revokeSessions(a.id, deps.clock.now());
    await deps.audit.record({ actorId: caller.id, subject: a, action: 'account.password_reset_by_parent', ip: ctx.ip });
    await sendTemplate(caller, a, 'agency.password_reset', { password }, ctx.loginUrl);
  }

  /** One or more years more; the yearly cost of a user's panel (the parent's setting) is charged to the user. */
  async function extendValidity(caller: Account, id: string, years: number, ip: string | null) {
    const a = await directChild(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const fee = (await deps.settings.userRenewalFee(caller.id)) * BigInt(years);
    const now = deps.clock.now();
    const base = a.validUntil && a.validUntil > now ? a.validUntil : now;
    const validUntil = addYears(base, years);
    await deps.db.transaction(async (tx) => {
      if (fee > 0n) {
        await deps.billing.postAdjustment(caller.id, { type: 'renewal', fromAccountId: a.id, toAccountId: caller.id, amount: fee, params: { kind: 'panel', years }, idempotencyKey: `user_renewal:${a.id}:${base.toISOString()}`, reference: a.id }, tx);
      }
      await deps.accounts.setValidity(a.id, validUntil, tx);
      await deps.audit.record({ actorId: caller.id, subject: a, action: 'account.validity_extended', ip, details: { from: a.validUntil?.toISOString() ?? null, to: validUntil.toISOString(), fee: fee.toString() } }, tx);
    });
    return { validUntil, fee };
  }

  async function services(caller: Account, id: string) {
    const a = await subtreeAccount(caller, id);
    const pkg = await deps.packages.ofAccount(a.id);
    return { ...(await records.services(a.id)), package: pkg ? { id: pkg.id, name: pkg.name, permissions: pkg.permissions } : null, validUntil: a.validUntil?.toISOString() ?? null, status: a.status };
  }

  /** Sign in as a user (for support): a session that records who opened it; the user sees it. */
  async function impersonate(caller: Account, id: string, meta: { ip: string | null; userAgent: string | null; brand: ResolvedBrand }) {
    const a = await subtreeAccount(caller, id);
    await deps.accounts.assertMayAdminister(caller, 'settings');
    const session = await deps.auth.openSession(a, meta, caller.id);
    await deps.audit.record({ actorId: caller.id, subject: a, action: 'account.impersonated', ip: meta.ip, details: { brand: meta.brand.id } });
    return session;
  }

  /** A template (the saved one, or a draft) filled with sample values, as a user would get it. */
  async function previewTemplate(caller: Account, kind: TemplateKind, lang: 'fa' | 'en', draft?: Template): Promise<Template> {
    const brand = caller.kind === 'user' ? null : await deps.brands.findByAccount(caller.id);
    if (!brand) throw new AppError('FORBIDDEN');
    const fa = lang === 'fa';
    const vars = {
      brandName: fa ? brand.nameFa : brand.nameEn, supportPhone: brand.settings.supportPhone ?? '', signature: signatureOf(brand, lang), name: fa ? 'کاربر نمونه' : 'Sample User',
      username: 'sample.user', password: 'Xy7pQ2mK9a', loginUrl: 'https://panel.example/', validUntil: fa ? '۱۴۰۵/۰۱/۰۱' : '2026-03-21', days: fa ? '۷' : '7', fee: fa ? '۱,۰۰۰,۰۰۰' : '1,000,000',
      balance: fa ? '۵۰,۰۰۰' : '50,000', applicationId: 'app_sample', status: fa ? 'هزینه اعلام شد' : 'fee quoted', reason: '', ticketId: 'tkt_sample', subject: fa ? 'موضوع نمونه' : 'Sample subject',
    };
    if (draft) {
      const unknown = unknownVariables(draft, kind);
      if (unknown.length) throw new AppError('VALIDATION_FAILED', { fields: unknown.map((name) => ({ path: `{{${name}}}`, message: 'unknown variable' })) });
      return renderTemplate(draft, vars, lang);
    }
    return deps.notifications.render(brand.id, kind, lang, vars);
  }

  return {
    previewTemplate,
    createUser,
    updateUser,
    resetPassword,
    extendValidity,
    services,
    impersonate,
    setGroup: async (caller: Account, id: string, groupId: string) => {
      await deps.accounts.assertMayAdminister(caller, 'settings');
      return deps.billing.setGroup(caller, id, groupId);
    },
    requests: async (caller: Account, id: string) => records.requests((await subtreeAccount(caller, id)).id),
    /** The subtree's records are reports: the caller's package must allow `see_reports`. */
    sent: async (caller: Account, f: RecordFilter) => {
      await deps.packages.check(deps.db, caller.id, 'see_reports');
      return records.sent(scopeOf(caller), f);
    },
    received: async (caller: Account, f: RecordFilter) => {
      await deps.packages.check(deps.db, caller.id, 'see_reports');
      return records.received(scopeOf(caller), f);
    },
    /** Support sessions opened as this account. Whoever opened one is above it: not named, nor their IP. */
    impersonations: async (account: Account) =>
      (await records.impersonations(account.id)).map((s) => ({ by: 'provider' as const, ...s })),
  };
}

export type UserManagement = ReturnType<typeof createUserManagement>;
