// PDU-level translation between our types and SMPP 3.4: submit_sm parameters out, command_status
// to our failure codes, deliver_sm in (receipt or inbound). No I/O here.
import { encodeGsm7, encodeUcs2 } from '../../lib/sms-encoding.ts';
import type { DeliveryReceipt, InboundPart, OutboundPart, SubmitFailure } from '../upstream.ts';
import { looksLikeReceipt, parseReceipt, convertReceiptId } from './receipt.ts';
import {
  addressOf,
  concatUdh,
  ESM_INTERMEDIATE,
  ESM_RECEIPT,
  ESM_TYPE_MASK,
  ESM_UDHI,
  readConcat,
  relativeValidity,
  status,
} from './lib.ts';
import type { Pdu } from './lib.ts';

export type SubmitOptions = Record<string, unknown>;

/**
 * submit_sm parameters for one part. The payload is always a Buffer we encoded ourselves: the
 * library would otherwise pick an encoding by regex (it prefers data_coding 1 "ASCII", which
 * several SMSCs treat as IA5 and garble), and could not put a UDH before a UCS-2 text.
 * Returns null when the part cannot fit one PDU (the caller split it wrong).
 */
export function buildSubmitOptions(part: OutboundPart, ref16: boolean): SubmitOptions | null {
  const payload = part.bytes ? Buffer.from(part.bytes) : part.alphabet === 'gsm7' ? encodeGsm7(part.text) : encodeUcs2(part.text);
  const udh = part.concat ? concatUdh(part.concat.ref, part.concat.total, part.concat.seq, ref16) : undefined;
  const shortMessage = udh ? Buffer.concat([udh, payload]) : payload;
  // GSM-7 goes unpacked (one septet per octet, the SMSC packs), so 160 septets fill 160 octets;
  // UCS-2 and anything with a UDH must fit the 140 octets of one air-interface part.
  const limit = part.alphabet === 'gsm7' ? 160 + (udh?.length ?? 0) : 140;
  if (shortMessage.length > limit) return null;
  const src = addressOf(part.from);
  const dst = addressOf(part.to);
  const options: SubmitOptions = {
    source_addr_ton: src.ton,
    source_addr_npi: src.npi,
    source_addr: src.addr,
    dest_addr_ton: dst.ton,
    dest_addr_npi: dst.npi,
    destination_addr: dst.addr,
    esm_class: udh ? ESM_UDHI : 0,
    data_coding: part.alphabet === 'gsm7' ? 0x00 : 0x08,
    // 1 = final receipt (delivered or failed); intermediate notifications only add load.
    registered_delivery: part.registeredDelivery ? 1 : 0,
    short_message: shortMessage,
  };
  if (part.validityPeriod) options.validity_period = relativeValidity(part.validityPeriod);
  return options;
}

/** The one place where SMSC command_status values become our failure codes. */
export function mapSubmitStatus(code: number): SubmitFailure {
  const vendorCode = `0x${code.toString(16).padStart(8, '0')}`;
  const fail = (c: SubmitFailure['code'], retryable: boolean): SubmitFailure => ({ ok: false, retryable, code: c, vendorCode });
  switch (code) {
    case status.THROTTLED:
      return fail('throttled', true);
    case status.MSGQFUL:
      return fail('queue_full', true);
    case status.INVDSTADR:
    case status.INVDSTTON:
    case 0x51: // ESME_RINVDSTNPI
      return fail('invalid_destination', false);
    case status.INVSRCADR:
    case status.INVSRCTON:
    case 0x49: // ESME_RINVSRCNPI
      return fail('invalid_source', false);
    case status.INVMSGLEN:
    case status.INVESMCLASS:
    case status.INVDCS:
    case 0xc0:
    case 0xc1:
    case 0xc2:
    case 0xc3:
    case 0xc4:
      return fail('invalid_message', false);
    case status.INVBNDSTS:
      return fail('not_bound', true);
    case status.SYSERR:
    case status.SUBMITFAIL:
    case 0x64: // ESME_RX_T_APPN: temporary application error
    case 0xfe:
    case 0xff:
      return fail('upstream_error', true);
    default:
      return fail('rejected', false);
  }
}

type Body = { text: string; udh?: Buffer[] };

/**
 * The library decodes data_coding 0 and 1 through its GSM 03.38 table. Receipts are plain ASCII
 * in practice, and the table differs from ASCII at '@', '$', '_', brackets…; mapping the septets
 * back to bytes recovers the ASCII an SMSC wrote (ids with '_' survive).
 */
function asAscii(message: string): string {
  try {
    return encodeGsm7(message).toString('latin1');
  } catch {
    return message;
  }
}

function bodyOf(pdu: Pdu): Body {
  const field = pdu.short_message;
  // Long MO texts and some receipts arrive in message_payload with an empty short_message.
  const hasShort = field && (Buffer.isBuffer(field) ? field.length : typeof field === 'string' ? field.length : field.message.length);
  const value = hasShort ? field : (pdu.message_payload ?? field);
  if (value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (Buffer.isBuffer(value)) return { text: value.toString('latin1') };
  const text = typeof value.message === 'string' ? value.message : value.message.toString('latin1');
  return value.udh ? { text, udh: value.udh } : { text };
}

export type DeliverOptions = {
  utcOffsetMinutes?: number;
  /** Convert a text-form receipt id to the form submit_sm_resp used (see convertReceiptId). */
  receiptIdForm?: { text: 'decimal' | 'hex'; submit: 'decimal' | 'hex' };
};

export type Deliver = { kind: 'receipt'; receipt: DeliveryReceipt } | { kind: 'inbound'; inbound: InboundPart } | { kind: 'ignored' };

/** A deliver_sm is a receipt (by esm_class, by TLV, or by its shape) or an inbound part. */
export function readDeliver(pdu: Pdu, opts: DeliverOptions = {}): Deliver {
  const body = bodyOf(pdu);
  const esmType = (pdu.esm_class ?? 0) & ESM_TYPE_MASK;
  const dc = (pdu.data_coding ?? 0) & 0x0f;
  const receiptText = dc === 0 || dc === 1 ? asAscii(body.text) : body.text;
  const isReceipt =
    esmType === ESM_RECEIPT || esmType === ESM_INTERMEDIATE || pdu.receipted_message_id !== undefined || looksLikeReceipt(receiptText);
  if (isReceipt) {
    const r = parseReceipt(
      {
        text: receiptText,
        receiptedMessageId: pdu.receipted_message_id,
        messageState: pdu.message_state,
        networkErrorCode: pdu.network_error_code,
      },
      { utcOffsetMinutes: opts.utcOffsetMinutes },
    );
    if (!r) return { kind: 'ignored' };
    const upstreamId =
      r.idSource === 'text' && opts.receiptIdForm ? convertReceiptId(r.upstreamId, opts.receiptIdForm.text, opts.receiptIdForm.submit) : r.upstreamId;
    const receipt: DeliveryReceipt = { upstreamId, status: r.status };
    if (r.errorCode) receipt.errorCode = r.errorCode;
    if (r.submittedAt) receipt.submittedAt = r.submittedAt;
    if (r.doneAt) receipt.doneAt = r.doneAt;
    if (pdu.source_addr) receipt.handset = pdu.source_addr;
    return { kind: 'receipt', receipt };
  }
  const inbound: InboundPart = { from: pdu.source_addr ?? '', to: pdu.destination_addr ?? '', text: body.text };
  const concat =
    readConcat(body.udh) ??
    (pdu.sar_msg_ref_num !== undefined && pdu.sar_total_segments && pdu.sar_segment_seqnum
      ? { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum }
      : undefined);
  if (concat && concat.total > 1) inbound.concat = concat;
  return { kind: 'inbound', inbound };
}
