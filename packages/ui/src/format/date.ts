// Dates travel as ISO `YYYY-MM-DD` strings (a calendar day, no time zone) and timestamps as ISO
// instants. A calendar day is formatted in UTC so it never shifts by a day in the viewer's zone.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export interface DateFormatOptions {
  locale?: string;
  /** Intl dateStyle; `medium` ("Mar 5, 2026") by default. */
  style?: 'short' | 'medium' | 'long' | 'full';
}

/** Formats a calendar day `YYYY-MM-DD`, e.g. "2026-03-05" → "Mar 5, 2026" (en-US). */
export function formatDate(isoDate: string, options: DateFormatOptions = {}): string {
  if (!isIsoDate(isoDate)) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`);
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: options.style ?? 'medium',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export interface DateTimeFormatOptions extends DateFormatOptions {
  /** IANA time zone to show the instant in; the viewer's when omitted. */
  timeZone?: string;
}

/** Formats an ISO instant (`2026-03-05T10:15:00Z`) as date and time in a time zone. */
export function formatDateTime(isoInstant: string, options: DateTimeFormatOptions = {}): string {
  const date = new Date(isoInstant);
  if (Number.isNaN(date.getTime()))
    throw new RangeError(`Not an ISO timestamp: ${JSON.stringify(isoInstant)}`);
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: options.style ?? 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(date);
}
