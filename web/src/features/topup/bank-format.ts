// Bank numbers written the way they are printed: IBAN (شبا) in groups of four, cards in fours.
export const formatIban = (iban: string) => iban.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
export const formatCard = (card: string) => card.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1-');

/** VAT on top of an amount, rounded half up like the server (basis points: 1000 = 10%). */
export function vatOn(amount: bigint, vatBp: number): bigint {
  const n = amount * BigInt(vatBp);
  return (n + 5000n) / 10000n;
}

/** A deposit's total that includes VAT: the credit part (rounded half up) and the VAT part. */
export function splitVat(total: bigint, vatBp: number): { amount: bigint; vat: bigint } {
  const den = 10000n + BigInt(vatBp);
  const amount = (total * 10000n * 2n + den) / (den * 2n);
  return { amount, vat: total - amount };
}
