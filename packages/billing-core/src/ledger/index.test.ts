import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decimal } from '../money';
import {
  accountBalance,
  applyResult,
  cancelInvoice,
  cashDeskReport,
  checkLedger,
  issueCreditInvoice,
  issueDebitInvoice,
  type LedgerResult,
  type LedgerState,
  linkToInvoice,
  MAX_ACCOUNT_BALANCE,
  recordPayment,
  refund,
  statementOfAccount,
  summarize,
  transfer,
  writeOff,
} from './index';

const empty: LedgerState = {
  accounts: {
    a: { id: 'a', currency: 'EUR', parentAccountId: null },
    b: { id: 'b', currency: 'EUR', parentAccountId: null },
    child: { id: 'child', currency: 'EUR', parentAccountId: 'a' },
    usd: { id: 'usd', currency: 'USD', parentAccountId: null },
  },
  documents: [],
  entries: [],
};

function ok(state: LedgerState, result: LedgerResult): LedgerState {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  const next = applyResult(state, result);
  expect(checkLedger(next)).toEqual([]);
  return next;
}

const status = (s: LedgerState, id: string) => summarize(s).invoices.get(id)!.status;
const due = (s: LedgerState, id: string) => summarize(s).invoices.get(id)!.due.toFixed(2);
const balance = (s: LedgerState, id = 'a') => accountBalance(s, id).toFixed(2);

function invoices(totals: string[]): LedgerState {
  let s = empty;
  totals.forEach((total, i) => {
    s = ok(
      s,
      issueDebitInvoice(s, {
        id: `inv${i + 1}`,
        accountId: 'a',
        date: `2026-0${i + 1}-01`,
        total,
        currency: 'EUR',
      }),
    );
  });
  return s;
}

describe('automatic settlement', () => {
  it('pays the oldest open invoices first and stops at the first it cannot cover', () => {
    let s = invoices(['100.00', '50.00', '10.00']);
    s = ok(
      s,
      recordPayment(s, { id: 'p1', accountId: 'a', date: '2026-04-01', amount: '140.00', currency: 'EUR' }),
    );
    expect([status(s, 'inv1'), status(s, 'inv2'), status(s, 'inv3')]).toEqual(['PAID', 'UNPAID', 'UNPAID']);
    expect(balance(s)).toBe('40.00');
    s = ok(
      s,
      recordPayment(s, { id: 'p2', accountId: 'a', date: '2026-04-02', amount: '20.00', currency: 'EUR' }),
    );
    expect([status(s, 'inv2'), status(s, 'inv3'), balance(s)]).toEqual(['PAID', 'PAID', '0.00']);
  });

  it('a new invoice is settled from an existing balance', () => {
    let s = ok(
      empty,
      recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '30.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      issueDebitInvoice(s, { id: 'i', accountId: 'a', date: '2026-01-02', total: '25.00', currency: 'EUR' }),
    );
    expect([status(s, 'i'), balance(s)]).toEqual(['PAID', '5.00']);
  });
});

describe('explicit links', () => {
  it('links in part, then in full; PAID exactly when covered', () => {
    let s = invoices(['100.00', '80.00']);
    s = ok(
      s,
      recordPayment(s, {
        id: 'p',
        accountId: 'a',
        date: '2026-03-01',
        amount: '60.00',
        currency: 'EUR',
        linkTo: { invoiceId: 'inv2', amount: '30.00' },
      }),
    );
    expect([status(s, 'inv2'), due(s, 'inv2'), balance(s)]).toEqual(['UNPAID', '50.00', '30.00']);
    const tooMuch = linkToInvoice(s, {
      id: 'l1',
      accountId: 'a',
      date: '2026-03-02',
      sourceId: 'p',
      invoiceId: 'inv2',
      amount: '30.01',
    });
    expect(tooMuch).toMatchObject({
      ok: false,
      rejection: { code: 'LINK_EXCEEDS_SOURCE', field: 'link.amount' },
    });
    s = ok(
      s,
      linkToInvoice(s, { id: 'l2', accountId: 'a', date: '2026-03-02', sourceId: 'p', invoiceId: 'inv2' }),
    );
    expect([due(s, 'inv2'), balance(s)]).toEqual(['20.00', '0.00']);
    s = ok(
      s,
      recordPayment(s, {
        id: 'p2',
        accountId: 'a',
        date: '2026-03-03',
        amount: '20.00',
        currency: 'EUR',
        linkTo: { invoiceId: 'inv2' },
      }),
    );
    expect([status(s, 'inv2'), status(s, 'inv1')]).toEqual(['PAID', 'UNPAID']);
  });
});

describe('credit invoices', () => {
  it('a full credit nets an unpaid invoice to zero', () => {
    let s = invoices(['99.99']);
    s = ok(
      s,
      issueCreditInvoice(s, {
        id: 'c',
        accountId: 'a',
        date: '2026-02-01',
        total: '99.99',
        currency: 'EUR',
        againstInvoiceId: 'inv1',
      }),
    );
    expect([status(s, 'inv1'), due(s, 'inv1'), balance(s)]).toEqual(['PAID', '0.00', '0.00']);
    const more = issueCreditInvoice(s, {
      id: 'c2',
      accountId: 'a',
      date: '2026-02-01',
      total: '0.01',
      currency: 'EUR',
      againstInvoiceId: 'inv1',
    });
    expect(more).toMatchObject({
      ok: false,
      rejection: { code: 'CREDIT_EXCEEDS_CREDITABLE', field: 'total' },
    });
  });

  it('crediting a paid invoice returns the money to the balance', () => {
    let s = invoices(['50.00']);
    s = ok(
      s,
      recordPayment(s, { id: 'p', accountId: 'a', date: '2026-02-01', amount: '50.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      issueCreditInvoice(s, {
        id: 'c',
        accountId: 'a',
        date: '2026-02-02',
        total: '20.00',
        currency: 'EUR',
        againstInvoiceId: 'inv1',
      }),
    );
    expect([status(s, 'inv1'), balance(s)]).toEqual(['PAID', '20.00']);
  });

  it('full credit nets any invoice to zero (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 8 }),
        fc.integer({ min: 0, max: 10 ** 8 }),
        (cents, paidCents) => {
          const total = (cents / 100).toFixed(2);
          let s = invoices([total]);
          if (paidCents > 0)
            s = ok(
              s,
              recordPayment(s, {
                id: 'p',
                accountId: 'a',
                date: '2026-02-01',
                amount: (paidCents / 100).toFixed(2),
                currency: 'EUR',
              }),
            );
          const before = accountBalance(s, 'a').plus(summarize(s).invoices.get('inv1')!.covered);
          s = ok(
            s,
            issueCreditInvoice(s, {
              id: 'c',
              accountId: 'a',
              date: '2026-03-01',
              total,
              currency: 'EUR',
              againstInvoiceId: 'inv1',
            }),
          );
          const inv = summarize(s).invoices.get('inv1')!;
          expect(inv.due.isZero()).toBe(true);
          expect(inv.creditable.isZero()).toBe(true);
          // Everything paid is back in the balance: the invoice nets to zero.
          expect(accountBalance(s, 'a').equals(before)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('cancellation, refunds, transfers, write-offs', () => {
  it('canceling returns what was linked and settles other invoices', () => {
    let s = invoices(['100.00', '30.00']);
    s = ok(
      s,
      recordPayment(s, {
        id: 'p',
        accountId: 'a',
        date: '2026-03-01',
        amount: '40.00',
        currency: 'EUR',
        linkTo: { invoiceId: 'inv1' },
      }),
    );
    expect([due(s, 'inv1'), balance(s)]).toEqual(['60.00', '0.00']);
    s = ok(s, cancelInvoice(s, { id: 'x', accountId: 'a', date: '2026-03-02', invoiceId: 'inv1' }));
    expect([status(s, 'inv1'), status(s, 'inv2'), balance(s)]).toEqual(['CANCELED', 'PAID', '10.00']);
    expect(
      cancelInvoice(s, { id: 'y', accountId: 'a', date: '2026-03-02', invoiceId: 'inv2' }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'INVOICE_PAID' },
    });
  });

  it('an invoice partly credited is not canceled: its credit would become money never paid', () => {
    let s = invoices(['100.00']);
    s = ok(
      s,
      issueCreditInvoice(s, {
        id: 'c',
        accountId: 'a',
        date: '2026-02-01',
        total: '50.00',
        currency: 'EUR',
        againstInvoiceId: 'inv1',
      }),
    );
    expect([due(s, 'inv1'), balance(s)]).toEqual(['50.00', '0.00']);
    expect(
      cancelInvoice(s, { id: 'x', accountId: 'a', date: '2026-02-02', invoiceId: 'inv1' }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'INVOICE_CREDITED', field: 'invoiceId' },
    });
    // The rest is corrected by another credit invoice, which nets it to zero.
    s = ok(
      s,
      issueCreditInvoice(s, {
        id: 'c2',
        accountId: 'a',
        date: '2026-02-02',
        total: '50.00',
        currency: 'EUR',
        againstInvoiceId: 'inv1',
      }),
    );
    expect([status(s, 'inv1'), balance(s)]).toEqual(['PAID', '0.00']);
  });

  it('refunds never above the balance', () => {
    const s = ok(
      empty,
      recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '10.00', currency: 'EUR' }),
    );
    expect(
      refund(s, { id: 'r', accountId: 'a', date: '2026-01-02', amount: '10.01', currency: 'EUR' }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'INSUFFICIENT_BALANCE', field: 'amount' },
    });
    const after = ok(
      s,
      refund(s, { id: 'r', accountId: 'a', date: '2026-01-02', amount: '10.00', currency: 'EUR' }),
    );
    expect(balance(after)).toBe('0.00');
  });

  it('transfers keep the sum of balances and settle the receiver', () => {
    let s = ok(
      empty,
      recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '10.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      issueDebitInvoice(s, { id: 'ib', accountId: 'b', date: '2026-01-01', total: '4.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      transfer(s, {
        id: 't',
        accountId: 'a',
        toAccountId: 'b',
        date: '2026-01-02',
        amount: '6.00',
        currency: 'EUR',
      }),
    );
    expect([balance(s, 'a'), balance(s, 'b'), status(s, 'ib')]).toEqual(['4.00', '2.00', 'PAID']);
    expect(
      transfer(s, {
        id: 't2',
        accountId: 'a',
        toAccountId: 'usd',
        date: '2026-01-02',
        amount: '1.00',
        currency: 'EUR',
      }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'CURRENCY_MISMATCH' },
    });
  });

  it('write-offs debit the balance with a reason, optionally closing an invoice', () => {
    let s = ok(
      empty,
      recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '10.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      issueDebitInvoice(s, { id: 'i', accountId: 'a', date: '2026-01-02', total: '15.00', currency: 'EUR' }),
    );
    expect(
      writeOff(s, {
        id: 'w',
        accountId: 'a',
        date: '2026-01-03',
        amount: '5.00',
        currency: 'EUR',
        reason: ' ',
      }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'REASON_REQUIRED' },
    });
    s = ok(
      s,
      writeOff(s, {
        id: 'w',
        accountId: 'a',
        date: '2026-01-03',
        amount: '5.00',
        currency: 'EUR',
        reason: 'support hours',
      }),
    );
    expect(balance(s)).toBe('5.00');
    s = ok(
      s,
      writeOff(s, {
        id: 'w2',
        accountId: 'a',
        date: '2026-01-05',
        amount: '5.00',
        currency: 'EUR',
        reason: 'consumed',
        invoiceId: 'i',
      }),
    );
    expect([status(s, 'i'), due(s, 'i'), balance(s)]).toEqual(['UNPAID', '10.00', '0.00']);
    s = ok(
      s,
      recordPayment(s, { id: 'p2', accountId: 'a', date: '2026-01-06', amount: '15.00', currency: 'EUR' }),
    );
    expect(
      writeOff(s, {
        id: 'w3',
        accountId: 'a',
        date: '2026-01-07',
        amount: '5.00',
        currency: 'EUR',
        reason: 'x',
        invoiceId: 'i',
      }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'LINK_EXCEEDS_DUE' },
    });
    s = ok(
      s,
      writeOff(s, {
        id: 'w4',
        accountId: 'a',
        date: '2026-01-07',
        amount: '5.00',
        currency: 'EUR',
        reason: 'hardware',
      }),
    );
    expect([status(s, 'i'), balance(s)]).toEqual(['PAID', '0.00']);
  });
});

describe('statement of account and cash desks', () => {
  it('a payment dated before the invoice it settles closes it on the invoice date', () => {
    let s = ok(
      empty,
      issueDebitInvoice(empty, {
        id: 'i1',
        accountId: 'a',
        date: '2026-03-10',
        total: '121.00',
        currency: 'EUR',
      }),
    );
    s = ok(
      s,
      recordPayment(s, { id: 'p1', accountId: 'a', date: '2026-03-05', amount: '121.00', currency: 'EUR' }),
    );
    const position = (p: { balance: Decimal; due: Decimal }) => [p.balance.toFixed(2), p.due.toFixed(2)];
    const all = statementOfAccount(s, 'a', '2026-01-01', '2026-12-31');
    // The same as from scratch: the invoice is paid, nothing due (the link's due effect was dropped).
    expect(position(all.closing)).toEqual([accountBalance(s, 'a').toFixed(2), '0.00']);
    expect(all.rows.map((r) => [r.kind, r.date, r.balanceChange.toFixed(2), r.dueChange.toFixed(2)])).toEqual(
      [
        ['PAYMENT', '2026-03-05', '121.00', '0.00'],
        ['DEBIT_INVOICE', '2026-03-10', '0.00', '121.00'],
        ['LINK', '2026-03-10', '-121.00', '-121.00'],
      ],
    );
    // Before the invoice, the money is on the balance; each window's closing is the next one's opening.
    const before = statementOfAccount(s, 'a', '2026-03-01', '2026-03-07');
    expect(position(before.closing)).toEqual(['121.00', '0.00']);
    expect(position(statementOfAccount(s, 'a', '2026-03-08', '2026-12-31').opening)).toEqual([
      '121.00',
      '0.00',
    ]);
  });

  it('opening + documents = closing, the same as computed from scratch', () => {
    let s = empty;
    s = ok(
      s,
      issueDebitInvoice(s, {
        id: 'i1',
        accountId: 'a',
        date: '2026-01-05',
        total: '100.00',
        currency: 'EUR',
      }),
    );
    s = ok(
      s,
      recordPayment(s, {
        id: 'p1',
        accountId: 'a',
        date: '2026-01-20',
        amount: '150.00',
        currency: 'EUR',
        cashDeskId: 'bank',
      }),
    );
    s = ok(
      s,
      issueDebitInvoice(s, { id: 'i2', accountId: 'a', date: '2026-02-03', total: '80.00', currency: 'EUR' }),
    );
    s = ok(
      s,
      refund(s, {
        id: 'r1',
        accountId: 'a',
        date: '2026-02-10',
        amount: '20.00',
        currency: 'EUR',
        cashDeskId: 'bank',
      }),
    );
    s = ok(
      s,
      issueDebitInvoice(s, { id: 'i3', accountId: 'a', date: '2026-02-15', total: '40.00', currency: 'EUR' }),
    );
    s = ok(s, cancelInvoice(s, { id: 'x3', accountId: 'a', date: '2026-02-20', invoiceId: 'i3' }));
    s = ok(
      s,
      recordPayment(s, {
        id: 'p2',
        accountId: 'a',
        date: '2026-03-01',
        amount: '80.00',
        currency: 'EUR',
        cashDeskId: 'till',
      }),
    );
    const soa = statementOfAccount(s, 'a', '2026-02-01', '2026-02-28');
    const fmt = (p: { balance: Decimal; due: Decimal; net: Decimal }) =>
      [p.balance, p.due, p.net].map((v) => v.toFixed(2));
    expect(fmt(soa.opening)).toEqual(['50.00', '0.00', '50.00']);
    expect(soa.rows.map((r) => [r.documentId, r.balanceChange.toFixed(2), r.dueChange.toFixed(2)])).toEqual([
      ['i2', '0.00', '80.00'],
      ['r1', '-20.00', '0.00'],
      ['i3', '0.00', '40.00'],
      ['x3', '0.00', '-40.00'],
    ]);
    expect(fmt(soa.closing)).toEqual(['30.00', '80.00', '-50.00']);
    expect(
      cashDeskReport(s).map((d) => [d.cashDeskId, d.date, d.received.toFixed(2), d.paidOut.toFixed(2)]),
    ).toEqual([
      ['bank', '2026-01-20', '150.00', '0.00'],
      ['bank', '2026-02-10', '0.00', '20.00'],
      ['till', '2026-03-01', '80.00', '0.00'],
    ]);
  });
});

describe('bad input', () => {
  it('rejects with a code, a message and the field', () => {
    const cases: [LedgerResult, string, string][] = [
      [
        recordPayment(empty, {
          id: 'p',
          accountId: 'a',
          date: '2026-01-01',
          amount: '1.001',
          currency: 'EUR',
        }),
        'TOO_MANY_DECIMALS',
        'amount',
      ],
      [
        recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '0', currency: 'EUR' }),
        'INVALID_AMOUNT',
        'amount',
      ],
      [
        recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '-5', currency: 'EUR' }),
        'NEGATIVE_AMOUNT',
        'amount',
      ],
      [
        recordPayment(empty, { id: 'p', accountId: 'zz', date: '2026-01-01', amount: '5', currency: 'EUR' }),
        'UNKNOWN_ACCOUNT',
        'accountId',
      ],
      [
        recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '5', currency: 'USD' }),
        'CURRENCY_MISMATCH',
        'currency',
      ],
      [
        recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-02-30', amount: '5', currency: 'EUR' }),
        'INVALID_DATE',
        'date',
      ],
      [
        recordPayment(empty, {
          id: 'p',
          accountId: 'child',
          date: '2026-01-01',
          amount: '5',
          currency: 'EUR',
        }),
        'CHILD_ACCOUNT_NOT_ALLOWED',
        'accountId',
      ],
    ];
    for (const [result, code, field] of cases)
      expect(result).toMatchObject({ ok: false, rejection: { code, field } });
    expect(
      recordPayment(
        empty,
        { id: 'p', accountId: 'child', date: '2026-01-01', amount: '5', currency: 'EUR' },
        { allowPaymentsAndAdjustmentsTowardsChildAccount: true },
      ).ok,
    ).toBe(true);
    const s = ok(
      empty,
      recordPayment(empty, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '5', currency: 'EUR' }),
    );
    expect(
      recordPayment(s, { id: 'p', accountId: 'a', date: '2026-01-01', amount: '5', currency: 'EUR' }),
    ).toMatchObject({
      ok: false,
      rejection: { code: 'DUPLICATE_DOCUMENT' },
    });
  });

  it('keeps every amount and balance storable: refused, never a failed write', () => {
    const pay = (s: LedgerState, id: string, amount: string, accountId = 'a') =>
      recordPayment(s, { id, accountId, date: '2026-01-01', amount, currency: 'EUR' });
    expect(pay(empty, 'p', '100000000000000')).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_DECIMAL', field: 'amount' },
    });
    // 100 payments of the largest amount fit in the balance; the 101st would reach the limit.
    let s = empty;
    for (let i = 0; i < 100; i++) s = ok(s, pay(s, `p${i}`, '99999999999999.99'));
    expect(accountBalance(s, 'a').lessThan(MAX_ACCOUNT_BALANCE)).toBe(true);
    expect(pay(s, 'p100', '99999999999999.99')).toMatchObject({
      ok: false,
      rejection: { code: 'BALANCE_LIMIT', field: 'amount' },
    });
    expect(
      issueCreditInvoice(s, {
        id: 'c',
        accountId: 'a',
        date: '2026-01-01',
        total: '99999999999999.99',
        currency: 'EUR',
      }),
    ).toMatchObject({ ok: false, rejection: { code: 'BALANCE_LIMIT', field: 'total' } });
    // What settlement takes in the same command counts: the balance after it is what is stored.
    const owing = ok(
      s,
      issueDebitInvoice(s, {
        id: 'big',
        accountId: 'b',
        date: '2026-01-02',
        total: '99999999999999.99',
        currency: 'EUR',
      }),
    );
    const withInvoice = ok(
      owing,
      issueDebitInvoice(owing, {
        id: 'inv',
        accountId: 'a',
        date: '2026-01-02',
        total: '99999999999999.99',
        currency: 'EUR',
      }),
    );
    expect(withInvoice.entries.length).toBeGreaterThan(s.entries.length);
    expect(pay(withInvoice, 'p100', '99999999999999.99').ok).toBe(true);
    // A transfer into a full account is refused; to one with room it passes.
    const full = ok(s, pay(s, 'b1', '99999999999999.99', 'b'));
    expect(
      transfer(full, {
        id: 't',
        accountId: 'b',
        toAccountId: 'a',
        date: '2026-01-03',
        amount: '99999999999999.99',
        currency: 'EUR',
      }),
    ).toMatchObject({ ok: false, rejection: { code: 'BALANCE_LIMIT', field: 'amount' } });
    expect(
      transfer(full, {
        id: 't',
        accountId: 'a',
        toAccountId: 'b',
        date: '2026-01-03',
        amount: '99999999999999.99',
        currency: 'EUR',
      }).ok,
    ).toBe(true);
  });

  it('detects a broken ledger', () => {
    const broken: LedgerState = {
      ...empty,
      documents: [
        {
          kind: 'PAYMENT',
          id: 'p',
          accountId: 'a',
          date: '2026-01-01',
          amount: '5.00',
          cashDeskId: null,
          method: null,
          reference: null,
        },
      ],
      entries: [{ documentId: 'p', accountId: 'a', amount: '6.00' }],
    };
    expect(checkLedger(broken)).toEqual(['EUR: money in 5 ≠ money accounted for 6']);
    expect(
      checkLedger(
        { ...broken, entries: [{ documentId: 'p', accountId: 'a', amount: '5.00' }] },
        { a: '4.00' },
      ),
    ).toHaveLength(1);
  });
});

describe('random sequences of documents (model check)', () => {
  const amount = fc.integer({ min: 1, max: 20000 }).map((c) => (c / 100).toFixed(2));
  const account = fc.constantFrom('a', 'b');
  const invoiceRef = fc.integer({ min: 0, max: 5 });
  const command = fc.oneof(
    fc.record({ kind: fc.constant('pay' as const), account, amount, link: fc.option(invoiceRef) }),
    fc.record({ kind: fc.constant('invoice' as const), account, amount }),
    fc.record({ kind: fc.constant('credit' as const), account, amount, against: fc.option(invoiceRef) }),
    fc.record({ kind: fc.constant('cancel' as const), account, invoice: invoiceRef }),
    fc.record({ kind: fc.constant('refund' as const), account, amount }),
    fc.record({ kind: fc.constant('transfer' as const), account, amount }),
    fc.record({ kind: fc.constant('writeOff' as const), account, amount, invoice: fc.option(invoiceRef) }),
    fc.record({
      kind: fc.constant('link' as const),
      account,
      source: fc.integer({ min: 0, max: 5 }),
      invoice: invoiceRef,
      amount: fc.option(amount),
    }),
  );

  it('never creates or loses money, never goes below zero, PAID exactly when covered', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 40 }), (commands) => {
        let s = empty;
        const invoiceIds: string[] = [];
        const sourceIds: string[] = [];
        commands.forEach((c, n) => {
          const id = `d${n}`;
          const date = `2026-${String(Math.floor(n / 28) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
          const inv = (k: number | null) =>
            k === null ? null : (invoiceIds[k % Math.max(invoiceIds.length, 1)] ?? 'none');
          let result: LedgerResult;
          switch (c.kind) {
            case 'pay': {
              const link = inv(c.link);
              result = recordPayment(s, {
                id,
                accountId: c.account,
                date,
                amount: c.amount,
                currency: 'EUR',
                linkTo: link ? { invoiceId: link } : null,
              });
              if (result.ok) sourceIds.push(id);
              break;
            }
            case 'invoice':
              result = issueDebitInvoice(s, {
                id,
                accountId: c.account,
                date,
                total: c.amount,
                currency: 'EUR',
              });
              if (result.ok) invoiceIds.push(id);
              break;
            case 'credit':
              result = issueCreditInvoice(s, {
                id,
                accountId: c.account,
                date,
                total: c.amount,
                currency: 'EUR',
                againstInvoiceId: inv(c.against),
              });
              if (result.ok) sourceIds.push(id);
              break;
            case 'cancel':
              result = cancelInvoice(s, {
                id,
                accountId: c.account,
                date,
                invoiceId: inv(c.invoice) ?? 'none',
              });
              break;
            case 'refund':
              result = refund(s, { id, accountId: c.account, date, amount: c.amount, currency: 'EUR' });
              break;
            case 'transfer':
              result = transfer(s, {
                id,
                accountId: c.account,
                toAccountId: c.account === 'a' ? 'b' : 'a',
                date,
                amount: c.amount,
                currency: 'EUR',
              });
              break;
            case 'writeOff':
              result = writeOff(s, {
                id,
                accountId: c.account,
                date,
                amount: c.amount,
                currency: 'EUR',
                reason: 'used',
                invoiceId: inv(c.invoice),
              });
              break;
            case 'link':
              result = linkToInvoice(s, {
                id,
                accountId: c.account,
                date,
                sourceId: sourceIds[c.source % Math.max(sourceIds.length, 1)] ?? 'none',
                invoiceId: inv(c.invoice) ?? 'none',
                ...(c.amount === null ? {} : { amount: c.amount }),
              });
              break;
          }
          const before = s;
          s = applyResult(s, result);
          // The statement gives the same figures as the summary, and opening + rows = closing.
          const soa = statementOfAccount(s, 'a', '2026-01-01', '2026-12-31');
          const sum = soa.rows.reduce((t, r) => t.plus(r.balanceChange), soa.opening.balance);
          expect(sum.equals(soa.closing.balance)).toBe(true);
          expect(soa.closing.balance.equals(accountBalance(s, 'a'))).toBe(true);
          const dueNow = [...summarize(s).invoices.values()]
            .filter((i) => i.kind === 'DEBIT_INVOICE' && i.accountId === 'a')
            .reduce((t, i) => t.plus(i.due), soa.opening.due.minus(soa.opening.due));
          expect(soa.closing.due.equals(dueNow)).toBe(true);
          if (!result.ok) expect(s).toBe(before);
          expect(checkLedger(s)).toEqual([]);
          // The settlement rule holds after every step: the balance never covers the oldest open invoice.
          const summary = summarize(s);
          for (const acc of ['a', 'b']) {
            const open = [...summary.invoices.values()]
              .filter((i) => i.kind === 'DEBIT_INVOICE' && i.accountId === acc && i.status === 'UNPAID')
              .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.id < y.id ? -1 : 1));
            if (open[0] && c.kind !== 'link' && c.kind !== 'refund' && c.kind !== 'writeOff') {
              expect(summary.balances.get(acc)!.lessThan(open[0].due)).toBe(true);
            }
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
