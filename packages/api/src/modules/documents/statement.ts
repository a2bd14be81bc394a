/**
 * The statement of account as printed lines: billing-core's `statementOfAccount` (the figures of
 * `GET /accounts/{id}/statement`) turned into debit, credit and a running balance of what the
 * client owes, each document named as the route names it (`describeStatementRow`). Pure: the
 * documents and their numbers come in as plain data.
 */
import { Decimal, formatAmount, type LedgerDocument, type Statement } from '@cascade/billing-core';
import { describeStatementRow, type StatementNames } from '../ledger/statement-view';
import type { StatementLine } from './layout';

export interface StatementFigures {
  opening: { balance: string; due: string; owed: string };
  closing: { balance: string; due: string; owed: string };
  totalDebit: string;
  totalCredit: string;
  lines: StatementLine[];
}

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
    const { number, description } = describeStatementRow(byId, row, statement.accountId, names, currency);
    return {
      date: row.date,
      number: number ?? '',
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
