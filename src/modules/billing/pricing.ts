// The price of a send, from a group's price list. Pure: no database, no clock. Every rial of
// pricing arithmetic is here or in lib/money.ts.
import { BP_ONE, roundHalfUp } from '../../lib/money.ts';

export const operators = ['mci', 'irancell', 'rightel', 'other'] as const;
export const lineTypes = ['public', '1000', '2000', '3000', '5000', '9000', 'fixed'] as const;
export const messageClasses = ['service', 'advertising', 'otp'] as const;
export const alphabets = ['ucs2', 'gsm7'] as const;

export type Alphabet = (typeof alphabets)[number];
export type MessageClass = (typeof messageClasses)[number];

/** Basis points by dimension; a value missing is 10000 (1.0). Line types are open-ended. */
export type Coefficients = {
  alphabet?: Partial<Record<Alphabet, number>>;
  operator?: Record<string, number>;
  lineType?: Record<string, number>;
  class?: Partial<Record<MessageClass, number>>;
};

export type Override = { operator: string; lineType: string; messageClass: string; alphabet: Alphabet; price: bigint };

export type PriceList = { basePrice: bigint; receivePrice: bigint; coefficients: Coefficients; overrides: Override[] };

/** One price cell: what a single recipient message costs depends on exactly these. */
export type PriceCell = { operator: string; lineType: string; messageClass: string; alphabet: Alphabet; parts: number };

export const cellKey = (c: { operator: string; lineType: string; messageClass: string; alphabet: string; parts?: number }) =>
  `${c.operator}|${c.lineType}|${c.messageClass}|${c.alphabet}${c.parts === undefined ? '' : `|${c.parts}`}`;

function coefficient(map: Record<string, number | undefined> | undefined, key: string): bigint {
  const v = map?.[key];
  return v === undefined ? BP_ONE : BigInt(v);
}

/**
 * The price of one recipient message of `parts` parts in this cell, rounded once for all its
 * parts: roundHalfUp(parts × base × alphabet × operator × lineType × class), coefficients in basis
 * points. An explicit override replaces base × coefficients for its cell (integer rials per part).
 */
export function priceRecipientMessage(list: PriceList, cell: PriceCell): bigint {
  const parts = BigInt(cell.parts);
  const override = list.overrides.find(
    (o) => o.operator === cell.operator && o.lineType === cell.lineType && o.messageClass === cell.messageClass && o.alphabet === cell.alphabet,
  );
  if (override) return parts * override.price;
  const c = list.coefficients;
  const numerator =
    parts *
    list.basePrice *
    coefficient(c.alphabet, cell.alphabet) *
    coefficient(c.operator, cell.operator) *
    coefficient(c.lineType, cell.lineType) *
    coefficient(c.class, cell.messageClass);
  return roundHalfUp(numerator, BP_ONE ** 4n);
}

/** The whole list as a table of one-part prices: what the panel shows and an agency edits. */
export function priceMatrix(list: PriceList) {
  const rows: { operator: string; lineType: string; messageClass: MessageClass; alphabet: Alphabet; price: bigint; overridden: boolean }[] = [];
  const extraLineTypes = Object.keys(list.coefficients.lineType ?? {}).filter((t) => !(lineTypes as readonly string[]).includes(t));
  for (const operator of operators)
    for (const lineType of [...lineTypes, ...extraLineTypes])
      for (const messageClass of messageClasses)
        for (const alphabet of alphabets) {
          const cell = { operator, lineType, messageClass, alphabet, parts: 1 };
          const overridden = list.overrides.some((o) => cellKey(o) === cellKey({ ...cell, parts: undefined }));
          rows.push({ operator, lineType, messageClass, alphabet, price: priceRecipientMessage(list, cell), overridden });
        }
  return rows;
}

/**
 * The most an agency may charge for one recipient message of a cell: `multiple` times the
 * platform's price for it in the agency's chain, or times `reference` rials per part when the
 * platform's price is lower (a new install prices at 0). Platform-set (billing_settings).
 */
export type PriceCeiling = { multiple: number; reference: bigint };

export function priceCeiling(platformPrice: bigint, parts: number, c: PriceCeiling): bigint {
  const reference = c.reference * BigInt(parts);
  return BigInt(c.multiple) * (platformPrice > reference ? platformPrice : reference);
}

/** VAT on top of a top-up: the payer pays amount + vat and is credited amount. */
export function addVat(amount: bigint, vatBp: number): { amount: bigint; vat: bigint; total: bigint } {
  const vat = roundHalfUp(amount * BigInt(vatBp), BP_ONE);
  return { amount, vat, total: amount + vat };
}

/** A deposit of `total` that included VAT: the credit part, rounded half up, and the VAT part. */
export function splitVat(total: bigint, vatBp: number): { amount: bigint; vat: bigint; total: bigint } {
  const amount = roundHalfUp(total * BP_ONE, BP_ONE + BigInt(vatBp));
  return { amount, vat: total - amount, total };
}
