// Failed SMPP binds, in memory (each listener process counts its own). Guesses are held back per
// (username, address) with delays that double, so a stranger who knows a username slows only its
// own address and never locks the customer out; one address failing across many usernames is
// capped in a window. An attempt is counted when it is admitted, before the password hash, and
// given back if the password was right: binds that arrive together cannot all pass the count.
import type { Clock } from '../../lib/clock.ts';

export type BindThrottleLimits = {
  /** failures of one (username, address) before each further attempt waits for a delay */
  freeFailures: number;
  /** the first delay; each failure after it doubles the delay, up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  /** a (username, address) with no failure for this long starts afresh */
  forgetMs: number;
  /** failures one address may have across usernames in windowMs before its binds are refused */
  perAddress: number;
  windowMs: number;
};

type Pair = { failures: number; pending: number; readyAt: number; lastAt: number };
type Address = { failures: number[]; pending: number };

export type BindAdmission =
  | { ok: true; done(password: 'right' | 'wrong' | 'unchecked'): void }
  | { ok: false; why: 'address' | 'delay' };

// Bounds memory under a spray of addresses and usernames; a clear only forgets, it never locks.
const MAX_KEYS = 100_000;

export function createBindThrottle(opts: { clock: Clock; limits: BindThrottleLimits }) {
  const l = opts.limits;
  const pairs = new Map<string, Pair>();
  const addresses = new Map<string, Address>();
  const now = () => opts.clock.now().getTime();

  function addressOf(ip: string): Address {
    let a = addresses.get(ip);
    if (!a) {
      if (addresses.size >= MAX_KEYS) addresses.clear();
      addresses.set(ip, (a = { failures: [], pending: 0 }));
    }
    const cutoff = now() - l.windowMs;
    a.failures = a.failures.filter((t) => t > cutoff);
    return a;
  }

  function pairOf(key: string): Pair {
    let p = pairs.get(key);
    if (p && p.pending === 0 && now() - p.lastAt > l.forgetMs) p = undefined;
    if (!p) {
      if (pairs.size >= MAX_KEYS) pairs.clear();
      pairs.set(key, (p = { failures: 0, pending: 0, readyAt: 0, lastAt: now() }));
    }
    return p;
  }

  const delayAfter = (failures: number) => Math.min(l.maxDelayMs, l.baseDelayMs * 2 ** (failures - l.freeFailures));

  /** Whether a bind of `username` from `ip` may have its password checked now. */
  function admit(username: string, ip: string): BindAdmission {
    const address = addressOf(ip);
    if (address.failures.length + address.pending >= l.perAddress) return { ok: false, why: 'address' };
    const key = `${username}\n${ip}`;
    const pair = pairOf(key);
    const free = pair.failures + pair.pending < l.freeFailures;
    // Past the free failures, one attempt at a time and only once its delay has passed.
    if (!free && (pair.pending > 0 || now() < pair.readyAt)) return { ok: false, why: 'delay' };
    pair.pending++;
    address.pending++;
    let settled = false;
    return {
      ok: true,
      done(password) {
        if (settled) return;
        settled = true;
        pair.pending--;
        address.pending--;
        if (password === 'unchecked') return;
        if (password === 'right') {
          if (pairs.get(key) === pair && pair.pending === 0) pairs.delete(key);
          return;
        }
        const at = now();
        pair.failures++;
        pair.lastAt = at;
        if (pair.failures >= l.freeFailures) pair.readyAt = at + delayAfter(pair.failures);
        address.failures.push(at);
      },
    };
  }

  return { admit };
}
