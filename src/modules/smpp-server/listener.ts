// The customer-facing SMPP 3.4 server: sockets, bind state, pacing each account to its rate within
// its window, the account's number of binds, the pump
// that hands queued receipts and inbound messages to bound receivers, and dropping binds whose
// password or account no longer allows them. Rules live in service.ts.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { analyseText, splitText } from '../../lib/sms-parts.ts';
import { encodeGsm7, encodeUcs2 } from '../../lib/sms-encoding.ts';
import { addressOf, concatUdh, ESM_RECEIPT, ESM_UDHI, smpp, status } from '../../upstreams/smpp/lib.ts';
import type { Pdu, Session, SmppServer } from '../../upstreams/smpp/lib.ts';
import type { Account } from '../accounts/types.ts';
import { receiptText } from './pdu.ts';
import type { Delivery, InboundPayload, ReceiptPayload } from './repo.ts';
import type { SmppLimitValues } from './limits.ts';
import type { BindMode, SmppServerService } from './service.ts';

export type SmppListenerOptions = {
  host?: string;
  /** 0 picks a free port; read `port` after start(). */
  port?: number;
  /** deliver_sm awaiting a response per bind (an account's submit_sm are bounded by its own window: limits.ts). */
  window?: number;
  /** how often to look for queued deliveries another process committed */
  pollMs?: number;
  responseTimeoutMs?: number;
  /** a connection that does not bind within this time is closed */
  bindTimeoutMs?: number;
  sweepMs?: number;
  /** how often live binds are checked against their password, account and package (other processes' changes) */
  recheckMs?: number;
  /** how long a dropped bind waits for the ESME's unbind_resp before the socket is closed anyway */
  unbindTimeoutMs?: number;
};

type Peer = {
  session: Session;
  /** `owner:n`: the receipts of what this session submits come back to it while it is bound. */
  id: string;
  ip: string | null;
  mode: BindMode | null;
  account: Account | null;
  credentialId: string | null;
  /** when it bound (a lowered bind limit drops the newest binds first) */
  boundAt: number;
  outstanding: number;
  closed: boolean;
  onClose: Set<() => void>;
};

const INVCMDID = 0x03;
/** A submit_sm whose turn is further away than this is answered ESME_RTHROTTLED (ESMEs wait about a minute for an answer). */
export const MAX_HOLD_MS = 10_000;
/** After a pause an account may send this long's worth at once (at least one submit_sm). */
const BURST_MS = 100;

/**
 * One account's pace, shared by all its binds in this listener: `tat` is when its next submit_sm
 * may be answered (a virtual schedule, GCRA), `unanswered` what it has held or in processing.
 */
type Pace = { limits: SmppLimitValues; tat: number; unanswered: number };

export function createSmppListener(deps: { service: SmppServerService; log: Logger; options?: SmppListenerOptions }) {
  const o = { host: '0.0.0.0', port: 2775, window: 10, pollMs: 1000, responseTimeoutMs: 30_000, bindTimeoutMs: 30_000, sweepMs: 30_000, recheckMs: 10_000, unbindTimeoutMs: 2000, ...deps.options };
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let sessions = 0;
  let held = 0;
  let throttled = 0;
  /** How long a receipt meant for a session of another process waits for it before any bind may take it. */
  const SESSION_WAIT_MS = 30_000;
  const peers = new Set<Peer>();
  const deliveries = new Set<Promise<void>>();
  let server: SmppServer | null = null;
  let port = 0;
  let timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void)[] = [];

  const respond = (peer: Peer, pdu: Pdu, options?: Record<string, unknown>) => {
    if (!peer.closed) peer.session.send(pdu.response(options));
  };

  // One pace per account, not per bind: a second bind must not double the account's rate.
  const paces = new Map<string, Pace>();

  /**
   * A submit_sm's turn: how long to hold it before it is processed and answered, or null to answer
   * ESME_RTHROTTLED (the account has its window unanswered, or the turn is too far away).
   */
  function takeTurn(p: Pace): number | null {
    if (p.unanswered >= p.limits.window) return null;
    const now = performance.now();
    // after a pause the schedule restarts a little in the past: a short burst goes at once
    const turn = Math.max(p.tat, now - BURST_MS);
    const wait = Math.max(0, turn - now);
    if (wait > MAX_HOLD_MS) return null;
    // the schedule, not the timer, moves on: a timer that fires late does not lower the rate
    p.tat = turn + 1000 / p.limits.tps;
    p.unanswered++;
    return wait;
  }

  const bindsOf = (accountId: string) => {
    let n = 0;
    for (const p of peers) if (p.mode && !p.closed && p.account?.id === accountId) n++;
    return n;
  };

  async function onBind(peer: Peer, pdu: Pdu, mode: BindMode) {
    if (peer.mode) return respond(peer, pdu, { command_status: status.ALYBND });
    const r = await deps.service.bind(pdu, mode, peer.ip);
    if (!r.ok) return respond(peer, pdu, { command_status: r.status });
    const limits = await deps.service.limits.of(r.account);
    if (peer.closed) return;
    // Counted after the password check and the limits (the awaits), then taken at once: two binds
    // that pass the check together cannot both take the last place.
    if (bindsOf(r.account.id) >= limits.maxBinds) {
      deps.log.info({ accountId: r.account.id, mode, limit: limits.maxBinds }, 'smpp server: bind refused, the account holds its limit');
      return respond(peer, pdu, { command_status: status.BINDFAIL });
    }
    peer.mode = mode;
    peer.account = r.account;
    peer.credentialId = r.credentialId;
    peer.boundAt = performance.now();
    const pace = paces.get(r.account.id);
    if (pace) pace.limits = limits;
    else paces.set(r.account.id, { limits, tat: 0, unanswered: 0 });
    respond(peer, pdu, { system_id: 'chapar' });
    if (mode !== 'tx') wake();
  }

  async function onSubmit(peer: Peer, pdu: Pdu) {
    if (!peer.account || (peer.mode !== 'tx' && peer.mode !== 'trx')) return respond(peer, pdu, { command_status: status.INVBNDSTS });
    const pace = paces.get(peer.account.id)!;
    // Faster than the account's rate: held until its turn, then processed and answered. Refused
    // only past the account's window (across its binds) or when the turn is too far away.
    const wait = takeTurn(pace);
    if (wait === null) {
      throttled++;
      return respond(peer, pdu, { command_status: status.THROTTLED });
    }
    try {
      if (wait > 0) {
        held++;
        await new Promise((r) => setTimeout(r, wait));
      }
      // Not processed before its turn: a bind that went while it was held was told nothing, and nothing was accepted.
      if (peer.closed || !peer.mode) return;
      // a transmitter cannot take receipts: its go to any receiver bind of the account
      const a = await deps.service.submit(peer.account, pdu, peer.mode === 'trx' ? peer.id : null);
      respond(peer, pdu, a.status === status.OK ? { message_id: a.messageId } : { command_status: a.status });
    } finally {
      pace.unanswered--;
      if (!pace.unanswered && !bindsOf(peer.account.id) && paces.get(peer.account.id) === pace) paces.delete(peer.account.id);
    }
  }

  async function onPdu(peer: Peer, pdu: Pdu) {
    if (pdu.isResponse()) return; // answers to our deliver_sm/enquire_link: the library calls back
    switch (pdu.command) {
      case 'bind_transceiver':
        return onBind(peer, pdu, 'trx');
      case 'bind_transmitter':
        return onBind(peer, pdu, 'tx');
      case 'bind_receiver':
        return onBind(peer, pdu, 'rx');
      case 'submit_sm':
        return onSubmit(peer, pdu);
      case 'enquire_link':
        return respond(peer, pdu);
      case 'unbind':
        respond(peer, pdu);
        peer.mode = null;
        peer.session.close();
        return;
      case 'unknown':
        return respond(peer, pdu); // the library answers an unknown command_id with generic_nack
      default:
        // Known but not offered here (query_sm, cancel_sm, data_sm, submit_multi…): ESME_RINVCMDID,
        // in a generic_nack when the command has no response of its own (outbind, alert_notification).
        try {
          respond(peer, pdu, { command_status: peer.mode ? INVCMDID : status.INVBNDSTS });
        } catch {
          if (!peer.closed) peer.session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: INVCMDID }));
        }
    }
  }

  function onSession(session: Session) {
    const peer: Peer = {
      session, id: `${owner}:${++sessions}`, ip: session.socket.remoteAddress ?? null, mode: null, account: null, credentialId: null, boundAt: 0,
      outstanding: 0, closed: false, onClose: new Set(),
    };
    peers.add(peer);
    session.socket.setKeepAlive(true, 60_000);
    const bindTimer = setTimeout(() => peer.mode || session.destroy(), o.bindTimeoutMs);
    bindTimer.unref();
    session.on('pdu', (pdu: Pdu) => {
      onPdu(peer, pdu).catch((err: unknown) => {
        deps.log.error({ err, command: pdu.command }, 'smpp server: handling a PDU failed');
        if (!pdu.isResponse() && pdu.command !== 'unknown') respond(peer, pdu, { command_status: status.SYSERR });
      });
    });
    // A PDU the library cannot parse leaves its reader stuck: close ('close' follows).
    session.on('error', () => session.destroy());
    session.on('close', () => {
      peer.closed = true;
      peers.delete(peer);
      // the pace outlives the last bind while it still holds submits (they see the bind closed)
      if (peer.account && !bindsOf(peer.account.id) && !paces.get(peer.account.id)?.unanswered) paces.delete(peer.account.id);
      clearTimeout(bindTimer);
      for (const f of peer.onClose) f();
      peer.onClose.clear();
      // what was meant for this session goes to any receiver bind now
      if (peer.mode === 'trx') void deps.service.forgetSession(peer.id).then(wake, (err: unknown) => deps.log.warn({ err }, 'smpp server: a closed session\'s receipts wait for their time-out'));
    });
  }

  /**
   * Ends a bind the ESME may no longer hold: at once nothing more is taken from it or sent to it,
   * then an unbind (the SMSC may send one, §4.2) and the socket closes on its answer or a timeout.
   */
  function drop(peer: Peer, reason: string) {
    if (!peer.mode || peer.closed) return;
    deps.log.info({ accountId: peer.account?.id, mode: peer.mode, reason }, 'smpp server: dropping a bind');
    peer.mode = null;
    const close = () => peer.closed || peer.session.close();
    const timer = setTimeout(close, o.unbindTimeoutMs);
    timer.unref();
    const sent = peer.session.unbind({}, () => {
      clearTimeout(timer);
      close();
    });
    if (!sent) close();
  }

  let rechecking = false;
  let recheckAgain = false;
  /**
   * Drops binds whose password was rotated or removed, whose account was suspended or lost use_smpp,
   * and the newest binds past a lowered bind limit; live binds take the account's current limits.
   */
  async function recheck() {
    if (rechecking) {
      recheckAgain = true;
      return;
    }
    rechecking = true;
    try {
      do {
        recheckAgain = false;
        const live = [...peers].filter((p) => p.mode && p.account && p.credentialId && !p.closed);
        const revoked = await deps.service.findRevokedBinds(live.map((p) => ({ accountId: p.account!.id, credentialId: p.credentialId! })));
        const reasons = new Map(revoked.map((r) => [`${r.accountId} ${r.credentialId}`, r.reason]));
        for (const p of live) {
          const reason = reasons.get(`${p.account!.id} ${p.credentialId}`);
          if (reason) drop(p, reason);
        }
        const kept = live.filter((p) => p.mode && !p.closed);
        const limits = await deps.service.limits.effectiveOf([...new Map(kept.map((p) => [p.account!.id, p.account!])).values()]);
        for (const [accountId, l] of limits) {
          const pace = paces.get(accountId);
          if (pace) pace.limits = l;
          const binds = kept.filter((p) => p.account!.id === accountId && p.mode && !p.closed).sort((a, b) => a.boundAt - b.boundAt);
          for (const p of binds.slice(l.maxBinds)) drop(p, 'binds_over_limit');
        }
      } while (recheckAgain);
    } catch (err) {
      deps.log.error({ err }, 'smpp server: checking live binds failed');
    } finally {
      rechecking = false;
    }
  }

  /** One deliver_sm; 'closed' if the connection went first, 'error' on a refusal or no answer. */
  function sendOne(peer: Peer, options: Record<string, unknown>): Promise<'ok' | 'error' | 'closed'> {
    return new Promise((resolve) => {
      if (peer.closed) return resolve('closed');
      let timer: NodeJS.Timeout | undefined;
      const done = (r: 'ok' | 'error' | 'closed') => {
        clearTimeout(timer);
        peer.onClose.delete(onClose);
        resolve(r);
      };
      const onClose = () => done('closed');
      peer.onClose.add(onClose);
      timer = setTimeout(() => done('error'), o.responseTimeoutMs);
      if (!peer.session.deliver_sm(options, (resp: Pdu) => done(resp.command_status === status.OK ? 'ok' : 'error'))) done('closed');
    });
  }

  function receiptOptions(r: ReceiptPayload): Record<string, unknown> {
    const handset = addressOf(r.destAddr);
    const line = addressOf(r.sourceAddr);
    return {
      source_addr_ton: handset.ton, source_addr_npi: handset.npi, source_addr: handset.addr,
      dest_addr_ton: line.ton, dest_addr_npi: line.npi, destination_addr: line.addr,
      esm_class: ESM_RECEIPT, data_coding: 0,
      // Only characters GSM 03.38 and ASCII agree on (ids are base32), so either reading works.
      short_message: Buffer.from(receiptText(r), 'latin1'),
      receipted_message_id: r.messageId, message_state: r.state,
    };
  }

  /** A long inbound text goes as concatenated parts (8-bit reference UDH), each its own deliver_sm. */
  function inboundOptions(m: InboundPayload): Record<string, unknown>[] {
    const { alphabet } = analyseText(m.text);
    const segments = splitText(m.text, { maxParts: 255 });
    const ref = randomBytes(1)[0];
    const from = addressOf(m.from);
    const to = addressOf(m.to);
    return segments.map((segment, i) => {
      const udh = segments.length > 1 ? concatUdh(ref, segments.length, i + 1, false) : null;
      const payload = alphabet === 'gsm7' ? encodeGsm7(segment) : encodeUcs2(segment);
      return {
        source_addr_ton: from.ton, source_addr_npi: from.npi, source_addr: from.addr,
        dest_addr_ton: to.ton, dest_addr_npi: to.npi, destination_addr: to.addr,
        esm_class: udh ? ESM_UDHI : 0, data_coding: alphabet === 'gsm7' ? 0 : 8,
        short_message: udh ? Buffer.concat([udh, payload]) : payload,
      };
    });
  }

  /** Sends one queued row; removes it only after every deliver_sm_resp came back OK. */
  async function deliver(peer: Peer, row: Delivery) {
    peer.outstanding++;
    let result: 'ok' | 'error' | 'closed' = 'ok';
    try {
      const pdus = row.kind === 'receipt' ? [receiptOptions(row.payload)] : inboundOptions(row.payload);
      for (const options of pdus) {
        result = await sendOne(peer, options);
        if (result !== 'ok') break;
      }
    } finally {
      peer.outstanding--;
    }
    if (result === 'ok') await deps.service.delivered(row.id);
    // Connection gone: due again at once (another bind may take it); refused: back off.
    else await deps.service.release(row.id, result === 'closed' ? null : new Date(Date.now() + Math.min(300_000, 1000 * 2 ** Math.min(row.attempts, 8))));
    wake();
  }

  let pumping = false;
  let again = false;
  async function pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const receivers = new Map<string, Peer[]>();
        for (const p of peers) if (p.account && (p.mode === 'rx' || p.mode === 'trx') && !p.closed) receivers.set(p.account.id, [...(receivers.get(p.account.id) ?? []), p]);
        for (const [accountId, list] of receivers) {
          const room = list.reduce((n, p) => n + Math.max(0, o.window - p.outstanding), 0);
          if (room <= 0) continue;
          const now = new Date();
          const rows = await deps.service.claim(accountId, room, owner, now, new Date(now.getTime() + o.responseTimeoutMs * 2), new Date(now.getTime() - SESSION_WAIT_MS));
          for (const row of rows) {
            // the session that submitted the message, while it is bound here; else the least busy receiver
            const open = list.filter((p) => !p.closed);
            const peer = open.find((p) => p.id === row.sessionId) ?? open.sort((a, b) => a.outstanding - b.outstanding)[0];
            if (!peer) {
              await deps.service.release(row.id, null);
              continue;
            }
            const d = deliver(peer, row).catch((err: unknown) => deps.log.error({ err }, 'smpp server: a delivery failed'));
            deliveries.add(d);
            void d.finally(() => deliveries.delete(d));
          }
          if (rows.length === room) again = true;
        }
      } while (again);
    } catch (err) {
      deps.log.error({ err }, 'smpp server: claiming deliveries failed');
    } finally {
      pumping = false;
    }
  }

  // Queued inside a transaction that commits a moment later: look now and again shortly.
  let soon: NodeJS.Timeout | null = null;
  function wake() {
    if (soon || !server) return;
    soon = setTimeout(() => {
      soon = null;
      void pump();
      setTimeout(() => void pump(), 250).unref();
    }, 20);
    soon.unref();
  }

  return {
    async start() {
      const s = smpp.createServer({}, onSession);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(o.port, o.host, () => resolve());
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      deps.service.setListening(port);
      unsubscribe = [deps.service.onQueued(wake), deps.service.credentials.onRevoked(() => void recheck()), deps.service.limits.onChanged(() => void recheck())];
      timers = [
        setInterval(() => void pump(), o.pollMs),
        setInterval(() => void recheck(), o.recheckMs),
        setInterval(() => void deps.service.sweep().catch((err: unknown) => deps.log.error({ err }, 'smpp server: sweep failed')), o.sweepMs),
      ];
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      for (const u of unsubscribe) u();
      unsubscribe = [];
      if (soon) clearTimeout(soon);
      soon = null;
      const s = server;
      server = null;
      deps.service.setListening(null);
      for (const p of peers) p.session.destroy();
      // Rows in flight go back to the queue before the database closes.
      await Promise.allSettled([...deliveries]);
      while (pumping || rechecking) await new Promise((r) => setTimeout(r, 10));
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get port() {
      return port;
    },
    /** bound sessions, submit_sm held for their turn and answered ESME_RTHROTTLED since start (for the panel, tests and benchmarks) */
    stats() {
      let bound = 0;
      for (const p of peers) if (p.mode) bound++;
      return { sessions: peers.size, bound, held, throttled };
    },
  };
}

export type SmppListener = ReturnType<typeof createSmppListener>;
