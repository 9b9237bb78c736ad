// Pagination with the language's digits.
import { Group, Pagination, Text } from '@mantine/core';
import { useI18n } from '../i18n/i18n.tsx';

export function Pager({ page, total, pageSize, onChange }: { page: number; total: number; pageSize: number; onChange(page: number): void }) {
  const { t, num } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Group justify="space-between" mt="md">
      <Text size="sm" c="dimmed">
        {t('common.pageOf', { page: num(page), pages: num(pages) })}
      </Text>
      {pages > 1 ? (
        <Pagination
          total={pages}
          value={page}
          onChange={onChange}
          size="sm"
          getItemProps={(p) => ({ children: num(p), 'aria-label': t('common.pageOf', { page: num(p), pages: num(pages) }) })}
          getControlProps={(c) => ({ 'aria-label': c === 'previous' ? t('common.previous') : c === 'next' ? t('common.next') : c })}
        />
      ) : null}
    </Group>
  );
}
