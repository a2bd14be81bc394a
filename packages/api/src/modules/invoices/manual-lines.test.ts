import { Decimal } from '@cascade/billing-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeManualInvoice } from './manual-lines';

const vat = {
  code: 'VAT',
  type: 'VAT',
  chargeComponent: 'RECURRING',
  rates: [{ from: '2020-01-01', percent: '21' }],
};
const levy = {
  code: 'LEVY',
  type: 'LEVY',
  chargeComponent: 'ONE_TIME',
  rates: [{ from: '2020-01-01', percent: '7.5' }],
};

describe('manual invoice figures', () => {
  it('rounds each line once, taxes per line, totals as sums of the rounded parts', () => {
    const f = computeManualInvoice(
      [
        { description: 'a', quantity: '3', unitPrice: '10.005', taxes: [vat] },
        { description: 'b', quantity: '0.5', unitPrice: '0.01', taxes: [vat, levy] },
      ],
      { currency: 'EUR', invoiceDate: '2026-01-01', aggregateTaxes: false },
    );
    expect(f.lines.map((l) => [l.amount.toFixed(2), l.taxAmount.toFixed(2)])).toEqual([
      ['30.02', '6.30'],
      ['0.01', '0.00'],
    ]);
    expect([f.subtotal, f.taxTotal, f.total].map((d) => d.toFixed(2))).toEqual(['30.03', '6.30', '36.33']);
  });

  it('aggregated taxes: one amount per rate group, shared back to the lines exactly', () => {
    const lines = [1, 2, 3].map((i) => ({
      description: `l${i}`,
      quantity: '1',
      unitPrice: '0.05',
      taxes: [vat],
    }));
    const perLine = computeManualInvoice(lines, {
      currency: 'EUR',
      invoiceDate: '2026-01-01',
      aggregateTaxes: false,
    });
    const grouped = computeManualInvoice(lines, {
      currency: 'EUR',
      invoiceDate: '2026-01-01',
      aggregateTaxes: true,
    });
    // 0.05 × 21 % = 0.0105 → 0.01 per line (0.03); aggregated: 0.15 × 21 % = 0.0315 → 0.03.
    expect(perLine.taxTotal.toFixed(2)).toBe('0.03');
    expect(grouped.taxes).toHaveLength(1);
    expect(grouped.taxTotal.toFixed(2)).toBe('0.03');
    expect(grouped.lines.reduce((s, l) => s.plus(l.taxAmount), new Decimal(0)).toFixed(2)).toBe('0.03');
  });

  it('JPY has no minor unit', () => {
    const f = computeManualInvoice([{ description: 'x', quantity: '1.5', unitPrice: '333', taxes: [vat] }], {
      currency: 'JPY',
      invoiceDate: '2026-01-01',
      aggregateTaxes: false,
    });
    expect([f.subtotal.toFixed(), f.taxTotal.toFixed(), f.total.toFixed()]).toEqual(['500', '105', '605']);
  });

  it('invariant: total = subtotal + taxes = sum of line amounts and line taxes', () => {
    const line = fc.record({
      quantity: fc.integer({ min: 1, max: 100000 }).map((q) => new Decimal(q).div(100).toFixed()),
      unitPrice: fc.integer({ min: 0, max: 10000000 }).map((p) => new Decimal(p).div(10000).toFixed()),
      taxes: fc.subarray([vat, levy]),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), fc.boolean(), (ls, aggregate) => {
        const f = computeManualInvoice(
          ls.map((l) => ({ description: 'x', ...l })),
          { currency: 'EUR', invoiceDate: '2026-01-01', aggregateTaxes: aggregate },
        );
        const amounts = f.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
        const taxes = f.lines.reduce((s, l) => s.plus(l.taxAmount), new Decimal(0));
        expect(amounts.eq(f.subtotal)).toBe(true);
        expect(taxes.eq(f.taxTotal)).toBe(true);
        expect(f.total.eq(f.subtotal.plus(f.taxTotal))).toBe(true);
        for (const l of f.lines) expect(l.amount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });
});
