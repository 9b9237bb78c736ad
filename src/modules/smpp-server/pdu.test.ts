import { describe, expect, it } from 'vitest';
import { concatUdh, smpp } from '../../upstreams/smpp/lib.ts';
import type { Pdu } from '../../upstreams/smpp/lib.ts';
import { MAX_VALIDITY_MS, parseSmppTime, readSubmitText, readSubmitTiming, receiptError, receiptState, receiptText, smppDate, submitStatusFor, textHead, wantsReceipt } from './pdu.ts';

/** A submit_sm as it arrives: encoded by the library and parsed back from the wire bytes. */
function wire(options: Record<string, unknown>): Pdu {
  const out = new smpp.PDU('submit_sm', { destination_addr: '09121234567', ...options }) as Pdu & { toBuffer(): Buffer };
  return new smpp.PDU(out.toBuffer() as unknown as string);
}

describe('reading a submit_sm', () => {
  it('decodes the text per data_coding: GSM, IA5, Latin-1 and UCS-2', () => {
    expect(readSubmitText(wire({ data_coding: 0, short_message: Buffer.from([0x48, 0x69, 0x00, 0x11]) }))).toEqual({ ok: true, text: 'Hi@_' });
    expect(readSubmitText(wire({ data_coding: 1, short_message: Buffer.from('a_b@c$', 'latin1') }))).toEqual({ ok: true, text: 'a_b@c$' });
    expect(readSubmitText(wire({ data_coding: 3, short_message: Buffer.from('café', 'latin1') }))).toEqual({ ok: true, text: 'café' });
    expect(readSubmitText(wire({ data_coding: 8, short_message: Buffer.from('سلام', 'utf16le').swap16() }))).toEqual({ ok: true, text: 'سلام' });
  });

  it('refuses a real NUL (IA5, Latin-1, UCS-2, which no text can store) with ESME_RSUBMITFAIL, while GSM 0x00 is \'@\'', () => {
    expect(readSubmitText(wire({ data_coding: 0, short_message: Buffer.from([0x00, 0x48, 0x00]) }))).toEqual({ ok: true, text: '@H@' });
    expect(readSubmitText(wire({ data_coding: 0, message_payload: Buffer.from([0x48, 0x00]) }))).toEqual({ ok: true, text: 'H@' });
    expect(readSubmitText(wire({ data_coding: 1, short_message: Buffer.from([0x48, 0x00]) }))).toEqual({ ok: false, status: 0x45 });
    expect(readSubmitText(wire({ data_coding: 3, short_message: Buffer.from([0x48, 0x00]) }))).toEqual({ ok: false, status: 0x45 });
    expect(readSubmitText(wire({ data_coding: 8, short_message: Buffer.from([0x00, 0x48, 0x00, 0x00]) }))).toEqual({ ok: false, status: 0x45 });
    expect(readSubmitText(wire({ data_coding: 8, message_payload: Buffer.from([0x00, 0x00]) }))).toEqual({ ok: false, status: 0x45 });
  });

  it('reads long texts from message_payload and refuses both fields at once or an unknown coding', () => {
    const long = 'x'.repeat(400);
    expect(readSubmitText(wire({ data_coding: 0, short_message: Buffer.alloc(0), message_payload: Buffer.from(long, 'latin1') }))).toEqual({ ok: true, text: long });
    expect(readSubmitText(wire({ data_coding: 0, short_message: Buffer.from('a'), message_payload: Buffer.from('b') }))).toEqual({ ok: false, status: 0x01 });
    expect(readSubmitText(wire({ data_coding: 4, short_message: Buffer.from([1, 2]) }))).toEqual({ ok: false, status: 0x104 });
  });

  it('finds the concatenation in an 8-bit or 16-bit UDH, or in the sar_* TLVs', () => {
    const udh8 = wire({ esm_class: 0x40, data_coding: 0, short_message: Buffer.concat([concatUdh(9, 3, 2, false), Buffer.from('part', 'latin1')]) });
    expect(readSubmitText(udh8)).toEqual({ ok: true, text: 'part', concat: { ref: 9, total: 3, seq: 2 } });
    const udh16 = wire({ esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([concatUdh(0x1234, 2, 1, true), Buffer.from('سل', 'utf16le').swap16()]) });
    expect(readSubmitText(udh16)).toEqual({ ok: true, text: 'سل', concat: { ref: 0x1234, total: 2, seq: 1 } });
    const sar = wire({ data_coding: 0, short_message: Buffer.from('p2', 'latin1'), sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 2 });
    expect(readSubmitText(sar)).toEqual({ ok: true, text: 'p2', concat: { ref: 7, total: 2, seq: 2 } });
  });
});

describe('SMPP times (§7.1.1)', () => {
  const now = new Date('2026-03-10T08:00:00.000Z');
  const at = (text: string) => {
    const r = parseSmppTime(text, now);
    return r.ok ? r.at?.toISOString() ?? null : 'invalid';
  };

  it('reads absolute times with their offset from UTC in quarter hours, ahead (+) or behind (-)', () => {
    expect(at('260310120000000+')).toBe('2026-03-10T12:00:00.000Z');
    // Tehran, 14 quarter hours (3:30) ahead of UTC
    expect(at('260310113000014+')).toBe('2026-03-10T08:00:00.000Z');
    expect(at('260310030000020-')).toBe('2026-03-10T08:00:00.000Z');
    expect(at('261231235959748+')).toBe('2026-12-31T11:59:59.700Z');
  });

  it('adds relative times to now, field by field', () => {
    expect(at('000000000500000R')).toBe('2026-03-10T08:05:00.000Z');
    expect(at('000001020304000R')).toBe('2026-03-11T10:03:04.000Z');
    expect(at('010200000000000R')).toBe('2027-05-10T08:00:00.000Z');
  });

  it('takes an empty field as none and refuses malformed ones', () => {
    expect(at('')).toBeNull();
    expect(parseSmppTime(undefined, now)).toEqual({ ok: true, at: null });
    for (const bad of ['2603101200', '260310120000000', '260310120000000X', '261310120000000+', '260431120000000+', '260310250000000+', '260310120000049+', '000000000500100R', 'abcdefghijklmno+']) {
      expect(at(bad), bad).toBe('invalid');
    }
  });

  it('turns schedule_delivery_time into a send time and validity_period into an end, within limits', () => {
    expect(readSubmitTiming({ schedule_delivery_time: '000000010000000R', validity_period: '000000020000000R' }, now))
      .toEqual({ ok: true, sendAt: new Date('2026-03-10T09:00:00Z'), validUntil: new Date('2026-03-10T10:00:00Z') });
    // a schedule already past sends at once; no validity leaves the default to accept
    expect(readSubmitTiming({ schedule_delivery_time: '260310070000000+', validity_period: '' }, now)).toEqual({ ok: true, sendAt: null, validUntil: null });
    // validity beyond the maximum is cut to it
    expect(readSubmitTiming({ validity_period: '000030000000000R' }, now)).toEqual({ ok: true, sendAt: null, validUntil: new Date(now.getTime() + MAX_VALIDITY_MS) });
    expect(readSubmitTiming({ schedule_delivery_time: 'soon' }, now)).toEqual({ ok: false, status: 0x61 });
    expect(readSubmitTiming({ validity_period: '2603' }, now)).toEqual({ ok: false, status: 0x62 });
    // a validity that ends before the message may be sent
    expect(readSubmitTiming({ schedule_delivery_time: '000000020000000R', validity_period: '000000010000000R' }, now)).toEqual({ ok: false, status: 0x62 });
    expect(readSubmitTiming({ validity_period: '260310070000000+' }, now)).toEqual({ ok: false, status: 0x62 });
  });

  it('receives both fields as their text, not as the library’s Date', () => {
    const pdu = wire({ schedule_delivery_time: '260310113000014+', validity_period: '000001000000000R' });
    expect([pdu.schedule_delivery_time, pdu.validity_period]).toEqual(['260310113000014+', '000001000000000R']);
  });
});

describe('receipts and statuses', () => {
  it('dates receipts on Tehran’s clock (UTC+03:30 all year)', () => {
    expect(smppDate(new Date('2026-03-10T21:00:00Z'))).toBe('2603110030');
    expect(smppDate(new Date('2026-07-01T08:15:00Z'))).toBe('2607011145');
  });

  it('honours registered_delivery: always, failures only, successes only', () => {
    expect([wantsReceipt(0, true), wantsReceipt(1, true), wantsReceipt(1, false)]).toEqual([false, true, true]);
    expect([wantsReceipt(2, true), wantsReceipt(2, false), wantsReceipt(3, true), wantsReceipt(3, false)]).toEqual([false, true, true, false]);
  });

  it('writes the Appendix B text with stat and err from our final status', () => {
    const { stat } = receiptState('undelivered');
    expect(receiptText({ messageId: 'abc', stat, err: receiptError('undelivered', 'upstream_error'), submittedAt: '2601010930', doneAt: '2601010931', text: 'Hi' }))
      .toBe('id:abc sub:001 dlvrd:000 submit date:2601010930 done date:2601010931 stat:UNDELIV err:001 text:Hi');
    expect(receiptState('delivered')).toEqual({ stat: 'DELIVRD', state: 2 });
    expect(receiptState('blacklisted')).toEqual({ stat: 'REJECTD', state: 8 });
    expect(textHead('Your code is 1234, thanks')).toBe('Your code is 1234, t');
    expect(textHead('user_name')).toBe('');
  });

  it('maps accept errors to command_status', () => {
    expect(submitStatusFor('INSUFFICIENT_CREDIT')).toBe(0x401);
    expect(submitStatusFor('LINE_NOT_ALLOWED')).toBe(0x0a);
    expect(submitStatusFor('NO_VALID_RECIPIENTS')).toBe(0x0b);
    expect(submitStatusFor('SOMETHING_NEW')).toBe(0x45);
  });
});
