// The `smpp` package (node-smpp 0.5) ships no types. This file loads it and states the small part
// of its surface we use, so the rest of the code is typed and nothing else touches `any`.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Server as NetServer, Socket } from 'node:net';

/** A decoded PDU: header fields plus whatever parameters and TLVs the command carries. */
export type Pdu = {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  system_id?: string;
  password?: string;
  system_type?: string;
  message_id?: string;
  source_addr?: string;
  destination_addr?: string;
  esm_class?: number;
  data_coding?: number;
  registered_delivery?: number;
  /** received submit_sm: the raw SMPP time text (see the filter below); may be '' */
  schedule_delivery_time?: string;
  validity_period?: string;
  /** Decoded by the library's filter: `{ udh?: Buffer[], message: string | Buffer }`. */
  short_message?: { udh?: Buffer[]; message: string | Buffer } | Buffer | string;
  message_payload?: { udh?: Buffer[]; message: string | Buffer } | Buffer | string;
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
  isResponse(): boolean;
  response(options?: Record<string, unknown>): Pdu;
};

export type Session = EventEmitter & {
  socket: Socket;
  send(pdu: Pdu, onResponse?: (resp: Pdu) => void): boolean;
  close(cb?: () => void): void;
  destroy(cb?: () => void): void;
  pause(): void;
  resume(): void;
} & Record<
    'bind_transceiver' | 'submit_sm' | 'deliver_sm' | 'enquire_link' | 'unbind',
    (options: Record<string, unknown>, onResponse?: (resp: Pdu) => void) => boolean
  >;

export type SmppServer = NetServer & { sessions: Session[] };

type SmppModule = {
  connect(options: { host: string; port: number }): Session;
  createServer(options: Record<string, unknown>, onSession: (s: Session) => void): SmppServer;
  PDU: new (command: string, options?: Record<string, unknown>) => Pdu;
  errors: Record<string, number>;
  commands: Record<string, { params?: Record<string, { filter?: { encode(v: unknown): unknown; decode(v: unknown): unknown } }> }>;
  /** The library's own GSM 03.38 coder (an implementation independent of ours, used in tests). */
  gsmCoder: { encode(text: string, table: number): Buffer };
};

const require = createRequire(import.meta.url);
export const smpp = require('smpp') as SmppModule;

// Trap: the library turns a received submit_sm's schedule_delivery_time and validity_period into a
// Date — a relative time against the process's local clock, a malformed one as Invalid Date — so
// the SMSC could not tell a bad value from none. Keep the text (smpp-server/pdu.ts parses it);
// sending still takes a string or a Date.
for (const field of ['schedule_delivery_time', 'validity_period']) {
  const param = smpp.commands.submit_sm.params![field];
  const encode = param.filter!.encode;
  param.filter = { encode, decode: (v) => v };
}

// command_status values we act on (SMPP 3.4 §5.1.3).
export const status = {
  OK: 0x00,
  INVMSGLEN: 0x01,
  INVBNDSTS: 0x04,
  ALYBND: 0x05,
  SYSERR: 0x08,
  INVSRCADR: 0x0a,
  INVDSTADR: 0x0b,
  BINDFAIL: 0x0d,
  INVPASWD: 0x0e,
  INVSYSID: 0x0f,
  MSGQFUL: 0x14,
  INVESMCLASS: 0x43,
  SUBMITFAIL: 0x45,
  INVSRCTON: 0x48,
  INVDSTTON: 0x50,
  THROTTLED: 0x58,
  INVSCHED: 0x61,
  INVEXPIRY: 0x62,
  INVDCS: 0x104,
} as const;

export const ESM_UDHI = 0x40;
/** esm_class bits 2–5 "message type": 0x04 MC delivery receipt, 0x20 intermediate notification. */
export const ESM_TYPE_MASK = 0x3c;
export const ESM_RECEIPT = 0x04;
export const ESM_INTERMEDIATE = 0x20;

/** Concatenation UDH (3GPP 23.040 §9.2.3.24.1 / .8): IE 0x00 with an 8-bit ref, IE 0x08 with 16 bits. */
export function concatUdh(ref: number, total: number, seq: number, ref16: boolean): Buffer {
  return ref16
    ? Buffer.from([0x06, 0x08, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq])
    : Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);
}

/** The concatenation IE among the information elements the library split out of a UDH. */
export function readConcat(ies: Buffer[] | undefined): { ref: number; total: number; seq: number } | undefined {
  for (const ie of ies ?? []) {
    if (ie[0] === 0x00 && ie[1] === 3 && ie.length >= 5) return { ref: ie[2], total: ie[3], seq: ie[4] };
    if (ie[0] === 0x08 && ie[1] === 4 && ie.length >= 6) return { ref: (ie[2] << 8) | ie[3], total: ie[4], seq: ie[5] };
  }
  return undefined;
}

/** SMPP relative validity: YYMMDDhhmmss000R (§7.1.1.1), days capped at 99. */
export function relativeValidity(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.min(99, Math.floor(s / 86400));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `0000${pad(days)}${pad(Math.floor((s % 86400) / 3600))}${pad(Math.floor((s % 3600) / 60))}${pad(s % 60)}000R`;
}

/** TON/NPI from the address form: +E.164 international, letters alphanumeric, else unknown/ISDN. */
export function addressOf(addr: string): { addr: string; ton: number; npi: number } {
  if (addr.startsWith('+')) return { addr: addr.slice(1), ton: 1, npi: 1 };
  if (/[^0-9]/.test(addr)) return { addr, ton: 5, npi: 0 };
  return { addr, ton: 0, npi: 1 };
}

const corked = new WeakSet<Socket>();

/**
 * Holds the socket's writes until this turn of the event loop ends, then sends them in one
 * writev: a pump that sends a window of submit_sm, or a commit that acknowledges a hundred
 * receipts, costs one system call instead of one per PDU. Call it before `session.send`.
 */
export function corkForTick(s: Session): void {
  const socket = s.socket;
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
