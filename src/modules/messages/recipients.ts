// Recipients as people paste them: any Iranian form, Persian digits, duplicates, garbage.
import { NumberSet } from '../../lib/number-set.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import { operatorOf, type Operator } from '../../lib/operators.ts';
import { createSlicer } from '../../lib/turns.ts';

export type RejectedRecipient = { to: string; code: 'INVALID_NUMBER' | 'OPERATOR_NOT_SUPPORTED' };

export type ParsedRecipients = {
  /** `index`: the recipient's position in the input (for per-recipient texts). */
  valid: { e164: string; operator: Operator; index: number }[];
  rejected: RejectedRecipient[];
  duplicates: number;
};


export async function parseRecipients(input: readonly string[], reachable?: readonly string[]): Promise<ParsedRecipients> {
  // '+989121234567' as the number 989121234567: a million recipients deduplicated in 16 MB
  const seen = new NumberSet(input.length);
  const valid: ParsedRecipients['valid'] = [];
  const rejected: RejectedRecipient[] = [];
  let duplicates = 0;
  const reach = reachable ? new Set(reachable) : null;
  // A million recipients take over a second of normalising: other requests are answered between slices.
  const slicer = createSlicer();
  for (let index = 0; index < input.length; index++) {
    if (slicer.due()) await slicer.pause();
    const raw = input[index];
    const e164 = normaliseIranMobile(raw);
    if (!e164) {
      rejected.push({ to: raw, code: 'INVALID_NUMBER' });
      continue;
    }
    if (!seen.add(Number(e164))) {
      duplicates++;
      continue;
    }
    const operator = operatorOf(e164);
    if (reach && !reach.has(operator)) {
      rejected.push({ to: raw, code: 'OPERATOR_NOT_SUPPORTED' });
      continue;
    }
    valid.push({ e164, operator, index });
  }
  return { valid, rejected, duplicates };
}
