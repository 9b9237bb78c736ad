import { describe, expect, it } from 'vitest';
import { convertReceiptId, looksLikeReceipt, mapReceiptState, parseReceipt, parseReceiptDate } from './receipt.ts';

describe('parseReceipt', () => {
  it('reads the SMPP 3.4 Appendix B form', () => {
    const r = parseReceipt({
      text: 'id:0123456789 sub:001 dlvrd:001 submit date:2601011230 done date:2601011231 stat:DELIVRD err:000 text:Hello world',
    });
    expect(r).toMatchObject({ upstreamId: '0123456789', status: 'delivered', idSource: 'text', submitted: 1, delivered: 1, text: 'Hello world' });
    expect(r?.errorCode).toBeUndefined();
    expect(r?.submittedAt?.toISOString()).toBe('2026-01-01T12:30:00.000Z');
    expect(r?.doneAt?.toISOString()).toBe('2026-01-01T12:31:00.000Z');
  });

  it('reads a Kannel-style receipt with a hex id, seconds in the dates and an error code', () => {
    const r = parseReceipt({
      text: 'id:7C3A1F0B sub:001 dlvrd:000 submit date:260101123005 done date:260101123159 stat:UNDELIV err:034 text:',
    });
    expect(r).toMatchObject({ upstreamId: '7C3A1F0B', status: 'undelivered', errorCode: '034', delivered: 0 });
    expect(r?.doneAt?.toISOString()).toBe('2026-01-01T12:31:59.000Z');
  });

  it('accepts lower-case keys, underscores in the date keys and a UUID id', () => {
    const r = parseReceipt({
      text: 'ID:6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b SUB:1 DLVRD:1 SUBMIT_DATE:2601011200 DONE_DATE:2601011201 STAT:expired ERR:0 TEXT:',
    });
    expect(r).toMatchObject({ upstreamId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', status: 'expired' });
  });

  it('keeps a text: excerpt that itself contains receipt keywords', () => {
    const r = parseReceipt({ text: 'id:42 sub:001 dlvrd:001 submit date:2601011200 done date:2601011200 stat:DELIVRD err:000 text:stat:REJECTD id:9' });
    expect(r).toMatchObject({ upstreamId: '42', status: 'delivered', text: 'stat:REJECTD id:9' });
  });

  it('reads a short vendor form with only id, stat and err', () => {
    expect(parseReceipt({ text: 'id:99887766 stat:REJECTD err:0B' })).toMatchObject({
      upstreamId: '99887766',
      status: 'rejected',
      errorCode: '0B',
    });
  });

  it('lets receipted_message_id and message_state win over the text', () => {
    const r = parseReceipt({
      text: 'id:305419896 sub:001 dlvrd:001 submit date:2601011200 done date:2601011200 stat:DELIVRD err:000 text:',
      receiptedMessageId: '12345678',
      messageState: 5,
    });
    expect(r).toMatchObject({ upstreamId: '12345678', status: 'undelivered', idSource: 'tlv' });
  });

  it('builds a receipt from TLVs alone, with the network error code', () => {
    const r = parseReceipt({ receiptedMessageId: 'abc', messageState: 8, networkErrorCode: Uint8Array.from([3, 0, 11]) });
    expect(r).toMatchObject({ upstreamId: 'abc', status: 'rejected', errorCode: 'net3:11' });
  });

  it('returns null when there is no id to match', () => {
    expect(parseReceipt({ text: 'stat:DELIVRD err:000' })).toBeNull();
    expect(parseReceipt({})).toBeNull();
  });

  it('applies the SMSC clock offset to the dates', () => {
    expect(parseReceiptDate('2601011200', 210)?.toISOString()).toBe('2026-01-01T08:30:00.000Z');
    expect(parseReceiptDate('garbage')).toBeUndefined();
  });
});

describe('mapReceiptState', () => {
  it('maps every SMSC state to one of ours', () => {
    const cases: Array<[string | number, string]> = [
      ['DELIVRD', 'delivered'], [2, 'delivered'], ['delivered', 'delivered'],
      ['UNDELIV', 'undelivered'], [5, 'undelivered'], ['DELETED', 'undelivered'], [4, 'undelivered'],
      ['EXPIRED', 'expired'], [3, 'expired'],
      ['REJECTD', 'rejected'], [8, 'rejected'],
      ['ACCEPTD', 'accepted'], [6, 'accepted'], ['ENROUTE', 'accepted'], [1, 'accepted'],
      ['UNKNOWN', 'unknown'], [7, 'unknown'], ['WHATEVER', 'unknown'], ['', 'unknown'],
    ];
    for (const [input, out] of cases) expect([input, mapReceiptState(input)]).toEqual([input, out]);
  });
});

describe('receipt helpers', () => {
  it('recognises receipt-shaped text sent without the receipt esm_class', () => {
    expect(looksLikeReceipt('id:1 sub:001 dlvrd:001 stat:DELIVRD')).toBe(true);
    expect(looksLikeReceipt('salam, id: please')).toBe(false);
  });

  it('converts between decimal receipt ids and hex submit ids', () => {
    expect(convertReceiptId('305419896', 'decimal', 'hex')).toBe('12345678');
    expect(convertReceiptId('12345678', 'hex', 'decimal')).toBe('305419896');
    expect(convertReceiptId('abc-1', 'decimal', 'hex')).toBe('abc-1');
  });
});
