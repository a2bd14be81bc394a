import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  allocate,
  currencyDecimals,
  Decimal,
  formatAmount,
  formatMoney,
  money,
  parseDecimal,
  parseMoney,
  parseUnitPrice,
  roundAmount,
  sumMoney,
} from './index';

describe('currencies', () => {
  it('knows ISO 4217 minor units', () => {
    for (const code of 'JPY KRW VND CLP ISK UGX XAF XOF PYG BIF RWF'.split(' ')) {
      expect(currencyDecimals(code)).toBe(0);
    }
    for (const code of 'BHD IQD JOD KWD LYD OMR TND'.split(' ')) expect(currencyDecimals(code)).toBe(3);
    for (const code of 'EUR USD GBP CHF SEK'.split(' ')) expect(currencyDecimals(code)).toBe(2);
    expect(currencyDecimals('CLF')).toBe(4);
  });

  it('rejects an unknown currency with a typed error', () => {
    expect(() => currencyDecimals('XXX')).toThrowError(expect.objectContaining({ code: 'UNKNOWN_CURRENCY' }));
    expect(() => currencyDecimals('eur')).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_CURRENCY', field: 'currency' }),
    );
  });
});

describe('parsing', () => {
  it('accepts plain decimals', () => {
    expect(parseMoney('1234.50', 'EUR').amount.toString()).toBe('1234.5');
    expect(parseMoney('100', 'JPY').amount.toString()).toBe('100');
    expect(parseMoney('1.250', 'KWD').amount.toString()).toBe('1.25');
    expect(parseUnitPrice('0.123456').toString()).toBe('0.123456');
    expect(parseDecimal('-5.5', { allowNegative: true }).toString()).toBe('-5.5');
  });

  it('rejects too many decimals for the currency', () => {
    expect(() => parseMoney('1.5', 'JPY')).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_DECIMALS' }),
    );
    expect(() => parseMoney('1.005', 'EUR')).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_DECIMALS' }),
    );
    expect(() => parseMoney('1.0005', 'KWD')).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_DECIMALS' }),
    );
    expect(() => parseUnitPrice('0.1234567')).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_DECIMALS', field: 'unitPrice' }),
    );
  });

  it('rejects exponents, blanks, signs and junk', () => {
    for (const bad of ['1e3', '', ' 1', '1 ', '+1', '01', '1.', '.5', 'NaN', 'Infinity', '1,5', '0x10']) {
      expect(() => parseMoney(bad, 'EUR'), bad).toThrowError(
        expect.objectContaining({ code: 'INVALID_DECIMAL' }),
      );
    }
    expect(() => parseMoney(12 as unknown as string, 'EUR')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DECIMAL' }),
    );
    expect(() => parseMoney('-1', 'EUR')).toThrowError(expect.objectContaining({ code: 'NEGATIVE_AMOUNT' }));
    expect(() => parseMoney('123456789012345', 'EUR')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DECIMAL' }),
    );
  });
});

describe('rounding', () => {
  it('rounds half away from zero, once', () => {
    expect(roundAmount('2.345', 'EUR').toString()).toBe('2.35');
    expect(roundAmount('-2.345', 'EUR').toString()).toBe('-2.35');
    expect(roundAmount('2.5', 'JPY').toString()).toBe('3');
    expect(roundAmount('-2.5', 'JPY').toString()).toBe('-3');
    expect(roundAmount('1.2345', 'KWD').toString()).toBe('1.235');
    expect(roundAmount('-0.004', 'EUR').toString()).toBe('0');
  });

  it('a credit mirrors its debit exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 6 }), (n, scale) => {
        const v = new Decimal(n).div(10 ** scale);
        expect(roundAmount(v.negated(), 'EUR').toString()).toBe(roundAmount(v, 'EUR').negated().toString());
      }),
    );
  });

  it('formats with the currency decimals', () => {
    expect(formatAmount('1234.5', 'EUR')).toBe('1234.50');
    expect(formatAmount('100', 'JPY')).toBe('100');
    expect(formatAmount('1.25', 'KWD')).toBe('1.250');
    expect(formatAmount('-0.001', 'EUR')).toBe('0.00');
    expect(formatMoney(money('516.129', 'EUR'))).toBe('516.13');
  });

  it('sums stored amounts exactly', () => {
    const total = sumMoney([money('0.1', 'EUR'), money('0.2', 'EUR')], 'EUR');
    expect(formatMoney(total)).toBe('0.30');
    expect(() => addMoney(money('1', 'EUR'), money('1', 'USD'))).toThrowError(
      expect.objectContaining({ code: 'CURRENCY_MISMATCH' }),
    );
  });
});

describe('allocate', () => {
  it('places remainders deterministically', () => {
    expect(allocate(money('10.00', 'EUR'), [1, 1, 1]).map(formatMoney)).toEqual(['3.34', '3.33', '3.33']);
    expect(allocate(money('-10.00', 'EUR'), [1, 1, 1]).map(formatMoney)).toEqual(['-3.34', '-3.33', '-3.33']);
    expect(allocate(money('100', 'JPY'), [1, 2, 3]).map(formatMoney)).toEqual(['17', '33', '50']);
    expect(allocate(money('0.05', 'EUR'), [3, 7]).map(formatMoney)).toEqual(['0.02', '0.03']);
    expect(allocate(money('1.000', 'KWD'), [1, 0, 1]).map(formatMoney)).toEqual(['0.500', '0.000', '0.500']);
  });

  it('rejects bad weights', () => {
    expect(() => allocate(money('1', 'EUR'), [])).toThrowError(
      expect.objectContaining({ code: 'INVALID_WEIGHTS' }),
    );
    expect(() => allocate(money('1', 'EUR'), [0, 0])).toThrowError(
      expect.objectContaining({ code: 'INVALID_WEIGHTS' }),
    );
    expect(() => allocate(money('1', 'EUR'), [1, -1])).toThrowError(
      expect.objectContaining({ code: 'INVALID_WEIGHTS' }),
    );
  });

  it('always sums exactly to the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
        fc.constantFrom('EUR', 'JPY', 'KWD'),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (minor, currency, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const amount = money(new Decimal(minor).div(10 ** currencyDecimals(currency)), currency);
          const parts = allocate(amount, weights);
          expect(parts).toHaveLength(weights.length);
          expect(sumMoney(parts, currency).amount.equals(amount.amount)).toBe(true);
          for (const [i, w] of weights.entries()) if (w === 0) expect(parts[i]!.amount.isZero()).toBe(true);
        },
      ),
    );
  });
});
