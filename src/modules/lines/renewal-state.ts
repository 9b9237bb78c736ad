// Where a rented line stands on a given day: paid (active), due within 30 days (expiring), past
// its paid-until date but still sending (grace), or past the grace period (suspended: it may not
// send until renewed). Computed from the clock on every check, so sending never waits for a job.
const DAY = 86_400_000;
export const REMINDER_DAYS = [30, 7, 1] as const;

export type RenewalState = 'none' | 'active' | 'expiring' | 'grace' | 'suspended';
export const renewalStates = ['none', 'active', 'expiring', 'grace', 'suspended'] as const;

export type Renewal = { state: RenewalState; paidUntil: string | null; graceUntil: string | null };

export function graceEndOf(paidUntil: Date, graceDays: number): Date {
  return new Date(paidUntil.getTime() + graceDays * DAY);
}

export function renewalStateOf(paidUntil: Date | null, graceDays: number, now: Date): RenewalState {
  if (!paidUntil) return 'none';
  const t = now.getTime();
  const end = paidUntil.getTime();
  if (t >= graceEndOf(paidUntil, graceDays).getTime()) return 'suspended';
  if (t >= end) return 'grace';
  return t >= end - REMINDER_DAYS[0] * DAY ? 'expiring' : 'active';
}

export function addYears(at: Date, years: number): Date {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}
