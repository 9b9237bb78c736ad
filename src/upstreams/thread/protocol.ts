// The messages between a threaded upstream (main thread) and its worker. Each carries a batch:
// everything one turn of the event loop produced, numbered so answers find their callers.
import type { DeliveryReceipt, InboundPart, OutboundPart, SubmitResult, UpstreamStats } from '../upstream.ts';

export type ThreadedKind = 'smpp' | 'http';

export type FromMain =
  | { t: 'start' }
  | { t: 'stop' }
  | { t: 'submit'; parts: [number, OutboundPart][] }
  /** Receipts and inbound parts stored (null) or not (the error): the worker answers the SMSC. */
  | { t: 'acks'; acks: [number, string | null][] };

export type FromWorker =
  | { t: 'started'; stats: UpstreamStats; error?: string }
  | { t: 'stopped' }
  | { t: 'batch'; results: [number, SubmitResult][]; receipts: [number, DeliveryReceipt][]; inbound: [number, InboundPart][]; stats: UpstreamStats };
