/**
 * Wall-clock time in an IANA time zone, with Intl only (no date library): the local date and time
 * of an instant, the instant of a local time, and the next daily run. Pure; daylight-saving
 * changes included (a local time that does not exist is moved forward by the gap, one that exists
 * twice is taken the first time, as Temporal's "compatible" disambiguation).
 */

export interface LocalDateTime {
  /** `YYYY-MM-DD` */
  readonly date: string;
  /** Minutes since local midnight (0–1439). */
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size > 1000) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (an unknown one makes every function here throw RangeError). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function partsAt(ms: number, timeZone: string): Parts {
  const out: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    y: out.year ?? 1970,
    mo: out.month ?? 1,
    d: out.day ?? 1,
    // Some engines print midnight as 24 even with h23.
    h: (out.hour ?? 0) % 24,
    mi: out.minute ?? 0,
    s: out.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in summer: +7,200,000). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = partsAt(whole, timeZone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - whole;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local date and time of an instant in a zone. */
export function localDateTime(at: Date, timeZone: string): LocalDateTime {
  const p = partsAt(at.getTime(), timeZone);
  return { date: `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`, minutes: p.h * 60 + p.mi };
}

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(at: Date, timeZone: string): string {
  return localDateTime(at, timeZone).date;
}

const DAY_MS = 86_400_000;

/** The instant when the zone's clocks show `date` at `minutes` past midnight. */
export function instantOfLocal(date: string, minutes: number, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60);
  // The offsets a day either side bracket any transition on that day.
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  for (const t of candidates) {
    if (t + zoneOffsetMs(t, timeZone) === wall) return new Date(t);
  }
  // In a gap (clocks jumped over it): the offset before the jump puts it after the gap.
  return new Date(wall - before);
}

const addDay = (date: string, days: number) => {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
};

/** The first instant strictly after `at` when the zone's clocks show `minutes` past midnight. */
export function nextLocalTime(at: Date, timeZone: string, minutes: number): Date {
  const today = localDate(at, timeZone);
  for (let i = 0; i < 3; i++) {
    const t = instantOfLocal(addDay(today, i), minutes, timeZone);
    if (t.getTime() > at.getTime()) return t;
  }
  // Unreachable: three consecutive days always hold a later one.
  return instantOfLocal(addDay(today, 3), minutes, timeZone);
}

/** The daily run's local time: 07:00 (SPEC §7). */
export const DAILY_SYNC_MINUTES = 7 * 60;

/**
 * Whether a reseller is due: its clocks show the run time or later today and today's local date
 * has no run yet. Returns the local date to claim, or null.
 */
export function dueLocalDate(
  at: Date,
  timeZone: string,
  lastRunLocalDate: string | null,
  minutes = DAILY_SYNC_MINUTES,
): string | null {
  const now = localDateTime(at, timeZone);
  if (now.minutes < minutes) return null;
  if (lastRunLocalDate !== null && lastRunLocalDate >= now.date) return null;
  return now.date;
}
