// One group's full price table: the price of one part per operator × line type × class × alphabet,
// overridden cells marked, cells above 10× the agency's own cost warned about (the platform's
// ceiling itself is enforced by the server when the list is saved).
import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Card, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Rials } from '../wallet/money.tsx';
import { type Alphabet, type GroupDetail, type MessageClass } from '../wallet/types.ts';
import { operators, type Operator } from '../../../../src/lib/operators.ts';
import { dimLabel } from './GroupEditor.tsx';
import { CoefficientBadges } from './GroupsPage.tsx';

/** A price above 10× what the agency itself pays for the cell: allowed, but likely a typo. */
const farAboveCost = (p: GroupDetail['prices'][number]) => p.cost !== null && BigInt(p.price) > 10n * BigInt(p.cost) && BigInt(p.price) > 0n;

export function GroupPricesPage({ groupId }: { groupId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [g, setG] = useState<GroupDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [alphabet, setAlphabet] = useState<Alphabet>('ucs2');

  useEffect(() => {
    api.get<GroupDetail>(`/api/v1/billing/groups/${encodeURIComponent(groupId)}`).then(setG, setError);
  }, [groupId]);

  const aboveCost = useMemo(() => (g?.prices ?? []).filter(farAboveCost).length, [g]);
  const rows = useMemo(() => {
    const cells = new Map<string, GroupDetail['prices'][number]>();
    const lines: string[] = [];
    for (const p of g?.prices ?? []) {
      if (p.alphabet !== alphabet) continue;
      if (!lines.includes(p.lineType)) lines.push(p.lineType);
      cells.set(`${p.lineType}|${p.messageClass}|${p.operator}`, p);
    }
    return { lines, cells };
  }, [g, alphabet]);
  const classes: MessageClass[] = ['service', 'advertising', 'otp'];

  return (
    <Stack gap="lg">
      <Title order={2}>
        {t('billing.groups.pricesOf')} <bdi>{g?.name ?? ''}</bdi>
      </Title>
      <ErrorAlert error={error} />
      {g ? (
        <>
          <Group gap="lg">
            <Text size="sm">
              {t('billing.groups.basePrice')}: <Rials value={g.basePrice} fw={600} />
            </Text>
            <Text size="sm">
              {t('billing.groups.receivePrice')}: <Rials value={g.receivePrice} fw={600} />
            </Text>
            <CoefficientBadges c={g.coefficients} />
          </Group>
          {aboveCost ? (
            <Alert color="orange" variant="light" data-testid="above-cost">
              {t('billing.groups.aboveCost', { count: i18n.num(aboveCost) })}
            </Alert>
          ) : null}
          <SegmentedControl
            w="fit-content"
            value={alphabet}
            onChange={(v) => setAlphabet(v === 'gsm7' ? 'gsm7' : 'ucs2')}
            data={[
              { value: 'ucs2', label: t('wallet.alpha.ucs2') },
              { value: 'gsm7', label: t('wallet.alpha.gsm7') },
            ]}
          />
          <Card withBorder radius="md" padding="md">
            <Text size="sm" c="dimmed" mb="sm">
              {t('billing.groups.perPart')}
            </Text>
            <Table.ScrollContainer minWidth={900}>
              <Table striped withColumnBorders verticalSpacing={6} aria-label={t('billing.groups.priceTable')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th rowSpan={2}>{t('billing.groups.dim.lineType')}</Table.Th>
                    {classes.map((c) => (
                      <Table.Th key={c} colSpan={operators.length} ta="center">
                        {t(`wallet.class.${c}`)}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                  <Table.Tr>
                    {classes.flatMap((c) => operators.map((o: Operator) => <Table.Th key={`${c}${o}`}>{t(`wallet.op.${o}`)}</Table.Th>))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.lines.map((l) => (
                    <Table.Tr key={l}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{dimLabel(i18n, 'lineType', l)}</Table.Td>
                      {classes.flatMap((c) =>
                        operators.map((o) => {
                          const cell = rows.cells.get(`${l}|${c}|${o}`);
                          return (
                            <Table.Td
                              key={`${c}${o}`}
                              style={{ whiteSpace: 'nowrap' }}
                              bg={cell && farAboveCost(cell) ? 'orange.1' : undefined}
                              title={cell?.cost && cell.ceiling ? t('billing.groups.cellHint', { cost: i18n.num(BigInt(cell.cost)), ceiling: i18n.num(BigInt(cell.ceiling)) }) : undefined}
                            >
                              {cell ? <Text size="sm" span fw={cell.overridden ? 700 : undefined} c={cell.overridden ? 'grape.7' : undefined}>{i18n.num(BigInt(cell.price))}</Text> : t('common.none')}
                            </Table.Td>
                          );
                        }),
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group mt="sm" gap="xs">
              <Badge color="grape" variant="light">
                {t('billing.groups.overriddenLegend')}
              </Badge>
            </Group>
          </Card>
        </>
      ) : null}
    </Stack>
  );
}
