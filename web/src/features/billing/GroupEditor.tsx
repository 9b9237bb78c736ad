// Create or edit a user group: name, base and receive prices, coefficients typed as multipliers
// (2.5 → 25000 basis points) and per-cell overrides.
import { useState } from 'react';
import { ActionIcon, Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { api } from '../../api/client.ts';
import { ErrorAlert, notifySuccess, useAction } from '../../components/errors.tsx';
import { latinDigits } from '../../i18n/format.ts';
import { useI18n, type I18n } from '../../i18n/i18n.tsx';
import { clientError } from '../wallet/http.ts';
import { parseAmount } from '../wallet/money.tsx';
import { alphabets, lineTypes, messageClasses, type Coefficients, type Group as UserGroup, type Override } from '../wallet/types.ts';
import { operators } from '../../../../src/lib/operators.ts';

type Dim = keyof Coefficients;
const dims: { dim: Dim; keys: readonly string[] }[] = [
  { dim: 'alphabet', keys: alphabets },
  { dim: 'operator', keys: operators },
  { dim: 'lineType', keys: lineTypes },
  { dim: 'class', keys: messageClasses },
];

const toText = (bp: number | undefined) => (bp === undefined ? '' : String(bp / 10000));
const toBp = (s: string): number | null | undefined => {
  const v = latinDigits(s).replace('٫', '.').trim();
  if (!v) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 && n <= 1000 ? Math.round(n * 10000) : null;
};

export function GroupEditor({ group, opened, onClose, onSaved }: { group: UserGroup | null; opened: boolean; onClose(): void; onSaved(): void }) {
  const i18n = useI18n();
  const { t, num } = i18n;
  const [name, setName] = useState(group?.name ?? '');
  const [base, setBase] = useState(group ? num(BigInt(group.basePrice)) : '');
  const [receive, setReceive] = useState(group ? num(BigInt(group.receivePrice)) : '');
  const [coef, setCoef] = useState<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    for (const { dim, keys } of dims) for (const k of keys) out[`${dim}.${k}`] = toText((group?.coefficients[dim] as Record<string, number> | undefined)?.[k]);
    return out;
  });
  const [overrides, setOverrides] = useState<Override[]>(group?.overrides ?? []);

  const save = useAction(async () => {
    const coefficients: Record<string, Record<string, number>> = {};
    for (const [key, text] of Object.entries(coef)) {
      const bp = toBp(text);
      if (bp === null) throw clientError(t('billing.groups.badCoefficient'));
      if (bp === undefined) continue;
      const [dim, k] = key.split('.');
      (coefficients[dim] ??= {})[k] = bp;
    }
    const basePrice = base.trim() ? parseAmount(base) : undefined;
    const receivePrice = receive.trim() ? parseAmount(receive) : undefined;
    if (basePrice === null || receivePrice === null) throw clientError(t('wallet.money.badAmount'));
    const ov = overrides.map((o) => ({ ...o, price: parseAmount(o.price) ?? '' }));
    if (ov.some((o) => !o.price)) throw clientError(t('wallet.money.badAmount'));
    const body = { name: name.trim(), basePrice, receivePrice, coefficients, overrides: ov };
    if (group) await api.patch(`/api/v1/billing/groups/${encodeURIComponent(group.id)}`, body);
    else await api.post('/api/v1/billing/groups', body);
    notifySuccess(t('common.saved'));
    onSaved();
  });

  const setOv = (i: number, patch: Partial<Override>) => setOverrides((l) => l.map((o, j) => (j === i ? { ...o, ...patch } : o)));

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={group ? t('billing.groups.edit') : t('billing.groups.create')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <Stack gap="sm">
          <ErrorAlert error={save.error} />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label={t('billing.groups.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <TextInput label={t('billing.groups.basePrice')} description={t('billing.groups.basePriceHint')} inputMode="numeric" value={base} onChange={(e) => setBase(e.currentTarget.value)} />
            <TextInput label={t('billing.groups.receivePrice')} inputMode="numeric" value={receive} onChange={(e) => setReceive(e.currentTarget.value)} />
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            {t('billing.groups.coefHint')}
          </Text>
          {dims.map(({ dim, keys }) => (
            <div key={dim}>
              <Title order={4} size="h6" mb={4}>
                {t(`billing.groups.dim.${dim}`)}
              </Title>
              <SimpleGrid cols={{ base: 2, sm: 4, md: 7 }} spacing="xs">
                {keys.map((k) => (
                  <TextInput
                    key={k}
                    size="xs"
                    label={dimLabel(i18n, dim, k)}
                    placeholder="1"
                    leftSection={<Text size="xs">×</Text>}
                    inputMode="decimal"
                    dir="ltr"
                    value={coef[`${dim}.${k}`]}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      setCoef((c) => ({ ...c, [`${dim}.${k}`]: v }));
                    }}
                  />
                ))}
              </SimpleGrid>
            </div>
          ))}
          <Group justify="space-between">
            <Title order={4} size="h6">
              {t('billing.groups.overrides')}
            </Title>
            <Button size="compact-sm" variant="light" onClick={() => setOverrides((l) => [...l, { operator: 'mci', lineType: 'public', messageClass: 'advertising', alphabet: 'ucs2', price: '' }])}>
              {t('billing.groups.addOverride')}
            </Button>
          </Group>
          {overrides.map((o, i) => (
            <Group key={i} gap="xs" align="flex-end" wrap="wrap">
              <Select size="xs" w={130} label={t('billing.groups.dim.operator')} value={o.operator} allowDeselect={false} onChange={(v) => v && setOv(i, { operator: v as Override['operator'] })} data={operators.map((k) => ({ value: k, label: t(`wallet.op.${k}`) }))} />
              <Select size="xs" w={120} label={t('billing.groups.dim.lineType')} value={o.lineType} allowDeselect={false} onChange={(v) => v && setOv(i, { lineType: v })} data={lineTypes.map((k) => ({ value: k, label: dimLabel(i18n, 'lineType', k) }))} />
              <Select size="xs" w={120} label={t('billing.groups.dim.class')} value={o.messageClass} allowDeselect={false} onChange={(v) => v && setOv(i, { messageClass: v as Override['messageClass'] })} data={messageClasses.map((k) => ({ value: k, label: t(`wallet.class.${k}`) }))} />
              <Select size="xs" w={120} label={t('billing.groups.dim.alphabet')} value={o.alphabet} allowDeselect={false} onChange={(v) => v && setOv(i, { alphabet: v as Override['alphabet'] })} data={alphabets.map((k) => ({ value: k, label: t(`wallet.alpha.${k}`) }))} />
              <TextInput size="xs" w={120} label={t('billing.groups.overridePrice')} inputMode="numeric" value={o.price} onChange={(e) => setOv(i, { price: e.currentTarget.value })} />
              <ActionIcon variant="subtle" color="red" aria-label={t('billing.groups.removeOverride')} onClick={() => setOverrides((l) => l.filter((_, j) => j !== i))}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A coefficient's label: operators, classes and alphabets by name; line types by their number. */
export function dimLabel({ t, digits }: Pick<I18n, 't' | 'digits'>, dim: Dim, k: string): string {
  if (dim === 'operator') return t(`wallet.op.${k as Override['operator']}`);
  if (dim === 'class') return t(`wallet.class.${k as Override['messageClass']}`);
  if (dim === 'alphabet') return t(`wallet.alpha.${k as Override['alphabet']}`);
  return k === 'public' ? t('wallet.line.public') : k === 'fixed' ? t('wallet.line.fixed') : t('wallet.line.prefix', { prefix: digits(k) });
}
