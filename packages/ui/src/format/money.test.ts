import { describe, expect, it } from 'vitest';
import { currencyMinorUnit, formatMoney, isDecimalString } from './money';

describe('formatMoney', () => {
  it('formats with the currency and locale', () => {
    expect(formatMoney('1234.5', 'USD', { locale: 'en-US' })).toBe('$1,234.50');
    expect(formatMoney('1234.5', 'EUR', { locale: 'de-DE' })).toBe('1.234,50\u00a0€');
    expect(formatMoney('-20', 'USD', { locale: 'en-US' })).toBe('-$20.00');
    expect(formatMoney('1234.5', 'USD', { locale: 'en-US', currencyDisplay: 'code' })).toBe(
      'USD\u00a01,234.50',
    );
  });

  it('keeps every digit of large amounts (no float conversion)', () => {
    expect(formatMoney('12345678901234567.89', 'USD', { locale: 'en-US' })).toBe(
      '$12,345,678,901,234,567.89',
    );
    expect(formatMoney('9007199254740993.01', 'USD', { locale: 'en-US' })).toBe('$9,007,199,254,740,993.01');
  });

  it('uses each currency minor unit, rounding half away from zero', () => {
    expect(formatMoney('1234', 'JPY', { locale: 'en-US' })).toBe('¥1,234');
    expect(formatMoney('1.5', 'KWD', { locale: 'en-US', currencyDisplay: 'code' })).toBe('KWD\u00a01.500');
    // As a float 1.005 is 1.00499999…; as a decimal string it rounds up, as SPEC §2 says.
    expect(formatMoney('1.005', 'USD', { locale: 'en-US' })).toBe('$1.01');
    expect(formatMoney('-1.005', 'USD', { locale: 'en-US' })).toBe('-$1.01');
  });

  it('shows unit prices with up to 6 decimals and at least the minor unit', () => {
    expect(formatMoney('1.123456', 'USD', { locale: 'en-US', kind: 'unitPrice' })).toBe('$1.123456');
    expect(formatMoney('1.5', 'USD', { locale: 'en-US', kind: 'unitPrice' })).toBe('$1.50');
    expect(formatMoney('7', 'KWD', { locale: 'en-US', kind: 'unitPrice', currencyDisplay: 'code' })).toBe(
      'KWD\u00a07.000',
    );
  });

  it('refuses what is not a decimal string or a currency code', () => {
    expect(() => formatMoney('1e3', 'USD')).toThrow(RangeError);
    expect(() => formatMoney('', 'USD')).toThrow(RangeError);
    expect(() => formatMoney(12 as unknown as string, 'USD')).toThrow(RangeError);
    expect(() => formatMoney('1.00', 'usd')).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('recognises decimal strings', () => {
    expect(isDecimalString('0.10')).toBe(true);
    expect(isDecimalString('-3')).toBe(true);
    expect(isDecimalString('.5')).toBe(false);
    expect(isDecimalString('NaN')).toBe(false);
  });

  it('knows minor units', () => {
    expect(currencyMinorUnit('JPY')).toBe(0);
    expect(currencyMinorUnit('EUR')).toBe(2);
    expect(currencyMinorUnit('KWD')).toBe(3);
  });
});
