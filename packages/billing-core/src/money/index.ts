/**
 * Money: the one money type of Cascade.
 *
 * - `Decimal` is a decimal.js clone configured for money (40 significant digits, half away from
 *   zero). Never use JavaScript numbers for amounts.
 * - `Money` is a plain immutable object `{ amount: Decimal, currency }`. Functions that build a
 *   stored amount (`money`, `roundAmount`, `allocate`) round once, half away from zero, to the
 *   currency's ISO 4217 minor unit; arithmetic on already-rounded amounts (`addMoney`, `sumMoney`)
 *   stays exact.
 * - Inputs arrive as decimal strings: `parseMoney` / `parseDecimal` / `parseUnitPrice` are strict
 *   (no exponents, no blanks, no more decimals than allowed) and throw `BillingCoreError`.
 * - Unit prices keep up to 6 decimals (`UNIT_PRICE_DECIMALS`), everything stored on an invoice is
 *   rounded to the currency.
 * - `formatAmount` gives the JSON form: a decimal string with exactly the currency's decimals.
 */
import DecimalJs from 'decimal.js';
import { BillingCoreError } from '../errors';

export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Decimal = DecimalJs;
export type DecimalValue = DecimalJs.Value;

export const UNIT_PRICE_DECIMALS = 6;
/** numeric(20,6): at most 14 integer digits in any amount we accept. */
const MAX_INTEGER_DIGITS = 14;
/**
 * Amounts are stored as numeric(20,4), below 10^16. A document whose total reaches this (14
 * integer digits, as any amount we accept, so that the ledger's rules read it back; and room for
 * what is summed from it) is not issued: refused on input, skipped by runs.
 */
export const MAX_DOCUMENT_TOTAL: Decimal = new Decimal(10).pow(MAX_INTEGER_DIGITS);
/** The first value numeric(20,6) (unit prices) cannot hold: 10^14; quantities are kept below it too. */
export const MAX_UNIT_FIGURE: Decimal = new Decimal(10).pow(MAX_INTEGER_DIGITS);

/** ISO 4217 minor units. Every 0-, 3- and 4-decimal currency, and the 2-decimal ones in use. */
const MINOR_UNITS: Readonly<Record<string, number>> = (() => {
  const table: Record<string, number> = {};
  const zero = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
  const three = 'BHD IQD JOD KWD LYD OMR TND';
  const four = 'CLF UYW';
  const two =
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
    'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD ' +
    'LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN ' +
    'PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB ' +
    'TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG';
  for (const [list, units] of [
    [zero, 0],
    [two, 2],
    [three, 3],
    [four, 4],
  ] as const) {
    for (const code of list.split(' ')) table[code] = units;
  }
  return Object.freeze(table);
})();

export type CurrencyCode = string;

export interface Money {
  readonly amount: Decimal;
  readonly currency: CurrencyCode;
}

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(MINOR_UNITS, code);
}

/** All known currency codes, sorted. */
export function knownCurrencies(): string[] {
  return Object.keys(MINOR_UNITS).sort();
}

/** The ISO 4217 minor unit of a currency; an unknown code throws `UNKNOWN_CURRENCY`. */
export function currencyDecimals(currency: CurrencyCode, field = 'currency'): number {
  const units = MINOR_UNITS[currency];
  if (units === undefined) {
    throw new BillingCoreError('UNKNOWN_CURRENCY', `Unknown currency "${currency}"`, field);
  }
  return units;
}

const DECIMAL_PATTERN = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export interface ParseDecimalOptions {
  /** The input's path, reported in errors. */
  field?: string;
  /** Most decimals accepted; more is an error, never a silent rounding. */
  maxDecimals?: number;
  allowNegative?: boolean;
}

/** Strict decimal string: `-?digits(.digits)?`, no exponent, no blank, no leading `+` or zeros. */
export function parseDecimal(text: unknown, options: ParseDecimalOptions = {}): Decimal {
  const field = options.field ?? 'amount';
  if (typeof text !== 'string') {
    throw new BillingCoreError('INVALID_DECIMAL', 'Expected a decimal string', field);
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    throw new BillingCoreError('INVALID_DECIMAL', `"${text}" is not a plain decimal number`, field);
  }
  const [, sign, integer = '', fraction = ''] = match;
  if (integer.length > MAX_INTEGER_DIGITS) {
    throw new BillingCoreError('INVALID_DECIMAL', `"${text}" is too large`, field);
  }
  if (options.maxDecimals !== undefined && fraction.length > options.maxDecimals) {
    throw new BillingCoreError(
      'TOO_MANY_DECIMALS',
      `"${text}" has more than ${options.maxDecimals} decimals`,
      field,
    );
  }
  const value = new Decimal(text);
  if (sign === '-' && !value.isZero() && !options.allowNegative) {
    throw new BillingCoreError('NEGATIVE_AMOUNT', `"${text}" must not be negative`, field);
  }
  return value.isZero() ? new Decimal(0) : value;
}

/** A stored amount in a currency: at most the currency's decimals. */
export function parseMoney(
  text: unknown,
  currency: CurrencyCode,
  options: { field?: string; allowNegative?: boolean } = {},
): Money {
  const decimals = currencyDecimals(currency);
  const amount = parseDecimal(text, { ...options, maxDecimals: decimals });
  return { amount, currency };
}

/** A unit price: non-negative, at most 6 decimals. */
export function parseUnitPrice(text: unknown, field = 'unitPrice'): Decimal {
  return parseDecimal(text, { field, maxDecimals: UNIT_PRICE_DECIMALS });
}

/** Round once, half away from zero, to the currency's minor unit. */
export function roundAmount(value: DecimalValue, currency: CurrencyCode): Decimal {
  const result = new Decimal(value).toDecimalPlaces(currencyDecimals(currency), Decimal.ROUND_HALF_UP);
  return result.isZero() ? new Decimal(0) : result;
}

/** Round a unit price to 6 decimals, half away from zero. */
export function roundUnitPrice(value: DecimalValue): Decimal {
  return new Decimal(value).toDecimalPlaces(UNIT_PRICE_DECIMALS, Decimal.ROUND_HALF_UP);
}

/** A stored amount: rounded once to the currency. */
export function money(value: DecimalValue, currency: CurrencyCode): Money {
  return { amount: roundAmount(value, currency), currency };
}

export function zeroMoney(currency: CurrencyCode): Money {
  currencyDecimals(currency);
  return { amount: new Decimal(0), currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new BillingCoreError('CURRENCY_MISMATCH', `Cannot combine ${a.currency} with ${b.currency}`);
  }
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.plus(b.amount), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.minus(b.amount), currency: a.currency };
}

export function negateMoney(a: Money): Money {
  return { amount: a.amount.isZero() ? a.amount : a.amount.negated(), currency: a.currency };
}

/** Exact sum of already-rounded amounts (an invoice total is the sum of its stored parts). */
export function sumMoney(items: readonly Money[], currency: CurrencyCode): Money {
  let total = new Decimal(0);
  for (const item of items) {
    if (item.currency !== currency) {
      throw new BillingCoreError('CURRENCY_MISMATCH', `Cannot add ${item.currency} to ${currency}`);
    }
    total = total.plus(item.amount);
  }
  return { amount: total, currency };
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount.comparedTo(b.amount) as -1 | 0 | 1;
}

export function isZeroMoney(a: Money): boolean {
  return a.amount.isZero();
}

/** The JSON form: a decimal string with exactly the currency's decimals ("1234.50", "100", "1.250"). */
export function formatAmount(value: DecimalValue, currency: CurrencyCode): string {
  const decimals = currencyDecimals(currency);
  const text = new Decimal(value).toFixed(decimals, Decimal.ROUND_HALF_UP);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

export function formatMoney(value: Money): string {
  return formatAmount(value.amount, value.currency);
}

/**
 * Split an amount in proportion to weights; the parts sum exactly to the amount. Each part is first
 * rounded toward zero to the minor unit, then the remaining minor units go one each to the parts
 * with the largest dropped remainders, ties to the earlier part (deterministic). Negative amounts are
 * split as their absolute value and negated, so a credit mirrors its debit.
 */
export function allocate(value: Money, weights: readonly DecimalValue[]): Money[] {
  const decimals = currencyDecimals(value.currency);
  if (weights.length === 0) {
    throw new BillingCoreError('INVALID_WEIGHTS', 'allocate needs at least one weight', 'weights');
  }
  const ws = weights.map((w) => new Decimal(w));
  if (ws.some((w) => w.isNegative() || !w.isFinite())) {
    throw new BillingCoreError('INVALID_WEIGHTS', 'Weights must be finite and non-negative', 'weights');
  }
  const totalWeight = ws.reduce((a, w) => a.plus(w), new Decimal(0));
  if (totalWeight.isZero()) {
    throw new BillingCoreError('INVALID_WEIGHTS', 'Weights must not all be zero', 'weights');
  }
  const unit = new Decimal(10).pow(-decimals);
  const negative = value.amount.isNegative();
  const amount = roundAmount(value.amount.abs(), value.currency);
  const exact = ws.map((w) => amount.times(w).div(totalWeight));
  const parts = exact.map((e) => e.toDecimalPlaces(decimals, Decimal.ROUND_DOWN));
  let remainder = parts.reduce((a, p) => a.minus(p), amount);
  const order = exact
    .map((e, index) => ({ index, dropped: e.minus(parts[index]!) }))
    .sort((a, b) => b.dropped.comparedTo(a.dropped) || a.index - b.index);
  for (const { index } of order) {
    if (remainder.lessThan(unit)) break;
    parts[index] = parts[index]!.plus(unit);
    remainder = remainder.minus(unit);
  }
  return parts.map((p) => ({
    amount: negative && !p.isZero() ? p.negated() : p,
    currency: value.currency,
  }));
}
