// What other modules know of lines: their shapes, without reaching into the lines repo.
export type LineType = 'public' | '1000' | '2000' | '3000' | '5000' | '9000' | 'fixed';
export const lineTypes = ['public', '1000', '2000', '3000', '5000', '9000', 'fixed'] as const;

export type Line = {
  id: string;
  number: string;
  lineType: LineType;
  operators: string[];
  canSend: boolean;
  canReceive: boolean;
  ref16: boolean;
  refundStatuses: string[];
  renewalPrice: bigint;
  /** days an unpaid assignment keeps sending after its paid-until date */
  renewalGraceDays: number;
  isShared: boolean;
  status: 'active' | 'disabled';
};

/**
 * A line as one account may use it: through an assignment (or shared with everybody). `paidUntil`
 * is the account's own assignment's; `chainPaidUntil` the earliest of its own and its ancestors'
 * (a line lapses for a whole subtree when the agency above stops paying for it). Null: no renewal.
 */
export type UsableLine = Line & { maySend: boolean; mayReceive: boolean; isDefault: boolean; paidUntil: Date | null; chainPaidUntil: Date | null };
