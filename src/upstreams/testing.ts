// Helpers for the upstream tests (event-driven waits, never sleeps as assertions).

/** Resolves when `check` returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Collects what a listener receives. */
export function collect<T>(subscribe: (cb: (v: T) => void) => unknown): T[] {
  const items: T[] = [];
  subscribe((v) => items.push(v));
  return items;
}
