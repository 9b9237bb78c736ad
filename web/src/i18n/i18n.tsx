// The language of the panel: remembered in localStorage, sent with every API call, and it sets
// <html lang dir> and Mantine's direction (fa → rtl, en → ltr).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useDirection } from '@mantine/core';
import { setApiLanguage } from '../api/client.ts';
import { setNotificationCloseLabel } from '../components/notify-label.ts';
import { en } from './en.ts';
import { fa, type Catalog, type MessageKey } from './fa.ts';
import { formatDate, formatDateTime, formatNumber, localDigits, type Lang } from './format.ts';

const catalogs: Record<Lang, Catalog> = { fa, en };
const STORAGE_KEY = 'chapar.lang';

export type Vars = Record<string, string | number>;
export type I18n = {
  lang: Lang;
  dir: 'rtl' | 'ltr';
  setLang(lang: Lang): void;
  /** Whether the person chose a language on this device (then it wins over the account's). */
  chosen: boolean;
  t(key: MessageKey, vars?: Vars): string;
  num(n: number | bigint): string;
  digits(s: string): string;
  date(iso: string): string;
  dateTime(iso: string): string;
};

export function storedLang(): Lang | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'fa' || v === 'en' ? v : null;
  } catch {
    return null;
  }
}

export function dirOf(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'fa' ? 'rtl' : 'ltr';
}

/** Sets <html lang dir> and the API language before the first render, so nothing flips later. */
export function applyLangToDocument(lang: Lang) {
  document.documentElement.lang = lang;
  document.documentElement.dir = dirOf(lang);
  setApiLanguage(lang);
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ initial, children }: { initial: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initial);
  const [chosen, setChosen] = useState(storedLang() !== null);
  const { setDirection } = useDirection();

  useEffect(() => {
    applyLangToDocument(lang);
    setDirection(dirOf(lang));
  }, [lang, setDirection]);

  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    applyLangToDocument(next);
    setChosen(true);
    setLangState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const catalog = catalogs[lang];
    return {
      lang,
      dir: dirOf(lang),
      setLang,
      chosen,
      t: (key, vars) => {
        const text: string = catalog[key];
        return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
      },
      num: (n) => formatNumber(lang, n),
      digits: (s) => localDigits(lang, s),
      date: (iso) => formatDate(lang, iso),
      dateTime: (iso) => formatDateTime(lang, iso),
    };
  }, [lang, setLang, chosen]);

  useEffect(() => setNotificationCloseLabel(value.t('common.close')), [value]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
