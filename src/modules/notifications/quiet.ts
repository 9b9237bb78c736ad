// Quiet rules: when an agency wants to be woken by an SMS alert. Inside the window (wall-clock time
// in Asia/Tehran; the window may wrap midnight) every priority gets an SMS; outside it only the
// minimum priority and above. E-mail and panel alerts are never held back.
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const priorities = ['low', 'normal', 'high', 'urgent'] as const;

export type QuietRule = { smsWindowStart: string; smsWindowEnd: string; minPriorityOutside: Priority | 'none' };

/** Without a rule of its own an agency gets every SMS by day and only urgent ones at night. */
export const defaultQuietRule: QuietRule = { smsWindowStart: '08:00', smsWindowEnd: '22:00', minPriorityOutside: 'urgent' };

export const QUIET_TIME_ZONE = 'Asia/Tehran';

const wallClock = new Intl.DateTimeFormat('en-GB', { timeZone: QUIET_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Minutes since midnight on the Tehran wall clock. */
export function tehranMinuteOfDay(at: Date): number {
  const parts = wallClock.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function insideSmsWindow(rule: QuietRule, at: Date): boolean {
  const now = tehranMinuteOfDay(at);
  const start = toMinutes(rule.smsWindowStart);
  const end = toMinutes(rule.smsWindowEnd);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

export function smsAllowed(rule: QuietRule, priority: Priority, at: Date): boolean {
  if (insideSmsWindow(rule, at)) return true;
  if (rule.minPriorityOutside === 'none') return false;
  return priorities.indexOf(priority) >= priorities.indexOf(rule.minPriorityOutside);
}
