// Live progress of sends for the batch page. Every stream of one batch hears the same poll: one
// read per batch per interval however many tabs watch it, and each account holds a bounded number
// of streams, so a script opening streams cannot turn this process into a database load generator.
// Polling (not an in-process event) keeps it correct with any number of dispatcher processes.
import type { Logger } from 'pino';
import { AppError } from '../../lib/app-error.ts';
import type { Scope } from '../accounts/scope.ts';
import type { BatchService } from './batches.ts';

export type Progress = { status: string; counts: Record<string, number>; total: number };
type Listener = (p: Progress, final: boolean) => void;
type Watch = { scope: Scope; listeners: Set<Listener>; timer: NodeJS.Timeout | null };

const isFinal = (status: string) => status === 'done' || status === 'cancelled';

export function createProgressStreams(deps: { batches: Pick<BatchService, 'getBatch'>; log: Logger; perAccount: number; pollMs: number }) {
  const openByAccount = new Map<string, number>();
  const watches = new Map<string, Watch>();
  let polls = 0;

  function schedule(batchId: string, w: Watch) {
    w.timer = setTimeout(() => void poll(batchId, w), deps.pollMs);
    w.timer.unref();
  }

  // The scope of whoever opened the watch: every later listener passed getBatch in its own scope
  // before joining, and a batch's counts are the same whoever reads them.
  async function poll(batchId: string, w: Watch) {
    w.timer = null;
    polls++;
    let p: Progress;
    try {
      const b = await deps.batches.getBatch(w.scope, batchId);
      p = { status: b.status, counts: b.counts, total: b.total };
    } catch (err) {
      deps.log.warn({ err, batchId }, 'live progress: reading the batch failed');
      if (watches.get(batchId) === w && w.listeners.size) schedule(batchId, w);
      return;
    }
    const final = isFinal(p.status);
    if (final && watches.get(batchId) === w) watches.delete(batchId);
    for (const l of [...w.listeners]) l(p, final);
    if (!final && watches.get(batchId) === w && w.listeners.size) schedule(batchId, w);
  }

  /**
   * Reads the batch in the caller's scope (NOT_FOUND outside it, before anything else, so a
   * foreign id is answered as an unknown one) and then takes one of the account's stream slots
   * (TOO_MANY_STREAMS when none is left; counted and taken with no await between). `listen` joins
   * the batch's shared poll; `close` gives the slot back and leaves the poll, once.
   */
  async function open(caller: { accountId: string; scope: Scope }, batchId: string) {
    const b = await deps.batches.getBatch(caller.scope, batchId);
    const initial: Progress = { status: b.status, counts: b.counts, total: b.total };
    const n = openByAccount.get(caller.accountId) ?? 0;
    if (n >= deps.perAccount) throw new AppError('TOO_MANY_STREAMS', { limit: deps.perAccount });
    openByAccount.set(caller.accountId, n + 1);
    let listener: Listener | null = null;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      const left = (openByAccount.get(caller.accountId) ?? 1) - 1;
      if (left > 0) openByAccount.set(caller.accountId, left);
      else openByAccount.delete(caller.accountId);
      const w = watches.get(batchId);
      if (!w || !listener) return;
      w.listeners.delete(listener);
      if (!w.listeners.size) {
        if (w.timer) clearTimeout(w.timer);
        watches.delete(batchId);
      }
    };
    return {
      initial,
      final: isFinal(initial.status),
      listen(l: Listener) {
        if (closed) return;
        listener = l;
        let w = watches.get(batchId);
        if (!w) {
          w = { scope: caller.scope, listeners: new Set(), timer: null };
          watches.set(batchId, w);
          schedule(batchId, w);
        }
        w.listeners.add(l);
      },
      close,
    };
  }

  return {
    open,
    /** batches being polled, streams listening, polls made (for tests and the operator) */
    stats() {
      let listeners = 0;
      for (const w of watches.values()) listeners += w.listeners.size;
      return { batches: watches.size, listeners, polls };
    },
  };
}

export type ProgressStreams = ReturnType<typeof createProgressStreams>;
