import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, formatAmount } from '../money';
import type { BillingOptions } from '../options';
import type { TaxDefinition } from '../taxes';
import {
  displayLines,
  type GeneratedInvoice,
  generateInvoices,
  type PreviewRequest,
  previewInvoices,
  type SubscriptionInput,
  withExternalTaxes,
} from './index';

const vat = (code: string, percent: string): TaxDefinition => ({
  code,
  type: 'VAT',
  chargeComponent: 'RECURRING',
  rates: [{ from: '2000-01-01', percent }],
});

const issueExample: PreviewRequest = {
  currency: 'EUR',
  invoiceDate: '2026-07-01',
  options: {
    monthDefinition: 'CALDAYS',
    prorataInclusive: false,
    invoiceGenerationRule: 'BILLING_PERIOD_WISE',
    enableConsolidatedPriceline: false,
    enableTaxAggregation: false,
    taxOnInvoiceDate: false,
    generateZeroValueCharge: false,
    requiredProrataFlatDiscount: false,
  },
  subscriptions: [
    {
      id: 'sub-1',
      name: 'Head office',
      accountId: 'acc-1',
      orderDate: '2026-06-20',
      startDate: '2026-07-01',
      billingFrequencyMonths: 1,
      lines: [
        {
          id: 'line-1',
          description: 'S1',
          unitPrice: '105.00',
          quantity: '1',
          term: 'MONTH',
          flatDiscount: '0',
          prorataRule: 'DAILY',
          taxes: [
            {
              code: 'T1',
              type: 'VAT',
              chargeComponent: 'RECURRING',
              rates: [{ from: '2000-01-01', percent: '10' }],
            },
          ],
        },
      ],
    },
  ],
};

const threeServices = (accountId = 'acc-1', id = 'sub-1'): SubscriptionInput => ({
  id,
  name: 'Plan',
  accountId,
  orderDate: '2026-06-20',
  startDate: '2026-07-01',
  billingFrequencyMonths: 1,
  lines: [
    { id: 'S1', description: 'S1', unitPrice: '105', quantity: '1', term: 'MONTH', taxes: [vat('T1', '10')] },
    { id: 'S2', description: 'S2', unitPrice: '155', quantity: '1', term: 'MONTH', taxes: [vat('T1', '10')] },
    { id: 'S3', description: 'S3', unitPrice: '100', quantity: '1', term: 'MONTH', taxes: [vat('T2', '15')] },
  ],
});

const amounts = (inv: GeneratedInvoice) =>
  [inv.subtotal, inv.taxTotal, inv.total].map((v) => formatAmount(v, inv.currency));

describe('previewInvoices', () => {
  it("answers issue 3's example exactly", () => {
    expect(previewInvoices(issueExample)).toEqual({
      invoices: [
        {
          accountId: 'acc-1',
          currency: 'EUR',
          invoiceDate: '2026-07-01',
          periodStart: '2026-07-01',
          periodEnd: '2026-07-31',
          lines: [
            {
              subscriptionId: 'sub-1',
              lineIds: ['line-1'],
              description: 'S1',
              periodStart: '2026-07-01',
              periodEnd: '2026-07-31',
              quantity: '1',
              unitPrice: '105.00',
              discount: '0.00',
              amount: '105.00',
            },
          ],
          taxes: [
            {
              code: 'T1',
              type: 'VAT',
              chargeComponent: 'RECURRING',
              percent: '10',
              base: '105.00',
              amount: '10.50',
            },
          ],
          subtotal: '105.00',
          taxTotal: '10.50',
          total: '115.50',
        },
      ],
    });
  });

  it('rejects bad input naming the field', () => {
    const bad = (patch: (r: PreviewRequest) => void) => {
      const r = structuredClone(issueExample);
      patch(r);
      return () => previewInvoices(r);
    };
    expect(bad((r) => (r.currency = 'EURO'))).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_CURRENCY', field: 'currency' }),
    );
    expect(bad((r) => (r.invoiceDate = '2026-02-30'))).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE', field: 'invoiceDate' }),
    );
    expect(bad((r) => (r.subscriptions[0]!.lines[0]!.quantity = '-1'))).toThrowError(
      expect.objectContaining({ code: 'NEGATIVE_AMOUNT', field: 'subscriptions.0.lines.0.quantity' }),
    );
    expect(bad((r) => (r.subscriptions[0]!.lines[0]!.term = 'WEEK' as 'MONTH'))).toThrowError(
      expect.objectContaining({ code: 'INVALID_TERM', field: 'subscriptions.0.lines.0.term' }),
    );
    expect(bad((r) => (r.options = { monthDefinition: 'X' as 'CALDAYS' }))).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION', field: 'options.monthDefinition' }),
    );
    expect(bad((r) => (r.subscriptions[0]!.startDate = '2026-06-31'))).toThrowError(
      expect.objectContaining({ field: 'subscriptions.0.startDate' }),
    );
  });

  it('formats amounts with the currency decimals', () => {
    const r = structuredClone(issueExample);
    r.currency = 'KWD';
    r.subscriptions[0]!.lines[0]!.unitPrice = '12.3456';
    const inv = previewInvoices(r).invoices[0]!;
    expect([inv.lines[0]!.unitPrice, inv.lines[0]!.amount, inv.taxes[0]!.amount, inv.total]).toEqual([
      '12.3456',
      '12.346',
      '1.235',
      '13.581',
    ]);
  });
});

describe('generateInvoices', () => {
  it('SPEC §9 tax aggregation on one invoice: T1 26, T2 15', () => {
    const [inv] = generateInvoices({
      currency: 'INR',
      invoiceDate: '2026-07-01',
      options: { enableTaxAggregation: true },
      subscriptions: [threeServices()],
    });
    expect(
      inv!.taxes.map((t) => [t.code, formatAmount(t.base, 'INR'), formatAmount(t.amount, 'INR')]),
    ).toEqual([
      ['T1', '260.00', '26.00'],
      ['T2', '100.00', '15.00'],
    ]);
    expect(amounts(inv!)).toEqual(['360.00', '41.00', '401.00']);
  });

  it('bills every period starting on or before the invoice date, one invoice per period', () => {
    const sub: SubscriptionInput = {
      id: 's',
      accountId: 'a',
      orderDate: '2026-01-10',
      startDate: '2026-01-16',
      billingFrequencyMonths: 1,
      lines: [{ id: 'l', description: 'Seat', unitPrice: '1000.00', quantity: '1', term: 'MONTH' }],
    };
    const invoices = generateInvoices({ currency: 'EUR', invoiceDate: '2026-03-01', subscriptions: [sub] });
    expect(invoices.map((i) => [i.periodStart, i.periodEnd, formatAmount(i.total, 'EUR')])).toEqual([
      ['2026-01-16', '2026-02-28', '1516.13'],
      ['2026-03-01', '2026-03-31', '1000.00'],
    ]);
    const consolidated = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-03-01',
      options: { invoiceGenerationRule: 'CONSOLIDATED' },
      subscriptions: [sub],
    });
    expect(consolidated).toHaveLength(1);
    expect([
      consolidated[0]!.periodStart,
      consolidated[0]!.periodEnd,
      formatAmount(consolidated[0]!.total, 'EUR'),
    ]).toEqual(['2026-01-16', '2026-03-31', '2516.13']);
    const inclusive = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-03-01',
      options: { prorataInclusive: true },
      subscriptions: [sub],
    });
    expect(inclusive.map((i) => [i.periodStart, i.periodEnd, formatAmount(i.total, 'EUR')])).toEqual([
      ['2026-01-16', '2026-01-31', '516.13'],
      ['2026-02-01', '2026-02-28', '1000.00'],
      ['2026-03-01', '2026-03-31', '1000.00'],
    ]);
  });

  it('Consolidated Priceline: one priceline per subscription and period, taxes still per service', () => {
    const [inv] = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-07-01',
      options: { enableConsolidatedPriceline: true },
      subscriptions: [threeServices()],
    });
    expect(inv!.lines).toHaveLength(1);
    expect(inv!.lines[0]!.lineIds).toEqual(['S1', 'S2', 'S3']);
    expect(inv!.lines[0]!.description).toBe('Plan');
    expect(formatAmount(inv!.lines[0]!.amount, 'EUR')).toBe('360.00');
    expect(inv!.taxes.map((t) => formatAmount(t.amount, 'EUR'))).toEqual(['10.50', '15.50', '15.00']);
    expect(amounts(inv!)).toEqual(['360.00', '41.00', '401.00']);
  });

  it('takes the tax rate of the order date, or of the invoice date with Tax on Invoice Date', () => {
    const sub = threeServices();
    const changing: TaxDefinition = {
      code: 'VAT',
      type: 'VAT',
      chargeComponent: 'RECURRING',
      rates: [
        { from: '2000-01-01', percent: '19' },
        { from: '2026-07-01', percent: '21' },
      ],
    };
    const one = { ...sub, lines: [{ ...sub.lines[2]!, taxes: [changing] }] };
    const byOrder = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-07-01',
      subscriptions: [one],
    })[0]!;
    const byInvoice = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-07-01',
      options: { taxOnInvoiceDate: true },
      subscriptions: [one],
    })[0]!;
    expect(formatAmount(byOrder.taxTotal, 'EUR')).toBe('19.00');
    expect(formatAmount(byInvoice.taxTotal, 'EUR')).toBe('21.00');
  });

  it('emits only what is not yet billed; canceled periods follow Regenerate Cancelled Invoice', () => {
    const input = { currency: 'EUR', invoiceDate: '2026-09-01', subscriptions: [threeServices()] };
    const first = generateInvoices(input);
    expect(first.map((i) => i.periodStart)).toEqual(['2026-07-01', '2026-08-01', '2026-09-01']);
    expect(generateInvoices({ ...input, existingInvoices: first })).toEqual([]);
    const oneCanceled = [{ ...first[0]!, status: 'CANCELED' }, first[1]!, first[2]!];
    const again = generateInvoices({ ...input, existingInvoices: oneCanceled });
    expect(again.map((i) => [i.periodStart, formatAmount(i.total, 'EUR')])).toEqual([
      ['2026-07-01', '401.00'],
    ]);
    expect(
      generateInvoices({
        ...input,
        existingInvoices: oneCanceled,
        options: { regenerateCancelledInvoice: false },
      }),
    ).toEqual([]);
    // A later run bills the next period only.
    const later = generateInvoices({ ...input, invoiceDate: '2026-10-15', existingInvoices: first });
    expect(later.map((i) => i.periodStart)).toEqual(['2026-10-01']);
  });

  it('numbers installments and stops after the last one', () => {
    const sub: SubscriptionInput = {
      id: 's',
      accountId: 'a',
      orderDate: '2026-01-01',
      startDate: '2026-01-01',
      billingFrequencyMonths: 1,
      lines: [
        { id: 'l', description: 'Laptop', unitPrice: '50', quantity: '1', term: 'MONTH', installments: 2 },
      ],
    };
    const invoices = generateInvoices({ currency: 'EUR', invoiceDate: '2026-04-01', subscriptions: [sub] });
    expect(invoices.map((i) => i.lines[0]!.description)).toEqual([
      'Laptop (installment 1 of 2)',
      'Laptop (installment 2 of 2)',
    ]);
  });

  it('drops zero-value lines unless Generate Zero Value Charge', () => {
    const sub = threeServices();
    const zero = {
      ...sub,
      lines: [
        ...sub.lines,
        { id: 'Z', description: 'Free', unitPrice: '0', quantity: '1', term: 'MONTH' as const },
      ],
    };
    expect(
      generateInvoices({ currency: 'EUR', invoiceDate: '2026-07-01', subscriptions: [zero] })[0]!.lines,
    ).toHaveLength(3);
    expect(
      generateInvoices({
        currency: 'EUR',
        invoiceDate: '2026-07-01',
        options: { generateZeroValueCharge: true },
        subscriptions: [zero],
      })[0]!.lines,
    ).toHaveLength(4);
  });

  it('External Tax Integration: pending until the service answers, pending with the error on failure', () => {
    const [inv] = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-07-01',
      options: { externalTaxIntegrationRequired: true },
      subscriptions: [threeServices()],
    });
    expect([inv!.status, inv!.taxes.length]).toEqual(['PENDING', 0]);
    const failed = withExternalTaxes(inv!, {
      status: 'PENDING',
      error: { code: 'EXTERNAL_TAX_FAILED', message: 'timeout' },
    });
    expect([failed.status, failed.taxError?.message]).toEqual(['PENDING', 'timeout']);
    const ready = withExternalTaxes(inv!, {
      status: 'READY',
      taxes: [
        {
          code: 'X',
          type: 'VAT',
          chargeComponent: 'R',
          percent: new Decimal(20),
          base: new Decimal(360),
          amount: new Decimal(72),
          chargeIds: [],
        },
      ],
    });
    expect([ready.status, ...amounts(ready)]).toEqual(['READY', '360.00', '72.00', '432.00']);
  });
});

describe('Amount Includes Tax and item details', () => {
  it('splits aggregated taxes over the lines exactly', () => {
    const sub = threeServices();
    const twoAt23 = {
      ...sub,
      lines: [
        {
          id: 'a',
          description: 'A',
          unitPrice: '55.55',
          quantity: '1',
          term: 'MONTH' as const,
          taxes: [vat('VAT', '23')],
        },
        {
          id: 'b',
          description: 'B',
          unitPrice: '11.11',
          quantity: '1',
          term: 'MONTH' as const,
          taxes: [vat('VAT', '23')],
        },
      ],
    };
    const [inv] = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-07-01',
      options: { enableTaxAggregation: true },
      subscriptions: [twoAt23],
    });
    expect(formatAmount(inv!.taxTotal, 'EUR')).toBe('15.33');
    const shown = displayLines(inv!, true);
    expect(shown.map((d) => [formatAmount(d.tax, 'EUR'), formatAmount(d.shown, 'EUR')])).toEqual([
      ['12.78', '68.33'],
      ['2.55', '13.66'],
    ]);
    expect(
      formatAmount(
        shown.reduce((s, d) => s.plus(d.shown), new Decimal(0)),
        'EUR',
      ),
    ).toBe(formatAmount(inv!.total, 'EUR'));
    expect(displayLines(inv!, false).map((d) => formatAmount(d.shown, 'EUR'))).toEqual(['55.55', '11.11']);
  });

  it('carries product, unit and pricing snapshot to each charge', () => {
    const snapshot = { unitCost: '80', strategy: 'MARKUP' as const, markupPercent: '25', srp: '120' };
    const sub: SubscriptionInput = {
      ...threeServices(),
      lines: [
        {
          id: 'x',
          description: 'Backup',
          unitPrice: '1200',
          quantity: '1',
          term: 'YEAR',
          product: { type: 'SaaS', name: 'Backup' },
          pricingSnapshot: snapshot,
        },
      ],
    };
    const charge = generateInvoices({ currency: 'EUR', invoiceDate: '2026-07-01', subscriptions: [sub] })[0]!
      .lines[0]!.charges[0]!;
    expect([charge.unit, charge.product, charge.pricingSnapshot, formatAmount(charge.amount, 'EUR')]).toEqual(
      ['Annually', { type: 'SaaS', name: 'Backup' }, snapshot, '100.00'],
    );
  });
});

describe('generateInvoices properties', () => {
  const lineArb = fc.record({
    price: fc.integer({ min: 0, max: 10 ** 7 }),
    quantity: fc.integer({ min: 0, max: 50 }),
    term: fc.constantFrom('MONTH' as const, 'YEAR' as const),
    discount: fc.integer({ min: 0, max: 5000 }),
    rule: fc.constantFrom('DAILY' as const, 'FULL_MONTH' as const),
    tax: fc.constantFrom('10', '15', '23'),
  });
  const subArb = fc.record({
    account: fc.constantFrom('a1', 'a2'),
    startDay: fc.integer({ min: 1, max: 28 }),
    startMonth: fc.integer({ min: 1, max: 6 }),
    frequency: fc.constantFrom(1, 3, 6, 12),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  });
  const optionsArb = fc.record({
    monthDefinition: fc.constantFrom('CALDAYS' as const, '30_DAYS' as const),
    prorataInclusive: fc.boolean(),
    invoiceGenerationRule: fc.constantFrom('BILLING_PERIOD_WISE' as const, 'CONSOLIDATED' as const),
    enableConsolidatedPriceline: fc.boolean(),
    enableTaxAggregation: fc.boolean(),
    requiredProrataFlatDiscount: fc.boolean(),
    generateZeroValueCharge: fc.boolean(),
  });
  type SubSpec = typeof subArb extends fc.Arbitrary<infer T> ? T : never;
  const build = (subs: SubSpec[]): SubscriptionInput[] =>
    subs.map((s, i) => ({
      id: `sub-${i}`,
      name: `Sub ${i}`,
      accountId: s.account,
      orderDate: '2026-01-01',
      startDate: `2026-${String(s.startMonth).padStart(2, '0')}-${String(s.startDay).padStart(2, '0')}`,
      billingFrequencyMonths: s.frequency,
      lines: s.lines.map((l, j) => ({
        id: `line-${j}`,
        description: `Service ${j}`,
        unitPrice: new Decimal(l.price).div(100).toFixed(),
        quantity: String(l.quantity),
        term: l.term,
        flatDiscount: new Decimal(l.discount).div(100).toFixed(),
        prorataRule: l.rule,
        taxes: [vat(`T${l.tax}`, l.tax)],
      })),
    }));
  const run = (
    subs: SubscriptionInput[],
    options: Partial<BillingOptions>,
    existing: GeneratedInvoice[] = [],
  ) =>
    generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-12-01',
      options,
      subscriptions: subs,
      existingInvoices: existing,
    });

  it('totals equal the sum of their stored parts', () => {
    fc.assert(
      fc.property(fc.array(subArb, { minLength: 1, maxLength: 3 }), optionsArb, (subs, options) => {
        for (const inv of run(build(subs), options)) {
          const lines = inv.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
          const taxes = inv.taxes.reduce((s, t) => s.plus(t.amount), new Decimal(0));
          expect(inv.subtotal.equals(lines)).toBe(true);
          expect(inv.taxTotal.equals(taxes)).toBe(true);
          expect(inv.total.equals(lines.plus(taxes))).toBe(true);
          const shares = displayLines(inv, true);
          expect(shares.reduce((s, d) => s.plus(d.tax), new Decimal(0)).equals(inv.taxTotal)).toBe(true);
          expect(shares.reduce((s, d) => s.plus(d.shown), new Decimal(0)).equals(inv.total)).toBe(true);
          for (const l of inv.lines) {
            expect(l.amount.decimalPlaces()).toBeLessThanOrEqual(2);
            expect(l.amount.isNegative()).toBe(false);
            expect(l.amount.equals(l.charges.reduce((s, c) => s.plus(c.amount), new Decimal(0)))).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('results do not depend on the order of subscriptions and lines', () => {
    fc.assert(
      fc.property(fc.array(subArb, { minLength: 1, maxLength: 3 }), optionsArb, (subs, options) => {
        const built = build(subs);
        const reversed = [...built].reverse().map((s) => ({ ...s, lines: [...s.lines].reverse() }));
        expect(previewLike(run(reversed, options))).toEqual(previewLike(run(built, options)));
      }),
      { numRuns: 60 },
    );
  });

  it('rerunning with its own output as existing invoices emits nothing', () => {
    fc.assert(
      fc.property(fc.array(subArb, { minLength: 1, maxLength: 3 }), optionsArb, (subs, options) => {
        const built = build(subs);
        const first = run(built, options);
        expect(run(built, options, first)).toEqual([]);
        // A later date emits only periods after the first run's.
        const later = generateInvoices({
          currency: 'EUR',
          invoiceDate: '2027-03-01',
          options,
          subscriptions: built,
          existingInvoices: first,
        });
        for (const inv of later) for (const l of inv.lines) expect(l.periodStart > '2026-12-01').toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

function previewLike(invoices: GeneratedInvoice[]) {
  return invoices.map((i) => ({
    ...i,
    subtotal: i.subtotal.toFixed(),
    taxTotal: i.taxTotal.toFixed(),
    total: i.total.toFixed(),
    lines: i.lines.map((l) => ({ ...l, amount: l.amount.toFixed(), charges: l.charges.length })),
    taxes: i.taxes.map((t) => [t.code, t.base.toFixed(), t.amount.toFixed(), t.chargeIds.join()]),
  }));
}
