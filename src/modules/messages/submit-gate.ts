// What a dispatcher may have on the wire, per connector session, and the record of it that makes
// a crash cheap. A message is handed to a session only once a slice naming it is committed
// (submit_slices, one row per slice, however many messages): after a kill only those messages are
// in doubt. A session takes at most `capacity` parts from the mark until their outcomes are
// recorded — twice its SMPP window, so the window stays full while the previous one is recorded —
// which bounds what one kill leaves in doubt (docs/operations.md, "Crashes").
import type { Upstream } from '../../upstreams/upstream.ts';

/** A message's place on a session: given back once its outcome is recorded (or nothing went out). */
export type Held = { release(): void; slice: bigint };

type Waiter = { id: bigint; parts: number; resolve: (h: Held) => void; reject: (err: unknown) => void };

type Slice = { id: bigint; open: number };

/** The SMPP window a connector uses when its settings name none (upstreams/smpp/client.ts). */
export const DEFAULT_WINDOW = 10;

export function createSubmitGates(deps: {
  /** Commits the slice (one statement) and returns its id. */
  mark: (connectorId: string, ids: bigint[]) => Promise<bigint>;
  /** Slices whose every message is recorded: deleted by the next write (or at once). */
  finished: (slice: bigint) => void;
  /** A gate has messages waiting: the recorder should write what it holds without delay. */
  starved: () => void;
}) {
  type Gate = { connectorId: string; capacity: number; used: number; waiting: Waiter[]; marking: boolean };
  const gates = new WeakMap<Upstream, Gate>();
  const open = new Map<bigint, Slice>();
  let waitingTotal = 0;

  function pump(gate: Gate) {
    if (gate.marking || !gate.waiting.length) return;
    const take: Waiter[] = [];
    let parts = gate.used;
    // a message longer than the whole capacity still goes, alone
    while (gate.waiting.length && (parts + gate.waiting[0].parts <= gate.capacity || parts === 0)) {
      const w = gate.waiting.shift()!;
      parts += w.parts;
      take.push(w);
    }
    if (!take.length) {
      deps.starved();
      return;
    }
    waitingTotal -= take.length;
    gate.used = parts;
    gate.marking = true;
    deps.mark(gate.connectorId, take.map((w) => w.id)).then((sliceId) => {
      const slice: Slice = { id: sliceId, open: take.length };
      open.set(sliceId, slice);
      for (const w of take) w.resolve(holdOf(gate, slice, w.parts));
    }, (err: unknown) => {
      gate.used -= take.reduce((s, w) => s + w.parts, 0);
      for (const w of take) w.reject(err);
    }).finally(() => {
      gate.marking = false;
      pump(gate);
    });
  }

  function holdOf(gate: Gate, slice: Slice, parts: number): Held {
    let released = false;
    return {
      slice: slice.id,
      release() {
        if (released) return;
        released = true;
        gate.used -= parts;
        if (--slice.open === 0) {
          open.delete(slice.id);
          deps.finished(slice.id);
        }
        pump(gate);
      },
    };
  }

  return {
    /**
     * Resolves once the message is recorded as submitting on this connector session and may go
     * on the wire. Messages that ask in one turn of the event loop share one slice.
     */
    acquire(route: { id: string; upstream: Upstream; window?: number }, id: bigint, parts: number): Promise<Held> {
      let gate = gates.get(route.upstream);
      if (!gate) gates.set(route.upstream, (gate = { connectorId: route.id, capacity: 2 * (route.window ?? DEFAULT_WINDOW), used: 0, waiting: [], marking: false }));
      const g = gate;
      return new Promise<Held>((resolve, reject) => {
        g.waiting.push({ id, parts, resolve, reject });
        waitingTotal++;
        if (g.waiting.length === 1) queueMicrotask(() => pump(g));
      });
    },
    /** Messages waiting for room on a session. */
    waiting: () => waitingTotal,
    /** Slices with messages not yet recorded (renewed with the claims). */
    openSlices: () => [...open.keys()],
  };
}

export type SubmitGates = ReturnType<typeof createSubmitGates>;
