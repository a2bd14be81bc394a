import type { SessionUser } from '@cascade/ui';
import { describe, expect, it } from 'vitest';
import { canManageInvoices, type InvoiceDetail, invoiceActions, isZero, listQuery, sortParam } from './api';

function user(overrides: Partial<SessionUser> = {}): SessionUser {
  return {
    id: 'u',
    name: 'U',
    roles: ['BILLING_MANAGER'],
    orgId: 'reseller-standard',
    orgName: 'Standard IT Partners',
    orgKind: 'RESELLER',
    resellerTier: 'STANDARD',
    ...overrides,
  };
}

function invoice(overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return {
    id: 'i',
    number: 'RST-1',
    type: 'DEBIT',
    stage: 'ISSUED',
    status: 'UNPAID',
    invoiceDate: '2026-01-01',
    periodStart: null,
    periodEnd: null,
    issuerOrgId: 'reseller-standard',
    clientOrgId: 'customer-acme',
    accountId: 'acc-customer-acme',
    currency: 'EUR',
    subtotal: '10.00',
    taxTotal: '2.10',
    total: '12.10',
    amountDue: '12.10',
    creditedInvoiceId: null,
    creditedInvoiceNumber: null,
    direction: 'ISSUED',
    issuerName: 'Standard IT Partners',
    clientName: 'Acme Corporation',
    accountName: 'Acme Corporation (EUR)',
    items: [],
    taxes: [],
    links: [],
    creditNotes: [],
    creditable: '12.10',
    source: 'MANUAL',
    pendingError: null,
    ...overrides,
  };
}

describe('the list query', () => {
  it('turns the grid sort into the API sort; the first sortable column wins', () => {
    expect(sortParam([])).toBe('invoiceDate:desc');
    expect(sortParam([{ colId: 'amountDue', sort: 'asc' }])).toBe('amountDue:asc');
    expect(
      sortParam([
        { colId: 'creditedInvoiceId', sort: 'asc' },
        { colId: 'number', sort: 'desc' },
      ]),
    ).toBe('number:desc');
  });

  it('sends the block window and only the filters that are set', () => {
    expect(
      listQuery(
        { direction: 'issued', status: 'UNPAID', number: '  RST ', dateFrom: '2026-01-01', stage: undefined },
        { startRow: 50, endRow: 100, sortModel: [] },
      ),
    ).toEqual({
      startRow: 50,
      endRow: 100,
      sort: 'invoiceDate:desc',
      direction: 'issued',
      status: 'UNPAID',
      number: 'RST',
      dateFrom: '2026-01-01',
    });
  });
});

describe('what is offered (the API refuses the rest)', () => {
  it('lets only a seller’s ADMIN or BILLING_MANAGER manage invoices', () => {
    expect(canManageInvoices(user())).toBe(true);
    expect(canManageInvoices(user({ roles: ['ADMIN'] }))).toBe(true);
    expect(canManageInvoices(user({ roles: ['USER'] }))).toBe(false);
    expect(canManageInvoices(user({ roles: ['MARKETPLACE_MANAGER'] }))).toBe(false);
    expect(canManageInvoices(user({ orgKind: 'CUSTOMER', resellerTier: null, roles: ['ADMIN'] }))).toBe(
      false,
    );
  });

  it('offers cancel, link and credit on an open issued invoice of the seller', () => {
    expect(invoiceActions(user(), invoice())).toEqual({
      issue: false,
      cancel: true,
      link: true,
      credit: true,
      cancelRefusal: null,
    });
  });

  it('offers nothing on what the user received, or to a USER', () => {
    const none = { issue: false, cancel: false, link: false, credit: false, cancelRefusal: null };
    expect(invoiceActions(user(), invoice({ direction: 'RECEIVED' }))).toEqual(none);
    expect(invoiceActions(user({ roles: ['USER'] }), invoice())).toEqual(none);
  });

  it('explains why a paid or canceled invoice cannot be canceled; credits while creditable', () => {
    const paid = invoiceActions(user(), invoice({ status: 'PAID', amountDue: '0.00' }));
    expect(paid).toMatchObject({ cancel: false, link: false, credit: true });
    expect(paid.cancelRefusal).toMatch(/credit note/);
    const credited = invoiceActions(user(), invoice({ status: 'PAID', creditable: '0.00' }));
    expect(credited.credit).toBe(false);
    expect(invoiceActions(user(), invoice({ status: 'CANCELED' })).cancelRefusal).toMatch(/already canceled/);
    // Partly credited: the API refuses to cancel it (its credit would become money never paid).
    const partly = invoiceActions(
      user(),
      invoice({
        creditable: '50.00',
        creditNotes: [{ id: 'c', number: '7', total: '50.00', status: 'PAID' }],
      }),
    );
    expect(partly).toMatchObject({ cancel: false, link: true, credit: true });
    expect(partly.cancelRefusal).toMatch(/another credit note/);
  });

  it('offers Issue on the seller’s own draft, unless it waits for its taxes', () => {
    const draft = invoice({ stage: 'PROFORMA', number: null, creditable: '0.00' });
    expect(invoiceActions(user(), draft)).toMatchObject({
      issue: true,
      cancel: false,
      link: false,
      credit: false,
    });
    expect(
      invoiceActions(user(), { ...draft, stage: 'PENDING', pendingError: 'tax service down' }).issue,
    ).toBe(false);
    // The distributor sees its resellers' drafts but issues only its own.
    expect(
      invoiceActions(user({ orgKind: 'DISTRIBUTOR', resellerTier: null }), { ...draft, direction: 'OTHER' })
        .issue,
    ).toBe(false);
  });

  it('reads zero amounts without arithmetic', () => {
    expect(['0', '0.00', '0.000', '-0.00'].every(isZero)).toBe(true);
    expect(['0.01', '10', '100.00'].some(isZero)).toBe(false);
  });
});
