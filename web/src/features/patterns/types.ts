// The shapes of the patterns API (OTP templates with typed %variables%).
export type VariableType = 'number' | 'text' | 'date';
export type Variable = { name: string; type: VariableType; maxLength: number };
export type PatternStatus = 'pending' | 'approved' | 'rejected';
export type Pattern = {
  id: string;
  accountId: string;
  username?: string;
  name: string;
  body: string;
  variables: Variable[];
  status: PatternStatus;
  reviewComment: string | null;
  reviewedAt: string | null;
  createdAt: string;
};
export const variableTypes: VariableType[] = ['number', 'text', 'date'];
export const statusColor: Record<PatternStatus, string> = { pending: 'yellow', approved: 'teal', rejected: 'red' };
/** The %names% of a body, in order of first appearance. */
export const bodyVariables = (body: string) => [...new Set([...body.matchAll(/%([A-Za-z_][A-Za-z0-9_]{0,31})%/g)].map((m) => m[1]))];
