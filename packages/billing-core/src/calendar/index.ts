/**
 * Calendar: ISO `YYYY-MM-DD` strings only, no Date objects, no time zones, no clock.
 *
 * - Date ranges are closed: both `start` and `end` count (`daysInRange({start, end: start}) === 1`).
 * - Month fractions are exact rationals (`Ratio`), so twelve whole months are exactly 12 and the
 *   only inexact step of a charge is its final division, rounded once by the caller.
 * - Billing periods align to calendar months (SPEC §9); the first one of a mid-month start is
 *   prorated, inside (`prorataInclusive`) or on top of the frequency.
 */
import { BillingCoreError } from '../errors';

export type IsoDate = string;

export interface DateRange {
  readonly start: IsoDate;
  readonly end: IsoDate;
}

export type MonthDefinition = 'CALDAYS' | '30_DAYS';
export type Term = 'MONTH' | 'YEAR';
export const BILLING_FREQUENCIES = [1, 3, 6, 12] as const;
export type BillingFrequency = (typeof BILLING_FREQUENCIES)[number];

/** An exact fraction `num / den` with integers, den > 0, reduced. */
export interface Ratio {
  readonly num: number;
  readonly den: number;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** Parse and validate; impossible dates (2026-02-30, 2026-13-01) throw `INVALID_DATE`. */
export function parseIsoDate(text: unknown, field = 'date'): DateParts {
  const match = typeof text === 'string' ? DATE_PATTERN.exec(text) : null;
  if (!match) {
    throw new BillingCoreError(
      'INVALID_DATE',
      `Expected a date as YYYY-MM-DD, got ${JSON.stringify(text)}`,
      field,
    );
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new BillingCoreError('INVALID_DATE', `${text} is not a date`, field);
  }
  return { year, month, day };
}

export function isValidIsoDate(text: unknown): text is IsoDate {
  try {
    parseIsoDate(text);
    return true;
  } catch {
    return false;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The calendar's last day: dates run from 0001-01-01 to this (their strings then sort as dates). */
export const LAST_DATE: IsoDate = '9999-12-31';

/** Arithmetic that leaves 0001–9999 refuses here, rather than make a string that is not a date. */
export function formatIsoDate(parts: DateParts): IsoDate {
  if (parts.year < 1 || parts.year > 9999) {
    throw new BillingCoreError(
      'DATE_OUT_OF_RANGE',
      `Dates run from 0001-01-01 to ${LAST_DATE}: this one would fall in the year ${parts.year}`,
      'date',
    );
  }
  return `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`;
}

/** Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function toDayNumber(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(n: number): IsoDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return formatIsoDate({ year, month, day });
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatIsoDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

export function startOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parseIsoDate(date);
  return formatIsoDate({ year, month, day: 1 });
}

export function endOfMonth(date: IsoDate): IsoDate {
  const { year, month } = parseIsoDate(date);
  return formatIsoDate({ year, month, day: daysInMonth(year, month) });
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

/** Validate a closed range: both dates valid and start ≤ end. */
export function dateRange(start: IsoDate, end: IsoDate, field = 'range'): DateRange {
  parseIsoDate(start, `${field}.start`);
  parseIsoDate(end, `${field}.end`);
  if (start > end) throw new BillingCoreError('INVALID_RANGE', `${start} is after ${end}`, field);
  return { start, end };
}

/** Both ends count. */
export function daysInRange(range: DateRange): number {
  return toDayNumber(range.end) - toDayNumber(range.start) + 1;
}

export function rangeContains(range: DateRange, date: IsoDate): boolean {
  return range.start <= date && date <= range.end;
}

export function overlap(a: DateRange, b: DateRange): DateRange | null {
  const start = maxDate(a.start, b.start);
  const end = minDate(a.end, b.end);
  return start <= end ? { start, end } : null;
}

export interface MonthSegment extends DateRange {
  readonly year: number;
  readonly month: number;
  readonly days: number;
  readonly daysInMonth: number;
  /** The segment covers its whole calendar month. */
  readonly whole: boolean;
}

/** Cut a range at calendar-month boundaries. */
export function splitByMonth(range: DateRange): MonthSegment[] {
  const s = parseIsoDate(range.start, 'range.start');
  const e = parseIsoDate(range.end, 'range.end');
  if (range.start > range.end) throw new BillingCoreError('INVALID_RANGE', 'start is after end', 'range');
  const segments: MonthSegment[] = [];
  let year = s.year;
  let month = s.month;
  for (;;) {
    const dim = daysInMonth(year, month);
    const last = year === e.year && month === e.month;
    const first = year === s.year && month === s.month;
    const fromDay = first ? s.day : 1;
    const toDay = last ? e.day : dim;
    const days = toDay - fromDay + 1;
    segments.push({
      start: formatIsoDate({ year, month, day: fromDay }),
      end: formatIsoDate({ year, month, day: toDay }),
      year,
      month,
      days,
      daysInMonth: dim,
      whole: days === dim,
    });
    if (last) return segments;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

export function ratio(num: number, den = 1): Ratio {
  if (!Number.isInteger(num) || !Number.isInteger(den) || den === 0) {
    throw new BillingCoreError('INVALID_RATIO', `Bad ratio ${num}/${den}`);
  }
  const sign = den < 0 ? -1 : 1;
  const g = gcd(num, den);
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export function addRatio(a: Ratio, b: Ratio): Ratio {
  const g = gcd(a.den, b.den);
  return ratio(a.num * (b.den / g) + b.num * (a.den / g), (a.den / g) * b.den);
}

export const ZERO_RATIO: Ratio = { num: 0, den: 1 };

/**
 * Fraction of a calendar month used by `days` of it (SPEC §9): `CALDAYS` → days / days in that
 * month; `30_DAYS` → 1 for the whole month, otherwise days / 30. `fullMonth` (prorata rule
 * FULL_MONTH) counts a started month whole.
 */
export function segmentFraction(
  segment: MonthSegment,
  definition: MonthDefinition,
  fullMonth = false,
): Ratio {
  if (segment.whole || fullMonth) return { num: 1, den: 1 };
  return ratio(segment.days, definition === 'CALDAYS' ? segment.daysInMonth : 30);
}

/** Sum of the month fractions of a closed range. */
export function monthFraction(range: DateRange, definition: MonthDefinition, fullMonth = false): Ratio {
  let total = ZERO_RATIO;
  for (const segment of splitByMonth(range))
    total = addRatio(total, segmentFraction(segment, definition, fullMonth));
  return total;
}

export function termMonths(term: Term): number {
  if (term === 'MONTH') return 1;
  if (term === 'YEAR') return 12;
  throw new BillingCoreError(
    'INVALID_TERM',
    `Term must be MONTH or YEAR, got ${JSON.stringify(term)}`,
    'term',
  );
}

export interface BillingPeriodsInput {
  startDate: IsoDate;
  frequencyMonths: number;
  prorataInclusive: boolean;
  /** Periods starting on or before this date are returned (billing in advance). */
  until: IsoDate;
  /** Last day of service (e.g. disconnection day); the last period is cut there. */
  endDate?: IsoDate | null;
}

export function assertFrequency(frequency: number, field = 'billingFrequencyMonths'): BillingFrequency {
  if (!(BILLING_FREQUENCIES as readonly number[]).includes(frequency)) {
    throw new BillingCoreError('INVALID_FREQUENCY', 'Billing frequency must be 1, 3, 6 or 12 months', field);
  }
  return frequency as BillingFrequency;
}

/**
 * The end of the period starting on `start`: whole months end on the last day of the
 * `frequency`-th month; a mid-month start ends with the partial month counted as one of them
 * (inclusive) or on top of them (not inclusive). 15 June, 3 months: 31 Aug / 30 Sep.
 */
export function periodEnd(start: IsoDate, frequency: number, prorataInclusive: boolean): IsoDate {
  const { year, month, day } = parseIsoDate(start);
  const months = day !== 1 && !prorataInclusive ? frequency : frequency - 1;
  // A period the calendar cannot finish ends on its last day.
  if (year * 12 + month - 1 + months > 9999 * 12 + 11) return LAST_DATE;
  return endOfMonth(addMonths(startOfMonth(start), months));
}

export function billingPeriods(input: BillingPeriodsInput): DateRange[] {
  parseIsoDate(input.startDate, 'startDate');
  parseIsoDate(input.until, 'until');
  if (input.endDate) parseIsoDate(input.endDate, 'endDate');
  const frequency = assertFrequency(input.frequencyMonths);
  const periods: DateRange[] = [];
  let start = input.startDate;
  while (start <= input.until && (!input.endDate || start <= input.endDate)) {
    let end = periodEnd(start, frequency, input.prorataInclusive);
    if (input.endDate && input.endDate < end) end = input.endDate;
    periods.push({ start, end });
    if (end === LAST_DATE) break;
    start = addDays(end, 1);
  }
  return periods;
}
