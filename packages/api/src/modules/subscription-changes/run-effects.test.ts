import type { SubscriptionLineInput } from '@cascade/billing-core';
import { generateInvoices } from '@cascade/billing-core';
import { describe, expect, it } from 'vitest';
import { splitLine } from './run-effects';

const line: SubscriptionLineInput = {
  id: 'l1',
  description: 'Basic',
  unitPrice: '10.00',
  quantity: '31',
  term: 'MONTH',
};
const sub = {
  id: 's1',
  accountId: 'a1',
  orderDate: '2026-07-01',
  startDate: '2026-07-01',
  billingFrequencyMonths: 1,
};
const vacation = (start: string, end: string, lineId: string | null = null) => ({
  subscription_id: 's1',
  subscription_line_id: lineId,
  start,
  end,
});

describe('vacations in a billing run', () => {
  it('gives the engine the line outside its vacations, so their days are never charged', () => {
    const parts = splitLine(sub, line, [vacation('2026-08-01', '2026-08-10')]);
    expect(parts.map((p) => [p.startDate, p.endDate])).toEqual([
      ['2026-07-01', '2026-07-31'],
      ['2026-08-11', '9999-12-31'],
    ]);
    const invoices = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-08-01',
      subscriptions: [{ ...sub, lines: parts }],
    });
    expect(
      invoices.map((i) => [
        i.periodStart,
        i.lines.map((l) => [l.periodStart, l.periodEnd, l.amount.toFixed(2)]),
      ]),
    ).toEqual([
      ['2026-07-01', [['2026-07-01', '2026-07-31', '310.00']]],
      ['2026-08-01', [['2026-08-11', '2026-08-31', '210.00']]],
    ]);
    // Run again with its own output as what is billed: nothing new.
    expect(
      generateInvoices({
        currency: 'EUR',
        invoiceDate: '2026-08-01',
        subscriptions: [{ ...sub, lines: parts }],
        existingInvoices: invoices,
      }),
    ).toEqual([]);
  });

  it('a vacation of another line changes nothing; a whole-period vacation charges nothing', () => {
    expect(splitLine(sub, line, [vacation('2026-07-05', '2026-07-09', 'l2')])).toEqual([line]);
    const parts = splitLine(sub, line, [vacation('2026-08-01', '2026-08-31')]);
    const invoices = generateInvoices({
      currency: 'EUR',
      invoiceDate: '2026-08-01',
      subscriptions: [{ ...sub, lines: parts }],
      existingInvoices: [
        {
          accountId: 'a1',
          lines: [
            { subscriptionId: 's1', lineIds: ['l1'], periodStart: '2026-07-01', periodEnd: '2026-07-31' },
          ],
        },
      ],
    });
    expect(invoices).toEqual([]);
  });
});
