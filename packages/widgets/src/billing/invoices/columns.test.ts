import { describe, expect, it } from 'vitest';
import { invoiceColumns, numberText } from './columns';

const ids = (o: Parameters<typeof invoiceColumns>[0]) => invoiceColumns(o).map((c) => c.colId);

describe('invoice grid columns', () => {
  it('shows amount and tax apart, or the amount including tax, per Amount Includes Tax', () => {
    expect(ids({ direction: 'received', amountIncludesTax: false })).toEqual([
      'number',
      'invoiceDate',
      'issuerOrgId',
      'type',
      'status',
      'subtotal',
      'taxTotal',
      'amountDue',
    ]);
    const withTax = invoiceColumns({ direction: 'received', amountIncludesTax: true });
    expect(withTax.map((c) => c.colId)).toEqual([
      'number',
      'invoiceDate',
      'issuerOrgId',
      'type',
      'status',
      'total',
      'amountDue',
    ]);
    expect(withTax.find((c) => c.colId === 'total')?.headerName).toBe('Amount (incl. tax)');
  });

  it('names the other side: From for received, To for issued, both for all', () => {
    expect(ids({ direction: 'issued', amountIncludesTax: true })).toContain('clientOrgId');
    expect(ids({ direction: 'issued', amountIncludesTax: true })).not.toContain('issuerOrgId');
    expect(ids({ direction: 'all', amountIncludesTax: true })).toEqual(
      expect.arrayContaining(['issuerOrgId', 'clientOrgId']),
    );
  });

  it('credit notes: the invoice they credit instead of a type, nothing due', () => {
    expect(ids({ direction: 'issued', fixedType: 'CREDIT', amountIncludesTax: false })).toEqual([
      'number',
      'invoiceDate',
      'clientOrgId',
      'creditedInvoiceId',
      'status',
      'subtotal',
      'taxTotal',
    ]);
  });

  it('sorts only where the API sorts, formats money in its currency and locale', () => {
    const cols = invoiceColumns({ direction: 'received', amountIncludesTax: false, locale: 'de-DE' });
    expect(cols.filter((c) => c.sortable).map((c) => c.colId)).toEqual([
      'number',
      'invoiceDate',
      'issuerOrgId',
      'type',
      'status',
      'amountDue',
    ]);
    const due = cols.find((c) => c.colId === 'amountDue')!;
    const format = due.valueFormatter as (p: { data: unknown }) => string;
    expect(format({ data: { amountDue: '1234.5', currency: 'EUR' } }).replace(/\s/g, ' ')).toBe('1.234,50 €');
    const from = cols.find((c) => c.colId === 'issuerOrgId')!.valueFormatter as (p: {
      data: unknown;
    }) => string;
    expect(from({ data: { issuerOrgId: 'reseller-standard', issuerName: 'Standard IT Partners' } })).toBe(
      'Standard IT Partners',
    );
    // An organization the caller may not see: its id.
    expect(from({ data: { issuerOrgId: 'reseller-standard', issuerName: null } })).toBe('reseller-standard');
    const credits = invoiceColumns({ direction: 'received', fixedType: 'CREDIT', amountIncludesTax: false });
    const credited = credits.find((c) => c.colId === 'creditedInvoiceId')!.valueFormatter as (p: {
      data: unknown;
    }) => string;
    expect(
      credited({
        data: { creditedInvoiceId: 'inv-distributor-000121', creditedInvoiceNumber: 'DST-000121' },
      }),
    ).toBe('DST-000121');
    // Every column flexes: the grid fills its width.
    expect(cols.every((c) => (c.flex ?? 0) > 0 && c.width === undefined)).toBe(true);
    expect(numberText({ number: null })).toBe('Draft');
    expect(numberText({ number: 'RST-000001' })).toBe('RST-000001');
  });
});
