// Server-side language choice: Persian first, English second.
export type Lang = 'fa' | 'en';
export const languages = ['fa', 'en'] as const;

/** Picks fa or en from an Accept-Language header; Persian when the caller says nothing we know. */
export function pickLanguage(acceptLanguage: string | undefined | null): Lang {
  if (!acceptLanguage) return 'fa';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('fa')) return 'fa';
    if (tag.startsWith('en')) return 'en';
  }
  return 'fa';
}

const persianDigits = '۰۱۲۳۴۵۶۷۸۹';

export function toPersianDigits(s: string | number | bigint): string {
  return String(s).replace(/[0-9]/g, (d) => persianDigits[Number(d)]);
}

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII: what people type into forms. */
export function toLatinDigits(s: string): string {
  return s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}
