/**
 * What happens when something changes in the middle of a billed period (issue 9, SPEC §8–§9).
 * Periods are billed in advance, so most events produce a credit for what was billed and will not
 * be used. Every credit is computed as `billed − kept`, where `kept` is the rated charge of what is
 * used, so kept + credit equals the original charge to the cent.
 *
 * - Disconnection: the disconnection day is still used. Credit by the plan's credit rule and
 *   prorata rule:
 *     EXACT + DAILY       → the unused days
 *     EXACT + FULL_MONTH  → the whole months after the disconnection month
 *     NODC  + DAILY       → nothing
 *     NODC  + FULL_MONTH  → the whole months after the disconnection month, unless Generate Full
 *                           Month Charge Even After Disconnection of NODC is Yes (then nothing)
 *   A line with an ad hoc price gets its exact credit from that price only when Exact
 *   Disconnection Credit on Ad Hoc Price Change is Yes; otherwise none.
 * - Account transfer: the old account keeps the days before the transfer date, the new one is
 *   billed from it (no day on both). Credit per Account Transfer – Disconnection Credit Rule: none,
 *   the exact unused amount, or the custom percentage of it.
 * - Change order: Bill Till End of Current Payterm Yes → credit the old configuration and charge
 *   the new one from the change date to the end of the current period, now; No → the new
 *   configuration takes effect at the next period.
 * - Vacation: between Minimum and Maximum Vacation Days; its days are credited (never more than
 *   was billed, so a charge never goes negative).
 * - Revenue recognition: a line's net amount spread per calendar month, per day or per accounting
 *   period in proportion to days, the parts summing exactly (largest-remainder allocation).
 */
import {
  addDays,
  type DateRange,
  daysInRange,
  endOfMonth,
  fromDayNumber,
  type IsoDate,
  overlap,
  parseIsoDate,
  splitByMonth,
  toDayNumber,
} from '../calendar';
import { BillingCoreError } from '../errors';
import { allocate, type CurrencyCode, Decimal, type DecimalValue, roundAmount } from '../money';
import type { BillingOptions } from '../options';
import { periodMonths, type RatableLine, rateWithMonths } from '../rating';

export type CreditRule = 'EXACT' | 'NODC';

type LifecycleOptions = Pick<
  BillingOptions,
  | 'monthDefinition'
  | 'requiredProrataFlatDiscount'
  | 'generateFullMonthChargeEvenAfterDisconnectionOfNodc'
  | 'exactDisconnectionCreditOnAdHocPriceChange'
>;

export interface CreditResult {
  /** What the customer keeps paying for. */
  kept: Decimal;
  /** What is credited back (a credit invoice linked to the original). */
  credit: Decimal;
  /** The days credited, or null when nothing is. */
  creditedRange: DateRange | null;
}

const ZERO = new Decimal(0);

/** The charge of a line over a range, rounded once (zero when the range is empty). */
export function chargeFor(
  line: RatableLine,
  range: DateRange | null,
  currency: CurrencyCode,
  options: Pick<BillingOptions, 'monthDefinition' | 'requiredProrataFlatDiscount'>,
): Decimal {
  if (!range || range.start > range.end) return ZERO;
  const rated = rateWithMonths(line, range, periodMonths(range, options.monthDefinition), currency, {
    monthDefinition: options.monthDefinition,
    requiredProrataFlatDiscount: options.requiredProrataFlatDiscount,
    generateZeroValueCharge: true,
  });
  return rated ? rated.amount : ZERO;
}

function credited(billed: Decimal, kept: Decimal, range: DateRange | null): CreditResult {
  const k = Decimal.min(kept, billed);
  const credit = billed.minus(k);
  return { kept: k, credit, creditedRange: credit.isZero() ? null : range };
}

function noCredit(billed: Decimal): CreditResult {
  return { kept: billed, credit: ZERO, creditedRange: null };
}

export interface DisconnectionInput {
  line: RatableLine;
  creditRule: CreditRule;
  /** The period billed in advance that contains the disconnection date. */
  billedPeriod: DateRange;
  /** What was charged for that period (the line's net amount). */
  billedAmount: DecimalValue;
  /** Still a used day. */
  disconnectionDate: IsoDate;
  currency: CurrencyCode;
  options: LifecycleOptions;
}

export function disconnectionCredit(input: DisconnectionInput): CreditResult {
  const { line, billedPeriod: period, options } = input;
  parseIsoDate(input.disconnectionDate, 'disconnectionDate');
  if (input.disconnectionDate < period.start || input.disconnectionDate > period.end) {
    throw new BillingCoreError(
      'OUT_OF_PERIOD',
      'The disconnection date is outside the billed period',
      'disconnectionDate',
    );
  }
  const billed = new Decimal(input.billedAmount);
  const unused: DateRange | null =
    input.disconnectionDate < period.end
      ? { start: addDays(input.disconnectionDate, 1), end: period.end }
      : null;
  if (!unused) return noCredit(billed);
  const hasAdHocPrice = line.adHocPrice !== null && line.adHocPrice !== undefined;
  if (hasAdHocPrice && !options.exactDisconnectionCreditOnAdHocPriceChange) return noCredit(billed);
  const fullMonth = line.prorataRule === 'FULL_MONTH';
  if (
    input.creditRule === 'NODC' &&
    (!fullMonth || options.generateFullMonthChargeEvenAfterDisconnectionOfNodc)
  ) {
    return noCredit(billed);
  }
  const used = { start: period.start, end: input.disconnectionDate };
  if (fullMonth) {
    // The disconnection month is used in full; only the whole months after it come back.
    const nextMonth = addDays(endOfMonth(input.disconnectionDate), 1);
    if (nextMonth > period.end) return noCredit(billed);
    const keptRange = { start: period.start, end: addDays(nextMonth, -1) };
    return credited(billed, chargeFor(line, keptRange, input.currency, options), {
      start: nextMonth,
      end: period.end,
    });
  }
  return credited(billed, chargeFor(line, used, input.currency, options), unused);
}

export type TransferCreditRule = BillingOptions['accountTransferDisconnectionCreditRule'];

export interface AccountTransferInput {
  line: RatableLine;
  billedPeriod: DateRange;
  billedAmount: DecimalValue;
  /** First day of service on the new account. */
  transferDate: IsoDate;
  currency: CurrencyCode;
  options: Pick<
    BillingOptions,
    | 'monthDefinition'
    | 'requiredProrataFlatDiscount'
    | 'accountTransferDisconnectionCreditRule'
    | 'accountTransferCustomCreditPercent'
  >;
}

export interface AccountTransferResult extends CreditResult {
  /** The old account's last day of service. */
  oldAccountEndDate: IsoDate;
  /** The new account is billed from this day. */
  newAccountStartDate: IsoDate;
}

export function accountTransferCredit(input: AccountTransferInput): AccountTransferResult {
  const { billedPeriod: period, options } = input;
  parseIsoDate(input.transferDate, 'transferDate');
  if (input.transferDate <= period.start || input.transferDate > addDays(period.end, 1)) {
    throw new BillingCoreError(
      'OUT_OF_PERIOD',
      'The transfer date must fall after the start of the billed period',
      'transferDate',
    );
  }
  const oldEnd = addDays(input.transferDate, -1);
  const dates = { oldAccountEndDate: oldEnd, newAccountStartDate: input.transferDate };
  const billed = new Decimal(input.billedAmount);
  const unused = input.transferDate <= period.end ? { start: input.transferDate, end: period.end } : null;
  const rule = options.accountTransferDisconnectionCreditRule;
  if (!unused || rule === 'NO_DISCONNECTION_CREDIT') return { ...noCredit(billed), ...dates };
  const exact = credited(
    billed,
    chargeFor(input.line, { start: period.start, end: oldEnd }, input.currency, options),
    unused,
  );
  if (rule === 'EXACT_USAGE') return { ...exact, ...dates };
  const percent = new Decimal(options.accountTransferCustomCreditPercent);
  const credit = roundAmount(exact.credit.times(percent).div(100), input.currency);
  return { kept: billed.minus(credit), credit, creditedRange: credit.isZero() ? null : unused, ...dates };
}

export interface ChangeOrderInput {
  before: RatableLine;
  after: RatableLine;
  /** First day of the new configuration. */
  changeDate: IsoDate;
  currentPeriod: DateRange;
  /** What was billed for the current period under the old configuration. */
  billedAmount: DecimalValue;
  currency: CurrencyCode;
  options: Pick<
    BillingOptions,
    'monthDefinition' | 'requiredProrataFlatDiscount' | 'billTillEndOfCurrentPaytermForChangeOrder'
  >;
}

export type ChangeOrderResult =
  | {
      mode: 'NOW';
      /** Old configuration, unused from the change date: credited. */
      credit: Decimal;
      /** New configuration from the change date to the end of the current period: charged. */
      charge: Decimal;
      range: DateRange;
    }
  | { mode: 'NEXT_PERIOD'; effectiveFrom: IsoDate };

export function changeOrder(input: ChangeOrderInput): ChangeOrderResult {
  const { currentPeriod: period, options } = input;
  parseIsoDate(input.changeDate, 'changeDate');
  if (input.changeDate < period.start || input.changeDate > period.end) {
    throw new BillingCoreError(
      'OUT_OF_PERIOD',
      'The change date is outside the current period',
      'changeDate',
    );
  }
  if (!options.billTillEndOfCurrentPaytermForChangeOrder) {
    return { mode: 'NEXT_PERIOD', effectiveFrom: addDays(period.end, 1) };
  }
  const range = { start: input.changeDate, end: period.end };
  const billed = new Decimal(input.billedAmount);
  const keptRange =
    input.changeDate > period.start ? { start: period.start, end: addDays(input.changeDate, -1) } : null;
  const { credit } = credited(billed, chargeFor(input.before, keptRange, input.currency, options), range);
  return { mode: 'NOW', credit, charge: chargeFor(input.after, range, input.currency, options), range };
}

export type VacationCheck =
  | { ok: true; days: number }
  | { ok: false; code: string; message: string; field: string };

export function validateVacation(
  vacation: DateRange,
  options: Pick<BillingOptions, 'minimumVacationDays' | 'maximumVacationDays'>,
): VacationCheck {
  try {
    parseIsoDate(vacation.start, 'vacation.start');
    parseIsoDate(vacation.end, 'vacation.end');
  } catch (error) {
    const e = error as BillingCoreError;
    return { ok: false, code: e.code, message: e.message, field: e.field ?? 'vacation' };
  }
  if (vacation.start > vacation.end) {
    return {
      ok: false,
      code: 'INVALID_RANGE',
      message: 'The vacation ends before it starts',
      field: 'vacation.end',
    };
  }
  const days = daysInRange(vacation);
  if (days < options.minimumVacationDays) {
    return {
      ok: false,
      code: 'VACATION_TOO_SHORT',
      message: `A vacation lasts at least ${options.minimumVacationDays} days`,
      field: 'vacation.end',
    };
  }
  if (days > options.maximumVacationDays) {
    return {
      ok: false,
      code: 'VACATION_TOO_LONG',
      message: `A vacation lasts at most ${options.maximumVacationDays} days`,
      field: 'vacation.end',
    };
  }
  return { ok: true, days };
}

/** The credit for the vacation days inside an already billed period; never above what was billed. */
export function vacationCredit(input: {
  line: RatableLine;
  billedPeriod: DateRange;
  billedAmount: DecimalValue;
  vacation: DateRange;
  currency: CurrencyCode;
  options: Pick<BillingOptions, 'monthDefinition' | 'requiredProrataFlatDiscount'>;
}): CreditResult {
  const billed = new Decimal(input.billedAmount);
  const days = overlap(input.vacation, input.billedPeriod);
  if (!days) return noCredit(billed);
  // Only the charge is suspended; the flat discount is not credited twice.
  const line = { ...input.line, flatDiscount: null };
  const credit = Decimal.min(billed, chargeFor(line, days, input.currency, input.options));
  return { kept: billed.minus(credit), credit, creditedRange: credit.isZero() ? null : days };
}

/**
 * The parts of `range` outside every suspension (vacation), in order: what a billing run may
 * still charge. Suspended days are never in a part; every other day of `range` is in exactly one.
 */
export function activeRanges(range: DateRange, suspensions: readonly DateRange[]): DateRange[] {
  const sorted = suspensions
    .map((s) => overlap(s, range))
    .filter((s): s is DateRange => s !== null)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const parts: DateRange[] = [];
  let cursor: IsoDate | null = range.start;
  for (const s of sorted) {
    if (cursor === null) break;
    if (s.start > cursor) parts.push({ start: cursor, end: addDays(s.start, -1) });
    if (s.end >= cursor) cursor = s.end >= range.end ? null : addDays(s.end, 1);
  }
  if (cursor !== null && cursor <= range.end) parts.push({ start: cursor, end: range.end });
  return parts;
}

// ---- Revenue recognition ---------------------------------------------------------------------

export type RecognitionInterval = BillingOptions['revenueRecognitionInterval'];

export interface RecognitionPart {
  start: IsoDate;
  end: IsoDate;
  amount: Decimal;
}

/**
 * Spread a line's net amount over its service range per interval, in proportion to days; the parts
 * sum exactly to the amount. ACCOUNTING_PERIOD needs the distributor's periods covering the range.
 */
export function recognitionSchedule(input: {
  amount: DecimalValue;
  currency: CurrencyCode;
  range: DateRange;
  interval: RecognitionInterval;
  accountingPeriods?: readonly DateRange[];
}): RecognitionPart[] {
  const { range } = input;
  parseIsoDate(range.start, 'range.start');
  parseIsoDate(range.end, 'range.end');
  if (range.start > range.end) throw new BillingCoreError('INVALID_RANGE', 'start is after end', 'range');
  let slices: DateRange[];
  if (input.interval === 'MONTH') {
    slices = splitByMonth(range).map((s) => ({ start: s.start, end: s.end }));
  } else if (input.interval === 'DAY') {
    slices = [];
    const last = toDayNumber(range.end);
    for (let n = toDayNumber(range.start); n <= last; n++) {
      const d = fromDayNumber(n);
      slices.push({ start: d, end: d });
    }
  } else {
    const periods = [...(input.accountingPeriods ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1));
    slices = periods.map((p) => overlap(p, range)).filter((p): p is DateRange => p !== null);
    const covered = slices.reduce((n, s) => n + daysInRange(s), 0);
    if (covered !== daysInRange(range)) {
      throw new BillingCoreError(
        'ACCOUNTING_PERIODS_GAP',
        'The accounting periods do not cover the service range exactly',
        'accountingPeriods',
      );
    }
  }
  const parts = allocate(
    { amount: roundAmount(input.amount, input.currency), currency: input.currency },
    slices.map((s) => daysInRange(s)),
  );
  return slices.map((s, i) => ({ start: s.start, end: s.end, amount: parts[i]!.amount }));
}

/** Recognized revenue: the parts ended on or before `asOf`; deferred: the rest. */
export function recognizedRevenue(
  schedule: readonly RecognitionPart[],
  asOf: IsoDate,
): { recognized: Decimal; deferred: Decimal } {
  let recognized = ZERO;
  let deferred = ZERO;
  for (const part of schedule) {
    if (part.end <= asOf) recognized = recognized.plus(part.amount);
    else deferred = deferred.plus(part.amount);
  }
  return { recognized, deferred };
}
