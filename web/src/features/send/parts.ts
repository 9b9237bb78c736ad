// The live counter on the send form: a browser copy of analyseText from src/lib/sms-parts.ts
// (that file also encodes with Buffer). Same rules, so the counter agrees with the bill: one
// non-GSM-03.38 character makes the whole text UCS-2; GSM-7 160 / 153, UCS-2 70 / 67 (66 and
// 152 with 16-bit references); an escape pair or a surrogate pair is never cut between parts.
export type Alphabet = 'gsm7' | 'ucs2';
export type TextAnalysis = { alphabet: Alphabet; units: number; parts: number; perPart: number; remainingInPart: number; tooLong: boolean };

export const MAX_PARTS = 10;

const limits = {
  gsm7: { single: 160, concat8: 153, concat16: 152 },
  ucs2: { single: 70, concat8: 67, concat16: 66 },
} as const;

const basicChars =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const basic = new Set([...basicChars].filter((c) => c !== '\u001b'));
const extension = new Set(['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€']);

/** Septets for one UTF-16 code unit: 1 basic, 2 extension, 0 not in GSM 03.38. */
function gsmCost(ch: string): number {
  if (basic.has(ch)) return 1;
  if (extension.has(ch)) return 2;
  return 0;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

export function analyseText(text: string, opts: { ref16?: boolean; maxParts?: number } = {}): TextAnalysis {
  let alphabet: Alphabet = 'gsm7';
  for (let i = 0; i < text.length; i++) if (gsmCost(text[i]) === 0) alphabet = 'ucs2';
  let units = 0;
  if (alphabet === 'ucs2') units = text.length;
  else for (let i = 0; i < text.length; i++) units += gsmCost(text[i]);
  const l = limits[alphabet];
  const single = l.single;
  const concat = opts.ref16 ? l.concat16 : l.concat8;
  if (units <= single) return { alphabet, units, parts: units === 0 ? 0 : 1, perPart: single, remainingInPart: single - units, tooLong: false };
  // The same walk that cuts the segments on the server: a pair that does not fit starts a new part.
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    let width: number;
    let span = 1;
    if (alphabet === 'gsm7') width = gsmCost(text[i]);
    else {
      span = isHigh(code) && i + 1 < text.length && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
      width = span;
    }
    if (used + width > concat) {
      parts++;
      used = 0;
    }
    used += width;
    i += span;
  }
  return { alphabet, units, parts, perPart: concat, remainingInPart: concat - used, tooLong: parts > (opts.maxParts ?? MAX_PARTS) };
}
