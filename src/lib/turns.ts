// Long loops on the event loop give way to other requests between slices. A slice ends after
// `items` items or `ms` milliseconds, whichever comes first; the clock is read every 1,024 items
// only, so a slice of cheap items costs no clock reads to speak of.
import { setImmediate } from 'node:timers/promises';

/** One turn of the event loop: timers, sockets and other requests run before this resolves. */
export const nextTurn = (): Promise<void> => setImmediate();

export type Slicer = {
  /** Counts one item; true when the slice is over and the caller should `await slicer.pause()`. */
  due(): boolean;
  pause(): Promise<void>;
};

export function createSlicer(opts: { items?: number; ms?: number } = {}): Slicer {
  const items = opts.items ?? 20_000;
  const ms = opts.ms ?? 10;
  let count = 0;
  let since = performance.now();
  return {
    due() {
      count++;
      if (count >= items) return true;
      return (count & 1023) === 0 && performance.now() - since >= ms;
    },
    async pause() {
      await nextTurn();
      count = 0;
      since = performance.now();
    },
  };
}
