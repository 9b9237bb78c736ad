// A per-address sliding window kept in memory: the first line against guessing from one address
// (SMPP binds). Sign-in's own limits are in abuse-guard.ts and sign-in.ts.
import type { Clock } from '../../lib/clock.ts';

export function createIpLimiter(opts: { clock: Clock; max: number; windowMs: number }) {
  const hits = new Map<string, number[]>();

  function recent(key: string): number[] {
    const cutoff = opts.clock.now().getTime() - opts.windowMs;
    const list = (hits.get(key) ?? []).filter((t) => t > cutoff);
    hits.set(key, list);
    return list;
  }

  return {
    take(key: string): boolean {
      const list = recent(key);
      if (list.length >= opts.max) return false;
      list.push(opts.clock.now().getTime());
      if (hits.size > 100_000) hits.clear(); // bound memory under a spray of addresses
      return true;
    },
    retryAfterSeconds(key: string): number {
      const list = recent(key);
      return list.length ? Math.max(1, Math.ceil((list[0] + opts.windowMs - opts.clock.now().getTime()) / 1000)) : 0;
    },
  };
}
