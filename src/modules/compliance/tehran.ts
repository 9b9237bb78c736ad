// Asia/Tehran wall-clock time, written once. Iran abolished daylight saving in 2022 (the law of
// 1401), so Tehran is UTC+03:30 all year: a fixed offset, no tz database, no Intl needed.
export const TEHRAN_OFFSET_MS = (3 * 60 + 30) * 60_000;
const DAY_MS = 86_400_000;
const DAY_S = 86_400;

/** Seconds since Tehran midnight of `at` (0 … 86399). */
export function tehranSecondOfDay(at: Date): number {
  const local = at.getTime() + TEHRAN_OFFSET_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
}

/** The instant of Tehran midnight starting the Tehran day that contains `at`. */
export function tehranMidnight(at: Date): Date {
  const local = at.getTime() + TEHRAN_OFFSET_MS;
  const day = Math.floor(local / DAY_MS) * DAY_MS;
  return new Date(day - TEHRAN_OFFSET_MS);
}

/** 'HH:MM' or 'HH:MM:SS' → seconds of the day; '24:00' is the end of the day. */
export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$/.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day: ${hhmm}`);
  const s = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (s > DAY_S) throw new RangeError(`not a time of day: ${hhmm}`);
  return s;
}

export function formatClock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** A daily window [start, end) in seconds of the Tehran day; start < end (no midnight wrap). */
export type DailyWindow = { start: number; end: number };

/** Inside means start ≤ t < end: 08:00:00 is inside, 21:00:00 is already outside. */
export function isInsideWindow(w: DailyWindow, at: Date): boolean {
  const s = tehranSecondOfDay(at);
  return s >= w.start && s < w.end;
}

/** The next instant ≥ at when the window is open: `at` itself when open now. */
export function nextOpening(w: DailyWindow, at: Date): Date {
  if (isInsideWindow(w, at)) return at;
  const midnight = tehranMidnight(at).getTime();
  const s = tehranSecondOfDay(at);
  return new Date(s < w.start ? midnight + w.start * 1000 : midnight + DAY_MS + w.start * 1000);
}

/** Both windows at once, or null when they never overlap. */
export function intersectWindows(a: DailyWindow, b: DailyWindow): DailyWindow | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end ? { start, end } : null;
}

/** An ISO 8601 string with Tehran's offset: what a person in Iran reads. */
export function toTehranIso(at: Date): string {
  const local = new Date(at.getTime() + TEHRAN_OFFSET_MS).toISOString();
  return `${local.slice(0, 19)}+03:30`;
}
