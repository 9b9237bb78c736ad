// The simulator SMSC: a real SMPP 3.4 server on loopback. It backs demo mode on a fresh install
// and the load and fault tests: it binds, throttles, drops connections, delivers receipts after a
// latency with a chosen success ratio, and injects inbound (MO) messages.
import type { AddressInfo } from 'node:net';
import { analyseText, splitText } from '../../lib/sms-parts.ts';
import { encodeGsm7, encodeUcs2 } from '../../lib/sms-encoding.ts';
import { addressOf, concatUdh, corkForTick, ESM_RECEIPT, ESM_UDHI, readConcat, smpp, status } from '../smpp/lib.ts';
import type { Pdu, Session, SmppServer } from '../smpp/lib.ts';
import type { Concat } from '../upstream.ts';
import { createTimerWheel } from './wheel.ts';

export type SmscSettings = {
  host?: string;
  /** 0 picks a free port; read it from `port` after start(). */
  port?: number;
  /** Accepted binds; absent = any system_id/password. */
  accounts?: Array<{ systemId: string; password: string }>;
  /** Share of parts that end DELIVRD (0..1); the rest end UNDELIV. */
  deliveryRatio?: number;
  receiptLatencyMs?: { min: number; max: number };
  /** Accepted submit_sm per second per bind; above it the answer is ESME_RTHROTTLED. 0 = no limit. */
  throttlePerSecond?: number;
  /** Close each connection when it sends its Nth PDU (that PDU goes unanswered). 0 = never. */
  dropAfterPdus?: number;
  idFormat?: 'decimal' | 'hex';
  /** Write the receipt text's id: in decimal even when ids are hex (a real-world vendor quirk). */
  receiptTextId?: 'same' | 'decimal';
  /** Hex ids' letters in submit_sm_resp; receipts write them in the other case (vendors differ). */
  hexCase?: 'upper' | 'lower';
  /** submit_sm_resp ids zero-padded to this many characters; receipts write them unpadded. */
  idPadding?: number;
  /** The first message id (a restarted SMSC gives its ids again: start two at the same one). */
  firstId?: number;
  /** Add receipted_message_id and message_state TLVs to receipts. */
  receiptTlvs?: boolean;
  /** Keep every submit_sm in `received` (tests, demos; not for load runs). */
  record?: boolean;
  /** Count the parts accepted per destination (`destinations()`): kill tests count duplicates. */
  countDestinations?: boolean;
  /** Seed for the delivery-ratio and latency draws, for reproducible runs. */
  seed?: number;
};

export type ReceivedPart = {
  systemId: string;
  messageId: string;
  from: string;
  to: string;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  concat?: Concat;
  /** The user data after the UDH, in the bytes the client sent. */
  payload: Buffer;
  text: string;
};

export type SmscStats = {
  sessions: number;
  bound: number;
  submitted: number;
  throttled: number;
  dropped: number;
  receiptsSent: number;
  receiptsPending: number;
  held: number;
  maxOutstanding: number;
  inboundSent: number;
};

export type InjectResult = { ok: true; parts: number } | { ok: false; code: 'no_bind' | 'not_acknowledged' };

type Peer = {
  session: Session;
  systemId: string;
  mode: 'trx' | 'tx' | 'rx' | null;
  pdus: number;
  second: number;
  inSecond: number;
  held: Pdu[];
  /** Receipts sent on this session and not yet acknowledged. */
  unacked: Set<Receipt>;
};

type Receipt = { peer: Peer; id: string; handset: string; sender: string; submitDate: string; delivered: boolean };

// mulberry32: tiny, fast, seedable; quality is plenty for latency and ratio draws (and a test's kill points).
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function smppDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export type Smsc = {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly port: number;
  readonly received: ReceivedPart[];
  update(settings: Partial<SmscSettings>): void;
  /** true: keep submit_sm unanswered (window tests); false: answer all held and go back to normal. */
  holdResponses(hold: boolean): void;
  releaseHeld(): void;
  dropConnections(): void;
  injectInbound(msg: { from: string; to: string; text: string; systemId?: string }): Promise<InjectResult>;
  stats(): SmscStats;
  /** Parts accepted per destination, with countDestinations. */
  destinations(): ReadonlyMap<string, number>;
};

export function createSmsc(initial: SmscSettings = {}): Smsc {
  const settings: SmscSettings = { host: '127.0.0.1', port: 0, deliveryRatio: 1, receiptLatencyMs: { min: 20, max: 200 }, receiptTlvs: true, ...initial };
  const random = prng(settings.seed ?? Date.now());
  const peers = new Set<Peer>();
  const pendingReceipts = new Map<string, Receipt[]>();
  const received: ReceivedPart[] = [];
  const perDestination = new Map<string, number>();
  const counters = { submitted: 0, throttled: 0, dropped: 0, receiptsSent: 0, maxOutstanding: 0, inboundSent: 0 };
  let nextId = settings.firstId ?? 1 + Math.floor(random() * 1e9);
  let holding = false;
  let port = 0;
  let server: SmppServer | null = null;
  let minuteCache = { minute: -1, text: '' };
  const wheel = createTimerWheel<Receipt>(sendReceipt, 10);

  function nowDate(): string {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== minuteCache.minute) minuteCache = { minute, text: smppDate(new Date(minute * 60_000)) };
    return minuteCache.text;
  }

  function authenticate(pdu: Pdu): number {
    if (!settings.accounts) return status.OK;
    const account = settings.accounts.find((a) => a.systemId === pdu.system_id);
    if (!account) return status.INVSYSID;
    return account.password === pdu.password ? status.OK : status.INVPASWD;
  }

  function onBind(peer: Peer, pdu: Pdu, mode: Peer['mode']): void {
    const code = peer.mode ? status.ALYBND : authenticate(pdu);
    peer.session.send(pdu.response({ command_status: code, system_id: 'chapar-sim' }));
    if (code !== status.OK) return;
    peer.mode = mode;
    peer.systemId = pdu.system_id ?? '';
    // Receipts for parts submitted on an earlier connection wait here for the next bind, as on
    // a real SMSC: a dropped bind does not lose them.
    const waiting = pendingReceipts.get(peer.systemId);
    if (waiting && mode !== 'tx') {
      pendingReceipts.delete(peer.systemId);
      for (const r of waiting) sendReceipt({ ...r, peer });
    }
  }

  function onSubmit(peer: Peer, pdu: Pdu): void {
    if (peer.mode !== 'trx' && peer.mode !== 'tx') {
      peer.session.send(pdu.response({ command_status: status.INVBNDSTS }));
      return;
    }
    // Real SMSCs refuse what is not a number before queueing it; the contract tests rely on it.
    const dest = pdu.destination_addr ?? '';
    if (!/^\d{3,15}$/.test(dest)) {
      peer.session.send(pdu.response({ command_status: status.INVDSTADR }));
      return;
    }
    const limit = settings.throttlePerSecond ?? 0;
    if (limit > 0) {
      const second = Math.floor(performance.now() / 1000);
      if (second !== peer.second) {
        peer.second = second;
        peer.inSecond = 0;
      }
      if (peer.inSecond >= limit) {
        counters.throttled++;
        peer.session.send(pdu.response({ command_status: status.THROTTLED }));
        return;
      }
      peer.inSecond++;
    }
    counters.submitted++;
    const n = nextId++;
    const hex = n.toString(16);
    const id = settings.idFormat === 'hex' ? (settings.hexCase === 'lower' ? hex : hex.toUpperCase()) : String(n);
    const answered = settings.idPadding ? id.padStart(settings.idPadding, '0') : id;
    if (settings.record) record(peer, pdu, answered);
    if (settings.countDestinations) perDestination.set(dest, (perDestination.get(dest) ?? 0) + 1);
    if (holding) {
      pdu.message_id = answered;
      peer.held.push(pdu);
      if (peer.held.length > counters.maxOutstanding) counters.maxOutstanding = peer.held.length;
    } else {
      corkForTick(peer.session);
      peer.session.send(pdu.response({ message_id: answered }));
    }
    if ((pdu.registered_delivery ?? 0) & 0x03) {
      const { min, max } = settings.receiptLatencyMs ?? { min: 0, max: 0 };
      const receipt: Receipt = {
        peer,
        id,
        handset: pdu.destination_addr ?? '',
        sender: pdu.source_addr ?? '',
        submitDate: nowDate(),
        delivered: random() < (settings.deliveryRatio ?? 1),
      };
      wheel.schedule(min + random() * Math.max(0, max - min), receipt);
    }
  }

  function record(peer: Peer, pdu: Pdu, messageId: string): void {
    const sm = pdu.short_message;
    const body = sm && typeof sm === 'object' && !Buffer.isBuffer(sm) ? sm : { message: sm ?? '' };
    const message = body.message;
    const dc = pdu.data_coding ?? 0;
    // The library decoded the bytes; encode them back with an implementation other than ours so
    // tests compare against what the client really sent, not against our own encoder.
    const payload = Buffer.isBuffer(message)
      ? message
      : dc === 8
        ? Buffer.from(message, 'utf16le').swap16()
        : smpp.gsmCoder.encode(message, 0);
    const part: ReceivedPart = {
      systemId: peer.systemId,
      messageId,
      from: pdu.source_addr ?? '',
      to: pdu.destination_addr ?? '',
      esmClass: pdu.esm_class ?? 0,
      dataCoding: dc,
      registeredDelivery: pdu.registered_delivery ?? 0,
      payload,
      text: Buffer.isBuffer(message) ? message.toString('latin1') : message,
    };
    const concat = readConcat(body.udh);
    if (concat) part.concat = concat;
    received.push(part);
  }

  function receiverFor(r: Receipt): Peer | undefined {
    if (peers.has(r.peer) && r.peer.mode && r.peer.mode !== 'tx') return r.peer;
    for (const p of peers) if (p.systemId === r.peer.systemId && p.mode && p.mode !== 'tx') return p;
    return undefined;
  }

  function sendReceipt(r: Receipt): void {
    const peer = receiverFor(r);
    if (!peer) {
      queueReceipt(r);
      return;
    }
    const textId = settings.receiptTextId === 'decimal' && settings.idFormat === 'hex' ? BigInt(`0x${r.id}`).toString(10) : settings.hexCase === 'lower' ? r.id.toUpperCase() : r.id;
    const d = r.delivered;
    const text = `id:${textId} sub:001 dlvrd:${d ? '001' : '000'} submit date:${r.submitDate} done date:${nowDate()} stat:${d ? 'DELIVRD' : 'UNDELIV'} err:${d ? '000' : '001'} text:`;
    const handset = addressOf(r.handset);
    const options: Record<string, unknown> = {
      source_addr_ton: handset.ton,
      source_addr_npi: handset.npi,
      source_addr: r.handset,
      destination_addr: r.sender,
      esm_class: ESM_RECEIPT,
      data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
    };
    if (settings.receiptTlvs !== false) {
      options.receipted_message_id = settings.idPadding ? r.id.padStart(settings.idPadding, '0') : r.id;
      options.message_state = d ? 2 : 5;
    }
    counters.receiptsSent++;
    const sent = { ...r, peer };
    peer.unacked.add(sent);
    corkForTick(peer.session);
    peer.session.deliver_sm(options, (resp: Pdu) => {
      peer.unacked.delete(sent);
      // A temporary error from the ESME (it could not store the receipt): try again shortly.
      if (resp.command_status !== status.OK) setTimeout(() => sendReceipt(sent), 1000).unref();
    });
  }

  function onPdu(peer: Peer, pdu: Pdu): void {
    const drop = settings.dropAfterPdus ?? 0;
    if (drop > 0 && ++peer.pdus >= drop) {
      counters.dropped++;
      peer.session.destroy();
      return;
    }
    switch (pdu.command) {
      case 'submit_sm':
        return onSubmit(peer, pdu);
      case 'bind_transceiver':
        return onBind(peer, pdu, 'trx');
      case 'bind_transmitter':
        return onBind(peer, pdu, 'tx');
      case 'bind_receiver':
        return onBind(peer, pdu, 'rx');
      case 'enquire_link':
        peer.session.send(pdu.response());
        return;
      case 'unbind':
        peer.session.send(pdu.response());
        peer.session.close();
        return;
      default:
        // Every request needs an answer or the ESME's window slowly fills: unknown commands get
        // generic_nack, known ones we do not implement (query_sm, cancel_sm…) ESME_RINVCMDID.
        if (!pdu.isResponse()) peer.session.send(pdu.response({ command_status: 0x03 }));
    }
  }

  function onSession(session: Session): void {
    const peer: Peer = { session, systemId: '', mode: null, pdus: 0, second: 0, inSecond: 0, held: [], unacked: new Set() };
    peers.add(peer);
    session.on('pdu', (pdu: Pdu) => onPdu(peer, pdu));
    // A reset by the client is normal; a PDU the library cannot parse leaves its reader stuck, so
    // the connection is closed either way ('close' follows).
    session.on('error', () => session.destroy());
    session.on('close', () => {
      peers.delete(peer);
      // As a real SMSC does: a receipt the ESME never acknowledged is delivered again on its next bind.
      for (const r of peer.unacked) queueReceipt(r);
      peer.unacked.clear();
    });
  }

  function queueReceipt(r: Receipt): void {
    const list = pendingReceipts.get(r.peer.systemId);
    if (list) list.push(r);
    else pendingReceipts.set(r.peer.systemId, [r]);
  }

  function answerHeld(): void {
    for (const p of peers) {
      const held = p.held;
      p.held = [];
      for (const pdu of held) p.session.send(pdu.response({ message_id: pdu.message_id }));
    }
  }

  async function injectInbound(msg: { from: string; to: string; text: string; systemId?: string }): Promise<InjectResult> {
    let peer: Peer | undefined;
    for (const p of peers) if (p.mode && p.mode !== 'tx' && (!msg.systemId || p.systemId === msg.systemId)) peer = p;
    if (!peer) return { ok: false, code: 'no_bind' };
    const { alphabet } = analyseText(msg.text);
    const segments = splitText(msg.text, { maxParts: 255 });
    const ref = Math.floor(random() * 256);
    const from = addressOf(msg.from);
    const session = peer.session;
    // One close listener for the whole message, not one per part.
    const waiting = new Set<(ok: boolean) => void>();
    const onClose = () => {
      for (const done of waiting) done(false);
    };
    session.once('close', onClose);
    const acks = segments.map(
      (segment, i) =>
        new Promise<boolean>((resolve) => {
          const done = (ok: boolean) => {
            waiting.delete(done);
            resolve(ok);
          };
          waiting.add(done);
          const udh = segments.length > 1 ? concatUdh(ref, segments.length, i + 1, false) : null;
          const payload = alphabet === 'gsm7' ? encodeGsm7(segment) : encodeUcs2(segment);
          const options = {
            source_addr_ton: from.ton,
            source_addr_npi: from.npi,
            source_addr: msg.from,
            destination_addr: msg.to,
            esm_class: udh ? ESM_UDHI : 0,
            data_coding: alphabet === 'gsm7' ? 0 : 8,
            short_message: udh ? Buffer.concat([udh, payload]) : payload,
          };
          if (!session.deliver_sm(options, (resp) => done(resp.command_status === status.OK))) done(false);
        }),
    );
    const results = await Promise.all(acks);
    session.off('close', onClose);
    counters.inboundSent += results.filter(Boolean).length;
    return results.every(Boolean) ? { ok: true, parts: segments.length } : { ok: false, code: 'not_acknowledged' };
  }

  return {
    async start() {
      const s = smpp.createServer({}, onSession);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(settings.port ?? 0, settings.host ?? '127.0.0.1', () => resolve());
      });
      port = (s.address() as AddressInfo).port;
    },
    async stop() {
      wheel.clear();
      for (const p of peers) p.session.destroy();
      peers.clear();
      if (server) await new Promise<void>((resolve) => (server as SmppServer).close(() => resolve()));
      server = null;
    },
    get port() {
      return port;
    },
    received,
    update(next) {
      Object.assign(settings, next);
    },
    holdResponses(hold) {
      holding = hold;
      if (!hold) answerHeld();
    },
    releaseHeld: answerHeld,
    dropConnections() {
      for (const p of peers) {
        p.held = []; // what was held dies with the connection, unanswered
        p.session.destroy();
      }
    },
    injectInbound,
    destinations: () => perDestination,
    stats() {
      let bound = 0;
      let held = 0;
      for (const p of peers) {
        if (p.mode) bound++;
        held += p.held.length;
      }
      let pending = wheel.size;
      for (const list of pendingReceipts.values()) pending += list.length;
      return { sessions: peers.size, bound, held, receiptsPending: pending, ...counters };
    },
  };
}
