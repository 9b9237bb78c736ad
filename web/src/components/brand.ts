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

/** The brand's primary colour (#rrggbb) when it set one; callers fall back to the theme's. */
export function brandColor(brand: Brand | null | undefined): string | undefined {
  const c = brand?.settings.primaryColor;
  return typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c) ? c : undefined;
}

/** The sign-in page's title and text the brand set for this language (branding settings), if any. */
export function brandSignIn(brand: Brand | null | undefined, lang: Lang): { title?: string; text?: string } {
  const s = brand?.settings ?? {};
  const pick = (key: string) => {
    const v = (s as Record<string, unknown>)[`${key}${lang === 'fa' ? 'Fa' : 'En'}`];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return { title: pick('signInTitle'), text: pick('signInText') };
}

/** Where the brand's logo is served on its own hosts, when it uploaded one. */
export function brandLogo(brand: Brand | null | undefined): string | undefined {
  const u = brand?.settings.logoUrl;
  return typeof u === 'string' && u.startsWith('/') ? u : undefined;
}

/** Why this host's agency is limited (GET /api/v1/brand `notice`), for the sign-in page. */
export type BrandNotice = { code: string; message: string; validUntil: string };
export function brandNotice(brand: Brand | null | undefined): BrandNotice | null {
  const n = (brand as (Brand & { notice?: BrandNotice | null }) | null | undefined)?.notice;
  return n && typeof n.message === 'string' ? n : null;
}
