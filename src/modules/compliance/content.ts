// What a message says: the «لغو۱۱» footer, forbidden words, links and card numbers. Pure
// functions over the text; the policy decides what a match means (reject, moderate, allow).
import { setImmediate } from 'node:timers/promises';
import { toLatinDigits } from '../../lib/i18n.ts';

export const OPT_OUT_FOOTER = 'لغو۱۱';

// «لغو» then 11 in any digit set, with or without a space, ZWNJ or bidi mark between, then only
// punctuation and whitespace to the end: «لغو11», «لغو ۱۱», «لغو‌۱۱.», «لغو۱۱!».
const footerPattern = /لغو[\s\u200c\u200e\u200f\u202a-\u202e]*(?:11|۱۱|١١)[\s\u200c\u200e\u200f\u202a-\u202e.!؟?،,؛;:)»"'\-ـ]*$/u;

export function hasOptOutFooter(text: string): boolean {
  return footerPattern.test(text);
}

export function appendOptOutFooter(text: string): string {
  return `${text.replace(/\s+$/u, '')}\n${OPT_OUT_FOOTER}`;
}

// One pass for the letters; the marks this does not list are dropped.
const matchForm: Record<string, string> = { ي: 'ی', ى: 'ی', ئ: 'ی', ك: 'ک', ۀ: 'ه', ة: 'ه', أ: 'ا', إ: 'ا', ٱ: 'ا', ؤ: 'و' };

/** Arabic letter variants to Persian, no ZWNJ, tatweel, diacritics or bidi marks, Latin digits,
 * lower case, single spaces: forbidden words and texts meet in this form. */
export function normaliseForMatch(text: string): string {
  return toLatinDigits(text)
    .replace(/[يىئكۀةأإٱؤ\u200c\u200d\u200e\u200f\u202a-\u202e\u0640\u064b-\u065f\u0670]/g, (c) => matchForm[c] ?? '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The forbidden words (already normalised) that occur in the text, in list order. */
export function findForbiddenWords(text: string, words: readonly string[]): string[] {
  if (!words.length) return [];
  const t = normaliseForMatch(text);
  return words.filter((w) => w && t.includes(w));
}

// Common generic and Iranian-relevant TLDs: a bare «example.ir» or «bit.ly/x» is a link; «ver.2»
// or «Mr.Smith» are not. URLs with a scheme or www. are links whatever their TLD.
const tlds = 'com|ir|net|org|info|biz|io|me|co|app|xyz|site|online|shop|store|link|ly|gl|to|ai|dev|tv|cc|us|uk|de|ws|top|club|live|pro|tech|click|website|space|fun|icu|vip|work|news|blog|cloud|page|in|ru|tk|ml|ga|cf|gq|ایران';
const linkPattern = new RegExp(
  `(?:https?:\\/\\/|www\\.)[^\\s<>«»"']+|(?<![\\p{L}\\p{N}@.-])(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)+(?:${tlds})(?![\\p{L}\\p{N}-])(?:[/:?#][^\\s<>«»"']*)?`,
  'giu',
);

/** Links in the text: URLs with a scheme, www.…, and bare domains with a known TLD. */
export function findLinks(text: string): string[] {
  return [...toLatinDigits(text).matchAll(linkPattern)].map((m) => m[0].replace(/[.,،;؛:!?؟)»]+$/u, ''));
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Sixteen digits, optionally grouped by single spaces or dashes, not part of a longer number.
const cardPattern = /(?<![\d])\d(?:[ \-\u200c]?\d){15}(?![\d])/g;

/** Card numbers (16 digits passing Luhn), masked for display: 603799******1234. */
export function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const m of toLatinDigits(text).matchAll(cardPattern)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length === 16 && !/^(\d)\1{15}$/.test(digits) && luhnValid(digits)) found.push(maskCard(digits));
  }
  return found;
}

export function maskCard(digits: string): string {
  return `${digits.slice(0, 6)}******${digits.slice(-4)}`;
}

export type ContentMatches = { words: string[]; links: string[]; cards: string[] };

export function scanContent(text: string, words: readonly string[]): ContentMatches {
  return { words: findForbiddenWords(text, words), links: findLinks(text), cards: findCardNumbers(text) };
}

/** Links and card numbers listed per send: one is enough to hold it, the rest would only bloat its reasons. */
const MAX_LISTED = 20;
// Distinct texts are scanned joined, a slice of about this many characters at a time: a few passes
// of each pattern for a whole campaign, not one per recipient.
const SLICE_CHARS = 64 * 1024;
// Between two texts: a newline ends a link, normalising turns it into a space that no word
// contains at its edge, and NUL is no letter, digit or space, so no word, phrase, link or card
// number runs from one text into the next.
const SEPARATOR = '\n\u0000\n';

const union = (a: readonly string[], b: readonly string[], max = Infinity) => [...new Set([...a, ...b])].slice(0, max);

export function mergeContent(a: ContentMatches, b: ContentMatches): ContentMatches {
  return { words: union(a.words, b.words), links: union(a.links, b.links, MAX_LISTED), cards: union(a.cards, b.cards, MAX_LISTED) };
}

// What \s matches: a link never holds one.
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** The runs of non-space characters that hold a '.' or a ':': a link lies inside one of them, so
 * only these are given to the link pattern, which is slow on long Persian text. */
function addLinkCandidates(text: string, into: Set<string>) {
  let dot = text.indexOf('.');
  let colon = text.indexOf(':');
  while (dot >= 0 || colon >= 0) {
    const at = dot < 0 ? colon : colon < 0 ? dot : Math.min(dot, colon);
    let start = at;
    while (start > 0 && !isSpace(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    into.add(text.slice(start, end));
    if (dot >= 0 && dot < end) dot = text.indexOf('.', end);
    if (colon >= 0 && colon < end) colon = text.indexOf(':', end);
  }
}

/** What the content rules find in any of the texts (each distinct text once), words in list order. */
export async function scanTexts(texts: Iterable<string>, words: readonly string[]): Promise<ContentMatches> {
  const found = { words: new Set<string>(), cards: new Set<string>() };
  const candidates = new Set<string>();
  let slice: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!slice.length) return;
    const joined = slice.join(SEPARATOR);
    for (const w of findForbiddenWords(joined, words)) found.words.add(w);
    if (found.cards.size < MAX_LISTED) for (const c of findCardNumbers(joined)) found.cards.add(c);
    addLinkCandidates(joined, candidates);
    slice = [];
    size = 0;
    // A big campaign is scanned between turns of the event loop.
    await setImmediate();
  };
  for (const t of new Set(texts)) {
    slice.push(t);
    size += t.length;
    if (size >= SLICE_CHARS) await flush();
  }
  await flush();
  const links = findLinks([...candidates].join('\n'));
  return { words: words.filter((w) => found.words.has(w)), links: union(links, [], MAX_LISTED), cards: [...found.cards].slice(0, MAX_LISTED) };
}

/** Matches in the form of moderation reasons: content_word:…, content_link:…, content_card:…. */
export function contentReasons(m: ContentMatches): string[] {
  return [...m.words.map((w) => `content_word:${w}`), ...m.links.map((l) => `content_link:${l}`), ...m.cards.map((c) => `content_card:${c}`)];
}

export function contentFromReasons(reasons: readonly string[]): ContentMatches {
  const of = (prefix: string) => reasons.filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length));
  return { words: of('content_word:'), links: of('content_link:'), cards: of('content_card:') };
}

/** The inbound keywords: «11» opts out, «12» opts back in (either digit set, trimmed). */
export function parseKeyword(text: string): 'opt_out' | 'opt_in' | null {
  const t = toLatinDigits(text).replace(/[\s\u200c\u200e\u200f\u202a-\u202e]/g, '');
  if (t === '11') return 'opt_out';
  if (t === '12') return 'opt_in';
  return null;
}
