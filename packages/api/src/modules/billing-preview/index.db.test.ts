import { auditLog, withSystem } from '@cascade/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await createTestApi();
  token = await api.token(FIXTURE.distributor, ['ADMIN']);
});
afterAll(() => api.close());

const tax = (code: string, percent: string) => ({
  code,
  type: 'VAT',
  chargeComponent: 'RECURRING',
  rates: [{ from: '2000-01-01', percent }],
});

/** The request of issue 3, with `patch` applied to its one line. */
const issueExample = (patch: Record<string, unknown> = {}, body: Record<string, unknown> = {}) => ({
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
          taxes: [tax('T1', '10')],
          ...patch,
        },
      ],
    },
  ],
  ...body,
});

type Invoice = {
  periodStart: string;
  periodEnd: string;
  lines: { amount: string; description: string }[];
  taxes: { code: string; base: string; amount: string; percent: string }[];
  subtotal: string;
  taxTotal: string;
  total: string;
};
const preview = async (body: unknown, t = token) => {
  const res = await api.call('POST', '/api/v1/billing/preview', { token: t, body });
  return res as {
    status: number;
    body: { invoices: Invoice[]; error?: { fields?: Record<string, string> } };
  };
};

/** One subscription starting `start`, one line at `price` with the given tax (or none). */
const single = (start: string, price: string, options: Record<string, unknown>, taxes: unknown[] = []) => ({
  currency: 'EUR',
  invoiceDate: start,
  options,
  subscriptions: [
    {
      id: 's',
      accountId: 'a',
      orderDate: start,
      startDate: start,
      billingFrequencyMonths: 1,
      lines: [{ id: 'l', description: 'x', unitPrice: price, quantity: '1', term: 'MONTH', taxes }],
    },
  ],
});

describe('POST /api/v1/billing/preview', () => {
  it("answers issue 3's example to the cent", async () => {
    const res = await preview(issueExample());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
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

  it("the seed's tax aggregation example: T1 = 26 (10 % of 260), T2 = 15", async () => {
    const lines = [
      {
        id: 'l1',
        description: 'S1',
        unitPrice: '105',
        quantity: '1',
        term: 'MONTH',
        taxes: [tax('T1', '10')],
      },
      {
        id: 'l2',
        description: 'S2',
        unitPrice: '155',
        quantity: '1',
        term: 'MONTH',
        taxes: [tax('T1', '10')],
      },
      {
        id: 'l3',
        description: 'S3',
        unitPrice: '100',
        quantity: '1',
        term: 'MONTH',
        taxes: [tax('T2', '15')],
      },
    ];
    const body = (aggregate: boolean) => ({
      ...issueExample(),
      options: { enableTaxAggregation: aggregate },
      subscriptions: [{ ...issueExample().subscriptions[0], lines }],
    });
    const on = await preview(body(true));
    expect(on.status).toBe(200);
    const inv = on.body.invoices[0]!;
    expect(inv.taxes.map((t) => [t.code, t.base, t.amount])).toEqual([
      ['T1', '260.00', '26.00'],
      ['T2', '100.00', '15.00'],
    ]);
    expect([inv.subtotal, inv.taxTotal, inv.total]).toEqual(['360.00', '41.00', '401.00']);
    const off = await preview(body(false));
    expect(off.body.invoices[0]!.taxes.map((t) => t.amount)).toEqual(['10.50', '15.50', '15.00']);
  });

  it('published examples: 16 of 31 days at 1000.00, 8 days at 19.95 in 30-day months, 23 % per line vs aggregated', async () => {
    const a = await preview(single('2026-07-16', '1000.00', { prorataInclusive: true }));
    expect(a.body.invoices[0]).toMatchObject({
      periodStart: '2026-07-16',
      periodEnd: '2026-07-31',
      subtotal: '516.13',
    });
    const b = await preview(
      single('2026-07-24', '19.95', { prorataInclusive: true, monthDefinition: '30_DAYS' }),
    );
    expect(b.body.invoices[0]).toMatchObject({ subtotal: '5.32' });

    const two = (aggregate: boolean) => ({
      ...single('2026-07-01', '0', { enableTaxAggregation: aggregate }),
      subscriptions: [
        {
          ...single('2026-07-01', '0', {}).subscriptions[0],
          lines: [
            {
              id: 'a',
              description: 'a',
              unitPrice: '55.55',
              quantity: '1',
              term: 'MONTH',
              taxes: [tax('V', '23')],
            },
            {
              id: 'b',
              description: 'b',
              unitPrice: '11.11',
              quantity: '1',
              term: 'MONTH',
              taxes: [tax('V', '23')],
            },
          ],
        },
      ],
    });
    expect((await preview(two(false))).body.invoices[0]!.taxTotal).toBe('15.34');
    expect((await preview(two(true))).body.invoices[0]!.taxTotal).toBe('15.33');
  });

  it("the seed's Prorata Inclusive example: start 15 June, every 3 months", async () => {
    const body = (inclusive: boolean) => ({
      ...single('2026-06-15', '30.00', { prorataInclusive: inclusive }),
      subscriptions: [{ ...single('2026-06-15', '30.00', {}).subscriptions[0], billingFrequencyMonths: 3 }],
    });
    const yes = await preview(body(true));
    expect(yes.body.invoices[0]).toMatchObject({ periodStart: '2026-06-15', periodEnd: '2026-08-31' });
    const no = await preview(body(false));
    expect(no.body.invoices[0]).toMatchObject({ periodStart: '2026-06-15', periodEnd: '2026-09-30' });
  });

  it('takes the defaults for options not sent, and an empty list of subscriptions', async () => {
    const res = await preview({ ...issueExample(), options: undefined });
    expect(res.body.invoices[0]!.total).toBe('115.50');
    const none = await preview({ ...issueExample(), subscriptions: [] });
    expect(none.body).toEqual({ invoices: [] });
  });

  it('is for the distributor ADMIN and BILLING_MANAGER only', async () => {
    expect(
      (await preview(issueExample(), await api.token(FIXTURE.distributor, ['BILLING_MANAGER']))).status,
    ).toBe(200);
    for (const [org, roles] of [
      [FIXTURE.distributor, ['USER', 'MARKETPLACE_MANAGER']],
      [FIXTURE.resellerA, ['ADMIN']],
      [FIXTURE.customerA, ['ADMIN', 'BILLING_MANAGER']],
    ] as const) {
      const res = await preview(issueExample(), await api.token(org, [...roles]));
      expect(res.status, org).toBe(403);
    }
    expect((await api.call('POST', '/api/v1/billing/preview', { body: issueExample() })).status).toBe(401);
  });

  it.each([
    [
      'an unknown option value',
      issueExample({}, { options: { monthDefinition: 'WEEKS' } }),
      'options.monthDefinition',
    ],
    [
      'an option of the wrong type',
      issueExample({}, { options: { prorataInclusive: 'yes' } }),
      'options.prorataInclusive',
    ],
    ['an unknown option', issueExample({}, { options: { roundUp: true } }), 'options.roundUp'],
    [
      'minimum vacation days above the maximum',
      issueExample({}, { options: { minimumVacationDays: 10, maximumVacationDays: 5 } }),
      'options.minimumVacationDays',
    ],
    ['an unknown currency', issueExample({}, { currency: 'XYZ' }), 'currency'],
    ['an impossible invoice date', issueExample({}, { invoiceDate: '2026-02-30' }), 'invoiceDate'],
    ['a date in another format', issueExample({}, { invoiceDate: '01/07/2026' }), 'invoiceDate'],
    ['a negative quantity', issueExample({ quantity: '-1' }), 'subscriptions.0.lines.0.quantity'],
    ['a quantity as a number', issueExample({ quantity: 1 }), 'subscriptions.0.lines.0.quantity'],
    ['a bad term', issueExample({ term: 'WEEK' }), 'subscriptions.0.lines.0.term'],
    [
      'a unit price with 7 decimals',
      issueExample({ unitPrice: '1.0000001' }),
      'subscriptions.0.lines.0.unitPrice',
    ],
    ['a bad prorata rule', issueExample({ prorataRule: 'HOURLY' }), 'subscriptions.0.lines.0.prorataRule'],
    [
      'an impossible tax rate date',
      issueExample({ taxes: [{ ...tax('T1', '10'), rates: [{ from: '2026-13-01', percent: '10' }] }] }),
      'subscriptions.0.lines.0.taxes.0.rates.0.from',
    ],
  ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
    const res = await preview(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ fields: { [field]: expect.any(String) } });
  });

  it('names a bad start date, a bad frequency, a missing field', async () => {
    const bad = issueExample();
    const sub = bad.subscriptions[0] as Record<string, unknown>;
    sub.startDate = '2026-04-31';
    sub.billingFrequencyMonths = 2;
    delete sub.accountId;
    const res = await preview(bad);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error?.fields ?? {}).sort()).toEqual([
      'subscriptions.0.accountId',
      'subscriptions.0.billingFrequencyMonths',
      'subscriptions.0.startDate',
    ]);
  });

  it('turns an engine refusal into a 400 with its field (a tax with no rate in force)', async () => {
    const res = await preview(
      issueExample({ taxes: [{ ...tax('T1', '10'), rates: [{ from: '2030-01-01', percent: '10' }] }] }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toBeDefined();
  });

  it('stores nothing', async () => {
    const rows = await withSystem(api.db.db, (tx) => tx.select().from(auditLog));
    expect(rows).toHaveLength(0);
  });
});
