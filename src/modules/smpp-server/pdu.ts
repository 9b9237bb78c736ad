// PDU-level rules of the customer-facing SMPP server, without I/O: reading a submit_sm's text,
// concatenation, schedule and validity, our final statuses as receipt text and TLVs, and our errors as command_status.
import { encodeGsm7 } from '../../lib/sms-encoding.ts';
import type { ErrorCode } from '../../lib/app-error.ts';
import { ESM_TYPE_MASK, ESM_UDHI, readConcat, status } from '../../upstreams/smpp/lib.ts';
import type { Pdu } from '../../upstreams/smpp/lib.ts';
import type { Concat } from '../../upstreams/upstream.ts';

export type SubmitText = { ok: true; text: string; concat?: Concat } | { ok: false; status: number };

type Field = NonNullable<Pdu['short_message']>;

function isEmpty(f: Field | undefined): boolean {
  if (f === undefined) return true;
  if (typeof f === 'string' || Buffer.isBuffer(f)) return f.length === 0;
  return f.message.length === 0 && !f.udh?.length;
}

/**
 * The text of a submit_sm. The library has already decoded the bytes by data_coding: 0 and 1 through
 * its GSM 03.38 table, 3 as Latin-1, 8 as UTF-16BE. Trap: for 1 (IA5, i.e. ASCII) the GSM table is
 * wrong at '@', '$', '_' and brackets, so the septets are mapped back to the ASCII bytes they were.
 * A text with a NUL character is refused (ESME_RSUBMITFAIL).
 */
export function readSubmitText(pdu: Pdu): SubmitText {
  const dc = pdu.data_coding ?? 0;
  if (![0x00, 0x01, 0x03, 0x08].includes(dc)) return { ok: false, status: status.INVDCS };
  const short = pdu.short_message;
  const payload = pdu.message_payload;
  // SMPP 3.4 §5.3.2.32: message_payload and a non-empty short_message together are an error.
  if (!isEmpty(payload) && !isEmpty(short)) return { ok: false, status: status.INVMSGLEN };
  const field = !isEmpty(payload) ? payload : short;
  if (field === undefined || typeof field === 'string' || Buffer.isBuffer(field)) {
    const text = field === undefined ? '' : typeof field === 'string' ? field : field.toString('latin1');
    return text.includes('\u0000') ? { ok: false, status: status.SUBMITFAIL } : { ok: true, text };
  }
  if (Buffer.isBuffer(field.message)) return { ok: false, status: status.INVDCS };
  let text = field.message;
  if (dc === 0x01) {
    try {
      text = encodeGsm7(text).toString('latin1');
    } catch {
      // not representable: keep what the table gave
    }
  }
  const udhi = ((pdu.esm_class ?? 0) & ESM_UDHI) !== 0;
  const concat =
    (udhi ? readConcat(field.udh) : undefined) ??
    (pdu.sar_msg_ref_num !== undefined && pdu.sar_total_segments && pdu.sar_segment_seqnum
      ? { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum }
      : undefined);
  if (concat && (concat.seq < 1 || concat.seq > concat.total)) return { ok: false, status: status.INVMSGLEN };
  // A NUL (IA5 or Latin-1 0x00, UCS-2 0x0000) cannot be stored in a text column; SMPP 3.4 has no
  // status for a character, so the submit fails as such. GSM 0x00 is '@' and never arrives here as NUL.
  if (text.includes('\u0000')) return { ok: false, status: status.SUBMITFAIL };
  return concat && concat.total > 1 ? { ok: true, text, concat } : { ok: true, text };
}

/** The longest validity an ESME may ask for; a longer validity_period is cut to it (§5.2.15 lets the SMSC). */
export const MAX_VALIDITY_MS = 3 * 86_400_000;

/**
 * An SMPP time (3.4 §7.1.1): '' is none; absolute `YYMMDDhhmmsstnnp`, where t is tenths of a second
 * and nn the quarter hours the given local time is ahead of (p '+') or behind (p '-') UTC; relative
 * `YYMMDDhhmmss000R`, a period added to the SMSC's current time.
 */
export function parseSmppTime(text: string | undefined, now: Date): { ok: true; at: Date | null } | { ok: false } {
  if (!text) return { ok: true, at: null };
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([-+R])$/.exec(text);
  if (!m) return { ok: false };
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number);
  if (m[9] === 'R') {
    if (t !== 0 || nn !== 0) return { ok: false };
    const at = Date.UTC(now.getUTCFullYear() + yy, now.getUTCMonth() + mo, now.getUTCDate() + dd, now.getUTCHours() + hh, now.getUTCMinutes() + mi, now.getUTCSeconds() + ss, now.getUTCMilliseconds());
    return { ok: true, at: new Date(at) };
  }
  if (mo < 1 || mo > 12 || dd < 1 || hh > 23 || mi > 59 || ss > 59 || nn > 48) return { ok: false };
  const local = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100));
  if (local.getUTCDate() !== dd) return { ok: false }; // 31 April and the like
  const aheadMs = nn * 15 * 60_000 * (m[9] === '+' ? 1 : -1);
  return { ok: true, at: new Date(local.getTime() - aheadMs) };
}

export type SubmitTiming = { ok: true; sendAt: Date | null; validUntil: Date | null } | { ok: false; status: number };

/**
 * schedule_delivery_time → when to send (a time already past: at once); validity_period → until when
 * the message may still be sent and delivered, at most MAX_VALIDITY_MS after the send time. A
 * validity that ends before the send time cannot be met: ESME_RINVEXPIRY.
 */
export function readSubmitTiming(pdu: Pick<Pdu, 'schedule_delivery_time' | 'validity_period'>, now: Date): SubmitTiming {
  const schedule = parseSmppTime(pdu.schedule_delivery_time, now);
  if (!schedule.ok) return { ok: false, status: status.INVSCHED };
  const validity = parseSmppTime(pdu.validity_period, now);
  if (!validity.ok) return { ok: false, status: status.INVEXPIRY };
  const sendAt = schedule.at && schedule.at > now ? schedule.at : null;
  const start = (sendAt ?? now).getTime();
  if (validity.at && validity.at.getTime() <= start) return { ok: false, status: status.INVEXPIRY };
  const validUntil = validity.at && new Date(Math.min(validity.at.getTime(), start + MAX_VALIDITY_MS));
  return { ok: true, sendAt, validUntil };
}

/** esm_class message-type bits: an ESME submits ordinary messages only (receipts go the other way). */
export function submitEsmClassValid(esmClass: number | undefined): boolean {
  return ((esmClass ?? 0) & ESM_TYPE_MASK) === 0;
}

/**
 * registered_delivery bits 0–1 (SMPP 3.4 §5.2.17): 1 a receipt on success or failure, 2 only on
 * failure; 3 (reserved in 3.4) is read as SMPP 5.0's "only on success".
 */
export function wantsReceipt(registeredDelivery: number, delivered: boolean): boolean {
  const r = registeredDelivery & 0x03;
  return r === 1 || (r === 2 && !delivered) || (r === 3 && delivered);
}

/** Our final statuses → receipt stat (Appendix B) and message_state TLV (§5.2.28). */
export function receiptState(finalStatus: string): { stat: string; state: number } {
  switch (finalStatus) {
    case 'delivered':
      return { stat: 'DELIVRD', state: 2 };
    case 'expired':
      return { stat: 'EXPIRED', state: 3 };
    case 'cancelled':
      return { stat: 'DELETED', state: 4 };
    case 'rejected':
    case 'blacklisted':
      return { stat: 'REJECTD', state: 8 };
    default:
      return { stat: 'UNDELIV', state: 5 };
  }
}

/** Tehran's offset: Iran dropped daylight saving in 2022, so it is UTC+03:30 all year. */
const TEHRAN_OFFSET_MS = 210 * 60_000;

/**
 * Receipt dates: YYMMDDhhmm on the SMSC's local clock, Asia/Tehran. Appendix B's receipt text carries
 * no zone; Iran's operators and the ESMEs of Iranian customers read it as Tehran time.
 */
export function smppDate(d: Date): string {
  const t = new Date(d.getTime() + TEHRAN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCFullYear() % 100)}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}`;
}

/**
 * The receipt's `text:` is the message's first 20 characters, when all of them read the same in
 * GSM 03.38 and ASCII (not '@', '$', '_', '`', brackets, braces…): ESMEs decode receipts either way.
 */
export function textHead(text: string): string {
  const head = text.slice(0, 20);
  return /^[\x20-\x23\x25-\x3f\x41-\x5a\x61-\x7a]*$/.test(head) ? head : '';
}

export function receiptText(r: { messageId: string; stat: string; err: string; submittedAt: string; doneAt: string; text: string }): string {
  const dlvrd = r.stat === 'DELIVRD' ? '001' : '000';
  return `id:${r.messageId} sub:001 dlvrd:${dlvrd} submit date:${r.submittedAt} done date:${r.doneAt} stat:${r.stat} err:${r.err} text:${r.text}`;
}

/** A three-digit err: 000 when delivered, the digits of a numeric vendor code, else 001. */
export function receiptError(finalStatus: string, errorCode: string | null): string {
  if (finalStatus === 'delivered') return '000';
  const digits = errorCode && /^\d+$/.test(errorCode) ? errorCode.slice(-3) : null;
  return (digits ?? '1').padStart(3, '0');
}

/** Vendor-specific command_status (0x400–0x4FF) for failures SMPP has no code for. */
export const vendorStatus = {
  INSUFFICIENT_CREDIT: 0x401,
  CONTENT_REFUSED: 0x402,
  OUTSIDE_SENDING_HOURS: 0x403,
  PERMISSION_DENIED: 0x404,
} as const;

/** The one place where our accept errors become SMPP command_status values. */
export function submitStatusFor(code: ErrorCode | string): number {
  switch (code) {
    case 'NO_VALID_RECIPIENTS':
    case 'RECIPIENTS_BLACKLISTED':
      return status.INVDSTADR;
    case 'LINE_NOT_ALLOWED':
    case 'NO_LINE':
      return status.INVSRCADR;
    case 'TEXT_TOO_LONG':
    case 'VALIDATION_FAILED':
      return status.INVMSGLEN;
    case 'INSUFFICIENT_CREDIT':
      return vendorStatus.INSUFFICIENT_CREDIT;
    case 'OPT_OUT_FOOTER_MISSING':
    case 'CONTENT_FORBIDDEN_WORD':
    case 'CONTENT_LINK_NOT_ALLOWED':
    case 'CONTENT_CARD_NUMBER':
    case 'KYC_REQUIRED':
      return vendorStatus.CONTENT_REFUSED;
    case 'OUTSIDE_SENDING_HOURS':
      return vendorStatus.OUTSIDE_SENDING_HOURS;
    case 'PERMISSION_DENIED':
    case 'ACCOUNT_SUSPENDED':
      return vendorStatus.PERMISSION_DENIED;
    default:
      return status.SUBMITFAIL;
  }
}
