// Concurrent identical reads share one execution. Under load many requests of one caller (one
// API key, one account's lines) arrive together; on a database that runs one statement at a time
// each asked separately queues behind the others. A follower gets a copy of the leader's answer
// as of a moment after it asked, so nothing is staler than its own read would have been; nothing
// is kept after the read settles.

export function coalesce<A extends unknown[], R>(fn: (...args: A) => Promise<R>, keyOf: (...args: A) => string): (...args: A) => Promise<R> {
  const inFlight = new Map<string, Promise<R>>();
  return (...args: A) => {
    const key = keyOf(...args);
    const running = inFlight.get(key);
    // Callers may change what they get; each follower has its own copy.
    if (running) return running.then((r) => structuredClone(r));
    const p = fn(...args).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
}
