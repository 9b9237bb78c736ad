// A right-to-left PDF writer for Persian documents (the agency contract). pdfkit shapes Arabic
// script through fontkit (joining forms, ligatures) and lays out a run containing Arabic-script
// characters right to left, but it has no bidi algorithm: a whole line handed to it comes out with
// its numbers reversed and Latin words scrambled. So we do the bidi ourselves, word by word: the
// line's words go from the right margin leftwards; a run of Latin words keeps its own left-to-right
// order; a number written in Persian digits (Arabic script, so fontkit reverses it) is handed over
// pre-reversed, which comes out in reading order.
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('vazirmatn/package.json')), 'fonts', 'ttf');
export const FONT_REGULAR = path.join(fontDir, 'Vazirmatn-Regular.ttf');
export const FONT_BOLD = path.join(fontDir, 'Vazirmatn-Bold.ttf');

/** Arabic-script letters (not digits): a word with one is laid out right to left. */
export const RTL_LETTER = /[\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufeff]/;
const ARABIC_DIGIT = /[\u0660-\u0669\u06f0-\u06f9]/;

export type Block = { kind: 'title' | 'heading' | 'paragraph'; text: string };

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 56;

/** Visual order of one line's words for a right-to-left line, as groups drawn right to left. */
type Group = string[] & { ltr: boolean };

function visualGroups(words: string[]): Group[] {
  const groups: Group[] = [];
  for (const w of words) {
    const ltr = !RTL_LETTER.test(w) && !ARABIC_DIGIT.test(w);
    const last = groups[groups.length - 1];
    if (ltr && last && last.ltr) last.push(w);
    else groups.push(Object.assign([w], { ltr }));
  }
  return groups;
}

const mirrored: Record<string, string> = { '(': ')', ')': '(', '«': '»', '»': '«', '[': ']', ']': '[' };

/**
 * What to hand pdfkit so the word reads right: numbers in Persian digits pre-reversed; in a
 * right-to-left word, brackets swapped, since fontkit reverses the glyphs without mirroring them.
 */
export function forFontkit(word: string): string {
  if (RTL_LETTER.test(word)) return word.replace(/[()«»[\]]/g, (c) => mirrored[c]);
  return ARABIC_DIGIT.test(word) ? [...word].reverse().join('') : word;
}

function drawRtlLine(doc: Doc, words: string[], right: number, y: number) {
  const space = doc.widthOfString(' ');
  let x = right;
  for (const group of visualGroups(words)) {
    const widths = group.map((w) => doc.widthOfString(forFontkit(w)));
    const total = widths.reduce((a, b) => a + b, 0) + space * (group.length - 1);
    let gx = x - total;
    group.forEach((w, i) => {
      doc.text(forFontkit(w), gx, y, { lineBreak: false });
      gx += widths[i] + space;
    });
    x -= total + space;
  }
}

/** Greedy line breaking by word widths. */
function breakLines(doc: Doc, text: string, width: number): string[][] {
  const lines: string[][] = [];
  const space = doc.widthOfString(' ');
  let line: string[] = [];
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const w = doc.widthOfString(forFontkit(word));
    if (line.length && used + space + w > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += (line.length ? space : 0) + w;
    line.push(word);
  }
  if (line.length) lines.push(line);
  return lines;
}

export async function renderRtlPdf(blocks: Block[], meta: { title: string; author: string }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: meta.title, Author: meta.author }, lang: 'fa-IR' } as never);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const right = doc.page.width - MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  let y = MARGIN;
  for (const block of blocks) {
    const size = block.kind === 'title' ? 17 : block.kind === 'heading' ? 13 : 11;
    doc.font(block.kind === 'paragraph' ? 'regular' : 'bold').fontSize(size);
    const lineHeight = size * 1.9;
    if (block.kind !== 'paragraph') y += size * 0.6;
    for (const line of breakLines(doc, block.text, width)) {
      if (y + lineHeight > doc.page.height - MARGIN) {
        doc.addPage();
        y = MARGIN;
      }
      if (block.kind === 'title') {
        const w = line.reduce((s, word) => s + doc.widthOfString(forFontkit(word)), 0) + doc.widthOfString(' ') * (line.length - 1);
        drawRtlLine(doc, line, MARGIN + (width + w) / 2, y);
      } else drawRtlLine(doc, line, right, y);
      y += lineHeight;
    }
    y += size * 0.5;
  }
  doc.end();
  return done;
}
