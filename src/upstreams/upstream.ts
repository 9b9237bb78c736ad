// The one interface every upstream connector implements (SMPP, HTTP, simulator). The dispatcher
// sees only this: it hands over parts, gets an upstream id or a failure value, and listens for
// receipts and inbound messages. Vendor codes never leave the adapter.
import { analyseText, splitText } from '../lib/sms-parts.ts';
import type { Alphabet } from '../lib/sms-parts.ts';

export type UpstreamKind = 'smpp' | 'http' | 'simulator';

export type Concat = { ref: number; total: number; seq: number };

/** One part of a message, as it goes on the wire. */
export type OutboundPart = {
  /** Sender: a line number, a short code or an alphanumeric sender id. */
  from: string;
  /** E.164 (+989121234567) or national (09121234567); the adapter maps it to TON/NPI. */
  to: string;
  /** This part's segment (one element of splitText), or the whole text when the upstream splits. */
  text: string;
  alphabet: Alphabet;
  /** Already encoded user data (no UDH); when present it is sent instead of encoding `text`. */
  bytes?: Uint8Array;
  /** Absent for a single-part message. */
  concat?: Concat;
  registeredDelivery: boolean;
  /** Seconds the SMSC should keep trying. */
  validityPeriod?: number;
};

export type SubmitFailureCode =
  | 'throttled'
  | 'queue_full'
  | 'invalid_destination'
  | 'invalid_source'
  | 'invalid_message'
  | 'rejected'
  | 'bind_lost'
  | 'not_bound'
  | 'auth_failed'
  | 'timeout'
  | 'upstream_error'
  | 'stopped';

export type SubmitFailure = {
  ok: false;
  retryable: boolean;
  code: SubmitFailureCode;
  /**
   * The request reached the upstream but no answer came (timeout, connection lost in flight):
   * it may have been accepted, so a retry can deliver twice. The dispatcher decides.
   */
  maybeAccepted?: boolean;
  /** Vendor status (SMPP command_status, HTTP status) for the logs, never for decisions. */
  vendorCode?: string;
};

export type SubmitResult = { ok: true; upstreamId: string } | SubmitFailure;

export type ReceiptStatus = 'delivered' | 'undelivered' | 'expired' | 'rejected' | 'unknown' | 'accepted';

export type DeliveryReceipt = {
  upstreamId: string;
  status: ReceiptStatus;
  /** The vendor's error code as sent (err: field, network_error_code), for support. */
  errorCode?: string;
  submittedAt?: Date;
  doneAt?: Date;
  /**
   * How long before it was handed on the connector gave this id in a submit answer, when it did
   * so lately (SMPP client). A receipt then belongs to a submission recorded no earlier than
   * that answer, never to an older message still open with an id the SMSC gave again.
   */
  answeredAgoMs?: number;
  /**
   * The handset the message went to (a receipt's source address), as the SMSC writes it: a
   * receipt whose submit answer was never recorded (a crash) is matched by it (messages/receipts.ts).
   */
  handset?: string;
};

export type InboundPart = { from: string; to: string; text: string; concat?: Concat };

export type UpstreamStats = {
  state: 'idle' | 'connecting' | 'bound' | 'backoff' | 'stopped';
  inFlight: number;
  queued: number;
  submitted: number;
  accepted: number;
  failed: number;
  throttled: number;
  receipts: number;
  inbound: number;
  reconnects: number;
  /** Binds (or connections) established; absent where the adapter has none to count. */
  binds?: number;
  /** generic_nack PDUs the SMSC sent (SMPP only). */
  genericNacks?: number;
  lastError?: string;
};

export type Upstream = {
  readonly kind: UpstreamKind;
  /** true: submit the whole text once (the provider splits, e.g. HTTP APIs); false: one submit per part. */
  readonly splitsLongText: boolean;
  /** Resolves after the first connection attempt settles; connectors keep retrying in the background. */
  start(): Promise<void>;
  /** Stops accepting, answers queued parts with `stopped`, closes the link. */
  stop(): Promise<void>;
  /** Never throws for expected failures; they come back as `{ ok: false }`. */
  submit(part: OutboundPart): Promise<SubmitResult>;
  /** Returns a function that removes the listener. */
  /** A listener may return a promise; the adapter acknowledges the receipt once it resolves. */
  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<void>): () => void;
  onInbound(cb: (m: InboundPart) => void | Promise<void>): () => void;
  stats(): UpstreamStats;
};

/**
 * Parts for one message to one recipient, ready for submit(). `ref` is the concatenation
 * reference (the caller keeps it unique per recipient for a while; 8 bits unless ref16).
 */
export function buildOutboundParts(
  msg: { from: string; to: string; text: string; registeredDelivery?: boolean; validityPeriod?: number },
  opts: { ref: number; ref16?: boolean; maxParts?: number },
): OutboundPart[] {
  const { alphabet } = analyseText(msg.text, opts);
  const segments = splitText(msg.text, opts);
  const ref = opts.ref16 ? opts.ref & 0xffff : opts.ref & 0xff;
  return segments.map((text, i) => ({
    from: msg.from,
    to: msg.to,
    text,
    alphabet,
    registeredDelivery: msg.registeredDelivery ?? true,
    ...(msg.validityPeriod ? { validityPeriod: msg.validityPeriod } : {}),
    ...(segments.length > 1 ? { concat: { ref, total: segments.length, seq: i + 1 } } : {}),
  }));
}

/**
 * A tiny listener list shared by the adapters. A listener may return a promise: emit() resolves
 * when every listener has finished (so an adapter can acknowledge a PDU only once what it carried
 * is stored) and rejects if any failed.
 */
export function createListeners<T>(): { add(cb: (v: T) => void | Promise<void>): () => void; emit(v: T): Promise<void> } {
  const set = new Set<(v: T) => void | Promise<void>>();
  return {
    add(cb) {
      set.add(cb);
      return () => set.delete(cb);
    },
    emit(v) {
      const pending: Promise<void>[] = [];
      for (const cb of set) {
        // A listener's failure must not stop the others; it is reported through the promise.
        try {
          const r = cb(v);
          if (r) pending.push(r);
        } catch (err) {
          pending.push(Promise.reject(err));
        }
      }
      return pending.length ? Promise.all(pending).then(() => undefined) : Promise.resolve();
    },
  };
}
