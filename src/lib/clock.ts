// Time comes from a Clock so tests can move it; nothing else calls Date.now() for rules.
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export type FakeClock = Clock & { set(at: Date | string): void; advance(ms: number): void };

export function fakeClock(start: Date | string = '2026-01-01T08:00:00+03:30'): FakeClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = new Date(at).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
