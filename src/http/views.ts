// How domain records are shown over HTTP: ISO times, no secrets.
import type { Account } from '../modules/accounts/types.ts';
import type { Brand } from '../modules/brands/types.ts';
import type { Lang } from '../lib/i18n.ts';

export function accountView(a: Account) {
  return {
    id: a.id,
    username: a.username,
    kind: a.kind,
    parentId: a.parentId,
    displayName: a.displayName,
    mobile: a.mobile,
    email: a.email,
    status: a.status,
    locale: a.locale,
    createdAt: a.createdAt.toISOString(),
  };
}

export function brandView(b: Brand & { isPlatform?: boolean }, lang: Lang) {
  return { id: b.id, name: lang === 'fa' ? b.nameFa : b.nameEn, nameFa: b.nameFa, nameEn: b.nameEn, isPlatform: Boolean(b.isPlatform), settings: b.settings as Record<string, unknown> };
}
