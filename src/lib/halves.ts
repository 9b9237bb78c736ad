// Bulk writes that fail one item at a time. A receipt flush, a slice of dispatcher outcomes or a
// sweep of expired messages is one transaction; if one item in it cannot be applied (a bug, a
// damaged row), the transaction fails for all of them, and they come back together and fail
// together again. Applied again in halves, down to single items, the others commit and the one
// that cannot fails alone: about 2·log2(n) extra attempts for one bad item among n, and never more
// than a fixed number of attempts however many are bad.

/**
 * Applies `apply` to all items; when it throws, to each half in turn, recursively. An error that
 * `whole` says is everyone's (the database cannot be reached) is not split, and neither is any
 * part once `maxAttempts` calls have been made (then at most log2(n) more, for the parts still
 * pending): with many bad items the rest fail in the parts they are in, instead of costing ~2n
 * transactions. Returns the items that could not be applied and the first of their errors.
 */
export async function applyInHalves<T>(
  items: readonly T[],
  apply: (part: readonly T[]) => Promise<void>,
  whole: (err: unknown) => boolean,
  maxAttempts = 64,
): Promise<{ failed: T[]; err: unknown }> {
  const failed: T[] = [];
  let first: unknown = null;
  let attempts = 0;
  async function attempt(part: readonly T[]): Promise<void> {
    attempts++;
    try {
      await apply(part);
    } catch (err) {
      if (part.length > 1 && !whole(err) && attempts < maxAttempts) {
        const half = part.length >> 1;
        await attempt(part.slice(0, half));
        await attempt(part.slice(half));
        return;
      }
      first ??= err;
      failed.push(...part);
    }
  }
  if (items.length) await attempt(items);
  return { failed, err: first };
}
