// Numbers, digits and dates per language: Persian digits and the Jalali calendar in fa.
export type Lang = 'fa' | 'en';

const numberFormats: Record<Lang, Intl.NumberFormat> = {
  fa: new Intl.NumberFormat('fa-IR'),
  en: new Intl.NumberFormat('en-US'),
};
const dateFormats: Record<Lang, Intl.DateTimeFormat> = {
  fa: new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'Asia/Tehran' }),
  en: new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'Asia/Tehran' }),
};
const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  fa: new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Tehran' }),
  en: new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Tehran' }),
};

const persianDigits = '۰۱۲۳۴۵۶۷۸۹';

export function formatNumber(lang: Lang, n: number | bigint): string {
  return numberFormats[lang].format(n);
}

/** Digits inside a string (a mobile number, a code) shown in the language's own digits. */
export function localDigits(lang: Lang, s: string): string {
  return lang === 'fa' ? s.replace(/[0-9]/g, (d) => persianDigits[Number(d)]) : s;
}

/** What people type: Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII. */
export function latinDigits(s: string): string {
  return s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

export function formatDate(lang: Lang, iso: string): string {
  return dateFormats[lang].format(new Date(iso));
}

export function formatDateTime(lang: Lang, iso: string): string {
  return dateTimeFormats[lang].format(new Date(iso));
}

/** +989121234567 → 09121234567, the way Iranians write their own numbers. */
export function localMobile(mobile: string): string {
  return mobile.startsWith('+98') ? `0${mobile.slice(3)}` : mobile;
}

/** 09121234567 → 0912***4567: enough to recognise, not enough to read out. */
export function maskMobile(mobile: string): string {
  const m = localMobile(mobile);
  return m.length < 8 ? m : `${m.slice(0, 4)}${'*'.repeat(Math.max(3, m.length - 8))}${m.slice(-4)}`;
}
