// The worker side of a threaded upstream (thread/upstream.ts): the real connector runs here, with
// its sockets, its PDU coding and its receipt parsing, and talks to the main thread in batches —
// one message per turn of the event loop each way, not one per part.
import { parentPort, workerData } from 'node:worker_threads';
import { createUpstream } from '../registry.ts';
import type { DeliveryReceipt, InboundPart, SubmitResult } from '../upstream.ts';
import type { FromMain, FromWorker, ThreadedKind } from './protocol.ts';

const port = parentPort!;
const { kind, config } = workerData as { kind: ThreadedKind; config: never };
const upstream = createUpstream(kind, config);

let results: [number, SubmitResult][] = [];
let receipts: [number, DeliveryReceipt][] = [];
let inbound: [number, InboundPart][] = [];
let scheduled = false;
let lastStats = '';

function flush(): void {
  scheduled = false;
  const stats = upstream.stats();
  const statsKey = JSON.stringify(stats);
  if (!results.length && !receipts.length && !inbound.length && statsKey === lastStats) return;
  lastStats = statsKey;
  const msg: FromWorker = { t: 'batch', results, receipts, inbound, stats };
  results = [];
  receipts = [];
  inbound = [];
  port.postMessage(msg);
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}

// A receipt or an inbound part is acknowledged to the SMSC only once the main thread has stored
// it: its listener's promise waits for the main thread's answer.
const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let nextEvent = 1;
function handOver<T>(list: () => [number, T][], value: T): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = nextEvent++;
    waiting.set(id, { resolve, reject });
    list().push([id, value]);
    schedule();
  });
}
upstream.onReceipt((r) => handOver(() => receipts, r));
upstream.onInbound((m) => handOver(() => inbound, m));

// Connection state changes (a reconnect, a bind) reach the panel even when nothing is sent.
const statsTimer = setInterval(schedule, 500);

port.on('message', (m: FromMain) => {
  switch (m.t) {
    case 'start':
      upstream.start().then(
        () => port.postMessage({ t: 'started', stats: upstream.stats() } satisfies FromWorker),
        (err: unknown) => port.postMessage({ t: 'started', stats: upstream.stats(), error: String((err as Error)?.message ?? err) } satisfies FromWorker),
      );
      break;
    case 'submit':
      for (const [id, part] of m.parts) {
        upstream.submit(part).then(
          (r) => {
            results.push([id, r]);
            schedule();
          },
          (err: unknown) => {
            results.push([id, { ok: false, retryable: true, code: 'upstream_error', maybeAccepted: true, vendorCode: String((err as Error)?.message ?? err) }]);
            schedule();
          },
        );
      }
      break;
    case 'acks':
      for (const [id, error] of m.acks) {
        const w = waiting.get(id);
        waiting.delete(id);
        if (!w) continue;
        if (error === null) w.resolve();
        else w.reject(new Error(error));
      }
      break;
    case 'stop':
      void upstream.stop().finally(() => {
        clearInterval(statsTimer);
        for (const w of waiting.values()) w.reject(new Error('connector stopped'));
        waiting.clear();
        flush();
        port.postMessage({ t: 'stopped' } satisfies FromWorker);
      });
      break;
  }
});
