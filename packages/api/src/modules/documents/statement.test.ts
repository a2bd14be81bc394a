import { type LedgerState, statementOfAccount } from '@cascade/billing-core';
import { describe, expect, it } from 'vitest';
import { addressLines } from './format';
import { statementFigures } from './statement';

const state: LedgerState = {
  accounts: {
    A: { id: 'A', currency: 'EUR', parentAccountId: null },
    B: { id: 'B', currency: 'EUR', parentAccountId: null },
  },
  documents: [
    { kind: 'DEBIT_INVOICE', id: 'inv1', accountId: 'A', date: '2026-01-05', total: '100.00' },
    {
      kind: 'PAYMENT',
      id: 'pay1',
      accountId: 'A',
      date: '2026-01-10',
      amount: '150.00',
      cashDeskId: null,
      method: 'BANK_TRANSFER',
      reference: 'BANK-1',
    },
    {
      kind: 'LINK',
      id: 'link1',
      accountId: 'A',
      date: '2026-01-10',
      invoiceId: 'inv1',
      sourceId: 'pay1',
      amount: '100.00',
    },
    { kind: 'DEBIT_INVOICE', id: 'inv2', accountId: 'A', date: '2026-02-01', total: '80.00' },
    { kind: 'TRANSFER', id: 'tr1', accountId: 'A', toAccountId: 'B', date: '2026-02-02', amount: '20.00' },
    {
      kind: 'CREDIT_INVOICE',
      id: 'cred1',
      accountId: 'A',
      date: '2026-02-03',
      total: '10.00',
      againstInvoiceId: 'inv2',
    },
    {
      kind: 'WRITE_OFF',
      id: 'wo1',
      accountId: 'A',
      date: '2026-02-04',
      amount: '5.00',
      reason: 'Goodwill',
      invoiceId: null,
    },
  ],
  entries: [
    { documentId: 'pay1', accountId: 'A', amount: '150.00' },
    { documentId: 'link1', accountId: 'A', amount: '-100.00' },
    { documentId: 'tr1', accountId: 'A', amount: '-20.00' },
    { documentId: 'tr1', accountId: 'B', amount: '20.00' },
    { documentId: 'cred1', accountId: 'A', amount: '10.00' },
    { documentId: 'wo1', accountId: 'A', amount: '-5.00' },
  ],
};

const names = {
  invoiceNumbers: new Map([
    ['inv1', 'INV-1'],
    ['inv2', 'INV-2'],
    ['cred1', 'CR-1'],
  ]),
  accountNames: new Map([['B', 'Other Co (EUR)']]),
};

describe('statement figures', () => {
  const statement = statementOfAccount(state, 'A', '2026-01-06', '2026-02-28');
  const figures = statementFigures(statement, state.documents, names, 'EUR');

  it("are the statement's own figures: owed = due − balance, opening and closing", () => {
    expect(figures.opening).toEqual({ balance: '0.00', due: '100.00', owed: '100.00' });
    expect(figures.closing).toEqual({ balance: '35.00', due: '80.00', owed: '45.00' });
    expect(figures.lines.map((l) => l.balance).at(-1)).toBe(figures.closing.owed);
  });

  it('make each document a debit or a credit with the running balance', () => {
    expect(figures.lines.map((l) => [l.date, l.number, l.debit, l.credit, l.balance])).toEqual([
      ['2026-01-10', 'BANK-1', null, '150.00', '-50.00'],
      ['2026-01-10', 'INV-1', null, null, '-50.00'],
      ['2026-02-01', 'INV-2', '80.00', null, '30.00'],
      ['2026-02-02', '', '20.00', null, '50.00'],
      ['2026-02-03', 'CR-1', null, '10.00', '40.00'],
      ['2026-02-04', '', '5.00', null, '45.00'],
    ]);
    expect(figures.totalDebit).toBe('105.00');
    expect(figures.totalCredit).toBe('160.00');
  });

  it('describe every document in words', () => {
    expect(figures.lines.map((l) => l.description)).toEqual([
      'Payment (bank transfer)',
      '100.00 applied to invoice INV-1 from payment BANK-1',
      'Invoice',
      'Transfer to Other Co (EUR)',
      'Credit note against INV-2',
      'Write-off: Goodwill',
    ]);
    const other = statementFigures(
      statementOfAccount(state, 'B', '2026-01-01', '2026-12-31'),
      state.documents,
      names,
      'EUR',
    );
    expect(other.lines).toEqual([
      {
        date: '2026-02-02',
        number: '',
        description: 'Transfer from another account',
        debit: null,
        credit: '20.00',
        balance: '-20.00',
      },
    ]);
  });

  it('hold on an empty period: opening = closing', () => {
    const empty = statementFigures(
      statementOfAccount(state, 'A', '2027-01-01', '2027-01-31'),
      state.documents,
      names,
      'EUR',
    );
    expect(empty.lines).toEqual([]);
    expect(empty.opening).toEqual(empty.closing);
    expect(empty.totalDebit).toBe('0.00');
  });
});

describe('address lines', () => {
  it('print street, postal code and city, region, country; blanks left out', () => {
    expect(
      addressLines(
        {
          addressLine1: 'Main Street 1',
          addressLine2: null,
          city: 'Berlin',
          postalCode: '10115',
          region: '',
          country: 'DE',
        },
        ['ap@example.com', null],
      ),
    ).toEqual(['Main Street 1', '10115 Berlin', 'DE', 'ap@example.com']);
    expect(addressLines(undefined, ['x'])).toEqual(['x']);
  });
});
