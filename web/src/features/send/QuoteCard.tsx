// What the send will cost and what will happen to it, from POST /api/v1/messages/quote.
import { Alert, Card, Group, List, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { knownKey, labelOf, rials } from '../batches/labels.ts';
import type { Quote } from './types.ts';

/** «content_word:قمار» → the catalog's wording with the value; unknown reasons as spelled. */
export function useModerationText() {
  const { t } = useI18n();
  return (reason: string) => {
    const [code, ...rest] = reason.split(':');
    const k = knownKey(`send.mod.${code}`);
    return k ? t(k, { value: rest.join(':') }) : reason;
  };
}

export function QuoteCard({ quote, error, loading }: { quote: Quote | null; error: unknown; loading: boolean }) {
  const { t, num, digits, dateTime } = useI18n();
  const moderationText = useModerationText();
  const money = (s: string) => t('send.rials', { amount: num(rials(s)) });
  const ops = quote ? Object.entries(quote.perOperator) : [];

  return (
    <Card withBorder radius="md" padding="lg" aria-label={t('send.quote')} component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('send.quote')}
          </Title>
          {loading ? <Loader size="xs" aria-label={t('send.quoting')} /> : null}
        </Group>
        <ErrorAlert error={error} />
        {!quote && !error ? (
          <Text c="dimmed" size="sm">
            {loading ? t('send.quoting') : t('send.quoteEmpty')}
          </Text>
        ) : null}
        {quote ? (
          <>
            <Group justify="space-between" align="baseline">
              <Text fw={500}>{t('send.totalCost')}</Text>
              <Text fw={700} size="xl" data-testid="quote-cost">
                {money(quote.cost)}
              </Text>
            </Group>
            <Text size="sm">
              {t('send.accepted', { count: num(quote.accepted) })}{t('common.sep')}{t('send.partsFinal', { parts: num(quote.parts), alphabet: t(quote.alphabet === 'gsm7' ? 'send.alphabet.gsm7' : 'send.alphabet.ucs2') })}
            </Text>
            {ops.length ? (
              <Table verticalSpacing={4} aria-label={t('send.colOperator')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('send.colOperator')}</Table.Th>
                    <Table.Th>{t('send.colCount')}</Table.Th>
                    <Table.Th>{t('send.colCost')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ops.map(([op, v]) => (
                    <Table.Tr key={op}>
                      <Table.Td>{labelOf(t, 'batch.op.', op)}</Table.Td>
                      <Table.Td>{num(v.count)}</Table.Td>
                      <Table.Td>{money(v.cost)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : null}
            {quote.shortBy && quote.shortBy !== '0' ? (
              <Alert color="red" variant="light" py="xs" data-testid="quote-short">
                {t('send.shortBy', { amount: money(quote.shortBy) })}
              </Alert>
            ) : null}
            {quote.blacklisted > 0 ? (
              <Alert color="dark" variant="light" py="xs">
                {t('send.blacklisted', { count: num(quote.blacklisted) })}
              </Alert>
            ) : null}
            {quote.duplicates > 0 ? (
              <Text size="sm" c="dimmed">
                {t('send.duplicates', { count: num(quote.duplicates) })}
              </Text>
            ) : null}
            {quote.rejected.length ? (
              <Alert color="orange" variant="light" title={t('send.rejectedTitle', { count: num(quote.rejected.length) })}>
                <List size="sm" spacing={2}>
                  {quote.rejected.slice(0, 50).map((r, i) => (
                    <List.Item key={`${r.to}-${i}`}>
                      <Ltr>{digits(r.to)}</Ltr>: {labelOf(t, 'send.reject.', r.code)}
                    </List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
            {quote.heldUntil ? (
              <Alert color="yellow" variant="light">
                {t('send.heldUntil', { when: dateTime(quote.heldUntil) })}
              </Alert>
            ) : null}
            {quote.moderation.length ? (
              <Alert color="yellow" variant="light" title={t('send.moderation')}>
                <List size="sm" spacing={2}>
                  {quote.moderation.map((m) => (
                    <List.Item key={m}>{moderationText(m)}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
          </>
        ) : null}
      </Stack>
    </Card>
  );
}
