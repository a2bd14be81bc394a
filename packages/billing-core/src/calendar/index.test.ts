import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addRatio,
  billingPeriods,
  daysInMonth,
  daysInRange,
  fromDayNumber,
  isValidIsoDate,
  type MonthDefinition,
  monthFraction,
  parseIsoDate,
  periodEnd,
  ratio,
  splitByMonth,
  termMonths,
  toDayNumber,
  ZERO_RATIO,
} from './index';

describe('dates', () => {
  it('validates dates strictly', () => {
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2026-02-29')).toBe(false);
    expect(isValidIsoDate('2026-04-31')).toBe(false);
    expect(isValidIsoDate('2026-13-01')).toBe(false);
    expect(isValidIsoDate('2026-1-01')).toBe(false);
    expect(isValidIsoDate('2026-01-01T00:00')).toBe(false);
    expect(isValidIsoDate(20260101)).toBe(false);
    expect(() => parseIsoDate('2026-02-30', 'invoiceDate')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE', field: 'invoiceDate' }),
    );
  });

  it('counts days in months', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 7)).toBe(31);
    expect(daysInMonth(2026, 9)).toBe(30);
  });

  it('does day and month arithmetic', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01')).toBe(11017);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });

  it('never makes a string that is not a date: arithmetic past 0001–9999 refuses', () => {
    for (const past of [
      () => addDays('9999-12-31', 1),
      () => addMonths('9999-12-01', 1),
      () => addDays('0001-01-01', -1),
    ])
      expect(past).toThrow(expect.objectContaining({ code: 'DATE_OUT_OF_RANGE' }));
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
  });

  it("billing periods stop at the calendar's last day", () => {
    expect(periodEnd('9999-06-01', 12, true)).toBe('9999-12-31');
    expect(periodEnd('9999-12-15', 3, false)).toBe('9999-12-31');
    const periods = (until: string, frequencyMonths: number) =>
      billingPeriods({ startDate: '9999-10-01', frequencyMonths, prorataInclusive: true, until });
    expect(periods('9999-12-31', 1).map((p) => p.end)).toEqual(['9999-10-31', '9999-11-30', '9999-12-31']);
    expect(periods('9999-12-01', 12)).toEqual([{ start: '9999-10-01', end: '9999-12-31' }]);
  });

  it('round-trips day numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        expect(toDayNumber(fromDayNumber(n))).toBe(n);
        expect(isValidIsoDate(fromDayNumber(n))).toBe(true);
      }),
    );
  });

  it('ranges are closed', () => {
    expect(daysInRange({ start: '2026-07-01', end: '2026-07-01' })).toBe(1);
    expect(daysInRange({ start: '2026-07-01', end: '2026-07-31' })).toBe(31);
    expect(daysInRange({ start: '2024-01-01', end: '2024-12-31' })).toBe(366);
  });

  it('splits ranges by calendar month', () => {
    const segments = splitByMonth({ start: '2026-01-20', end: '2026-03-05' });
    expect(segments.map((s) => [s.start, s.end, s.days, s.daysInMonth, s.whole])).toEqual([
      ['2026-01-20', '2026-01-31', 12, 31, false],
      ['2026-02-01', '2026-02-28', 28, 28, true],
      ['2026-03-01', '2026-03-05', 5, 31, false],
    ]);
  });
});

describe('month fractions', () => {
  it('CALDAYS divides by the days of that month', () => {
    expect(monthFraction({ start: '2026-07-16', end: '2026-07-31' }, 'CALDAYS')).toEqual({
      num: 16,
      den: 31,
    });
    expect(monthFraction({ start: '2026-02-01', end: '2026-02-28' }, 'CALDAYS')).toEqual({ num: 1, den: 1 });
    expect(monthFraction({ start: '2026-06-15', end: '2026-08-31' }, 'CALDAYS')).toEqual({
      num: 38,
      den: 15,
    });
  });

  it('30_DAYS counts a whole month as 1, else days / 30', () => {
    expect(monthFraction({ start: '2026-02-01', end: '2026-02-28' }, '30_DAYS')).toEqual({ num: 1, den: 1 });
    expect(monthFraction({ start: '2026-07-01', end: '2026-07-31' }, '30_DAYS')).toEqual({ num: 1, den: 1 });
    expect(monthFraction({ start: '2026-07-24', end: '2026-07-31' }, '30_DAYS')).toEqual(ratio(8, 30));
    expect(ratio(8, 30)).toEqual({ num: 4, den: 15 });
    expect(monthFraction({ start: '2026-02-15', end: '2026-02-28' }, '30_DAYS')).toEqual(ratio(14, 30));
  });

  it('FULL_MONTH counts a started month whole', () => {
    expect(monthFraction({ start: '2026-07-31', end: '2026-08-01' }, 'CALDAYS', true)).toEqual({
      num: 2,
      den: 1,
    });
  });

  it('a whole year of monthly periods sums to exactly twelve months', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.constantFrom<MonthDefinition>('CALDAYS', '30_DAYS'),
        fc.boolean(),
        (year, month, day, definition, inclusive) => {
          const start = `${year}-${String(month).padStart(2, '0')}-01`;
          const periods = billingPeriods({
            startDate: start,
            frequencyMonths: 1,
            prorataInclusive: inclusive,
            until: addDays(addMonths(start, 12), -1),
          });
          expect(periods).toHaveLength(12);
          let total = ZERO_RATIO;
          for (const p of periods) total = addRatio(total, monthFraction(p, definition));
          expect(total).toEqual({ num: 12, den: 1 });
          // A mid-month year under CALDAYS: the two partial months of the same month add up to one.
          const mid = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          if (definition === 'CALDAYS' && month !== 2) {
            expect(monthFraction({ start: mid, end: addDays(addMonths(mid, 12), -1) }, definition)).toEqual({
              num: 12,
              den: 1,
            });
          }
        },
      ),
    );
  });
});

describe('billing periods (SPEC §9)', () => {
  it('Prorata Inclusive Yes: 15 June, 3 months → 15 June – 31 August, then whole quarters', () => {
    expect(
      billingPeriods({
        startDate: '2026-06-15',
        frequencyMonths: 3,
        prorataInclusive: true,
        until: '2026-12-01',
      }),
    ).toEqual([
      { start: '2026-06-15', end: '2026-08-31' },
      { start: '2026-09-01', end: '2026-11-30' },
      { start: '2026-12-01', end: '2027-02-28' },
    ]);
  });

  it('Prorata Inclusive No: 15 June, 3 months → 15 June – 30 September, then whole quarters', () => {
    expect(
      billingPeriods({
        startDate: '2026-06-15',
        frequencyMonths: 3,
        prorataInclusive: false,
        until: '2026-12-31',
      }),
    ).toEqual([
      { start: '2026-06-15', end: '2026-09-30' },
      { start: '2026-10-01', end: '2026-12-31' },
    ]);
  });

  it('a start on the 1st gives whole periods either way', () => {
    expect(periodEnd('2026-01-01', 12, false)).toBe('2026-12-31');
    expect(periodEnd('2026-01-01', 12, true)).toBe('2026-12-31');
    expect(periodEnd('2026-01-01', 6, true)).toBe('2026-06-30');
    expect(periodEnd('2026-01-10', 1, true)).toBe('2026-01-31');
    expect(periodEnd('2026-01-10', 1, false)).toBe('2026-02-28');
  });

  it('cuts the last period at the end date and bills nothing after it', () => {
    expect(
      billingPeriods({
        startDate: '2026-01-01',
        frequencyMonths: 1,
        prorataInclusive: false,
        until: '2026-12-31',
        endDate: '2026-02-10',
      }),
    ).toEqual([
      { start: '2026-01-01', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-10' },
    ]);
  });

  it('rejects other frequencies and terms', () => {
    expect(() =>
      billingPeriods({
        startDate: '2026-01-01',
        frequencyMonths: 2,
        prorataInclusive: false,
        until: '2026-01-01',
      }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_FREQUENCY' }));
    expect(termMonths('YEAR')).toBe(12);
    expect(() => termMonths('WEEK' as 'MONTH')).toThrowError(
      expect.objectContaining({ code: 'INVALID_TERM' }),
    );
  });

  it('consecutive periods tile time without gap or overlap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20000 }),
        fc.constantFrom(1, 3, 6, 12),
        fc.boolean(),
        (n, freq, inclusive) => {
          const start = fromDayNumber(n);
          const periods = billingPeriods({
            startDate: start,
            frequencyMonths: freq,
            prorataInclusive: inclusive,
            until: addMonths(start, 30),
          });
          expect(periods[0]!.start).toBe(start);
          for (let i = 1; i < periods.length; i++) {
            expect(periods[i]!.start).toBe(addDays(periods[i - 1]!.end, 1));
            expect(periods[i]!.start.endsWith('-01')).toBe(true);
            expect(splitByMonth(periods[i]!)).toHaveLength(freq);
          }
        },
      ),
    );
  });
});
