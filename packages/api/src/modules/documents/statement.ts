/**
 * The statement of account as printed lines: billing-core's `statementOfAccount` (the figures of
 * `GET /accounts/{id}/statement`) turned into debit, credit and a running balance of what the
 * client owes. Pure: the documents and their numbers come in as plain data.
 */
import { Decimal, formatAmount, type LedgerDocument, type Statement } from '@cascade/billing-core';
import { amountText } from './format';
import type { StatementLine } from './layout';

export interface StatementFigures {
  opening: { balance: string; due: string; owed: string };
  closing: { balance: string; due: string; owed: string };
  totalDebit: string;
  totalCredit: string;
  lines: StatementLine[];
}

export interface StatementNames {
  /** Invoice numbers by invoice id. */
  invoiceNumbers: ReadonlyMap<string, string>;
  /** Account names by id (the other side of a transfer), where the caller may see them. */
  accountNames: ReadonlyMap<string, string>;
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/**
 * What the client owes = due on open invoices − money held (the statement's `−net`). A row raising
 * it is a debit, one lowering it a credit; a row that moves money from the balance onto an invoice
 * changes neither and is listed without amounts.
 */
export function statementFigures(
  statement: Statement,
  documents: readonly LedgerDocument[],
  names: StatementNames,
  currency: string,
): StatementFigures {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const money = (v: Decimal) => formatAmount(v, currency);
  const position = (p: Statement['opening']) => ({
    balance: money(p.balance),
    due: money(p.due),
    owed: money(p.net.negated()),
  });
  let owed = statement.opening.net.negated();
  let totalDebit = new Decimal(0);
  let totalCredit = new Decimal(0);
  const lines: StatementLine[] = statement.rows.map((row) => {
    const change = row.dueChange.minus(row.balanceChange);
    owed = owed.plus(change);
    if (change.greaterThan(0)) totalDebit = totalDebit.plus(change);
    else totalCredit = totalCredit.minus(change);
    const { number, description } = describe(byId, row, statement.accountId, names, currency);
    return {
      date: row.date,
      number,
      description,
      debit: change.greaterThan(0) ? money(change) : null,
      credit: change.lessThan(0) ? money(change.negated()) : null,
      balance: money(owed),
    };
  });
  return {
    opening: position(statement.opening),
    closing: position(statement.closing),
    totalDebit: money(totalDebit),
    totalCredit: money(totalCredit),
    lines,
  };
}

function describe(
  byId: ReadonlyMap<string, LedgerDocument>,
  row: Statement['rows'][number],
  accountId: string,
  names: StatementNames,
  currency: string,
): { number: string; description: string } {
  const invoice = (id: string | null | undefined) =>
    id ? (names.invoiceNumbers.get(id) ?? shortId(id)) : '';
  const doc = byId.get(row.documentId);
  if (!doc) return { number: shortId(row.documentId), description: row.kind };
  switch (doc.kind) {
    case 'DEBIT_INVOICE':
      return { number: invoice(doc.id), description: 'Invoice' };
    case 'CREDIT_INVOICE':
      return {
        number: invoice(doc.id),
        description: doc.againstInvoiceId
          ? `Credit invoice against ${invoice(doc.againstInvoiceId)}`
          : 'Credit invoice',
      };
    case 'PAYMENT':
      return {
        number: doc.reference ?? shortId(doc.id),
        description: `Payment${doc.method ? ` (${doc.method.replaceAll('_', ' ').toLowerCase()})` : ''}`,
      };
    case 'LINK': {
      const from = doc.sourceId ? byId.get(doc.sourceId) : undefined;
      const source =
        from?.kind === 'PAYMENT'
          ? ` from payment ${from.reference ?? shortId(from.id)}`
          : from?.kind === 'CREDIT_INVOICE'
            ? ` from credit invoice ${invoice(from.id)}`
            : ' from the balance';
      return {
        number: invoice(doc.invoiceId),
        description: `${amountText(doc.amount, currency)} applied to invoice ${invoice(doc.invoiceId)}${source}`,
      };
    }
    case 'REFUND':
      return { number: shortId(doc.id), description: 'Refund' };
    case 'TRANSFER': {
      const outgoing = doc.accountId === accountId;
      const other = outgoing ? doc.toAccountId : doc.accountId;
      const name = names.accountNames.get(other);
      return {
        number: shortId(doc.id),
        description: `Transfer ${outgoing ? 'to' : 'from'} ${name ?? 'another account'}`,
      };
    }
    case 'WRITE_OFF':
      return {
        number: doc.invoiceId ? invoice(doc.invoiceId) : shortId(doc.id),
        description: `Write-off: ${doc.reason}`,
      };
    case 'CANCELLATION':
      return { number: invoice(doc.invoiceId), description: 'Invoice canceled' };
  }
}
