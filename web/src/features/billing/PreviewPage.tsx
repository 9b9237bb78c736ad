// What a send would cost: for you or an account of your subtree, each level from the sender up to
// you, each at its parent's prices (the server never shows what your own parent pays).
import { useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import type { Account, Page } from '../../api/types.ts';
import { Ltr } from '../../components/Bidi.tsx';
import { ErrorAlert, useAction } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useMe } from '../../session/session.tsx';
import { kindLabel } from '../home/labels.ts';
import { clientError } from '../wallet/http.ts';
import { big, Rials } from '../wallet/money.tsx';
import { lineTypes, messageClasses, type MessageClass, type Preview } from '../wallet/types.ts';
import type { Operator } from '../../../../src/lib/operators.ts';
import { dimLabel } from './GroupEditor.tsx';
// the server's own counting and operators: the preview prices what the send will bill
import { analyseText } from '../../../../src/lib/sms-parts.ts';
import { mobileDigits, operatorOf } from '../../../../src/lib/operators.ts';

export function PreviewPage() {
  const i18n = useI18n();
  const { t, num, digits } = i18n;
  const me = useMe();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [accountId, setAccountId] = useState<string>(me.id);
  const [lineType, setLineType] = useState('public');
  const [cls, setCls] = useState<MessageClass>('advertising');
  const [text, setText] = useState('');
  const [numbers, setNumbers] = useState('');
  const [result, setResult] = useState<Preview | null>(null);

  useEffect(() => {
    if (me.kind === 'user') return;
    api.get<Page<Account>>('/api/v1/accounts', { pageSize: 100 }).then((p) => setAccounts(p.items), () => setAccounts([]));
  }, [me.kind]);

  const names = new Map<string, string>([[me.id, me.username], ...accounts.map((a) => [a.id, a.username] as [string, string])]);
  const draft = text ? analyseText(text) : null;
  const parsed = numbers.split(/[\n,؛;]+/).map((s) => s.trim()).filter(Boolean).map((s) => ({ raw: s, mobile: ((d) => (d ? `0${d}` : null))(mobileDigits(s)) }));
  const bad = parsed.filter((p) => !p.mobile);

  const run = useAction(async () => {
    if (!draft) throw clientError(t('billing.preview.needText'));
    if (!parsed.length || bad.length) throw clientError(t('billing.preview.badNumbers', { numbers: bad.map((b) => b.raw).join('، ') || t('common.none') }));
    const recipients = parsed.map((p) => ({ operator: operatorOf(p.mobile!), alphabet: draft.alphabet, parts: draft.parts }));
    setResult(await api.post<Preview>('/api/v1/billing/preview', { accountId: accountId === me.id ? undefined : accountId, lineType, class: cls, recipients }));
  });

  const who = (id: string) => (names.has(id) ? <Ltr>{names.get(id)}</Ltr> : t('billing.preview.parent'));

  return (
    <Stack gap="lg" maw={1100}>
      <Title order={2}>{t('billing.preview.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('billing.preview.intro')}
      </Text>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => (e.preventDefault(), void run.run())}>
          <Stack gap="sm">
            <ErrorAlert error={run.error} />
            <Group align="flex-end">
              {me.kind !== 'user' ? (
                <Select
                  label={t('billing.preview.account')}
                  w={260}
                  searchable
                  allowDeselect={false}
                  value={accountId}
                  onChange={(v) => v && setAccountId(v)}
                  data={[{ value: me.id, label: `${me.username} (${t('billing.preview.me')})` }, ...accounts.map((a) => ({ value: a.id, label: `${a.username}${t('common.sep')}${t(kindLabel(a.kind))}` }))]}
                />
              ) : null}
              <Select label={t('billing.groups.dim.lineType')} w={160} value={lineType} allowDeselect={false} onChange={(v) => v && setLineType(v)} data={lineTypes.map((k) => ({ value: k, label: dimLabel(i18n, 'lineType', k) }))} />
              <Select label={t('billing.groups.dim.class')} w={160} value={cls} allowDeselect={false} onChange={(v) => v && setCls(v as MessageClass)} data={messageClasses.map((k) => ({ value: k, label: t(`wallet.class.${k}`) }))} />
            </Group>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Textarea label={t('billing.preview.text')} autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} description={draft ? t('billing.preview.parts', { parts: num(draft.parts), units: num(draft.units), alphabet: t(`wallet.alpha.${draft.alphabet}`) }) : ' '} />
              <Textarea label={t('billing.preview.numbers')} description={t('billing.preview.numbersHint')} autosize minRows={3} dir="ltr" value={numbers} onChange={(e) => setNumbers(e.currentTarget.value)} />
            </SimpleGrid>
            {parsed.length ? (
              <Group gap={4}>
                {parsed.map((p, i) => (
                  <Badge key={i} variant="light" color={p.mobile ? 'blue' : 'red'} tt="none">
                    <Ltr>{digits(p.mobile ?? p.raw)}</Ltr>{t('common.sep')}{p.mobile ? t(`wallet.op.${operatorOf(p.mobile)}`) : t('billing.preview.invalid')}
                  </Badge>
                ))}
              </Group>
            ) : null}
            <Group>
              <Button type="submit" loading={run.busy}>
                {t('billing.preview.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      {result ? (
        <Card withBorder radius="md" padding="lg">
          <Stack gap="sm">
            <Text fw={600}>
              {t('billing.preview.total')} <Rials value={result.total} toman />
            </Text>
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing="sm" aria-label={t('billing.preview.levels')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('billing.preview.payer')}</Table.Th>
                    <Table.Th>{t('billing.preview.payee')}</Table.Th>
                    <Table.Th>{t('billing.preview.unitPrices')}</Table.Th>
                    <Table.Th>{t('billing.preview.amount')}</Table.Th>
                    <Table.Th>{t('billing.preview.margin')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.levels.map((l, i) => {
                    const below = result.levels[i - 1];
                    return (
                      <Table.Tr key={l.level} data-testid={`preview-level-${l.kind}`}>
                        <Table.Td>
                          {t(kindLabel(l.kind))} {who(l.accountId)}
                        </Table.Td>
                        <Table.Td>{who(l.paysTo)}</Table.Td>
                        <Table.Td>
                          <Stack gap={2}>
                            {l.perCell.map((c, j) => (
                              <Text key={j} size="xs">
                                {t('billing.preview.cell', { operator: t(`wallet.op.${c.operator as Operator}`), count: num(c.count), parts: num(c.parts), price: num(big(c.unitPrice)) })}
                              </Text>
                            ))}
                          </Stack>
                        </Table.Td>
                        <Table.Td>
                          <Rials value={l.amount} fw={600} />
                        </Table.Td>
                        <Table.Td>{below ? <Rials value={big(below.amount) - big(l.amount)} c="teal.8" /> : t('common.none')}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        </Card>
      ) : null}
    </Stack>
  );
}
