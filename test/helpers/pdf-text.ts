// The text of a PDF made by pdfkit, read from its objects: content streams (inflated), each
// font's ToUnicode CMap, and the text-showing operators. Right-to-left words are drawn in visual
// order (the glyphs of «سلام» run left to right as م ا ل س), so a word with Arabic-script letters
// is read back glyph by glyph in reverse. Words come out in drawing order, which is reading order.
import { inflateSync } from 'node:zlib';

const RTL_LETTER = /[\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufeff]/;

type CMap = Map<number, string>;

function parseCMap(text: string): CMap {
  const map: CMap = new Map();
  // A value may hold several code points, written with spaces between them: <0647 0654>.
  const hex = (h: string) => String.fromCodePoint(...(h.replace(/\s+/g, '').match(/.{4}/g) ?? []).map((x) => parseInt(x, 16)));
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1], 16), hex(m[2]));
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const start = parseInt(m[1], 16);
      const end = parseInt(m[2], 16);
      if (m[3].startsWith('[')) [...m[3].matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((x, i) => map.set(start + i, hex(x[1])));
      else for (let c = start, base = parseInt(m[3].slice(1, -1), 16); c <= end; c++) map.set(c, String.fromCodePoint(base + c - start));
    }
  }
  return map;
}

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    const body = m[2];
    const s = body.indexOf('stream');
    let stream: string | null = null;
    let dict = body;
    if (s >= 0) {
      dict = body.slice(0, s);
      const start = body[s + 6] === '\r' ? s + 8 : s + 7;
      const data = Buffer.from(body.slice(start, body.lastIndexOf('endstream')), 'latin1');
      stream = (/FlateDecode/.test(dict) ? inflateSync(data) : data).toString('latin1');
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const fontCMap = new Map<string, CMap>();
  for (const o of objects.values()) {
    for (const f of o.dict.matchAll(/\/(F\d+)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(f[2]));
      const tu = font?.dict.match(/\/ToUnicode\s+(\d+) 0 R/);
      const cmap = tu ? objects.get(Number(tu[1]))?.stream : null;
      if (cmap) fontCMap.set(f[1], parseCMap(cmap));
    }
  }
  const words: string[] = [];
  for (const o of objects.values()) {
    if (!o.stream || !/\bTf\b/.test(o.stream) || /begincmap/.test(o.stream)) continue;
    let cmap: CMap = new Map();
    for (const op of o.stream.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      if (op[1]) {
        cmap = fontCMap.get(op[1]) ?? new Map();
        continue;
      }
      const hex = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]).join('') : op[3];
      const glyphs = (hex.match(/.{4}/g) ?? []).map((g) => cmap.get(parseInt(g, 16)) ?? '');
      const word = glyphs.join('');
      words.push(RTL_LETTER.test(word) ? glyphs.reverse().join('') : word);
    }
  }
  return words.join(' ');
}
