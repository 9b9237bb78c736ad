// The one form an SMSC's message id is compared in (submit answers, receipts, the database).

/**
 * SMSCs write one id differently in the submit answer and in the receipt — zero-padded
 * (`0000100002` / `100002`), hex in either letter case. Letters and digits only: lowercase,
 * leading zeros dropped; any other id: lowercase. (A hex submit id with a decimal receipt id is
 * converted first by the SMPP client's receiptIdForm.) Migration 0055 wrote the ids of open
 * messages in this form.
 */
export function canonicalUpstreamId(id: string): string {
  const t = id.trim().toLowerCase();
  if (!/^[0-9a-z]+$/.test(t)) return t;
  return t.replace(/^0+/, '') || '0';
}
