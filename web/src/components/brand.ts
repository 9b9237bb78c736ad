// The brand of this host (public): the sign-in pages show its name.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Brand } from '../api/types.ts';
import type { Lang } from '../i18n/format.ts';

let cached: Promise<Brand> | null = null;

export function usePublicBrand(): Brand | null {
  const [brand, setBrand] = useState<Brand | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= api.get<Brand>('/api/v1/brand');
    cached.then((b) => live && setBrand(b)).catch(() => {
      cached = null;
    });
    return () => {
      live = false;
    };
  }, []);
  return brand;
}

export function brandName(brand: Brand | null | undefined, lang: Lang): string {
  if (!brand) return '';
  return lang === 'fa' ? brand.nameFa : brand.nameEn;
}

/** The tab shows the brand in the current language (the server sets it only for the first load). */
export function useBrandTitle(name: string) {
  useEffect(() => {
    if (name) document.title = name;
  }, [name]);
}
