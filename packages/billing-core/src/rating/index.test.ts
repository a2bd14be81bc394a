import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../money';
import { installmentDescription, type RatingOptions, rateLine } from './index';

const caldays: RatingOptions = {
  monthDefinition: 'CALDAYS',
  requiredProrataFlatDiscount: false,
  generateZeroValueCharge: false,
};
const thirty: RatingOptions = { ...caldays, monthDefinition: '30_DAYS' };

describe('rateLine', () => {
  it('16 days of a 31-day month at 1000.00 → 516.13', () => {
    const c = rateLine(
      { unitPrice: '1000.00', quantity: '1', term: 'MONTH' },
      { start: '2026-07-16', end: '2026-07-31' },
      'EUR',
      caldays,
    );
    expect(formatAmount(c!.amount, 'EUR')).toBe('516.13');
  });

  it('8 days at 19.95 with 30-day months → 5.32', () => {
    const c = rateLine(
      { unitPrice: '19.95', quantity: '1', term: 'MONTH' },
      { start: '2026-07-24', end: '2026-07-31' },
      'EUR',
      thirty,
    );
    expect(formatAmount(c!.amount, 'EUR')).toBe('5.32');
  });

  it('charges a whole month in full whatever its length', () => {
    for (const options of [caldays, thirty]) {
      const feb = rateLine(
        { unitPrice: '19.95', quantity: '3', term: 'MONTH' },
        { start: '2026-02-01', end: '2026-02-28' },
        'EUR',
        options,
      );
      expect(formatAmount(feb!.amount, 'EUR')).toBe('59.85');
    }
  });

  it('divides a yearly price by twelve months, rounded once', () => {
    const c = rateLine(
      { unitPrice: '1000', quantity: '1', term: 'YEAR' },
      { start: '2026-07-01', end: '2026-07-31' },
      'EUR',
      caldays,
    );
    expect(formatAmount(c!.amount, 'EUR')).toBe('83.33');
    const q = rateLine(
      { unitPrice: '1000', quantity: '1', term: 'YEAR' },
      { start: '2026-07-01', end: '2026-09-30' },
      'EUR',
      caldays,
    );
    expect(formatAmount(q!.amount, 'EUR')).toBe('250.00');
    const jpy = rateLine(
      { unitPrice: '1000', quantity: '1', term: 'YEAR' },
      { start: '2026-07-01', end: '2026-07-31' },
      'JPY',
      caldays,
    );
    expect(formatAmount(jpy!.amount, 'JPY')).toBe('83');
  });

  it('uses the ad hoc price when set', () => {
    const c = rateLine(
      { unitPrice: '100', adHocPrice: '80', quantity: '2', term: 'MONTH' },
      { start: '2026-07-01', end: '2026-07-31' },
      'EUR',
      caldays,
    );
    expect(formatAmount(c!.amount, 'EUR')).toBe('160.00');
  });

  it('FULL_MONTH counts a started month whole', () => {
    const c = rateLine(
      { unitPrice: '100', quantity: '1', term: 'MONTH', prorataRule: 'FULL_MONTH' },
      { start: '2026-07-16', end: '2026-08-31' },
      'EUR',
      caldays,
    );
    expect(formatAmount(c!.amount, 'EUR')).toBe('200.00');
  });

  it('applies a flat discount, prorated only with Required Prorata Flat Discount', () => {
    const line = { unitPrice: '100', quantity: '1', term: 'MONTH' as const, flatDiscount: '31' };
    const half = { start: '2026-07-17', end: '2026-07-31' }; // 15 of 31 days: 48.39
    const plain = rateLine(line, half, 'EUR', caldays)!;
    expect([plain.gross, plain.discount, plain.amount].map((v) => formatAmount(v, 'EUR'))).toEqual([
      '48.39',
      '31.00',
      '17.39',
    ]);
    const prorated = rateLine(line, half, 'EUR', { ...caldays, requiredProrataFlatDiscount: true })!;
    expect([prorated.discount, prorated.amount].map((v) => formatAmount(v, 'EUR'))).toEqual([
      '15.00',
      '33.39',
    ]);
  });

  it('never makes a charge negative', () => {
    const c = rateLine(
      { unitPrice: '10', quantity: '1', term: 'MONTH', flatDiscount: '25' },
      { start: '2026-07-01', end: '2026-07-31' },
      'EUR',
      caldays,
    )!;
    expect([formatAmount(c.discount, 'EUR'), formatAmount(c.amount, 'EUR')]).toEqual(['10.00', '0.00']);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100000 }),
        fc.integer({ min: 0, max: 100000 }),
        fc.integer({ min: 1, max: 31 }),
        (p, d, day) => {
          const r = rateLine(
            { unitPrice: String(p / 100), quantity: '1', term: 'MONTH', flatDiscount: String(d / 100) },
            { start: `2026-07-${String(day).padStart(2, '0')}`, end: '2026-07-31' },
            'EUR',
            { ...caldays, generateZeroValueCharge: true },
          )!;
          expect(r.amount.isNegative()).toBe(false);
          expect(r.amount.plus(r.discount).equals(r.gross)).toBe(true);
        },
      ),
    );
  });

  it('drops zero-value lines unless Generate Zero Value Charge', () => {
    const line = { unitPrice: '0', quantity: '5', term: 'MONTH' as const };
    const period = { start: '2026-07-01', end: '2026-07-31' };
    expect(rateLine(line, period, 'EUR', caldays)).toBeNull();
    const kept = rateLine(line, period, 'EUR', { ...caldays, generateZeroValueCharge: true });
    expect(formatAmount(kept!.amount, 'EUR')).toBe('0.00');
    expect(
      rateLine({ unitPrice: '10', adHocPrice: '0', quantity: '1', term: 'MONTH' }, period, 'EUR', caldays),
    ).toBeNull();
  });

  it('refuses negative quantities and unknown terms', () => {
    const period = { start: '2026-07-01', end: '2026-07-31' };
    expect(() =>
      rateLine({ unitPrice: '1', quantity: '-1', term: 'MONTH' }, period, 'EUR', caldays),
    ).toThrowError(expect.objectContaining({ code: 'NEGATIVE_AMOUNT' }));
    expect(() =>
      rateLine({ unitPrice: '1', quantity: '1', term: 'DAY' as 'MONTH' }, period, 'EUR', caldays),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_TERM' }));
  });

  it('numbers installments in the description', () => {
    expect(installmentDescription('Office 365', 2, 12)).toBe('Office 365 (installment 2 of 12)');
  });
});
