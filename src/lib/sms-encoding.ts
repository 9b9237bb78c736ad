// The bytes of an SMS text on the wire (SMPP data_coding 0 and 8), by the tables and counting of
// sms-parts.ts. Node only (Buffer); the panel imports sms-parts.ts alone.
import { basicSeptet, ESC, extensionSeptet, extensionToChar, septetToChar, unitsOf } from './sms-parts.ts';

/**
 * GSM 03.38 septets, one per byte, unpacked: what SMPP expects with data_coding 0 (the SMSC
 * packs them for the air). Extension characters become ESC + code. Throws on a character outside
 * the alphabet: the caller chose the alphabet with detectAlphabet, so that is a bug.
 */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(unitsOf(text, 'gsm7'));
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const basic = basicSeptet[code];
    if (basic >= 0) {
      out[o++] = basic;
      continue;
    }
    const ext = extensionSeptet[code];
    if (ext < 0) throw new RangeError(`U+${code.toString(16).padStart(4, '0')} is not in GSM 03.38`);
    out[o++] = ESC;
    out[o++] = ext;
  }
  return out;
}

/** Unpacked septets back to text. Unknown septets and a dangling ESC become a space, as handsets do. */
export function decodeGsm7(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === ESC) {
      const ext = i + 1 < bytes.length ? extensionToChar[bytes[i + 1]] : undefined;
      s += ext ?? ' ';
      if (ext !== undefined) i++;
      continue;
    }
    s += septetToChar[b] ?? ' ';
  }
  return s;
}

/** UTF-16 big-endian, what SMPP means by UCS-2 (data_coding 8); astral characters stay as surrogate pairs. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

export function decodeUcs2(bytes: Uint8Array): string {
  const copy = Buffer.from(bytes.subarray(0, bytes.length & ~1));
  return copy.swap16().toString('utf16le');
}
