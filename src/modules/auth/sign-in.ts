// Sign-in: password guesses are held back per (username, client address) with delays that double,
// so a stranger can slow only their own address, never lock the owner out; one address failing
// across many names is stopped as credential stuffing. Two-factor keeps a lock per account, which
// only someone who already has the password can trigger. A TOTP code is good once. Every check is
// counted before it runs, so guesses sent in parallel get no more tries than guesses sent in turn.
import * as OTPAuth from 'otpauth';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/app-error.ts';
import type { AccountService } from '../accounts/service.ts';
import type { Account } from '../accounts/types.ts';
import type { AuditService } from '../audit/service.ts';
import type { BrandService, ResolvedBrand } from '../brands/service.ts';
import { clientKey, type AbuseGuard } from './abuse-guard.ts';
import { dummyVerify, verifyPassword } from '../accounts/passwords.ts';
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
    return step !== null && (await deps.accounts.credentials().claimTotpStep(accountId, step));
  }

  /**
   * Counts one password check for (username, address) as a failure before argon2 runs, refusing it
   * when the pair is held back or the address has failed across too many names. Under a lock per
   * address, so parallel guesses are counted one by one: no more reach argon2 than the throttle
   * allows. A right password then forgets the pair's failures.
   */
  async function reservePasswordCheck(username: string, ip: string): Promise<{ failures: number; blockedUntil: Date | null }> {
    return deps.db.transaction(async (tx) => {
      const r = authRepo(tx);
      await r.lockLoginAddress(ip);
      const now = deps.clock.now();
      const forgetBefore = new Date(now.getTime() - FORGET_FAILURES_MS);
      if (Math.random() < 0.01) await r.deleteLoginFailuresBefore(forgetBefore);
      const stuffing = await r.countFailedNames(ip, new Date(now.getTime() - STUFFING_WINDOW_MS));
      if (stuffing.names >= STUFFING_NAMES && stuffing.earliest) {
        throw new AppError('TOO_MANY_REQUESTS', { retryAfterSeconds: secondsUntil(stuffing.earliest.getTime() + STUFFING_WINDOW_MS, now) });
      }
      const pair = await r.findLoginFailure(username, ip);
      if (pair?.blockedUntil && pair.blockedUntil > now) {
        throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: secondsUntil(pair.blockedUntil.getTime(), now) });
      }
      const limits = { after: THROTTLE_AFTER, baseSeconds: THROTTLE_BASE_SECONDS, maxSeconds: THROTTLE_MAX_SECONDS };
      return r.recordLoginFailure({ username, ip, now, forgetBefore, ...limits });
    });
  }

  async function passwordFailed(account: Account | null, attempt: { failures: number; blockedUntil: Date | null }, meta: Meta): Promise<never> {
    if (account) {
      const failed = { reason: 'INVALID_CREDENTIALS', failures: attempt.failures };
      await deps.audit.record({ actorId: null, subject: account, action: 'auth.sign_in_failed', ip: meta.ip, details: failed });
      if (attempt.blockedUntil) {
        const details = { until: attempt.blockedUntil.toISOString(), failures: attempt.failures };
        await deps.audit.record({ actorId: null, subject: account, action: 'auth.sign_in_throttled', ip: meta.ip, details });
      }
    }
    throw new AppError('INVALID_CREDENTIALS');
  }

  /**
   * An account's password, checked under sign-in's throttle: per (username, address) and per
   * address across names. Sign-in and the checks behind a session (password change, turning
   * two-factor off) share it, so a stolen session is no faster an oracle than the sign-in form.
   */
  async function checkPassword(account: Account, password: string, meta: Meta): Promise<void> {
    deps.guard.admitPasswordWork(meta.ip, meta.brand.id);
    const username = account.username.trim().toLowerCase();
    const ip = clientKey(meta.ip);
    const attempt = await reservePasswordCheck(username, ip);
    if (!(await verifyPassword(account.passwordHash, password))) return passwordFailed(account, attempt, meta);
    await repo.clearLoginFailures(username, ip);
  }

  /**
   * A TOTP code under the account's two-factor lock. The try is counted (and the lock set when it
   * is the last allowed) in one statement that refuses a locked account, before the code is
   * checked: parallel wrong codes cannot all slip in under the limit. A right code clears the count.
   */
  async function checkTotp(account: Account, secret: string, token: string, meta: Meta): Promise<void> {
    const now = deps.clock.now();
    const lockUntil = new Date(now.getTime() + OTP_LOCK_MINUTES * 60_000);
    const r = await deps.accounts.credentials().reserveOtpAttempt(account.id, OTP_LOCK_AFTER, lockUntil, now);
    if (!r.reserved) {
      const minutes = r.lockedUntil ? Math.ceil((r.lockedUntil.getTime() - now.getTime()) / 60_000) : OTP_LOCK_MINUTES;
      throw new AppError('ACCOUNT_LOCKED', { minutes });
    }
    if (await useTotp(account.id, secret, token)) {
      await deps.accounts.credentials().recordLoginSuccess(account.id);
      return;
    }
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
    const account = await deps.accounts.findByUsernameForAuth(input.username.trim());
    // Unknown user, or a user of another brand: the same answer and the same work as a wrong password.
    if (!account || !(await deps.brands.maySignInThrough(account, meta.brand))) {
      deps.guard.admitPasswordWork(meta.ip, meta.brand.id);
      const attempt = await reservePasswordCheck(input.username.trim().toLowerCase(), clientKey(meta.ip));
      await dummyVerify(input.password);
      return passwordFailed(null, attempt, meta);
    }
    await checkPassword(account, input.password, meta);
    if (account.status === 'suspended') throw new AppError('ACCOUNT_SUSPENDED');
    if (account.totpEnabledAt && account.totpSecret) {
      const now = deps.clock.now();
      if (account.lockedUntil && account.lockedUntil > now) {
        throw new AppError('ACCOUNT_LOCKED', { minutes: Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 60_000) });
      }
      if (!input.otp) throw new AppError('OTP_REQUIRED');
      await checkTotp(account, account.totpSecret, input.otp, meta);
    } else {
      await deps.accounts.credentials().recordLoginSuccess(account.id);
    }
    return account;
  }

  return { checkCredentials, checkPassword, checkTotp, useTotp };
}
