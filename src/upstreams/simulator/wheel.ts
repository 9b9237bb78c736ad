// A batched timer wheel: one Node timer for everything that is due, grouped in slots of
// `resolutionMs`. A setTimeout per receipt at 10k msg/s means ~10k live timers and their
// closures; a slot is one array push.

export type TimerWheel<T> = {
  schedule(delayMs: number, item: T): void;
  readonly size: number;
  clear(): void;
};

export function createTimerWheel<T>(fire: (item: T) => void, resolutionMs = 10): TimerWheel<T> {
  const slots = new Map<number, T[]>();
  let size = 0;
  let timer: NodeJS.Timeout | null = null;
  let lastSlot = Math.floor(performance.now() / resolutionMs);

  function tick(): void {
    const current = Math.floor(performance.now() / resolutionMs);
    for (let slot = lastSlot; slot <= current && size > 0; slot++) {
      const items = slots.get(slot);
      if (!items) continue;
      slots.delete(slot);
      size -= items.length;
      for (const item of items) fire(item);
    }
    lastSlot = current + 1;
    if (size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    schedule(delayMs, item) {
      if (!timer) lastSlot = Math.floor(performance.now() / resolutionMs);
      const slot = Math.max(lastSlot, Math.ceil((performance.now() + Math.max(0, delayMs)) / resolutionMs));
      const items = slots.get(slot);
      if (items) items.push(item);
      else slots.set(slot, [item]);
      size++;
      if (!timer) {
        timer = setInterval(tick, resolutionMs);
        timer.unref();
      }
    },
    get size() {
      return size;
    },
    clear() {
      slots.clear();
      size = 0;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
