// Pick an account of the caller's subtree (or only its direct children) by typing: GET
// /api/v1/accounts?q=… as a searchable select.
import { useEffect, useState } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import type { Account, Page } from '../../api/types.ts';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';

export function AccountPicker({ value, onChange, directOnly, label }: { value: Account | null; onChange(a: Account | null): void; directOnly?: boolean; label: string }) {
  const { t } = useI18n();
  const me = useMe();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(latinDigits(search.trim()), 250);
  const [items, setItems] = useState<Account[]>([]);

  useEffect(() => {
    let live = true;
    api
      .get<Page<Account>>('/api/v1/accounts', { q, parentId: directOnly ? me.id : undefined, pageSize: 20 })
      .then((r) => live && setItems(r.items))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [q, directOnly, me.id]);

  const all = value && !items.some((a) => a.id === value.id) ? [value, ...items] : items;
  return (
    <Select
      label={label}
      placeholder={t('lines.accountSearch')}
      searchable
      required
      filter={({ options }) => options}
      searchValue={search}
      onSearchChange={setSearch}
      value={value?.id ?? null}
      onChange={(id) => onChange(all.find((a) => a.id === id) ?? null)}
      data={all.map((a) => ({ value: a.id, label: a.displayName ? `${a.username} — ${a.displayName}` : a.username }))}
      nothingFoundMessage={t('children.empty')}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
