// The money API's shapes (src/modules/billing/schema.ts, topup-schema.ts). Amounts are strings of rials.
import type { Operator } from '../../../../src/lib/operators.ts';
/** backing: the account's own money set aside for the credit limits it granted its children. */
export type Balance = { balance: string; reserved: string; creditLimit: string; backing: string; lowCreditThreshold: string | null; currency: 'IRR' };
export type Wallet = Balance & { accountId: string; groupId: string | null };

export const transactionTypes = ['topup', 'transfer', 'send_reserve', 'settle', 'refund', 'agency_fee', 'renewal', 'adjustment', 'credit_backing'] as const;
export type TransactionType = (typeof transactionTypes)[number];
/** description: in the language asked for (the server renders it); note: text a person typed, as typed. */
export type Transaction = {
  id: string; type: TransactionType; amount: string; reservedChange: string; balanceAfter: string | null;
  description: string; params: Record<string, string | number | boolean>; note: string; reference: string | null; createdAt: string;
};

export const lineTypes = ['public', '1000', '2000', '3000', '5000', '9000', 'fixed'] as const;
export const messageClasses = ['service', 'advertising', 'otp'] as const;
export const alphabets = ['ucs2', 'gsm7'] as const;
export type MessageClass = (typeof messageClasses)[number];
export type Alphabet = (typeof alphabets)[number];

export type Coefficients = {
  alphabet?: Partial<Record<Alphabet, number>>;
  operator?: Partial<Record<Operator, number>>;
  lineType?: Record<string, number>;
  class?: Partial<Record<MessageClass, number>>;
};
export type Override = { operator: Operator; lineType: string; messageClass: MessageClass; alphabet: Alphabet; price: string };
export type Group = { id: string; name: string; isDefault: boolean; members: number; basePrice: string; receivePrice: string; coefficients: Coefficients; overrides: Override[]; createdAt: string; updatedAt: string };
/** cost: what the caller pays its parent for the cell; ceiling: the most the platform lets it charge (both null for the platform). */
export type GroupDetail = Group & { prices: { operator: string; lineType: string; messageClass: string; alphabet: string; price: string; overridden: boolean; cost: string | null; ceiling: string | null }[] };

export type PreviewLevel = { level: number; accountId: string; kind: string; paysTo: string; amount: string; perCell: { operator: string; alphabet: string; parts: number; count: number; unitPrice: string }[] };
export type Preview = { accountId: string; total: string; levels: PreviewLevel[] };

export type GatewayKind = 'sandbox' | 'zarinpal';
export type Gateway = { id: string; kind: GatewayKind; name: string; enabled: boolean; merchantId: string | null; baseUrl: string | null; createdAt: string };
export type BankAccount = { id: string; bankName: string; holderName: string; iban: string; cardNumber: string | null; accountNo: string | null; enabled: boolean };
export type TopupOptions = { vatBp: number; gateways: { id: string; kind: GatewayKind; name: string }[]; bankAccounts: BankAccount[] };
export type PaymentStatus = 'pending' | 'verifying' | 'verified' | 'failed';
export type Payment = {
  id: string; payerId: string; payeeId: string; gatewayId: string; amount: string; vat: string; total: string; status: PaymentStatus; credited: boolean;
  refId: string | null; cardPan: string | null; errorCode: string | null; createdAt: string; verifiedAt: string | null;
};
export type DepositStatus = 'pending' | 'approved' | 'rejected';
export type Deposit = {
  id: string; payerId: string; payeeId: string; bankAccountId: string | null; amount: string; vat: string; total: string; paidOn: string; trackingNumber: string;
  receiptType: string; status: DepositStatus; reason: string | null; decidedAt: string | null; createdAt: string;
};
