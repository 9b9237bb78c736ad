// Iranian numbers in every form people type, normalised to E.164 (+989121234567).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cleanNumber, mobileDigits } from './operators.ts';

// libphonenumber-js is the authority on which 09xx prefixes exist, but a million calls to it would
// dominate a bulk send. Ask it once per three-digit prefix and keep the answer.
let validPrefixes: Set<string> | null = null;
function mobilePrefixes(): Set<string> {
  if (validPrefixes) return validPrefixes;
  // DESIGN.md's operator prefixes count even where the library's metadata lags behind.
  validPrefixes = new Set(['910', '911', '912', '913', '914', '915', '916', '917', '918', '919', '990', '991', '992', '993', '994', '901', '902', '903', '904', '905', '930', '933', '935', '936', '937', '938', '939', '941', '920', '921', '922']);
  for (let p = 900; p <= 999; p++) {
    const sample = parsePhoneNumberFromString(`+98${p}1234567`);
    const alt = parsePhoneNumberFromString(`+98${p}7654321`);
    if ((sample?.isValid() && sample.getType() === 'MOBILE') || (alt?.isValid() && alt.getType() === 'MOBILE')) validPrefixes.add(String(p));
  }
  return validPrefixes;
}

/** An Iranian mobile as E.164 (+989121234567), or null when it is not one. Accepts 09…, 9…,
 * +98…, 0098…, Persian and Arabic digits, spaces, dashes, dots and brackets. */
export function normaliseIranMobile(input: string): string | null {
  const digits = mobileDigits(input);
  if (!digits || !mobilePrefixes().has(digits.slice(0, 3))) return null;
  return `+98${digits}`;
}

/** What a person types to search numbers (۰۹۳۵ ۱۱۱-۲۲۳۳, 0935…, +98935…) as the digits to look for
 * inside stored E.164 numbers: the country code or the trunk 0 dropped, Persian digits made Latin. */
export function numberFragment(input: string): string {
  return cleanNumber(input).replace(/[^\d+]/g, '').replace(/^(\+98|0098)/, '').replace(/^\+/, '').replace(/^0/, '');
}

/** +989121234567 → 09121234567, the form Iranians read. */
export function toLocalMobile(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : e164;
}
