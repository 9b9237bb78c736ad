// Alphabet detection, part counting and splitting for SMS (GSM 03.38 / 03.40). The server and
// the panel both import this file (the send form's counter is the bill's), so it uses no Node API;
// the bytes on the wire are sms-encoding.ts.
//
// One rule decides the price and the bytes on the wire, so counting and splitting share one
// walk over the text (`walk`): a part count that disagrees with the segments actually sent
// means billing one number and sending another.

export type Alphabet = 'gsm7' | 'ucs2';

export type SplitOptions = {
  /** The line uses 16-bit concatenation references (UDH IE 0x08, 7 octets instead of 6). */
  ref16?: boolean;
  /** Messages longer than this many parts are refused (analyseText → tooLong, splitText throws). */
  maxParts?: number;
};

export type TextAnalysis = {
  alphabet: Alphabet;
  /** Septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
  /** Capacity of one part in units: single-part size when parts ≤ 1, else the concatenated size. */
  perPart: number;
  /** Units still free in the last part before another part is needed. */
  remainingInPart: number;
  tooLong: boolean;
};

export const MAX_PARTS = 10;

// 140 octets of user data. A concatenated part carries a UDH: 6 octets with an 8-bit reference
// (IE 0x00), 7 with a 16-bit one (IE 0x08). GSM-7 septets are padded to a septet boundary after
// the UDH: 140·8 − 7·7 = 1071 bits → 153 septets; 140·8 − 8·7 = 1064 bits → 152 septets.
// UCS-2: (140 − 6) / 2 = 67, (140 − 7) / 2 = 66.5 → 66.
const limits = {
  gsm7: { single: 160, concat8: 153, concat16: 152 },
  ucs2: { single: 70, concat8: 67, concat16: 66 },
} as const;

// GSM 03.38 default alphabet, in septet order. 0x1B is the escape to the extension table and is
// not a character a person can send, so it is left out (a literal U+001B makes the text UCS-2).
const basicChars =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table: each costs two septets on the air, ESC (0x1B) followed by this code.
const extensionChars: ReadonlyArray<[string, number]> = [
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
];

export const ESC = 0x1b;
// Lookup by UTF-16 code unit: septet value, or −1. Every GSM character is in the BMP.
export const basicSeptet = new Int16Array(0x10000).fill(-1);
export const extensionSeptet = new Int16Array(0x10000).fill(-1);
export const septetToChar: string[] = [];
export const extensionToChar: string[] = [];
for (let i = 0; i < basicChars.length; i++) {
  if (i === ESC) continue;
  basicSeptet[basicChars.charCodeAt(i)] = i;
  septetToChar[i] = basicChars[i];
}
for (const [ch, code] of extensionChars) {
  extensionSeptet[ch.charCodeAt(0)] = code;
  extensionToChar[code] = ch;
}

/** Septets for one UTF-16 code unit: 1 basic, 2 extension, 0 not in GSM 03.38. */
function gsmCost(code: number): number {
  if (basicSeptet[code] >= 0) return 1;
  if (extensionSeptet[code] >= 0) return 2;
  return 0;
}

export function detectAlphabet(text: string): Alphabet {
  for (let i = 0; i < text.length; i++) if (gsmCost(text.charCodeAt(i)) === 0) return 'ucs2';
  return 'gsm7';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Walks the text once, cutting it into parts of at most `perPart` units, and calls `onPart` with
 * each part's UTF-16 range. An escape pair (GSM) or a surrogate pair (UCS-2) is never cut: a
 * lone ESC at the end of a part makes the handset show the wrong character, and half a surrogate
 * pair is an invalid UCS-2 string that many SMSCs reject or turn into '?'.
 */
function walk(
  text: string,
  alphabet: Alphabet,
  perPart: number,
  onPart: (start: number, end: number, used: number) => void,
): void {
  let start = 0;
  let used = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let width: number;
    let span: number;
    if (alphabet === 'gsm7') {
      width = gsmCost(code);
      span = 1;
    } else {
      span = isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
      width = span;
    }
    if (used + width > perPart) {
      onPart(start, i, used);
      start = i;
      used = 0;
    }
    used += width;
    i += span;
  }
  if (i > start) onPart(start, i, used);
}

export function unitsOf(text: string, alphabet: Alphabet): number {
  if (alphabet === 'ucs2') return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) n += gsmCost(text.charCodeAt(i));
  return n;
}

function sizes(alphabet: Alphabet, ref16: boolean): { single: number; concat: number } {
  const l = limits[alphabet];
  return { single: l.single, concat: ref16 ? l.concat16 : l.concat8 };
}

export function analyseText(text: string, opts: SplitOptions = {}): TextAnalysis {
  const alphabet = detectAlphabet(text);
  const units = unitsOf(text, alphabet);
  const { single, concat } = sizes(alphabet, opts.ref16 ?? false);
  const maxParts = opts.maxParts ?? MAX_PARTS;
  if (units <= single) {
    // An empty text is zero parts: the caller refuses it; nothing is sent or billed.
    return { alphabet, units, parts: units === 0 ? 0 : 1, perPart: single, remainingInPart: single - units, tooLong: false };
  }
  let parts = 0;
  let lastUsed = 0;
  walk(text, alphabet, concat, (_s, _e, used) => {
    parts++;
    lastUsed = used;
  });
  return { alphabet, units, parts, perPart: concat, remainingInPart: concat - lastUsed, tooLong: parts > maxParts };
}

/** The segments exactly as they will be sent, one per part. Throws when over maxParts (check first). */
export function splitText(text: string, opts: SplitOptions = {}): string[] {
  const a = analyseText(text, opts);
  if (a.tooLong) throw new RangeError(`text needs ${a.parts} parts, more than ${opts.maxParts ?? MAX_PARTS}`);
  if (a.parts <= 1) return a.parts === 0 ? [] : [text];
  const out: string[] = [];
  walk(text, a.alphabet, a.perPart, (s, e) => out.push(text.slice(s, e)));
  return out;
}
