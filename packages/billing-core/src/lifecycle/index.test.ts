import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '../calendar';
import { Decimal, formatAmount } from '../money';
import { defaultBillingOptions } from '../options';
import type { RatableLine } from '../rating';
import {
  accountTransferCredit,
  activeRanges,
  changeOrder,
  chargeFor,
  disconnectionCredit,
  recognitionSchedule,
  recognizedRevenue,
  vacationCredit,
  validateVacation,
} from './index';

const eur = (v: Decimal) => formatAmount(v, 'EUR');
const options = { ...defaultBillingOptions };
const july = { start: '2026-07-01', end: '2026-07-31' };
const quarter = { start: '2026-07-01', end: '2026-09-30' };
const daily: RatableLine = { unitPrice: '1000.00', quantity: '1', term: 'MONTH', prorataRule: 'DAILY' };
const fullMonth: RatableLine = {
  unitPrice: '100.00',
  quantity: '1',
  term: 'MONTH',
  prorataRule: 'FULL_MONTH',
};

describe('disconnection credit', () => {
  it('EXACT + DAILY credits the unused days; the disconnection day is used', () => {
    const r = disconnectionCredit({
      line: daily,
      creditRule: 'EXACT',
      billedPeriod: july,
      billedAmount: '1000.00',
      disconnectionDate: '2026-07-15',
      currency: 'EUR',
      options,
    });
    expect([eur(r.kept), eur(r.credit), r.creditedRange]).toEqual([
      '483.87',
      '516.13',
      { start: '2026-07-16', end: '2026-07-31' },
    ]);
    const last = disconnectionCredit({
      line: daily,
      creditRule: 'EXACT',
      billedPeriod: july,
      billedAmount: '1000.00',
      disconnectionDate: '2026-07-31',
      currency: 'EUR',
      options,
    });
    expect(eur(last.credit)).toBe('0.00');
  });

  it('NODC + DAILY gives no credit', () => {
    const r = disconnectionCredit({
      line: daily,
      creditRule: 'NODC',
      billedPeriod: july,
      billedAmount: '1000.00',
      disconnectionDate: '2026-07-15',
      currency: 'EUR',
      options,
    });
    expect([eur(r.kept), eur(r.credit), r.creditedRange]).toEqual(['1000.00', '0.00', null]);
  });

  it('FULL_MONTH credits only the whole months after the disconnection month', () => {
    const base = {
      line: fullMonth,
      billedPeriod: quarter,
      billedAmount: '300.00',
      disconnectionDate: '2026-08-10',
      currency: 'EUR',
    };
    const exact = disconnectionCredit({ ...base, creditRule: 'EXACT', options });
    expect([eur(exact.kept), eur(exact.credit), exact.creditedRange]).toEqual([
      '200.00',
      '100.00',
      { start: '2026-09-01', end: '2026-09-30' },
    ]);
    // Generate Full Month Charge Even After Disconnection of NODC = No: NODC still credits the remaining months.
    const nodcNo = disconnectionCredit({ ...base, creditRule: 'NODC', options });
    expect(eur(nodcNo.credit)).toBe('100.00');
    // … = Yes: no credit at all.
    const nodcYes = disconnectionCredit({
      ...base,
      creditRule: 'NODC',
      options: { ...options, generateFullMonthChargeEvenAfterDisconnectionOfNodc: true },
    });
    expect(eur(nodcYes.credit)).toBe('0.00');
    const lastMonth = disconnectionCredit({
      ...base,
      disconnectionDate: '2026-09-02',
      creditRule: 'EXACT',
      options,
    });
    expect(eur(lastMonth.credit)).toBe('0.00');
  });

  it('Exact Disconnection Credit on Ad Hoc Price Change: exact from the ad hoc price, or none', () => {
    const line = { ...daily, adHocPrice: '310.00' };
    const base = {
      line,
      creditRule: 'EXACT' as const,
      billedPeriod: july,
      billedAmount: '310.00',
      disconnectionDate: '2026-07-21',
      currency: 'EUR',
    };
    expect(eur(disconnectionCredit({ ...base, options }).credit)).toBe('100.00');
    expect(
      eur(
        disconnectionCredit({
          ...base,
          options: { ...options, exactDisconnectionCreditOnAdHocPriceChange: false },
        }).credit,
      ),
    ).toBe('0.00');
  });

  it('for any disconnection day, kept + credit = the original charge, to the cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 7 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 91 }),
        fc.constantFrom('EXACT' as const, 'NODC' as const),
        fc.constantFrom('DAILY' as const, 'FULL_MONTH' as const),
        fc.constantFrom('CALDAYS' as const, '30_DAYS' as const),
        fc.boolean(),
        (cents, qty, offset, creditRule, prorataRule, monthDefinition, nodcFull) => {
          const line: RatableLine = {
            unitPrice: (cents / 100).toFixed(2),
            quantity: String(qty),
            term: 'MONTH',
            prorataRule,
          };
          const o = {
            ...options,
            monthDefinition,
            generateFullMonthChargeEvenAfterDisconnectionOfNodc: nodcFull,
          };
          const billed = chargeFor(line, quarter, 'EUR', o);
          const disconnectionDate = addDays(quarter.start, offset);
          const r = disconnectionCredit({
            line,
            creditRule,
            billedPeriod: quarter,
            billedAmount: billed,
            disconnectionDate,
            currency: 'EUR',
            options: o,
          });
          expect(r.kept.plus(r.credit).equals(billed)).toBe(true);
          expect(r.credit.isNegative()).toBe(false);
          if (r.creditedRange) expect(r.creditedRange.start > disconnectionDate).toBe(true);
        },
      ),
    );
  });
});

describe('account transfer', () => {
  const base = {
    line: daily,
    billedPeriod: july,
    billedAmount: '1000.00',
    transferDate: '2026-07-16',
    currency: 'EUR',
  };
  it('credits none, the exact usage, or the custom percentage', () => {
    const none = accountTransferCredit({ ...base, options });
    expect([eur(none.credit), none.oldAccountEndDate, none.newAccountStartDate]).toEqual([
      '0.00',
      '2026-07-15',
      '2026-07-16',
    ]);
    const exact = accountTransferCredit({
      ...base,
      options: { ...options, accountTransferDisconnectionCreditRule: 'EXACT_USAGE' },
    });
    expect([eur(exact.kept), eur(exact.credit)]).toEqual(['483.87', '516.13']);
    const custom = accountTransferCredit({
      ...base,
      options: {
        ...options,
        accountTransferDisconnectionCreditRule: 'CUSTOM_RULE',
        accountTransferCustomCreditPercent: '50',
      },
    });
    expect([eur(custom.kept), eur(custom.credit)]).toEqual(['741.93', '258.07']);
  });

  it('never bills one day to both accounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (offset) => {
        const transferDate = addDays(july.start, offset);
        const r = accountTransferCredit({
          ...base,
          transferDate,
          options: { ...options, accountTransferDisconnectionCreditRule: 'EXACT_USAGE' },
        });
        expect(toDayNumber(r.newAccountStartDate) - toDayNumber(r.oldAccountEndDate)).toBe(1);
        expect(r.kept.plus(r.credit).toFixed(2)).toBe('1000.00');
        if (r.creditedRange) expect(r.creditedRange.start).toBe(r.newAccountStartDate);
      }),
    );
  });
});

describe('change orders', () => {
  const before: RatableLine = { unitPrice: '31.00', quantity: '10', term: 'MONTH' };
  const after: RatableLine = { unitPrice: '31.00', quantity: '20', term: 'MONTH' };
  it('Bill Till End of Current Payterm Yes: credit the old, charge the new to the period end, now', () => {
    const r = changeOrder({
      before,
      after,
      changeDate: '2026-07-22',
      currentPeriod: july,
      billedAmount: '310.00',
      currency: 'EUR',
      options: { ...options, billTillEndOfCurrentPaytermForChangeOrder: true },
    });
    expect(r).toMatchObject({ mode: 'NOW', range: { start: '2026-07-22', end: '2026-07-31' } });
    if (r.mode === 'NOW') expect([eur(r.credit), eur(r.charge)]).toEqual(['100.00', '200.00']);
  });

  it('No: the new configuration starts with the next period', () => {
    expect(
      changeOrder({
        before,
        after,
        changeDate: '2026-07-22',
        currentPeriod: july,
        billedAmount: '310.00',
        currency: 'EUR',
        options,
      }),
    ).toEqual({
      mode: 'NEXT_PERIOD',
      effectiveFrom: '2026-08-01',
    });
  });
});

describe('vacations', () => {
  const o = { ...options, minimumVacationDays: 7, maximumVacationDays: 30 };
  it('must last between the minimum and maximum days', () => {
    expect(validateVacation({ start: '2026-07-01', end: '2026-07-07' }, o)).toEqual({ ok: true, days: 7 });
    expect(validateVacation({ start: '2026-07-01', end: '2026-07-06' }, o)).toMatchObject({
      ok: false,
      code: 'VACATION_TOO_SHORT',
    });
    expect(validateVacation({ start: '2026-07-01', end: '2026-07-31' }, o)).toMatchObject({
      ok: false,
      code: 'VACATION_TOO_LONG',
    });
    expect(validateVacation({ start: '2026-07-01', end: '2026-06-31' }, o)).toMatchObject({
      ok: false,
      code: 'INVALID_DATE',
    });
  });

  it('credits the vacation days of a billed period, never making a charge negative', () => {
    const r = vacationCredit({
      line: daily,
      billedPeriod: july,
      billedAmount: '1000.00',
      vacation: { start: '2026-07-25', end: '2026-08-10' },
      currency: 'EUR',
      options,
    });
    expect([eur(r.credit), eur(r.kept)]).toEqual(['225.81', '774.19']);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 100000 }),
        (a, len, discountCents) => {
          const line = { ...daily, flatDiscount: (discountCents / 100).toFixed(2) };
          const billed = chargeFor(line, july, 'EUR', options);
          const start = fromDayNumber(toDayNumber('2026-06-20') + a);
          const v = vacationCredit({
            line,
            billedPeriod: july,
            billedAmount: billed,
            vacation: { start, end: addDays(start, len) },
            currency: 'EUR',
            options,
          });
          expect(v.kept.isNegative()).toBe(false);
          expect(v.kept.plus(v.credit).equals(billed)).toBe(true);
        },
      ),
    );
  });
});

describe('revenue recognition', () => {
  it('per month, per day and per accounting period, parts summing exactly', () => {
    const month = recognitionSchedule({
      amount: '100.00',
      currency: 'EUR',
      range: { start: '2026-07-16', end: '2026-09-15' },
      interval: 'MONTH',
    });
    expect(month.map((p) => [p.start, p.end, eur(p.amount)])).toEqual([
      ['2026-07-16', '2026-07-31', '25.81'],
      ['2026-08-01', '2026-08-31', '50.00'],
      ['2026-09-01', '2026-09-15', '24.19'],
    ]);
    const day = recognitionSchedule({
      amount: '10.00',
      currency: 'EUR',
      range: { start: '2026-07-01', end: '2026-07-03' },
      interval: 'DAY',
    });
    expect(day.map((p) => eur(p.amount))).toEqual(['3.34', '3.33', '3.33']);
    // Up to the calendar's last day (a string loop stepped past it into "10000-01-01").
    const lastDays = recognitionSchedule({
      amount: '2.00',
      currency: 'EUR',
      range: { start: '9999-12-30', end: '9999-12-31' },
      interval: 'DAY',
    });
    expect(lastDays.map((p) => [p.start, eur(p.amount)])).toEqual([
      ['9999-12-30', '1.00'],
      ['9999-12-31', '1.00'],
    ]);
    const periods = [
      { start: '2026-06-26', end: '2026-07-25' },
      { start: '2026-07-26', end: '2026-08-25' },
    ];
    const acc = recognitionSchedule({
      amount: '31',
      currency: 'JPY',
      range: { start: '2026-07-01', end: '2026-07-31' },
      interval: 'ACCOUNTING_PERIOD',
      accountingPeriods: periods,
    });
    expect(acc.map((p) => [p.start, p.end, p.amount.toFixed()])).toEqual([
      ['2026-07-01', '2026-07-25', '25'],
      ['2026-07-26', '2026-07-31', '6'],
    ]);
    expect(() =>
      recognitionSchedule({
        amount: '31',
        currency: 'JPY',
        range: { start: '2026-07-01', end: '2026-08-31' },
        interval: 'ACCOUNTING_PERIOD',
        accountingPeriods: periods,
      }),
    ).toThrowError(expect.objectContaining({ code: 'ACCOUNTING_PERIODS_GAP' }));
  });

  it('recognized plus deferred always equals what was invoiced', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom('MONTH' as const, 'DAY' as const),
        (cents, len, asOf, interval) => {
          const amount = new Decimal(cents).div(100);
          const range = { start: '2026-01-10', end: addDays('2026-01-10', len) };
          const schedule = recognitionSchedule({ amount, currency: 'EUR', range, interval });
          const { recognized, deferred } = recognizedRevenue(schedule, addDays('2026-01-01', asOf));
          expect(recognized.plus(deferred).equals(amount)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('month definition in credits', () => {
  it('CALDAYS credits the unused days of the calendar month, 30_DAYS a thirtieth per day', () => {
    const base = {
      line: daily,
      creditRule: 'EXACT' as const,
      billedPeriod: july,
      billedAmount: '1000.00',
      disconnectionDate: '2026-07-15',
      currency: 'EUR',
    };
    // 16 unused days of July: 16/31 of 1000 with CALDAYS; kept 15/30 of 1000 with 30_DAYS.
    expect(eur(disconnectionCredit({ ...base, options }).credit)).toBe('516.13');
    expect(
      eur(disconnectionCredit({ ...base, options: { ...options, monthDefinition: '30_DAYS' } }).credit),
    ).toBe('500.00');
  });
});

describe('suspended days (vacations) in a billing run', () => {
  it('leaves out the vacation days, keeps every other day once', () => {
    expect(activeRanges(july, [{ start: '2026-07-10', end: '2026-07-19' }])).toEqual([
      { start: '2026-07-01', end: '2026-07-09' },
      { start: '2026-07-20', end: '2026-07-31' },
    ]);
    expect(activeRanges(july, [{ start: '2026-06-20', end: '2026-08-10' }])).toEqual([]);
    expect(activeRanges(july, [{ start: '2026-08-01', end: '2026-08-10' }])).toEqual([july]);
    expect(
      activeRanges(july, [
        { start: '2026-07-25', end: '2026-07-31' },
        { start: '2026-07-01', end: '2026-07-02' },
      ]),
    ).toEqual([{ start: '2026-07-03', end: '2026-07-24' }]);
  });

  it('for any vacations, no suspended day is charged and every other day is, once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -10, max: 100 }), fc.integer({ min: 0, max: 40 })), {
          maxLength: 4,
        }),
        (specs) => {
          const vacations = specs.map(([a, len]) => {
            const start = addDays(quarter.start, a);
            return { start, end: addDays(start, len) };
          });
          const parts = activeRanges(quarter, vacations);
          const seen = new Set<string>();
          for (const p of parts) {
            expect(p.start <= p.end).toBe(true);
            for (let d = p.start; d <= p.end; d = addDays(d, 1)) {
              expect(seen.has(d)).toBe(false);
              seen.add(d);
            }
          }
          for (let d = quarter.start; d <= quarter.end; d = addDays(d, 1)) {
            const suspended = vacations.some((v) => v.start <= d && d <= v.end);
            expect(seen.has(d)).toBe(!suspended);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('revenue recognition per accounting period', () => {
  it('recognized plus deferred equals the invoiced amount for any accounting calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 200 }),
        (cents, lengths, asOf) => {
          // Consecutive accounting periods from 2025-12-27 covering at least 2026-01-01 … 2026-03-31.
          const periods: { start: string; end: string }[] = [];
          let start = '2025-12-27';
          for (let i = 0; start <= '2026-03-31'; i++) {
            const end = addDays(start, lengths[i % lengths.length]! - 1);
            periods.push({ start, end });
            start = addDays(end, 1);
          }
          const amount = new Decimal(cents).div(100);
          const range = { start: '2026-01-01', end: '2026-03-31' };
          const schedule = recognitionSchedule({
            amount,
            currency: 'EUR',
            range,
            interval: 'ACCOUNTING_PERIOD',
            accountingPeriods: periods,
          });
          expect(schedule.reduce((s, p) => s.plus(p.amount), new Decimal(0)).equals(amount)).toBe(true);
          const { recognized, deferred } = recognizedRevenue(schedule, addDays('2025-12-20', asOf));
          expect(recognized.plus(deferred).equals(amount)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
