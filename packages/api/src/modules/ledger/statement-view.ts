/**
 * The statement of account as people read it: billing-core's `statementOfAccount` over the
 * account's history, and each row's document named by its number (invoice and credit note
 * numbers, payment references) with a short label. `GET /accounts/{id}/statement` and the
 * statement PDF both read it here, so the screen and the paper always agree.
 */
import { formatAmount, type LedgerDocument, type Statement, statementOfAccount } from '@cascade/billing-core';
import { accounts, invoices, type Tenant, type Transaction, tenantScope } from '@cascade/db';
import { and, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { amountText } from '../documents/format';
import { type History, loadHistory } from './history';
import { type AccountRow, readAccounts } from './store';

export interface StatementNames {
  /** Invoice numbers by invoice id. */
  invoiceNumbers: ReadonlyMap<string, string>;
  /** Account names by id (the other side of a transfer), where the caller may see them. */
  accountNames: ReadonlyMap<string, string>;
}

export interface StatementView {
  account: AccountRow;
  history: History;
  statement: Statement;
  names: StatementNames;
}

/** The statement of `accountId` for the period, with the names its rows need. */
export async function readStatement(
  tx: Transaction,
  tenant: Tenant,
  accountId: string,
  from: string,
  to: string,
): Promise<StatementView> {
  const account = (await readAccounts(tx, tenant, [accountId])).get(accountId)!;
  const history = await loadHistory(tx, account.distributorId, [account.id]);
  const statement = statementOfAccount(history, account.id, from, to);
  const invoiceIds = new Set<string>();
  const accountIds = new Set<string>();
  for (const doc of history.documents) {
    if (doc.kind === 'DEBIT_INVOICE' || doc.kind === 'CREDIT_INVOICE') invoiceIds.add(doc.id);
    if (doc.kind === 'CREDIT_INVOICE' && doc.againstInvoiceId) invoiceIds.add(doc.againstInvoiceId);
    if (doc.kind === 'LINK' || doc.kind === 'CANCELLATION') invoiceIds.add(doc.invoiceId);
    if (doc.kind === 'WRITE_OFF' && doc.invoiceId) invoiceIds.add(doc.invoiceId);
    if (doc.kind === 'TRANSFER')
      accountIds.add(doc.accountId === account.id ? doc.toAccountId : doc.accountId);
  }
  const numbers = invoiceIds.size
    ? await tx
        .select({ id: invoices.id, number: invoices.number })
        .from(invoices)
        .where(and(tenantScope(invoices, tenant), inArray(invoices.id, [...invoiceIds])))
    : [];
  // The other side of a transfer, where the caller may see it (RLS and scope); else unnamed.
  const others = accountIds.size
    ? await tx
        .select({ id: accounts.id, name: accounts.name })
        .from(accounts)
        .where(and(tenantScope(accounts, tenant), inArray(accounts.id, [...accountIds])))
    : [];
  return {
    account,
    history,
    statement,
    names: {
      invoiceNumbers: new Map(numbers.flatMap((n) => (n.number ? [[n.id, n.number] as const] : []))),
      accountNames: new Map(others.map((a) => [a.id, a.name])),
    },
  };
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/**
 * A row's document as people name it: `number` (the invoice or credit note number, the payment's
 * reference; null for a document that has none, e.g. a refund) and `description` (what happened,
 * e.g. "Credit note against DST-000121").
 */
export function describeStatementRow(
  byId: ReadonlyMap<string, LedgerDocument>,
  row: Statement['rows'][number],
  accountId: string,
  names: StatementNames,
  currency: string,
): { number: string | null; description: string } {
  const invoice = (id: string | null | undefined) =>
    id ? (names.invoiceNumbers.get(id) ?? shortId(id)) : '';
  const doc = byId.get(row.documentId);
  if (!doc) return { number: null, description: row.kind };
  switch (doc.kind) {
    case 'DEBIT_INVOICE':
      return { number: invoice(doc.id), description: 'Invoice' };
    case 'CREDIT_INVOICE':
      return {
        number: invoice(doc.id),
        description: doc.againstInvoiceId
          ? `Credit note against ${invoice(doc.againstInvoiceId)}`
          : 'Credit note',
      };
    case 'PAYMENT':
      return {
        number: doc.reference,
        description: `Payment${doc.method ? ` (${doc.method.replaceAll('_', ' ').toLowerCase()})` : ''}`,
      };
    case 'LINK': {
      const from = doc.sourceId ? byId.get(doc.sourceId) : undefined;
      const source =
        from?.kind === 'PAYMENT'
          ? ` from payment ${from.reference ?? shortId(from.id)}`
          : from?.kind === 'CREDIT_INVOICE'
            ? ` from credit note ${invoice(from.id)}`
            : ' from the balance';
      return {
        number: invoice(doc.invoiceId),
        description: `${amountText(doc.amount, currency)} applied to invoice ${invoice(doc.invoiceId)}${source}`,
      };
    }
    case 'REFUND':
      return { number: null, description: 'Refund' };
    case 'TRANSFER': {
      const outgoing = doc.accountId === accountId;
      const other = outgoing ? doc.toAccountId : doc.accountId;
      const name = names.accountNames.get(other);
      return {
        number: null,
        description: `Transfer ${outgoing ? 'to' : 'from'} ${name ?? 'another account'}`,
      };
    }
    case 'WRITE_OFF':
      return {
        number: doc.invoiceId ? invoice(doc.invoiceId) : null,
        description: `Write-off: ${doc.reason}`,
      };
    case 'CANCELLATION':
      return { number: invoice(doc.invoiceId), description: 'Invoice canceled' };
  }
}

/** The route's rows: billing-core's figures, each with its document's number and label. */
export function statementRows(view: StatementView) {
  const { account, history, statement, names } = view;
  const byId = new Map(history.documents.map((d) => [d.id, d]));
  return statement.rows.map((r) => {
    const { number, description } = describeStatementRow(byId, r, account.id, names, account.currency);
    return {
      documentId: r.documentId,
      kind: r.kind,
      number,
      label: description,
      date: r.date,
      balanceChange: formatAmount(r.balanceChange, account.currency),
      dueChange: formatAmount(r.dueChange, account.currency),
    };
  });
}

/** One row of `GET /accounts/{id}/statement`. */
export const statementRowSchema = z.object({
  documentId: z.string(),
  kind: z.string(),
  number: z
    .string()
    .nullable()
    .describe(
      'The document as people name it: invoice or credit note number, payment reference; null when it has none.',
    ),
  label: z.string().describe('What the document is, e.g. "Invoice", "Payment (bank transfer)", "Refund".'),
  date: z.string(),
  balanceChange: z.string(),
  dueChange: z.string(),
});

const position = (p: Statement['opening'], currency: string) => ({
  balance: formatAmount(p.balance, currency),
  due: formatAmount(p.due, currency),
  net: formatAmount(p.net, currency),
});

/** The body of `GET /accounts/{id}/statement`. */
export function statementResponse(view: StatementView) {
  const { account, statement } = view;
  return {
    accountId: account.id,
    currency: account.currency,
    from: statement.from,
    to: statement.to,
    opening: position(statement.opening, account.currency),
    rows: statementRows(view),
    closing: position(statement.closing, account.currency),
  };
}
