// Sign-in, sessions, sign-up and password reset by SMS code, TOTP two-factor and API keys.
import { createHash, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { batchLoader } from '../../lib/batch-load.ts';
import { newId, newSecret } from '../../lib/ids.ts';
import { normaliseIranMobile, toLocalMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { AccountService } from '../accounts/service.ts';
import type { Account } from '../accounts/types.ts';
import type { AuditService } from '../audit/service.ts';
import type { BrandService, ResolvedBrand } from '../brands/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import { createCodeService } from './codes.ts';
import { createAbuseGuard, type CodeLimits } from './abuse-guard.ts';
import { createCaptchaService } from './captcha.ts';
import { assertStrongPassword, hashPassword } from '../accounts/passwords.ts';
import { authRepo, type ApiKey } from './repo.ts';
import { createSignIn } from './sign-in.ts';

type Captcha = { id: string; answer: string };
export type RequestMeta = { ip: string | null; userAgent?: string | null; brand: ResolvedBrand };
export type Principal = { account: Account; via: 'session' | 'api_key'; tokenHash: string; csrfToken: string | null; impersonatorId: string | null };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** An IP/CIDR allow-list (API keys, SMPP passwords); empty: null, anyone. */
export function parseAllowList(cidrs: string[]): BlockList | null {
  if (!cidrs.length) return null;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  return list;
}

/** Validates an allow-list entry: an IPv4/IPv6 address or CIDR range. */
export function isValidCidr(c: string): boolean {
  const [addr, bits, extra] = c.split('/');
  const v = isIP(addr);
  if (!v || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
}

export function ipAllowed(list: BlockList | null, ip: string | null): boolean {
  if (!list) return true;
  if (!ip) return false;
  const mapped = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const family = isIP(mapped) === 6 ? 'ipv6' : 'ipv4';
  return list.check(mapped, family);
}

export function createAuthService(deps: {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  brands: BrandService;
  audit: AuditService;
  notifications: NotificationService;
  sessionTtlHours: number;
  /** budgets for SMS-code requests and when a captcha is asked */
  limits: CodeLimits;
  /** access packages: an API key needs `use_api` */
  permissions?: { check(db: Db, accountId: string, permission: 'use_api'): Promise<void> };
}) {
  const repo = authRepo(deps.db);
  const codes = createCodeService({ db: deps.db, clock: deps.clock });
  const captchas = createCaptchaService({ db: deps.db, clock: deps.clock });
  const guard = createAbuseGuard({ clock: deps.clock, limits: deps.limits, captchas });
  const signIn = createSignIn({ db: deps.db, clock: deps.clock, accounts: deps.accounts, brands: deps.brands, audit: deps.audit, guard });

  async function openSession(account: Account, meta: RequestMeta, impersonatorId: string | null = null) {
    const token = newSecret('cps');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(deps.clock.now().getTime() + deps.sessionTtlHours * 3_600_000);
    const tokenHash = sha256(token);
    await repo.insertSession({ tokenHash, accountId: account.id, csrfToken, host: meta.brand.id, impersonatorId, expiresAt, lastSeenAt: deps.clock.now(), ip: meta.ip, userAgent: meta.userAgent ?? null });
    return { token, csrfToken, expiresAt, account };
  }

  async function login(input: { username: string; password: string; otp?: string }, meta: RequestMeta) {
    const account = await signIn.checkCredentials(input, meta);
    await deps.audit.record({ actorId: account.id, subject: account, action: 'auth.sign_in', ip: meta.ip, details: { brand: meta.brand.id } });
    return openSession(account, meta);
  }

  // Every request reads its token and its account: those asked for in one turn of the event loop
  // are read together (an API client's burst of requests costs two queries, not two each).
  const apiKeysByHash = batchLoader((hashes: string[]) => repo.findLiveApiKeysByHash(hashes));
  const sessionsByHash = batchLoader((hashes: string[]) => repo.findLiveSessions(hashes, deps.clock.now()));
  const accountsById = batchLoader((ids: string[]) => deps.accounts.findAccountsForAuth(ids));

  /** Bearer token or API key or session cookie → the caller, or null. */
  async function authenticate(token: string, meta: { ip: string | null; brand: ResolvedBrand }): Promise<Principal | null> {
    const now = deps.clock.now();
    const tokenHash = sha256(token);
    let principal: Principal | null = null;
    if (token.startsWith('chk_')) {
      const key = await apiKeysByHash.load(tokenHash);
      if (!key) return null;
      if (!ipAllowed(parseAllowList(key.allowedIps), meta.ip)) throw new AppError('IP_NOT_ALLOWED', { ip: meta.ip });
      const account = await accountsById.load(key.accountId);
      if (!account) return null;
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) await repo.touchApiKey(key.id, now);
      principal = { account, via: 'api_key', tokenHash, csrfToken: null, impersonatorId: null };
    } else {
      const session = await sessionsByHash.load(tokenHash);
      if (!session) return null;
      const account = await accountsById.load(session.accountId);
      if (!account) return null;
      if (now.getTime() - session.lastSeenAt.getTime() > 60_000) await repo.touchSession(tokenHash, now);
      principal = { account, via: 'session', tokenHash, csrfToken: session.csrfToken, impersonatorId: session.impersonatorId };
    }
    // A token from another brand's host is as good as no token here.
    if (!(await deps.brands.maySignInThrough(principal.account, meta.brand))) return null;
    if (principal.account.status === 'suspended') throw new AppError('ACCOUNT_SUSPENDED');
    return principal;
  }

  async function logout(p: Principal, ip: string | null) {
    if (p.via !== 'session') return;
    await repo.revokeSession(p.tokenHash, deps.clock.now());
    await deps.audit.record({ actorId: p.account.id, subject: p.account, action: 'auth.sign_out', ip });
  }

  async function signupStart(input: { username: string; password: string; mobile: string; email?: string | null; displayName?: string; locale?: 'fa' | 'en'; captcha?: Captcha }, meta: RequestMeta) {
    // Validate everything now so the code is not wasted on a form that will fail later; what
    // costs nothing first, then the budgets, then what reads the database or hashes.
    const username = input.username.trim().toLowerCase();
    assertStrongPassword(input.password);
    const mobile = normaliseIranMobile(input.mobile);
    if (!mobile) throw new AppError('INVALID_MOBILE', { fields: [{ path: 'mobile' }] });
    await guard.admitCodeRequest(meta.ip, meta.brand.id, input.captcha);
    const owner = await deps.accounts.findAccountForAuth(meta.brand.accountId);
    if (!owner) throw new AppError('NOT_FOUND');
    if (await deps.accounts.findByUsernameForAuth(username)) throw new AppError('USERNAME_TAKEN');
    const issued = await codes.issue({
      purpose: 'signup',
      mobile,
      accountId: null,
      brandId: meta.brand.id,
      payload: async () => ({ username, passwordHash: await hashPassword(input.password), email: input.email ?? null, displayName: input.displayName ?? '', locale: input.locale ?? 'fa' }),
    });
    await sendCode(mobile, issued.code, meta.brand, 'signup', input.locale ?? 'fa', null);
    return { verificationId: issued.id, expiresAt: issued.expiresAt, mobile: toLocalMobile(mobile) };
  }

  async function signupComplete(input: { verificationId: string; code: string }, meta: RequestMeta) {
    const account = await codes.redeem(input.verificationId, input.code, 'signup', meta.brand.id, async (tx, row) => {
      // Inside a transaction every query goes through tx: PGlite has one connection.
      const owner = await deps.accounts.credentials(tx).findByIdForAuth(meta.brand.accountId);
      const p = row.payload as { username: string; passwordHash: string; email: string | null; displayName: string; locale: 'fa' | 'en' };
      const created = await deps.accounts.insertAccount(
        tx,
        owner,
        { username: p.username, passwordHash: p.passwordHash, mobile: row.mobile, kind: 'user', email: p.email, displayName: p.displayName, locale: p.locale },
        { createdBy: null, mobileVerified: true },
      );
      await deps.audit.record({ actorId: created.id, subject: created, action: 'auth.sign_up', ip: meta.ip, details: { brand: meta.brand.id } }, tx);
      return created;
    });
    return openSession(account, meta);
  }

  async function sendCode(mobile: string, code: string, brand: ResolvedBrand, purpose: 'signup' | 'password_reset', lang: 'fa' | 'en', accountId: string | null) {
    const name = lang === 'fa' ? brand.nameFa : brand.nameEn;
    const body =
      lang === 'fa'
        ? `${name}\nکد ${purpose === 'signup' ? 'ثبت‌نام' : 'بازیابی رمز'} شما: ${code}\nاین کد را به کسی ندهید.`
        : `${name}\nYour ${purpose === 'signup' ? 'sign-up' : 'password reset'} code: ${code}\nDo not share it.`;
    await deps.notifications.send({ channel: 'sms', recipient: mobile, body, kind: `code.${purpose}`, accountId, brandId: brand.id, secret: true });
  }

  /** Always answers the same way, whether or not the username exists on this brand. */
  async function forgotPasswordStart(input: { username: string; captcha?: Captcha }, meta: RequestMeta) {
    await guard.admitCodeRequest(meta.ip, meta.brand.id, input.captcha);
    const account = await deps.accounts.findByUsernameForAuth(input.username.trim());
    if (!account || !(await deps.brands.maySignInThrough(account, meta.brand))) {
      return { verificationId: newId('vc'), expiresAt: new Date(deps.clock.now().getTime() + 5 * 60_000) };
    }
    const issued = await codes.issue({ purpose: 'password_reset', mobile: account.mobile, accountId: account.id, brandId: meta.brand.id });
    await sendCode(account.mobile, issued.code, meta.brand, 'password_reset', account.locale, account.id);
    return { verificationId: issued.id, expiresAt: issued.expiresAt };
  }

  async function resetPassword(input: { verificationId: string; code: string; newPassword: string }, meta: RequestMeta) {
    assertStrongPassword(input.newPassword);
    guard.admitPasswordWork(meta.ip, meta.brand.id);
    const hash = await hashPassword(input.newPassword);
    await codes.redeem(input.verificationId, input.code, 'password_reset', meta.brand.id, async (tx, row) => {
      const account = row.accountId ? await deps.accounts.credentials(tx).findByIdForAuth(row.accountId) : null;
      if (!account) throw new AppError('CODE_INVALID');
      await deps.accounts.credentials(tx).setPassword(account.id, hash);
      await authRepo(tx).revokeOtherSessions(account.id, null, deps.clock.now());
      await deps.audit.record({ actorId: account.id, subject: account, action: 'auth.password_reset', ip: meta.ip }, tx);
    });
  }

  /**
   * An agency signed in as its user (support) acts for it, but may not take its credentials: not
   * its password, and not its two-factor, which a parent could turn off or tie to its own app.
   */
  function refuseImpersonation(p: Principal): void {
    if (p.impersonatorId) throw new AppError('IMPERSONATION_NOT_ALLOWED');
  }

  async function changePassword(p: Principal, input: { currentPassword: string; newPassword: string }, meta: RequestMeta) {
    refuseImpersonation(p);
    assertStrongPassword(input.newPassword);
    await signIn.checkPassword(p.account, input.currentPassword, meta);
    await deps.accounts.credentials().setPassword(p.account.id, await hashPassword(input.newPassword));
    await repo.revokeOtherSessions(p.account.id, p.via === 'session' ? p.tokenHash : null, deps.clock.now());
    await deps.audit.record({ actorId: p.account.id, subject: p.account, action: 'auth.password_changed', ip: meta.ip });
  }

  /** Step one: a fresh secret, stored but not yet on until a code proves the app has it. */
  async function twoFactorSetup(p: Principal, brand: ResolvedBrand) {
    refuseImpersonation(p);
    if (p.account.totpEnabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED');
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await deps.accounts.credentials().setTotp(p.account.id, secret, null);
    const totp = new OTPAuth.TOTP({ issuer: brand.nameEn, label: p.account.username, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
    const uri = totp.toString();
    return { secret, otpauthUrl: uri, qrDataUrl: await QRCode.toDataURL(uri) };
  }

  async function twoFactorEnable(p: Principal, code: string, ip: string | null) {
    refuseImpersonation(p);
    const account = await deps.accounts.credentials().findByIdForAuth(p.account.id);
    if (!account?.totpSecret) throw new AppError('TWO_FACTOR_NOT_ENABLED');
    if (account.totpEnabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED');
    if (!(await signIn.useTotp(account.id, account.totpSecret, code))) throw new AppError('INVALID_OTP');
    await deps.accounts.credentials().setTotp(account.id, account.totpSecret, deps.clock.now());
    await deps.audit.record({ actorId: account.id, subject: account, action: 'auth.two_factor_enabled', ip });
  }

  async function twoFactorDisable(p: Principal, input: { password: string; code: string }, meta: RequestMeta) {
    refuseImpersonation(p);
    const account = p.account;
    if (!account.totpEnabledAt || !account.totpSecret) throw new AppError('TWO_FACTOR_NOT_ENABLED');
    await signIn.checkPassword(account, input.password, meta);
    await signIn.checkTotp(account, account.totpSecret, input.code, meta);
    await deps.accounts.credentials().setTotp(account.id, null, null);
    await deps.audit.record({ actorId: account.id, subject: account, action: 'auth.two_factor_disabled', ip: meta.ip });
  }

  async function createApiKey(p: Principal, input: { name: string; allowedIps?: string[] }, ip: string | null) {
    await deps.permissions?.check(deps.db, p.account.id, 'use_api');
    const allowedIps = (input.allowedIps ?? []).map((s) => s.trim()).filter(Boolean);
    const bad = allowedIps.filter((c) => !isValidCidr(c));
    if (bad.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'allowedIps', message: `not an IP or CIDR: ${bad.join(', ')}` }] });
    const id = newId('key');
    const key = newSecret('chk');
    await repo.insertApiKey({ id, accountId: p.account.id, name: input.name.trim(), keyHash: sha256(key), keyPrefix: key.slice(0, 10), allowedIps });
    await deps.audit.record({ actorId: p.account.id, subject: p.account, action: 'api_key.created', ip, details: { keyId: id, name: input.name, allowedIps } });
    return { id, key, name: input.name.trim(), allowedIps };
  }

  async function revokeApiKey(p: Principal, id: string, ip: string | null) {
    if (!(await repo.revokeApiKey(p.account.id, id, deps.clock.now()))) throw new AppError('NOT_FOUND');
    await deps.audit.record({ actorId: p.account.id, subject: p.account, action: 'api_key.revoked', ip, details: { keyId: id } });
  }

  return {
    login,
    authenticate,
    logout,
    signupStart,
    signupComplete,
    forgotPasswordStart,
    resetPassword,
    changePassword,
    twoFactorSetup,
    twoFactorEnable,
    twoFactorDisable,
    createApiKey,
    revokeApiKey,
    listApiKeys: (p: Principal): Promise<ApiKey[]> => repo.listApiKeys(p.account.id),
    openSession,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
