// Sign-in: password guesses are held back per (username, client address) with delays that double,
// so a stranger can slow only their own address, never lock the owner out; one address failing
// across many names is stopped as credential stuffing. Two-factor keeps a lock per account, which
// only someone who already has the password can trigger. A TOTP code is good once.
import * as OTPAuth from 'otpauth';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../http/errors.ts';
import type { AccountService } from '../accounts/service.ts';
import { accountRepo, type Account } from '../accounts/repo.ts';
import type { AuditService } from '../audit/service.ts';
import type { BrandService, ResolvedBrand } from '../brands/service.ts';
import { clientKey, type AbuseGuard } from './abuse-guard.ts';
import { dummyVerify, verifyPassword } from './passwords.ts';
import { authRepo } from './repo.ts';

/** Failures on one (username, address) before it is held back: 30 s, then 60, 120 … at most an hour. */
export const THROTTLE_AFTER = 3;
const THROTTLE_BASE_SECONDS = 30;
const THROTTLE_MAX_SECONDS = 3600;
const FORGET_FAILURES_MS = 24 * 3_600_000;
/** Distinct usernames one address may fail within the window before it is refused outright. */
export const STUFFING_NAMES = 10;
const STUFFING_WINDOW_MS = 15 * 60_000;
/** Wrong two-factor codes (after a right password) before the account's two-factor step locks. */
export const OTP_LOCK_AFTER = 5;
export const OTP_LOCK_MINUTES = 15;
const TOTP_PERIOD_S = 30;

const secondsUntil = (at: number, now: Date) => Math.max(1, Math.ceil((at - now.getTime()) / 1000));

type Meta = { ip: string | null; brand: ResolvedBrand };

export function createSignIn(deps: {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  brands: BrandService;
  audit: AuditService;
  guard: AbuseGuard;
}) {
  const repo = authRepo(deps.db);

  /** The time step the code belongs to (this one or a neighbour, for clock drift), or null. */
  function matchTotp(secret: string, token: string): number | null {
    const totp = new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: OTPAuth.Secret.fromBase32(secret) });
    const now = deps.clock.now().getTime();
    const delta = totp.validate({ token: token.trim(), timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  }

  /** True once for a right code: its step is claimed, so the same or an older code fails after. */
  async function useTotp(accountId: string, secret: string, token: string): Promise<boolean> {
    const step = matchTotp(secret, token);
    return step !== null && (await accountRepo(deps.db).claimTotpStep(accountId, step));
  }

  async function holdBack(username: string, ip: string) {
    const now = deps.clock.now();
    const stuffing = await repo.countFailedNames(ip, new Date(now.getTime() - STUFFING_WINDOW_MS));
    if (stuffing.names >= STUFFING_NAMES && stuffing.earliest) {
      throw new AppError('TOO_MANY_REQUESTS', { retryAfterSeconds: secondsUntil(stuffing.earliest.getTime() + STUFFING_WINDOW_MS, now) });
    }
    const pair = await repo.findLoginFailure(username, ip);
    if (pair?.blockedUntil && pair.blockedUntil > now) {
      throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: secondsUntil(pair.blockedUntil.getTime(), now) });
    }
  }

  async function passwordFailed(username: string, ip: string, account: Account | null, meta: Meta): Promise<never> {
    const now = deps.clock.now();
    if (Math.random() < 0.01) await repo.deleteLoginFailuresBefore(new Date(now.getTime() - FORGET_FAILURES_MS));
    const r = await repo.recordLoginFailure({
      username,
      ip,
      now,
      forgetBefore: new Date(now.getTime() - FORGET_FAILURES_MS),
      after: THROTTLE_AFTER,
      baseSeconds: THROTTLE_BASE_SECONDS,
      maxSeconds: THROTTLE_MAX_SECONDS,
    });
    if (account) {
      const failed = { reason: 'INVALID_CREDENTIALS', failures: r.failures };
      await deps.audit.record({ actorId: null, subject: account, action: 'auth.sign_in_failed', ip: meta.ip, details: failed });
      if (r.blockedUntil) {
        const details = { until: r.blockedUntil.toISOString(), failures: r.failures };
        await deps.audit.record({ actorId: null, subject: account, action: 'auth.sign_in_throttled', ip: meta.ip, details });
      }
    }
    throw new AppError('INVALID_CREDENTIALS');
  }

  async function otpFailed(account: Account, meta: Meta): Promise<never> {
    const now = deps.clock.now();
    const lockUntil = new Date(now.getTime() + OTP_LOCK_MINUTES * 60_000);
    const r = await accountRepo(deps.db).recordLoginFailure(account.id, OTP_LOCK_AFTER, lockUntil);
    const details = { reason: 'INVALID_OTP', failures: r.failedLogins };
    await deps.audit.record({ actorId: null, subject: account, action: 'auth.sign_in_failed', ip: meta.ip, details });
    if (r.failedLogins >= OTP_LOCK_AFTER) {
      await deps.audit.record({ actorId: null, subject: account, action: 'auth.locked', ip: meta.ip, details: { minutes: OTP_LOCK_MINUTES } });
      throw new AppError('ACCOUNT_LOCKED', { minutes: OTP_LOCK_MINUTES });
    }
    throw new AppError('INVALID_OTP');
  }

  /** The account, once the password (and the TOTP code, when two-factor is on) are right. */
  async function checkCredentials(input: { username: string; password: string; otp?: string }, meta: Meta): Promise<Account> {
    deps.guard.admitPasswordWork(meta.ip, meta.brand.id);
    const username = input.username.trim().toLowerCase();
    const ip = clientKey(meta.ip);
    await holdBack(username, ip);
    const account = await deps.accounts.findByUsernameForAuth(input.username.trim());
    // Unknown user, or a user of another brand: the same answer and the same work as a wrong password.
    if (!account || !(await deps.brands.maySignInThrough(account, meta.brand))) {
      await dummyVerify(input.password);
      return passwordFailed(username, ip, null, meta);
    }
    if (!(await verifyPassword(account.passwordHash, input.password))) return passwordFailed(username, ip, account, meta);
    if (account.status === 'suspended') throw new AppError('ACCOUNT_SUSPENDED');
    if (account.totpEnabledAt && account.totpSecret) {
      const now = deps.clock.now();
      if (account.lockedUntil && account.lockedUntil > now) {
        throw new AppError('ACCOUNT_LOCKED', { minutes: Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 60_000) });
      }
      if (!input.otp) throw new AppError('OTP_REQUIRED');
      if (!(await useTotp(account.id, account.totpSecret, input.otp))) return otpFailed(account, meta);
    }
    await accountRepo(deps.db).recordLoginSuccess(account.id);
    await repo.clearLoginFailures(username, ip);
    return account;
  }

  return { checkCredentials, useTotp };
}
