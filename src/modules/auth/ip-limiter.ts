// Sliding windows of hits kept in memory, one list of times per key: the sign-up, reset and
// sign-in budgets (abuse-guard.ts) and the first line against guessing SMPP binds from one address.
import type { Clock } from '../../lib/clock.ts';

const MAX_KEYS = 100_000;

export type SlidingWindow = ReturnType<typeof slidingWindow>;

export function slidingWindow(clock: Clock, windowMs: number) {
  const hits = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = clock.now().getTime() - windowMs;
    const list = (hits.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) hits.set(key, list);
    else hits.delete(key);
    return list;
  };
  return {
    count: (key: string) => recent(key).length,
    add(key: string) {
      // A spray of addresses must not grow memory without end; dropping the oldest keys only
      // forgets the addresses that went quiet longest.
      if (hits.size >= MAX_KEYS) for (const k of [...hits.keys()].slice(0, MAX_KEYS / 10)) hits.delete(k);
      hits.set(key, [...recent(key), clock.now().getTime()]);
    },
    /** Seconds until fewer than `max` hits remain in the window. */
    retryAfterSeconds(key: string, max: number) {
      const list = recent(key);
      const oldest = list[Math.max(0, list.length - max)];
      return oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + windowMs - clock.now().getTime()) / 1000));
    },
  };
}

/** At most `max` hits per key in `windowMs`: `take` counts one and says whether it fits. */
export function createIpLimiter(opts: { clock: Clock; max: number; windowMs: number }) {
  const window = slidingWindow(opts.clock, opts.windowMs);
  return {
    take(key: string): boolean {
      if (window.count(key) >= opts.max) return false;
      window.add(key);
      return true;
    },
    retryAfterSeconds: (key: string): number => (window.count(key) ? window.retryAfterSeconds(key, opts.max) : 0),
  };
}
