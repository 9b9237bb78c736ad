// SMPP 3.4 client (ESME) on node-smpp: one transceiver bind per connector, with the flow control
// the library leaves to us — a window of outstanding submit_sm, a response timeout per PDU, a TPS
// token bucket, slowing down on ESME_RTHROTTLED / ESME_RMSGQFUL, enquire_link and reconnect.
import { canonicalUpstreamId } from '../ids.ts';
import { createListeners } from '../upstream.ts';
import type { DeliveryReceipt, InboundPart, OutboundPart, SubmitFailure, SubmitResult, Upstream, UpstreamKind, UpstreamStats } from '../upstream.ts';
import { Fifo, TokenBucket } from './flow.ts';
import { corkForTick, smpp, status } from './lib.ts';
import type { Pdu, Session } from './lib.ts';
import { buildSubmitOptions, mapSubmitStatus, readDeliver } from './pdu.ts';
import type { DeliverOptions, SubmitOptions } from './pdu.ts';

export type SmppClientConfig = {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Outstanding submit_sm without a response. Operators state it in the contract; 10 is common. */
  window?: number;
  responseTimeoutMs?: number;
  enquireLinkMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Parts per second through this bind; 0 = no limit. */
  maxTps?: number;
  /** First pause after a throttle answer; doubles while the SMSC keeps throttling. */
  throttlePauseMs?: number;
  throttlePauseMaxMs?: number;
  /** How long submit() may wait (queue, throttling, reconnect) before answering retryable. */
  submitTimeoutMs?: number;
  maxQueue?: number;
  /** 16-bit concatenation references (UDH IE 0x08); split texts with the same flag. */
  ref16?: boolean;
  /** Reported as the Upstream kind (the simulator reuses this client). */
  kind?: UpstreamKind;
} & DeliverOptions;

type Job = {
  opts: SubmitOptions;
  resolve: (r: SubmitResult) => void;
  deadline: number;
  sentAt: number;
};

const now = () => performance.now();

/** How long the ids of submit answers are remembered for the receipts that follow (answeredAgoMs). */
const ANSWER_MEMORY_MS = 60_000;

/** A receipt that came while submits were in flight: it may be one of theirs, whose answer is still to come. */
type Held = { receipt: DeliveryReceipt; waitFor: Set<Job>; emit: () => void };

export function createSmppClient(config: SmppClientConfig): Upstream {
  const window = config.window ?? 10;
  const responseTimeout = config.responseTimeoutMs ?? 10_000;
  const enquireEvery = config.enquireLinkMs ?? 30_000;
  const reconnectMin = config.reconnectMinMs ?? 1_000;
  const reconnectMax = config.reconnectMaxMs ?? 60_000;
  const throttlePause = config.throttlePauseMs ?? 1_000;
  const throttlePauseMax = config.throttlePauseMaxMs ?? 10_000;
  const submitTimeout = config.submitTimeoutMs ?? 60_000;
  const maxQueue = config.maxQueue ?? 100_000;
  const ref16 = config.ref16 ?? false;
  const bucket = config.maxTps ? new TokenBucket(config.maxTps) : null;
  const receipts = createListeners<DeliveryReceipt>();
  const inbound = createListeners<InboundPart>();

  let state: UpstreamStats['state'] = 'idle';
  let session: Session | null = null;
  let stopped = false;
  let attempt = 0;
  let lastRx = 0;
  let connectStarted = 0;
  let pauseUntil = 0;
  let throttleStreak = 0;
  let lastThrottle = -Infinity;
  const queue = new Fifo<Job>();
  // Parts the SMSC answered with a throttle status go first when sending resumes.
  const retry = new Fifo<Job>();
  // sequence_number → job, in send order (Map keeps insertion order), so the timeout sweep stops
  // at the first PDU that is still young.
  const inflight = new Map<number, Job>();
  // Ids given in submit answers lately (canonical id → when), oldest first. SMSCs give an id
  // again after a restart: a receipt must reach the submission its id was last given to, even
  // when that submission is not yet recorded and an older message still waits with the id.
  const answers = new Map<string, number>();
  let held: Held[] = [];
  const counters = { submitted: 0, accepted: 0, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0, binds: 0, genericNacks: 0 };
  let lastError: string | undefined;
  let pumpTimer: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  let enquireTimer: NodeJS.Timeout | null = null;
  let firstAttempt: (() => void) | null = null;

  function finish(job: Job, result: SubmitResult): void {
    if (result.ok) {
      counters.accepted++;
      remember(result.upstreamId);
    } else counters.failed++;
    job.resolve(result);
    if (held.length) answered(job);
  }

  function remember(id: string): void {
    const t = now();
    const key = canonicalUpstreamId(id);
    answers.delete(key);
    answers.set(key, t);
    for (const [k, at] of answers) {
      if (t - at < ANSWER_MEMORY_MS) break;
      answers.delete(k);
    }
  }

  /** The receipt as handed on: with how long ago its id was given in a submit answer, if lately. */
  function withAnswerAge(r: DeliveryReceipt): DeliveryReceipt {
    const at = answers.get(canonicalUpstreamId(r.upstreamId));
    return at === undefined || now() - at >= ANSWER_MEMORY_MS ? r : { ...r, answeredAgoMs: Math.round(now() - at) };
  }

  /** A job in flight has its answer (or failed): receipts that waited for it and nothing else go on. */
  function answered(job: Job): void {
    const ready: Held[] = [];
    held = held.filter((h) => {
      h.waitFor.delete(job);
      if (h.waitFor.size > 0) return true;
      ready.push(h);
      return false;
    });
    for (const h of ready) h.emit();
  }

  /**
   * A receipt can overtake the submit_sm_resp of its own message (the SMSC's receipts take
   * another path). While submits are in flight it waits for their answers, so that its id is
   * known as the one just given, not taken for an older message's.
   */
  function emitReceipt(r: DeliveryReceipt): Promise<void> {
    if (!inflight.size) return receipts.emit(withAnswerAge(r));
    return new Promise<void>((resolve, reject) => {
      held.push({ receipt: r, waitFor: new Set(inflight.values()), emit: () => receipts.emit(withAnswerAge(r)).then(resolve, reject) });
    });
  }

  function fail(job: Job, code: SubmitFailure['code'], maybeAccepted = false): void {
    finish(job, { ok: false, retryable: true, code, ...(maybeAccepted ? { maybeAccepted } : {}) });
  }

  function settleFirstAttempt(): void {
    firstAttempt?.();
    firstAttempt = null;
  }

  function connect(): void {
    reconnectTimer = null;
    if (stopped) return;
    state = 'connecting';
    connectStarted = now();
    const s = smpp.connect({ host: config.host, port: config.port });
    session = s;
    // 'error' is always followed by 'close'; without a listener it would crash the process.
    s.on('error', (err: Error) => {
      lastError = err.message;
    });
    s.on('close', () => onClosed(s));
    s.on('connect', () => bind(s));
    s.on('pdu', () => {
      lastRx = now();
    });
    // The SMSC could not read one of our PDUs (a submit's answer comes as this too, failed below).
    s.on('generic_nack', () => counters.genericNacks++);
    s.on('deliver_sm', (pdu: Pdu) => onDeliver(s, pdu));
    s.on('enquire_link', (pdu: Pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu: Pdu) => {
      s.send(pdu.response());
      s.close();
    });
    // An unknown command must get generic_nack, or the SMSC waits for an answer forever.
    s.on('unknown', (pdu: Pdu) => s.send(pdu.response()));
  }

  function bind(s: Session): void {
    // interface_version: the library defaults to 0x50 (SMPP 5.0); 3.4 SMSCs may refuse the bind.
    s.bind_transceiver(
      { system_id: config.systemId, password: config.password, system_type: config.systemType ?? '', interface_version: 0x34 },
      (resp: Pdu) => {
        if (session !== s) return;
        if (resp.command_status !== status.OK) {
          lastError = `bind refused: 0x${resp.command_status.toString(16)}`;
          s.destroy();
          return;
        }
        state = 'bound';
        counters.binds++;
        attempt = 0;
        lastRx = now();
        enquireTimer = setInterval(() => enquire(s), enquireEvery);
        enquireTimer.unref();
        settleFirstAttempt();
        pump();
      },
    );
  }

  function onClosed(s: Session): void {
    if (session !== s) return;
    session = null;
    if (enquireTimer) clearInterval(enquireTimer);
    enquireTimer = null;
    // What was on the wire may or may not have reached the SMSC: hand it back, never drop it.
    for (const job of inflight.values()) fail(job, stopped ? 'stopped' : 'bind_lost', true);
    inflight.clear();
    settleFirstAttempt();
    if (stopped) {
      state = 'stopped';
      return;
    }
    state = 'backoff';
    counters.reconnects++;
    // Exponential backoff with jitter, so a fleet of binds does not storm a recovering SMSC.
    const base = Math.min(reconnectMax, reconnectMin * 2 ** Math.min(attempt, 20));
    attempt++;
    reconnectTimer = setTimeout(connect, base * (0.8 + Math.random() * 0.4));
    reconnectTimer.unref();
  }

  function enquire(s: Session): void {
    // Silence longer than an interval plus a timeout means a dead link that TCP has not noticed
    // (NAT or firewall idle cut): drop it and rebind rather than pile PDUs into a black hole.
    if (now() - lastRx > enquireEvery + responseTimeout) {
      lastError = 'enquire_link unanswered';
      s.destroy();
      return;
    }
    s.enquire_link({});
  }

  function onDeliver(s: Session, pdu: Pdu): void {
    let stored: Promise<void> = Promise.resolve();
    try {
      const d = readDeliver(pdu, config);
      if (d.kind === 'receipt') {
        counters.receipts++;
        stored = emitReceipt(d.receipt);
      } else if (d.kind === 'inbound') {
        counters.inbound++;
        stored = inbound.emit(d.inbound);
      }
    } catch (err) {
      // A PDU we cannot read is answered OK below: resending it would never make it readable.
      lastError = `unreadable deliver_sm: ${(err as Error).message}`;
    }
    // Answer once what the PDU carried is stored: the SMSC resends a deliver_sm we never
    // acknowledged, so a crash before the commit loses nothing. A failure to store answers
    // ESME_RX_T_APPN (temporary), and the SMSC tries again later.
    stored.then(
      () => {
        corkForTick(s);
        s.send(pdu.response());
      },
      (err: unknown) => {
        lastError = `deliver_sm not stored: ${(err as Error).message}`;
        corkForTick(s);
        s.send(pdu.response({ command_status: 0x64 }));
      },
    );
  }

  function schedulePump(ms: number): void {
    if (pumpTimer) return;
    pumpTimer = setTimeout(() => {
      pumpTimer = null;
      pump();
    }, ms);
  }

  function expireCode(): SubmitFailure['code'] {
    if (state !== 'bound') return 'not_bound';
    return now() - lastThrottle < submitTimeout ? 'throttled' : 'timeout';
  }

  function pump(): void {
    while (state === 'bound' && session && inflight.size < window && (retry.length > 0 || queue.length > 0)) {
      const t = now();
      if (t < pauseUntil) return schedulePump(pauseUntil - t);
      const head = retry.peek() ?? queue.peek();
      if (head && head.deadline <= t) {
        (retry.length > 0 ? retry : queue).shift();
        fail(head, expireCode());
        continue;
      }
      const wait = bucket ? bucket.take(t) : 0;
      if (wait > 0) return schedulePump(wait);
      const job = (retry.length > 0 ? retry : queue).shift() as Job;
      if (!send(session, job)) return;
    }
  }

  /** false when the socket is no longer writable: the job waits in `retry`, 'close' will follow. */
  function send(s: Session, job: Job): boolean {
    const pdu = new smpp.PDU('submit_sm', job.opts);
    corkForTick(s);
    if (!s.send(pdu, (resp) => onSubmitResp(s, job, resp))) {
      retry.push(job);
      return false;
    }
    job.sentAt = now();
    inflight.set(pdu.sequence_number, job);
    return true;
  }

  function onSubmitResp(s: Session, job: Job, resp: Pdu): void {
    // A late answer after our timeout already returned the job: the caller has a result.
    if (inflight.get(resp.sequence_number) !== job) return;
    inflight.delete(resp.sequence_number);
    const code = resp.command_status;
    // generic_nack: the SMSC could not read the submit_sm and took nothing. Its status says why;
    // some SMSCs send none (0), which is no acceptance either: a temporary error, sent again.
    const nack = resp.command === 'generic_nack';
    if (nack && code === status.OK) {
      finish(job, { ok: false, retryable: true, code: 'upstream_error', vendorCode: 'generic_nack' });
    } else if (code === status.OK) {
      throttleStreak = 0;
      finish(job, { ok: true, upstreamId: resp.message_id ?? '' });
    } else if (code === status.THROTTLED || code === status.MSGQFUL) {
      // Not a failure of this part: the SMSC asks us to slow down. Pause the whole bind (the
      // window keeps other PDUs in flight that will meet the same answer) and send it again.
      counters.throttled++;
      lastThrottle = now();
      // Answers to PDUs already in flight when the pause began belong to the same episode; only
      // a throttle after the pause ran out means the pause was too short and doubles it.
      if (lastThrottle >= pauseUntil) {
        const pause = Math.min(throttlePauseMax, throttlePause * 2 ** Math.min(throttleStreak++, 10));
        pauseUntil = lastThrottle + pause;
      }
      // once stop() has begun nothing will send it again: hand it back now, or its caller waits forever
      if (stopped) fail(job, 'stopped');
      else if (pauseUntil >= job.deadline) finish(job, mapSubmitStatus(code));
      else {
        retry.push(job);
        // answered without an id: receipts that waited for it need not wait for its next answer
        if (held.length) answered(job);
      }
    } else {
      const failure = mapSubmitStatus(code);
      finish(job, failure);
      // ESME_RINVBNDSTS: the SMSC forgot our bind (restart behind a load balancer); rebind.
      if (code === status.INVBNDSTS) s.destroy();
    }
    pump();
  }

  function sweep(): void {
    const t = now();
    for (const [seq, job] of inflight) {
      if (t - job.sentAt < responseTimeout) break;
      inflight.delete(seq);
      fail(job, 'timeout', true);
    }
    while (queue.length > 0 && (queue.peek() as Job).deadline <= t) fail(queue.shift() as Job, expireCode());
    while (retry.length > 0 && (retry.peek() as Job).deadline <= t) fail(retry.shift() as Job, expireCode());
    // TCP connect and bind have no timeout of their own; a black-holed SYN would hang for minutes.
    if (state === 'connecting' && session && t - connectStarted > responseTimeout) {
      lastError = 'connect/bind timeout';
      session.destroy();
    }
    pump();
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    for (const t of [pumpTimer, reconnectTimer]) if (t) clearTimeout(t);
    pumpTimer = reconnectTimer = null;
    for (const job of [...retry.drain(), ...queue.drain()]) fail(job, 'stopped');
    const s = session;
    if (s && state === 'bound') {
      // Let what is on the wire get its answer, then unbind politely.
      const until = now() + responseTimeout;
      while (inflight.size > 0 && now() < until && session === s) await new Promise((r) => setTimeout(r, 5));
      if (session === s) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          if (!s.unbind({}, () => (clearTimeout(timer), resolve()))) (clearTimeout(timer), resolve());
        });
      }
    }
    if (session) await new Promise<void>((resolve) => (session as Session).destroy(() => resolve()));
    if (sweepTimer) clearInterval(sweepTimer);
    if (enquireTimer) clearInterval(enquireTimer);
    sweepTimer = enquireTimer = null;
    state = 'stopped';
  }

  return {
    kind: config.kind ?? 'smpp',
    splitsLongText: false,
    start() {
      if (state !== 'idle') return Promise.resolve();
      sweepTimer = setInterval(sweep, Math.max(10, Math.min(250, responseTimeout / 4)));
      sweepTimer.unref();
      const first = new Promise<void>((resolve) => {
        firstAttempt = resolve;
      });
      connect();
      return first;
    },
    stop,
    submit(part: OutboundPart): Promise<SubmitResult> {
      if (stopped) return Promise.resolve({ ok: false, retryable: true, code: 'stopped' });
      if (queue.length + retry.length >= maxQueue) return Promise.resolve({ ok: false, retryable: true, code: 'queue_full' });
      const opts = buildSubmitOptions(part, ref16);
      if (!opts) return Promise.resolve({ ok: false, retryable: false, code: 'invalid_message' });
      counters.submitted++;
      return new Promise<SubmitResult>((resolve) => {
        queue.push({ opts, resolve, deadline: now() + submitTimeout, sentAt: 0 });
        pump();
      });
    },
    onReceipt: receipts.add,
    onInbound: inbound.add,
    stats(): UpstreamStats {
      return { state, inFlight: inflight.size, queued: queue.length + retry.length, ...counters, ...(lastError ? { lastError } : {}) };
    },
  };
}
