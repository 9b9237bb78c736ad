// What the price preview needs from a draft: its alphabet and parts, and each number's operator
// (DESIGN.md's Iranian defaults; the server decides the real send).
import { latinDigits } from '../../i18n/format.ts';
import type { Alphabet, Operator } from '../wallet/types.ts';

const GSM7 = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXT = '^{}\\[~]|€\f';

export function smsParts(text: string): { alphabet: Alphabet; parts: number; units: number } {
  let units = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7.includes(ch)) units += 1;
    else if (GSM7_EXT.includes(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { alphabet: 'gsm7', units, parts: units <= 160 ? 1 : Math.ceil(units / 153) };
  // UCS-2 counts UTF-16 code units: an emoji takes two.
  const u = text.length;
  return { alphabet: 'ucs2', units: u, parts: u <= 70 ? 1 : Math.ceil(u / 67) };
}

const MCI = ['0910', '0911', '0912', '0913', '0914', '0915', '0916', '0917', '0918', '0919', '0990', '0991', '0992', '0993', '0994'];
const IRANCELL = ['0901', '0902', '0903', '0904', '0905', '0930', '0933', '0935', '0936', '0937', '0938', '0939', '0941'];
const RIGHTEL = ['0920', '0921', '0922'];

/** 09121234567, +989121234567, 989121234567, 9121234567 → 09121234567; null when not an Iranian mobile. */
export function normaliseMobile(raw: string): string | null {
  const s = latinDigits(raw).replace(/[\s\-()]/g, '');
  const m = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(s);
  return m ? `0${m[1]}` : null;
}

export function operatorOf(mobile: string): Operator {
  const p = mobile.slice(0, 4);
  return MCI.includes(p) ? 'mci' : IRANCELL.includes(p) ? 'irancell' : RIGHTEL.includes(p) ? 'rightel' : 'other';
}
