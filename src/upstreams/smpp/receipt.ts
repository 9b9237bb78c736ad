// SMPP delivery receipts. SMPP 3.4 Appendix B only *suggests* the text format, so every SMSC
// writes it a little differently: key case, "submit date" vs "submit_date", dates with or without
// seconds, ids in hex in one place and decimal in another, missing fields. The TLVs
// (receipted_message_id, message_state) are unambiguous when present and win over the text.
import type { DeliveryReceipt, ReceiptStatus } from '../upstream.ts';

export type ParsedReceipt = DeliveryReceipt & {
  /** Where the id came from: a TLV is what submit_sm_resp returned; the text may be reformatted. */
  idSource: 'tlv' | 'text';
  /** sub: / dlvrd: counters and text: excerpt, as sent. */
  submitted?: number;
  delivered?: number;
  text?: string;
};

/**
 * The one place where SMSC states become ours: the 7-letter stat: words, the full names some
 * vendors write, and the numeric message_state TLV (SMPP 3.4 §5.3.2.35).
 */
export function mapReceiptState(state: string | number | undefined | null): ReceiptStatus {
  if (state === undefined || state === null || state === '') return 'unknown';
  const s = typeof state === 'number' ? String(state) : state.trim().toUpperCase();
  switch (s) {
    case '2':
    case 'DELIVRD':
    case 'DELIVERED':
      return 'delivered';
    case '5':
    case 'UNDELIV':
    case 'UNDELIVERABLE':
    case 'UNDELIVERED':
    case 'FAILED':
    case '4':
    case 'DELETED':
      // DELETED: the SMSC or operator removed it before delivery; for the sender it is undelivered.
      return 'undelivered';
    case '3':
    case 'EXPIRED':
      return 'expired';
    case '8':
    case 'REJECTD':
    case 'REJECTED':
      return 'rejected';
    case '6':
    case 'ACCEPTD':
    case 'ACCEPTED':
    case '0':
    case 'SCHEDULED':
    case '1':
    case 'ENROUTE':
      // Intermediate states: the SMSC has it and is still trying.
      return 'accepted';
    default:
      return 'unknown';
  }
}

// Keys as vendors write them; the value runs to the next known key. "text:" is last and may
// contain anything, including things that look like keys, so it takes the rest of the string.
const keyPattern = /(?:^|\s)(id|sub|dlvrd|submit[ _]date|done[ _]date|stat|err|text)\s*:/gi;

function fields(text: string): Map<string, string> {
  const found: Array<{ key: string; start: number; valueStart: number }> = [];
  for (const m of text.matchAll(keyPattern)) {
    const key = m[1].toLowerCase().replace(/[ _]/, '_');
    if (found.some((f) => f.key === 'text')) break;
    found.push({ key, start: m.index ?? 0, valueStart: (m.index ?? 0) + m[0].length });
  }
  const out = new Map<string, string>();
  found.forEach((f, i) => {
    const end = i + 1 < found.length ? found[i + 1].start : text.length;
    const raw = text.slice(f.valueStart, end);
    if (!out.has(f.key)) out.set(f.key, f.key === 'text' ? raw.replace(/^\s/, '') : raw.trim());
  });
  return out;
}

/** YYMMDDhhmm or YYMMDDhhmmss, in UTC unless the SMSC's offset is given (most send local time). */
export function parseReceiptDate(value: string | undefined, offsetMinutes = 0): Date | undefined {
  if (!value) return undefined;
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi, ss] = m;
  const ms = Date.UTC(2000 + Number(yy), Number(mo) - 1, Number(dd), Number(hh), Number(mi), Number(ss ?? 0));
  return Number.isNaN(ms) ? undefined : new Date(ms - offsetMinutes * 60_000);
}

export type ReceiptInput = {
  /** The short_message (or message_payload) as text. */
  text?: string;
  receiptedMessageId?: string;
  messageState?: number;
  /** network_error_code TLV: 3 octets, network type + 2-octet code. */
  networkErrorCode?: Uint8Array;
};

export type ReceiptOptions = {
  /** Minutes east of UTC of the SMSC's clock, for the date fields. */
  utcOffsetMinutes?: number;
};

/** True when a deliver_sm without the receipt esm_class still carries a receipt (some SMSCs). */
export function looksLikeReceipt(text: string): boolean {
  return /(^|\s)id\s*:\s*\S+/i.test(text) && /(^|\s)stat\s*:\s*\S+/i.test(text);
}

/** A receipt, or null when there is no id at all (nothing to match it to). */
export function parseReceipt(input: ReceiptInput, opts: ReceiptOptions = {}): ParsedReceipt | null {
  const f = input.text ? fields(input.text) : new Map<string, string>();
  const tlvId = input.receiptedMessageId?.trim();
  const textId = f.get('id');
  const upstreamId = tlvId || textId;
  if (!upstreamId) return null;
  const status =
    input.messageState !== undefined && input.messageState !== null
      ? mapReceiptState(input.messageState)
      : mapReceiptState(f.get('stat'));
  const errText = f.get('err');
  let errorCode = errText && !/^0+$/.test(errText) ? errText : undefined;
  if (!errorCode && input.networkErrorCode && input.networkErrorCode.length >= 3) {
    const code = (input.networkErrorCode[1] << 8) | input.networkErrorCode[2];
    if (code !== 0) errorCode = `net${input.networkErrorCode[0]}:${code}`;
  }
  const offset = opts.utcOffsetMinutes ?? 0;
  const receipt: ParsedReceipt = { upstreamId, status, idSource: tlvId ? 'tlv' : 'text' };
  if (errorCode) receipt.errorCode = errorCode;
  const submittedAt = parseReceiptDate(f.get('submit_date'), offset);
  const doneAt = parseReceiptDate(f.get('done_date'), offset);
  if (submittedAt) receipt.submittedAt = submittedAt;
  if (doneAt) receipt.doneAt = doneAt;
  const sub = f.get('sub');
  const dlvrd = f.get('dlvrd');
  if (sub && /^\d+$/.test(sub)) receipt.submitted = Number(sub);
  if (dlvrd && /^\d+$/.test(dlvrd)) receipt.delivered = Number(dlvrd);
  if (f.has('text')) receipt.text = f.get('text');
  return receipt;
}

/**
 * Some SMSCs answer submit_sm_resp with a hex id and write the receipt's id: in decimal (or the
 * reverse). Converting the text id to the submit form lets the two meet; the TLV id needs none.
 */
export function convertReceiptId(id: string, from: 'decimal' | 'hex', to: 'decimal' | 'hex'): string {
  if (from === to) return id;
  if (from === 'decimal') return /^\d+$/.test(id) ? BigInt(id).toString(16).toUpperCase() : id;
  return /^[0-9a-f]+$/i.test(id) ? BigInt(`0x${id}`).toString(10) : id;
}
