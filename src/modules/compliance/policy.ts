// Compliance policies: the platform sets them, each agency on an account's path may tighten them
// for its subtree, never loosen. A stored row has nullable fields (NULL = inherit); the effective
// policy is the built-in defaults, overridden by the platform row, then tightened level by level.
import type { Operator } from '../../lib/operators.ts';
import type { LineType } from '../lines/types.ts';
import { formatClock, intersectWindows, parseClock, type DailyWindow } from './tehran.ts';

export const operators = ['mci', 'irancell', 'rightel', 'other'] as const satisfies readonly Operator[];
export const lineTypeList = ['public', '1000', '2000', '3000', '5000', '9000', 'fixed'] as const satisfies readonly LineType[];

/** A sending window for advertising on an operator × line type ('*' = any), Tehran time. */
export type WindowRule = { operator: Operator | '*'; lineType: LineType | '*'; start: string; end: string };

export type PolicyFields = {
  optOutFooter: 'append' | 'reject';
  outsideHours: 'hold' | 'reject';
  sendingWindows: WindowRule[];
  wordAction: 'moderate' | 'reject';
  linkAction: 'allow' | 'moderate' | 'reject';
  cardAction: 'allow' | 'moderate' | 'reject';
  /** advertising batches with more recipients than this go to moderation */
  moderationThreshold: number;
  moderateWithoutKyc: boolean;
  /** until KYC is approved, the account may only send to its own mobile */
  kycOwnMobileOnly: boolean;
};

export type PolicyRow = { [K in keyof PolicyFields]: PolicyFields[K] | null };
export type PolicyField = keyof PolicyFields;

export const DEFAULT_POLICY: PolicyFields = {
  optOutFooter: 'reject',
  outsideHours: 'hold',
  sendingWindows: [{ operator: '*', lineType: '*', start: '08:00', end: '21:00' }],
  wordAction: 'reject',
  linkAction: 'allow',
  cardAction: 'reject',
  moderationThreshold: 10_000,
  moderateWithoutKyc: false,
  kycOwnMobileOnly: true,
};

export const emptyRow = (): PolicyRow => ({
  optOutFooter: null, outsideHours: null, sendingWindows: null, wordAction: null, linkAction: null,
  cardAction: null, moderationThreshold: null, moderateWithoutKyc: null, kycOwnMobileOnly: null,
});

// Strictness order of each enumerated field, loosest first.
const ranks = {
  optOutFooter: ['append', 'reject'],
  outsideHours: ['hold', 'reject'],
  wordAction: ['moderate', 'reject'],
  linkAction: ['allow', 'moderate', 'reject'],
  cardAction: ['allow', 'moderate', 'reject'],
} as const;
type RankedField = keyof typeof ranks;
const rankedFields = Object.keys(ranks) as RankedField[];
const rank = (f: RankedField, v: string) => (ranks[f] as readonly string[]).indexOf(v);

/** The effective policy: one level's window rules per operator × line type, intersected. */
export type EffectivePolicy = Omit<PolicyFields, 'sendingWindows'> & {
  /** per `${operator}|${lineType}`: the advertising window, or null when levels never overlap */
  windows: Record<string, DailyWindow | null>;
};

/** The most specific rule of one level for an operator and line type, if the level has one. */
export function ruleFor(rules: readonly WindowRule[], operator: string, lineType: string): WindowRule | null {
  let best: WindowRule | null = null;
  let bestScore = -1;
  for (const r of rules) {
    if ((r.operator !== '*' && r.operator !== operator) || (r.lineType !== '*' && r.lineType !== lineType)) continue;
    const score = (r.operator === '*' ? 0 : 2) + (r.lineType === '*' ? 0 : 1);
    if (score > bestScore) [best, bestScore] = [r, score];
  }
  return best;
}

const toWindow = (r: WindowRule): DailyWindow => ({ start: parseClock(r.start), end: parseClock(r.end) });
const allDay: DailyWindow = { start: 0, end: 86_400 };

/** rows: the platform's row first, then each agency down the path, the account's own row last. */
export function mergePolicies(rows: readonly PolicyRow[]): EffectivePolicy {
  const [platform, ...below] = rows.length ? rows : [emptyRow()];
  const base: PolicyFields = { ...DEFAULT_POLICY };
  for (const k of Object.keys(base) as PolicyField[]) if (platform[k] !== null) (base as Record<string, unknown>)[k] = platform[k];
  const levels = [base.sendingWindows, ...below.map((r) => r.sendingWindows).filter((w): w is WindowRule[] => w !== null)];
  const eff: PolicyFields = { ...base };
  for (const row of below) {
    for (const f of rankedFields) {
      const v = row[f];
      if (v !== null && rank(f, v) > rank(f, eff[f])) (eff as Record<string, unknown>)[f] = v;
    }
    if (row.moderationThreshold !== null) eff.moderationThreshold = Math.min(eff.moderationThreshold, row.moderationThreshold);
    if (row.moderateWithoutKyc) eff.moderateWithoutKyc = true;
    if (row.kycOwnMobileOnly) eff.kycOwnMobileOnly = true;
  }
  const windows: EffectivePolicy['windows'] = {};
  for (const op of operators) {
    for (const lt of lineTypeList) {
      let w: DailyWindow | null = allDay;
      for (const level of levels) {
        const rule = ruleFor(level, op, lt);
        if (rule && w) w = intersectWindows(w, toWindow(rule));
      }
      windows[`${op}|${lt}`] = w;
    }
  }
  const { sendingWindows: _unused, ...rest } = eff;
  return { ...rest, windows };
}

export type Loosening = { field: string; inherited: unknown; requested: unknown };

/** What in `row` would loosen `inherited` (the policy of the levels above). Empty = allowed. */
export function findLoosening(inherited: EffectivePolicy, row: PolicyRow): Loosening[] {
  const out: Loosening[] = [];
  for (const f of rankedFields) {
    const v = row[f];
    if (v !== null && rank(f, v) < rank(f, inherited[f])) out.push({ field: f, inherited: inherited[f], requested: v });
  }
  if (row.moderationThreshold !== null && row.moderationThreshold > inherited.moderationThreshold) {
    out.push({ field: 'moderationThreshold', inherited: inherited.moderationThreshold, requested: row.moderationThreshold });
  }
  if (row.moderateWithoutKyc === false && inherited.moderateWithoutKyc) out.push({ field: 'moderateWithoutKyc', inherited: true, requested: false });
  if (row.kycOwnMobileOnly === false && inherited.kycOwnMobileOnly) out.push({ field: 'kycOwnMobileOnly', inherited: true, requested: false });
  for (const rule of row.sendingWindows ?? []) {
    const mine = toWindow(rule);
    for (const op of operators) {
      for (const lt of lineTypeList) {
        if (ruleFor(row.sendingWindows ?? [], op, lt) !== rule) continue;
        const above = inherited.windows[`${op}|${lt}`];
        if (!above || mine.start < above.start || mine.end > above.end) {
          out.push({ field: 'sendingWindows', inherited: windowView(above, op, lt), requested: rule });
          return out;
        }
      }
    }
  }
  return out;
}

export function windowView(w: DailyWindow | null, operator: string, lineType: string) {
  return { operator, lineType, start: w ? formatClock(w.start) : null, end: w ? formatClock(w.end) : null };
}

/** Checks a rule list: valid clocks, start before end. Returns the first bad rule's index. */
export function invalidWindowRule(rules: readonly WindowRule[]): number {
  return rules.findIndex((r) => {
    try {
      return parseClock(r.start) >= parseClock(r.end);
    } catch {
      return true;
    }
  });
}
