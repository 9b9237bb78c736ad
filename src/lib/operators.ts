// Iranian mobile numbers as people type them and their operator by prefix (DESIGN.md). The server
// and the panel both import this file, so the price preview names the operator the bill will: it
// uses no Node API and no phone-number library (phone.ts adds that library's check of prefixes).
import { toLatinDigits } from './i18n.ts';

export const operators = ['mci', 'irancell', 'rightel', 'other'] as const;
export type Operator = (typeof operators)[number];

/** Strips what people add around a number: spaces, dashes, dots, brackets, bidi marks; Persian and Arabic digits made Latin. */
export function cleanNumber(input: string): string {
  return toLatinDigits(input).replace(/[\s\-().\u200c\u200e\u200f\u202a-\u202e]/g, '');
}

const mobileForms = /^(?:\+98|0098|98|0)?(9\d{9})$/;

/** The ten digits after +98 (9121234567) of a number in any of the forms 09…, 9…, +98…, 0098…, 98…; null otherwise. */
export function mobileDigits(input: string): string | null {
  return cleanNumber(input).match(mobileForms)?.[1] ?? null;
}

// by the three digits after +98 (09xx as people read it)
const prefixes: Array<[Operator, RegExp]> = [
  ['mci', /^9(1\d|9[0-4])/],
  ['irancell', /^9(0[1-5]|30|33|3[5-9]|41)/],
  ['rightel', /^92[0-2]/],
];

/** The operator of an Iranian mobile in any form mobileDigits reads ('other' when it is none of the three). */
export function operatorOf(mobile: string): Operator {
  // E.164 as the server keeps numbers (a million of them in a big send): no cleaning needed
  const digits = mobile.startsWith('+98') ? mobile.slice(3) : mobileDigits(mobile);
  if (digits) for (const [op, re] of prefixes) if (re.test(digits)) return op;
  return 'other';
}
