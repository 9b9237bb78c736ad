// Live hints on the KYC form: the same checksums as src/modules/kyc/identity.ts (the server
// checks again on save). کد ملی: 10 digits, mod-11 check digit; شناسه ملی: 11 digits.
import { latinDigits } from '../../i18n/format.ts';

export type Kyc = {
  accountId: string;
  status: 'none' | 'draft' | 'submitted' | 'approved' | 'rejected';
  personType: 'natural' | 'legal' | null;
  fields: Record<string, string | null>;
  birthDateJalali: string | null;
  rejectionReason: string | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  mobileVerified: boolean;
  documents: { id: string; kind: string; filename: string; contentType: string; size: number; createdAt: string; url: string }[];
};

export const documentKinds = ['national_card', 'birth_certificate', 'company_registration', 'official_gazette', 'other'] as const;

const clean = (s: string) => latinDigits(s).replace(/[\s\-\u200c]/g, '');

export function isValidNationalCode(input: string): boolean {
  const code = clean(input);
  if (!/^\d{10}$/.test(code) || /^(\d)\1{9}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(code[i]) * (10 - i);
  const r = sum % 11;
  return Number(code[9]) === (r < 2 ? r : 11 - r);
}

const idWeights = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17];

export function isValidNationalId(input: string): boolean {
  const id = clean(input);
  if (!/^\d{11}$/.test(id) || /^(\d)\1{10}$/.test(id)) return false;
  const plus = Number(id[9]) + 2;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (Number(id[i]) + plus) * idWeights[i];
  return (sum % 11 === 10 ? 0 : sum % 11) === Number(id[10]);
}
