// Reads by key batched per turn of the event loop: every key asked for while the loop runs one
// turn is read with one query at the next (`WHERE id = ANY($1)`). Under load an API client's
// requests arrive together and each would otherwise read its token and its account alone, one
// statement at a time on PGlite. Nothing is kept after a batch answers, so no answer is older
// than the read it stands for; a key asked twice in one turn is read once and each caller gets
// its own copy.

export type BatchLoader<K, V> = { load(key: K): Promise<V | null> };

export function batchLoader<K, V>(loadMany: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V> {
  let pending: Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]> | null = null;

  async function flush(batch: NonNullable<typeof pending>) {
    try {
      const found = await loadMany([...batch.keys()]);
      for (const [key, waiters] of batch) {
        const v = found.get(key) ?? null;
        waiters.forEach((w, i) => w.resolve(i === 0 || v === null ? v : structuredClone(v)));
      }
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }

  return {
    load(key) {
      return new Promise<V | null>((resolve, reject) => {
        if (!pending) {
          const batch = new Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]>();
          pending = batch;
          setImmediate(() => {
            pending = null;
            void flush(batch);
          });
        }
        const waiters = pending.get(key) ?? [];
        waiters.push({ resolve, reject });
        pending.set(key, waiters);
      });
    },
  };
}
