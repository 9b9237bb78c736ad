// Recipients as people paste them: any Iranian form, Persian digits, duplicates, garbage.
import { normaliseIranMobile, operatorOf, type Operator } from '../../lib/phone.ts';

export type RejectedRecipient = { to: string; code: 'INVALID_NUMBER' | 'OPERATOR_NOT_SUPPORTED' };

export type ParsedRecipients = {
  /** `index`: the recipient's position in the input (for per-recipient texts). */
  valid: { e164: string; operator: Operator; index: number }[];
  rejected: RejectedRecipient[];
  duplicates: number;
};

export function parseRecipients(input: readonly string[], reachable?: readonly string[]): ParsedRecipients {
  const seen = new Set<string>();
  const valid: ParsedRecipients['valid'] = [];
  const rejected: RejectedRecipient[] = [];
  let duplicates = 0;
  const reach = reachable ? new Set(reachable) : null;
  for (let index = 0; index < input.length; index++) {
    const raw = input[index];
    const e164 = normaliseIranMobile(raw);
    if (!e164) {
      rejected.push({ to: raw, code: 'INVALID_NUMBER' });
      continue;
    }
    if (seen.has(e164)) {
      duplicates++;
      continue;
    }
    seen.add(e164);
    const operator = operatorOf(e164);
    if (reach && !reach.has(operator)) {
      rejected.push({ to: raw, code: 'OPERATOR_NOT_SUPPORTED' });
      continue;
    }
    valid.push({ e164, operator, index });
  }
  return { valid, rejected, duplicates };
}
