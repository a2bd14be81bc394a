import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, formatAmount } from '../money';
import {
  computeTaxes,
  quoteExternalTaxes,
  rateInForce,
  type TaxableCharge,
  type TaxDefinition,
  type TaxProvider,
} from './index';

const tax = (code: string, percent: string, type = 'VAT', chargeComponent = 'RECURRING'): TaxDefinition => ({
  code,
  type,
  chargeComponent,
  rates: [{ from: '2000-01-01', percent }],
});
const charge = (id: string, amount: string, taxes: TaxDefinition[]): TaxableCharge => ({
  id,
  amount: new Decimal(amount),
  taxes,
  taxDate: '2026-07-01',
});
const view = (lines: ReturnType<typeof computeTaxes>) =>
  lines.map((l) => [l.code, l.percent.toFixed(), formatAmount(l.base, 'INR'), formatAmount(l.amount, 'INR')]);

describe('taxes', () => {
  it('SPEC §9 aggregation: S1 105 and S2 155 at T1 10 %, S3 100 at T2 15 % → T1 26, T2 15', () => {
    const charges = [
      charge('S1', '105', [tax('T1', '10')]),
      charge('S2', '155', [tax('T1', '10')]),
      charge('S3', '100', [tax('T2', '15')]),
    ];
    expect(view(computeTaxes(charges, { aggregate: true, currency: 'INR' }))).toEqual([
      ['T1', '10', '260.00', '26.00'],
      ['T2', '15', '100.00', '15.00'],
    ]);
    expect(view(computeTaxes(charges, { aggregate: false, currency: 'INR' }))).toEqual([
      ['T1', '10', '105.00', '10.50'],
      ['T1', '10', '155.00', '15.50'],
      ['T2', '15', '100.00', '15.00'],
    ]);
  });

  it('55.55 and 11.11 at 23 % → 15.34 per line, 15.33 aggregated', () => {
    const charges = [charge('a', '55.55', [tax('VAT', '23')]), charge('b', '11.11', [tax('VAT', '23')])];
    const sum = (lines: ReturnType<typeof computeTaxes>) =>
      formatAmount(
        lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)),
        'EUR',
      );
    expect(sum(computeTaxes(charges, { aggregate: false, currency: 'EUR' }))).toBe('15.34');
    expect(sum(computeTaxes(charges, { aggregate: true, currency: 'EUR' }))).toBe('15.33');
  });

  it('aggregates only same rate, code, type and charge component', () => {
    const charges = [
      charge('a', '100', [tax('T1', '10')]),
      charge('b', '100', [tax('T1', '10', 'GST')]),
      charge('c', '100', [tax('T1', '10', 'VAT', 'ONE_TIME')]),
      charge('d', '100', [tax('T1', '12')]),
    ];
    expect(computeTaxes(charges, { aggregate: true, currency: 'EUR' })).toHaveLength(4);
  });

  it('takes the rate in force on the given date', () => {
    const t: TaxDefinition = {
      code: 'VAT',
      type: 'VAT',
      chargeComponent: 'RECURRING',
      rates: [
        { from: '2026-01-01', percent: '21' },
        { from: '2020-01-01', percent: '19' },
      ],
    };
    expect(rateInForce(t, '2025-12-31').toFixed()).toBe('19');
    expect(rateInForce(t, '2026-01-01').toFixed()).toBe('21');
    expect(() => rateInForce(t, '2019-12-31')).toThrowError(expect.objectContaining({ code: 'NO_TAX_RATE' }));
  });

  it('aggregated taxes do not depend on charge order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 ** 7 }), fc.constantFrom('10', '15', '23')), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer(),
        (items, seed) => {
          const charges = items.map(([cents, pct], i) =>
            charge(`c${i}`, (cents / 100).toFixed(2), [tax(`T${pct}`, pct)]),
          );
          const shuffled = [...charges].sort(
            (a, b) => ((a.id.length * seed) % 7) - ((b.id.length * seed) % 7) || (b.id < a.id ? -1 : 1),
          );
          const a = computeTaxes(charges, { aggregate: true, currency: 'EUR' });
          const b = computeTaxes(shuffled, { aggregate: true, currency: 'EUR' });
          expect(view(b)).toEqual(view(a));
          expect(b.map((l) => l.chargeIds)).toEqual(a.map((l) => l.chargeIds));
        },
      ),
    );
  });
});

describe('external tax provider', () => {
  const request = {
    invoiceKey: 'inv-1',
    currency: 'EUR',
    invoiceDate: '2026-07-01',
    lines: [
      { id: 'l1', amount: '100.00', taxes: [{ code: 'VAT', type: 'VAT', chargeComponent: 'RECURRING' }] },
    ],
  };

  it('uses the amounts of the service', async () => {
    const provider: TaxProvider = {
      quote: async () => ({
        taxes: [
          {
            lineIds: ['l1'],
            code: 'VAT',
            type: 'VAT',
            chargeComponent: 'RECURRING',
            percent: '19',
            base: '100.00',
            amount: '19.00',
          },
        ],
      }),
    };
    const outcome = await quoteExternalTaxes(provider, request);
    expect(outcome.status).toBe('READY');
    if (outcome.status === 'READY') expect(formatAmount(outcome.taxes[0]!.amount, 'EUR')).toBe('19.00');
  });

  it('stays PENDING with the error when the service fails or answers nonsense', async () => {
    const failing: TaxProvider = { quote: async () => Promise.reject(new Error('timeout after 5000 ms')) };
    expect(await quoteExternalTaxes(failing, request)).toEqual({
      status: 'PENDING',
      error: { code: 'EXTERNAL_TAX_FAILED', message: 'timeout after 5000 ms' },
    });
    const bad: TaxProvider = {
      quote: async () => ({
        taxes: [
          {
            lineIds: ['l1'],
            code: 'VAT',
            type: 'VAT',
            chargeComponent: 'R',
            percent: '19',
            base: '100',
            amount: '19.001',
          },
        ],
      }),
    };
    const outcome = await quoteExternalTaxes(bad, request);
    expect(outcome).toMatchObject({ status: 'PENDING', error: { code: 'TOO_MANY_DECIMALS' } });
  });
});
