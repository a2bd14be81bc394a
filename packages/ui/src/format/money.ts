// Money arrives from the API as decimal strings beside an ISO 4217 currency. The UI never does
// arithmetic on money (ARCHITECTURE.md); it only formats. Intl.NumberFormat formats a decimal
// string exactly (no conversion to a float), so "12345678901234567.89" keeps every digit.

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;

export interface MoneyFormatOptions {
  /** BCP 47 locale; the browser's when omitted. */
  locale?: string;
  /**
   * `amount` (default): a line amount, tax or total, shown with the currency's minor unit
   * (JPY 0, EUR 2, KWD 3). `unitPrice`: up to 6 decimals, as stored, never fewer than the
   * currency's minor unit.
   */
  kind?: 'amount' | 'unitPrice';
  /** `symbol` (default, "$"), `code` ("USD"), `narrowSymbol`, `name`. */
  currencyDisplay?: Intl.NumberFormatOptions['currencyDisplay'];
}

const cache = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, options: MoneyFormatOptions): Intl.NumberFormat {
  const key = `${options.locale ?? ''}|${currency}|${options.kind ?? 'amount'}|${options.currencyDisplay ?? ''}`;
  let format = cache.get(key);
  if (!format) {
    const base: Intl.NumberFormatOptions = {
      style: 'currency',
      currency,
      currencyDisplay: options.currencyDisplay ?? 'symbol',
    };
    if (options.kind === 'unitPrice') {
      const minor = new Intl.NumberFormat('en', base).resolvedOptions().minimumFractionDigits ?? 2;
      base.minimumFractionDigits = minor;
      base.maximumFractionDigits = Math.max(6, minor);
    }
    format = new Intl.NumberFormat(options.locale, base);
    cache.set(key, format);
  }
  return format;
}

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

/**
 * Formats a decimal string amount in its currency, e.g. ("1234.5", "EUR", {locale: "de-DE"}) →
 * "1.234,50 €". Throws a RangeError for anything that is not a decimal string or a currency code,
 * so a wrong value is caught in tests rather than shown.
 */
export function formatMoney(amount: string, currency: string, options: MoneyFormatOptions = {}): string {
  if (!isDecimalString(amount)) throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  if (!CURRENCY.test(currency))
    throw new RangeError(`Not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  // Intl accepts a string here and formats it as an exact decimal (ECMA-402 NumberFormat v3);
  // the lib typings only list number | bigint, hence the cast.
  return formatter(currency, options).format(amount as unknown as number);
}

/** The number of decimals an amount in this currency has (ISO 4217 minor unit). */
export function currencyMinorUnit(currency: string): number {
  if (!CURRENCY.test(currency))
    throw new RangeError(`Not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}
