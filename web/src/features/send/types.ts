// The shapes of the messaging API the send, batch and lines screens read (see /openapi.json).
export type MessageClass = 'service' | 'advertising' | 'otp';

export type Line = {
  id: string;
  number: string;
  lineType: string;
  operators: string[];
  canSend: boolean;
  canReceive: boolean;
  ref16: boolean;
  refundStatuses: string[];
  renewalPrice: string;
  renewalGraceDays: number;
  isShared: boolean;
  status: string;
  maySend: boolean;
  mayReceive: boolean;
  isDefault: boolean;
  /** the yearly rent of a dedicated line: none, active, expiring, grace, suspended (may not send) */
  renewal: { state: 'none' | 'active' | 'expiring' | 'grace' | 'suspended'; paidUntil: string | null; graceUntil: string | null };
};

export type Quote = {
  alphabet: 'gsm7' | 'ucs2';
  parts: number;
  text: string;
  accepted: number;
  blacklisted: number;
  heldUntil: string | null;
  moderation: string[];
  duplicates: number;
  rejected: { to: string; code: string }[];
  cost: string;
  /** what the sender's credit lacks for this send; "0" when it covers it */
  shortBy?: string;
  perOperator: Record<string, { count: number; cost: string }>;
  line: { id: string; number: string };
};

export type SendResult = { batchId: string; status: string; accepted: number; blacklisted: number; rejected: { to: string; code: string }[]; parts: number; cost: string };

export type Batch = {
  id: string;
  accountId: string;
  held: { reason: 'moderation' | 'sending_hours'; until: string | null } | null;
  status: string;
  class: MessageClass;
  text: string;
  alphabet: string;
  parts: number;
  total: number;
  rejected: number;
  cost: string;
  counts: Record<string, number>;
  lineId: string;
  sendAt: string | null;
  createdAt: string;
};

export type Recipient = { to: string; operator: string; status: string; parts: number; cost: string; error: string | null; updatedAt: string };
