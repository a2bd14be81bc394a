/**
 * Rating: the charge of one subscription line for one billing period (SPEC §9).
 *
 *   gross    = round(unit price × quantity × Σ month fractions / months per term)
 *   discount = round(flat discount × months / months per term), never above gross
 *   amount   = gross − discount
 *
 * - The unit price is the ad hoc price when one is set, otherwise the line's price; both are per
 *   term (a MONTH price or a YEAR price).
 * - Month fractions follow the Month Definition; prorata rule FULL_MONTH counts a started month whole.
 * - The flat discount is an amount per term for the whole line (not per unit). With Required Prorata
 *   Flat Discount it follows the same month fractions as the charge; without it every started month
 *   gets the full monthly share.
 * - A line whose price (or quantity) is zero gives no charge unless Generate Zero Value Charge.
 */
import {
  addRatio,
  type DateRange,
  daysInMonth,
  type IsoDate,
  type MonthDefinition,
  parseIsoDate,
  type Ratio,
  type Term,
  termMonths,
  ZERO_RATIO,
} from '../calendar';
import { BillingCoreError } from '../errors';
import { type CurrencyCode, currencyDecimals, Decimal, type DecimalValue } from '../money';

export type ProrataRule = 'DAILY' | 'FULL_MONTH';

export interface RatableLine {
  unitPrice: DecimalValue;
  adHocPrice?: DecimalValue | null;
  quantity: DecimalValue;
  term: Term;
  flatDiscount?: DecimalValue | null;
  prorataRule?: ProrataRule;
}

export interface RatingOptions {
  monthDefinition: MonthDefinition;
  requiredProrataFlatDiscount: boolean;
  generateZeroValueCharge: boolean;
}

export interface RatedCharge {
  period: DateRange;
  /** Σ month fractions of the period under the line's prorata rule. */
  months: Ratio;
  gross: Decimal;
  discount: Decimal;
  amount: Decimal;
}

/** Months of a period for a prorata rule: the exact fraction, and the started months. */
export interface PeriodMonths {
  daily: Ratio;
  fullMonths: number;
}

/** Parse a date's parts without building strings (hot path); impossible dates still throw. */
function dateParts(date: IsoDate, field: string): [number, number, number] {
  if (date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45) {
    const y = Number(date.slice(0, 4));
    const m = Number(date.slice(5, 7));
    const d = Number(date.slice(8, 10));
    if (
      Number.isInteger(y) &&
      Number.isInteger(m) &&
      Number.isInteger(d) &&
      y >= 1 &&
      m >= 1 &&
      m <= 12 &&
      d >= 1 &&
      d <= daysInMonth(y, m)
    ) {
      return [y, m, d];
    }
  }
  const parts = parseIsoDate(date, field); // throws the typed error
  return [parts.year, parts.month, parts.day];
}

export function periodMonths(period: DateRange, definition: MonthDefinition): PeriodMonths {
  const [sy, sm, sd] = dateParts(period.start, 'period.start');
  const [ey, em, ed] = dateParts(period.end, 'period.end');
  if (period.start > period.end) throw new BillingCoreError('INVALID_RANGE', 'start is after end', 'period');
  let daily = ZERO_RATIO;
  let fullMonths = 0;
  let y = sy;
  let m = sm;
  for (;;) {
    const dim = daysInMonth(y, m);
    const last = y === ey && m === em;
    const from = y === sy && m === sm ? sd : 1;
    const to = last ? ed : dim;
    const days = to - from + 1;
    fullMonths += 1;
    daily = addRatio(
      daily,
      days === dim ? { num: 1, den: 1 } : { num: days, den: definition === 'CALDAYS' ? dim : 30 },
    );
    if (last) return { daily, fullMonths };
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

const ZERO = new Decimal(0);
const PLAIN_DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const POW10: bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

/** A non-negative decimal as an exact scaled integer: value = int / 10^scale. */
function scaled(value: DecimalValue, field: string): { int: bigint; scale: number } {
  let text: string;
  if (typeof value === 'string' && PLAIN_DECIMAL.test(value)) {
    text = value;
  } else {
    const decimal = new Decimal(value);
    if (!decimal.isFinite()) throw new BillingCoreError('INVALID_DECIMAL', 'Not a finite number', field);
    if (decimal.isNegative() && !decimal.isZero()) {
      throw new BillingCoreError('NEGATIVE_AMOUNT', `${field} must not be negative`, field);
    }
    text = decimal.abs().toFixed();
  }
  const dot = text.indexOf('.');
  const int = dot < 0 ? BigInt(text) : BigInt(text.slice(0, dot) + text.slice(dot + 1));
  const scale = dot < 0 ? 0 : text.length - dot - 1;
  return { int, scale };
}

/** round(num / den) half away from zero, for num ≥ 0, den > 0. */
function divRound(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

function minorToDecimal(minor: bigint, decimals: number): Decimal {
  if (minor === 0n) return ZERO;
  if (decimals === 0) return new Decimal(minor.toString());
  const digits = minor.toString().padStart(decimals + 1, '0');
  return new Decimal(`${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`);
}

/**
 * Rate with the period's months already computed (shared by every line of a subscription).
 * Exact: the charge is computed on scaled integers and rounded once, half away from zero.
 */
export function rateWithMonths(
  line: RatableLine,
  period: DateRange,
  months: PeriodMonths,
  currency: CurrencyCode,
  options: RatingOptions,
): RatedCharge | null {
  const decimals = currencyDecimals(currency);
  const price = scaled(line.adHocPrice ?? line.unitPrice, 'unitPrice');
  const quantity = scaled(line.quantity, 'quantity');
  if ((price.int === 0n || quantity.int === 0n) && !options.generateZeroValueCharge) return null;
  const perTerm = BigInt(termMonths(line.term));
  const used: Ratio = line.prorataRule === 'FULL_MONTH' ? { num: months.fullMonths, den: 1 } : months.daily;
  // gross (minor units) = price × quantity × num × 10^dp / (10^(sp+sq) × den × months per term)
  const gross = divRound(
    price.int * quantity.int * BigInt(used.num) * POW10[decimals]!,
    POW10[price.scale + quantity.scale]! * BigInt(used.den) * perTerm,
  );
  let discount = 0n;
  if (line.flatDiscount !== null && line.flatDiscount !== undefined) {
    const flat = scaled(line.flatDiscount, 'flatDiscount');
    if (flat.int !== 0n) {
      const d: Ratio = options.requiredProrataFlatDiscount ? used : { num: months.fullMonths, den: 1 };
      discount = divRound(
        flat.int * BigInt(d.num) * POW10[decimals]!,
        POW10[flat.scale]! * BigInt(d.den) * perTerm,
      );
      if (discount > gross) discount = gross;
    }
  }
  const grossDecimal = minorToDecimal(gross, decimals);
  return {
    period,
    months: used,
    gross: grossDecimal,
    discount: discount === 0n ? ZERO : minorToDecimal(discount, decimals),
    amount: discount === 0n ? grossDecimal : minorToDecimal(gross - discount, decimals),
  };
}

export function rateLine(
  line: RatableLine,
  period: DateRange,
  currency: CurrencyCode,
  options: RatingOptions,
): RatedCharge | null {
  return rateWithMonths(line, period, periodMonths(period, options.monthDefinition), currency, options);
}

/** The item description of an installment purchase: the product name and the installment number. */
export function installmentDescription(description: string, installment: number, count: number): string {
  return `${description} (installment ${installment} of ${count})`;
}
