// Budgets for the unauthenticated routes that cost money (an SMS with a brand's name on it) or
// CPU (argon2): per client address, per brand and for the whole process, checked before any
// hashing or sending. Kept in memory: the check itself must cost nothing. With several API
// processes each keeps its own, so the brand and global figures are per process.
import { isIP } from 'node:net';
import { slidingWindow, type SlidingWindow } from './ip-limiter.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/app-error.ts';
import type { CaptchaService } from './captcha.ts';

const HOUR_MS = 3_600_000;
const LOGIN_WINDOW_MS = 5 * 60_000;
/** Sign-in attempts per 5 minutes: per address, per brand, overall (argon2 runs ~20 a second on 2 cores). */
export const LOGIN_LIMITS = { perIp: 30, perBrand: 1_200, global: 6_000 };

export type CodeLimits = { codesPerIp: number; codesPerBrand: number; codesGlobal: number; captchaAfter: number };

/**
 * The address a budget is kept under. An IPv6 client usually holds a whole /64, so it counts as
 * one; an IPv4-mapped address is its IPv4 address.
 */
export function clientKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const v4 = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) !== 6) return v4;
  const [head, tail = ''] = v4.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = v4.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

type Window = SlidingWindow;

/** Refuses when the window already holds `max` hits for the key (`over`: more than `max`). */
function refuseIfFull(w: Window, key: string, max: number, over = false): void {
  if (w.count(key) >= max + (over ? 1 : 0)) throw new AppError('TOO_MANY_REQUESTS', { retryAfterSeconds: w.retryAfterSeconds(key, max) });
}

export function createAbuseGuard(deps: { clock: Clock; limits: CodeLimits; captchas: CaptchaService }) {
  const windows = (ms: number) => ({ ip: slidingWindow(deps.clock, ms), brand: slidingWindow(deps.clock, ms), all: slidingWindow(deps.clock, ms) });
  const codes = windows(HOUR_MS);
  const logins = windows(LOGIN_WINDOW_MS);
  const L = deps.limits;

  /**
   * Before a request that sends a code by SMS (sign-up, reset): every attempt counts against its
   * address, so refusals too; only admitted ones count against the brand and the whole. Past
   * `captchaAfter` attempts from an address, a solved captcha is the price of each further one.
   */
  async function admitCodeRequest(ip: string | null, brandId: string, captcha?: { id: string; answer: string }): Promise<void> {
    const key = clientKey(ip);
    const needsCaptcha = codes.ip.count(key) >= L.captchaAfter;
    codes.ip.add(key);
    refuseIfFull(codes.ip, key, L.codesPerIp, true);
    refuseIfFull(codes.brand, brandId, L.codesPerBrand);
    refuseIfFull(codes.all, '', L.codesGlobal);
    if (needsCaptcha) {
      if (!captcha) throw new AppError('CAPTCHA_REQUIRED', await deps.captchas.issue());
      if (!(await deps.captchas.check(captcha))) throw new AppError('CAPTCHA_INVALID', await deps.captchas.issue());
    }
    codes.brand.add(brandId);
    codes.all.add('');
  }

  /** Before an unauthenticated argon2 (sign-in, password reset): attempts per address, per brand and overall. */
  function admitPasswordWork(ip: string | null, brandId: string): void {
    const key = clientKey(ip);
    refuseIfFull(logins.ip, key, LOGIN_LIMITS.perIp);
    refuseIfFull(logins.brand, brandId, LOGIN_LIMITS.perBrand);
    refuseIfFull(logins.all, '', LOGIN_LIMITS.global);
    logins.ip.add(key);
    logins.brand.add(brandId);
    logins.all.add('');
  }

  return { admitCodeRequest, admitPasswordWork };
}

export type AbuseGuard = ReturnType<typeof createAbuseGuard>;
