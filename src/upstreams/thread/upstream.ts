// A connector that runs in a worker thread of its own. An SMPP bind spends most of its time coding
// PDUs and parsing receipts; in its own thread that work runs on another core while the main
// thread routes, stores and settles. The main thread sees the same Upstream as in-process: parts
// go over in batches, answers and receipts come back in batches, and a receipt is acknowledged
// to the SMSC only after the main thread's listeners have stored it.
import { Worker } from 'node:worker_threads';
import { createListeners } from '../upstream.ts';
import type { DeliveryReceipt, InboundPart, OutboundPart, SubmitResult, Upstream, UpstreamStats } from '../upstream.ts';
import type { FromMain, FromWorker, ThreadedKind } from './protocol.ts';

const idle: UpstreamStats = { state: 'idle', inFlight: 0, queued: 0, submitted: 0, accepted: 0, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0 };

// The worker loads our TypeScript through tsx's loader, registered in the worker itself: a worker
// does not always inherit the parent's (a test runner's workers have none).
const bootstrap = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry); })
  .catch((err) => { console.error(err); process.exit(1); });`;

/** How long after an unexpected exit of its worker the connector starts a new one. */
export const RESTART_MS = 1_000;

export function createThreadedUpstream(kind: ThreadedKind, config: object, opts: { splitsLongText: boolean }): Upstream {
  const receiptListeners = createListeners<DeliveryReceipt>();
  const inboundListeners = createListeners<InboundPart>();
  const waiting = new Map<number, (r: SubmitResult) => void>();
  let worker: Worker | null = null;
  let stats: UpstreamStats = idle;
  let stopping = false;
  let nextId = 1;
  let parts: [number, OutboundPart][] = [];
  let acks: [number, string | null][] = [];
  let scheduled = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let started: ((error?: string) => void) | null = null;
  let stopped: (() => void) | null = null;

  function post(w: Worker, m: FromMain): void {
    w.postMessage(m);
  }

  function flush(): void {
    scheduled = false;
    if (!worker) return;
    if (parts.length) post(worker, { t: 'submit', parts });
    if (acks.length) post(worker, { t: 'acks', acks });
    parts = [];
    acks = [];
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  function onMessage(w: Worker, m: FromWorker): void {
    if (m.t === 'started') {
      stats = m.stats;
      started?.(m.error);
      started = null;
      return;
    }
    if (m.t === 'stopped') {
      stopped?.();
      return;
    }
    stats = m.stats;
    for (const [id, r] of m.results) {
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.(r);
    }
    // An answer goes to the thread that numbered the receipt: a thread started after it died
    // numbers its own from 1 again, and must not take an old answer for one of its receipts.
    const ack = (id: number) => (p: Promise<void>) =>
      p.then(
        () => {
          if (worker === w) acks.push([id, null]);
        },
        (err: unknown) => {
          if (worker === w) acks.push([id, String((err as Error)?.message ?? err)]);
        },
      ).then(schedule);
    for (const [id, r] of m.receipts) ack(id)(receiptListeners.emit(r));
    for (const [id, p] of m.inbound) ack(id)(inboundListeners.emit(p));
  }

  /** Parts the worker took but never answered: after it died they may have gone out. */
  function abandon(code: 'upstream_error' | 'stopped', maybeAccepted: boolean): void {
    for (const resolve of waiting.values()) resolve({ ok: false, retryable: true, code, maybeAccepted });
    waiting.clear();
    parts = [];
    acks = [];
  }

  function spawn(): Worker {
    const w = new Worker(bootstrap, {
      eval: true,
      execArgv: [],
      workerData: { kind, config, tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./worker.ts', import.meta.url).href },
    });
    w.on('message', (m: FromWorker) => onMessage(w, m));
    w.on('error', (err) => {
      stats = { ...stats, state: 'backoff', lastError: `connector thread failed: ${err.message}` };
    });
    w.on('exit', () => {
      if (worker !== w) return;
      worker = null;
      started?.(stats.lastError ?? 'connector thread exited');
      started = null;
      stopped?.();
      abandon(stopping ? 'stopped' : 'upstream_error', true);
      if (stopping) return;
      // A connector is not given up on: a new thread binds again after a pause.
      stats = { ...stats, state: 'backoff', reconnects: stats.reconnects + 1 };
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopping) void startWorker().catch(() => undefined);
      }, RESTART_MS);
    });
    return w;
  }

  function startWorker(): Promise<void> {
    worker = spawn();
    const w = worker;
    return new Promise<void>((resolve, reject) => {
      started = (error) => (error ? reject(new Error(error)) : resolve());
      post(w, { t: 'start' });
    });
  }

  return {
    kind,
    splitsLongText: opts.splitsLongText,
    start() {
      if (worker) return Promise.resolve();
      stopping = false;
      return startWorker();
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const w = worker;
      if (!w) return;
      flush();
      await new Promise<void>((resolve) => {
        stopped = resolve;
        post(w, { t: 'stop' });
      });
      stopped = null;
      worker = null;
      await w.terminate();
      // the thread answered everything it held before it said it stopped
      abandon('stopped', false);
      stats = { ...stats, state: 'stopped', inFlight: 0, queued: 0 };
    },
    submit(part) {
      if (!worker || stopping) return Promise.resolve({ ok: false, retryable: true, code: stopping ? 'stopped' : 'not_bound' });
      return new Promise<SubmitResult>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        parts.push([id, part]);
        schedule();
      });
    },
    onReceipt: (cb) => receiptListeners.add(cb),
    onInbound: (cb) => inboundListeners.add(cb),
    stats: () => stats,
  };
}
