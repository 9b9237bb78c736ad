// Seconds left before a code may be sent again; ticks once a second while above zero.
import { useCallback, useEffect, useState } from 'react';

export function useCountdown() {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const left = Math.max(0, Math.ceil((until - now) / 1000));

  useEffect(() => {
    if (left <= 0) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [left]);

  const start = useCallback((seconds: number) => {
    const t = Date.now();
    setNow(t);
    setUntil(t + seconds * 1000);
  }, []);

  return { left, start };
}

/** TOO_MANY_REQUESTS carries details.retryAfterSeconds; anything else leaves the timer alone. */
export function retryAfter(err: unknown): number | null {
  const e = err as { code?: string; details?: { retryAfterSeconds?: unknown } } | null;
  if (e?.code !== 'TOO_MANY_REQUESTS') return null;
  const s = Number(e.details?.retryAfterSeconds);
  return Number.isFinite(s) && s > 0 ? s : 60;
}
