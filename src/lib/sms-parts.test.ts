import { describe, expect, it } from 'vitest';
import { analyseText, detectAlphabet, MAX_PARTS, splitText } from './sms-parts.ts';
import { decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2 } from './sms-encoding.ts';

const a = (n: number) => 'a'.repeat(n);
const fa = (n: number) => 'س'.repeat(n);

describe('alphabet', () => {
  it('keeps GSM 03.38 text, extension characters included, in GSM-7', () => {
    expect(detectAlphabet('Hello @£$¥ èé ΔΦ {}[]~|^\\€')).toBe('gsm7');
  });

  it('turns the whole message UCS-2 for one Persian letter, a ZWNJ or an emoji', () => {
    expect(detectAlphabet('Hello س')).toBe('ucs2');
    expect(detectAlphabet('ab\u200ccd')).toBe('ucs2');
    expect(detectAlphabet('ok 👍')).toBe('ucs2');
    expect(detectAlphabet('ç')).toBe('ucs2'); // only capital Ç is in the default table
  });
});

describe('GSM-7 parts', () => {
  it('fits 160 septets in one part and needs two for 161', () => {
    expect(analyseText(a(160))).toMatchObject({ alphabet: 'gsm7', units: 160, parts: 1, perPart: 160, remainingInPart: 0 });
    expect(analyseText(a(161))).toMatchObject({ units: 161, parts: 2, perPart: 153, remainingInPart: 145 });
  });

  it('fits 153×2 = 306 septets in two parts and needs three for 307', () => {
    expect(analyseText(a(306))).toMatchObject({ parts: 2, remainingInPart: 0 });
    expect(analyseText(a(307))).toMatchObject({ parts: 3, remainingInPart: 152 });
    expect(splitText(a(307)).map((s) => s.length)).toEqual([153, 153, 1]);
  });

  it('counts an extension character as two septets', () => {
    expect(analyseText('€'.repeat(80))).toMatchObject({ units: 160, parts: 1 });
    expect(analyseText(`${'€'.repeat(80)}a`)).toMatchObject({ units: 161, parts: 2 });
  });

  it('never splits an escape pair: a € that would straddle the boundary moves to the next part', () => {
    const text = `${a(152)}€${a(10)}`; // 152 + 2 + 10 = 164 septets
    const parts = splitText(text);
    expect(parts).toEqual([a(152), `€${a(10)}`]);
    expect(analyseText(text)).toMatchObject({ units: 164, parts: 2, remainingInPart: 153 - 12 });
    expect(parts.map((p) => encodeGsm7(p).length)).toEqual([152, 12]);
  });

  it('adds a part when escape pairs pushed over the boundary overflow the last one', () => {
    // 306 septets would fit 2×153, but the € at 152 moves, leaving part 2 one septet short.
    const text = `${a(152)}€${a(152)}`;
    expect(analyseText(text).units).toBe(306);
    expect(analyseText(text).parts).toBe(3);
    expect(splitText(text)).toHaveLength(3);
  });

  it('uses 152-septet parts on 16-bit-reference lines (7-octet UDH)', () => {
    expect(analyseText(a(304), { ref16: true })).toMatchObject({ parts: 2, perPart: 152 });
    expect(analyseText(a(305), { ref16: true }).parts).toBe(3);
  });
});

describe('UCS-2 parts', () => {
  it('fits 70 code units in one part and needs two for 71', () => {
    expect(analyseText(fa(70))).toMatchObject({ alphabet: 'ucs2', units: 70, parts: 1, perPart: 70 });
    expect(analyseText(fa(71))).toMatchObject({ parts: 2, perPart: 67, remainingInPart: 63 });
  });

  it('fits 67×2 = 134 units in two parts and needs three for 135', () => {
    expect(analyseText(fa(134)).parts).toBe(2);
    expect(analyseText(fa(135)).parts).toBe(3);
    expect(splitText(fa(135)).map((s) => s.length)).toEqual([67, 67, 1]);
  });

  it('uses 66-unit parts on lines with 16-bit references', () => {
    expect(analyseText(fa(132), { ref16: true })).toMatchObject({ parts: 2, perPart: 66 });
    expect(analyseText(fa(133), { ref16: true }).parts).toBe(3);
  });

  it('counts ZWNJ as one unit and keeps it inside Persian text', () => {
    const text = 'می\u200cخواهم';
    expect(analyseText(text)).toMatchObject({ alphabet: 'ucs2', units: 8, parts: 1 });
    expect(encodeUcs2(text).subarray(4, 6)).toEqual(Buffer.from([0x20, 0x0c]));
  });

  it('counts an emoji as two units and never splits its surrogate pair', () => {
    expect(analyseText('😀').units).toBe(2);
    const text = `${fa(66)}😀${fa(5)}`; // the emoji would straddle units 67/68
    const parts = splitText(text);
    expect(parts).toEqual([fa(66), `😀${fa(5)}`]);
    for (const p of parts) expect(decodeUcs2(encodeUcs2(p))).toBe(p);
  });
});

describe('encoding', () => {
  it('writes «سلام» as the UTF-16BE bytes 06 33 06 44 06 27 06 45', () => {
    expect([...encodeUcs2('سلام')]).toEqual([0x06, 0x33, 0x06, 0x44, 0x06, 0x27, 0x06, 0x45]);
  });

  it('writes an emoji as its big-endian surrogate pair', () => {
    expect([...encodeUcs2('😀')]).toEqual([0xd8, 0x3d, 0xde, 0x00]);
  });

  it('writes GSM-7 as unpacked septets with ESC before extension characters', () => {
    expect([...encodeGsm7('@A€{')]).toEqual([0x00, 0x41, 0x1b, 0x65, 0x1b, 0x28]);
    expect(decodeGsm7(encodeGsm7('Hi {x} £5 €'))).toBe('Hi {x} £5 €');
  });

  it('refuses to GSM-encode a character outside the alphabet', () => {
    expect(() => encodeGsm7('س')).toThrow(RangeError);
  });
});

describe('limits', () => {
  it(`refuses more than ${MAX_PARTS} parts by default and honours a configured maximum`, () => {
    expect(analyseText(a(153 * MAX_PARTS)).tooLong).toBe(false);
    expect(analyseText(a(153 * MAX_PARTS + 1)).tooLong).toBe(true);
    expect(() => splitText(a(153 * MAX_PARTS + 1))).toThrow(RangeError);
    expect(analyseText(fa(135), { maxParts: 2 }).tooLong).toBe(true);
  });

  it('treats empty text as zero parts', () => {
    expect(analyseText('')).toMatchObject({ parts: 0, units: 0 });
    expect(splitText('')).toEqual([]);
  });

  it('splits so that joining the segments gives back the text', () => {
    const text = `سلام ${'دنیا 😀 '.repeat(40)}`;
    const parts = splitText(text);
    expect(parts.join('')).toBe(text);
    expect(parts).toHaveLength(analyseText(text).parts);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(67);
  });
});
