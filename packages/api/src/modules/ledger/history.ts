/**
 * The full history of some accounts as billing-core's `LedgerState` (every document and entry),
 * for statements of account and for the tests that hold the stored figures against the rules.
 */
import type { LedgerDocument, LedgerEntry, LedgerState } from '@cascade/billing-core';
import { queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';

type Row = Record<string, unknown>;
const list = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/** Order of documents inside one request: the main document, then what it derived. */
const derived = (id: string) => (/\/(settle|link|cancel)(\/|$)/.test(id) ? 1 : 0);

export interface History extends LedgerState {
  /** Stored balances (accounts.balance), beside the entries. */
  stored: Record<string, string>;
  /** Stored status and amount due of each debit invoice. */
  invoices: Record<string, { status: string; due: string }>;
}

/** Everything about the accounts in one round trip (one JSON document built by PostgreSQL). */
export async function loadHistory(
  tx: Transaction,
  distributorId: string,
  accountIds: readonly string[],
): Promise<History> {
  if (accountIds.length === 0) return { accounts: {}, documents: [], entries: [], stored: {}, invoices: {} };
  const ids = sql`array[${list(accountIds)}]::text[]`;
  const d = distributorId;
  const [row] = await queryRows<{ h: Record<string, Row[]> | string }>(
    tx,
    sql`select json_build_object(
      'accounts', (select coalesce(json_agg(x), '[]') from (select id, currency, parent_account_id as parent,
          balance::text as balance from accounts where distributor_id = ${d} and id = any(${ids})) x),
      'payments', (select coalesce(json_agg(x), '[]') from (select id, account_id, payment_date::text as date,
          amount::text as amount, cash_desk_id, method, reference, created_at::text as at
          from payments where distributor_id = ${d} and account_id = any(${ids})) x),
      'invoices', (select coalesce(json_agg(x), '[]') from (select id, account_id, type, invoice_date::text as date,
          total::text as total, amount_due::text as due, credited_invoice_id, status,
          to_char(canceled_at at time zone 'UTC', 'YYYY-MM-DD') as canceled, created_at::text as at,
          canceled_at::text as canceled_at
          from invoices where distributor_id = ${d} and account_id = any(${ids}) and stage = 'ISSUED') x),
      'links', (select coalesce(json_agg(x), '[]') from (select a.id, a.account_id, a.debit_invoice_id,
          coalesce(a.payment_id, a.credit_invoice_id) as source, a.amount::text as amount, e.entry_date::text as date,
          a.created_at::text as at
          from allocations a join ledger_entries e on e.distributor_id = a.distributor_id
            and e.document_type = 'ALLOCATION' and e.document_id = a.id
          where a.distributor_id = ${d} and a.account_id = any(${ids}) and a.reverses_allocation_id is null) x),
      'refunds', (select coalesce(json_agg(x), '[]') from (select id, account_id, refund_date::text as date,
          amount::text as amount, cash_desk_id, created_at::text as at
          from refunds where distributor_id = ${d} and account_id = any(${ids})) x),
      'transfers', (select coalesce(json_agg(x), '[]') from (select id, from_account_id, to_account_id,
          transfer_date::text as date, amount::text as amount, created_at::text as at from transfers
          where distributor_id = ${d} and (from_account_id = any(${ids}) or to_account_id = any(${ids}))) x),
      'writeOffs', (select coalesce(json_agg(x), '[]') from (select id, account_id, write_off_date::text as date,
          amount::text as amount, reason, invoice_id, created_at::text as at
          from write_offs where distributor_id = ${d} and account_id = any(${ids})) x),
      'entries', (select coalesce(json_agg(x order by x.id), '[]') from (select id, document_id, account_id,
          amount::text as amount from ledger_entries where distributor_id = ${d} and account_id = any(${ids})) x)
    ) as h`,
  );
  const h = (typeof row?.h === 'string' ? JSON.parse(row.h) : row?.h) as Record<string, Row[]>;
  const rows = (name: string) => h[name] ?? [];
  const docs: { doc: LedgerDocument; at: string; order: number }[] = [];
  const push = (doc: LedgerDocument, at: unknown) =>
    docs.push({ doc, at: String(at), order: derived(doc.id) });
  const invoices: History['invoices'] = {};

  for (const r of rows('payments')) {
    push(
      {
        kind: 'PAYMENT',
        id: String(r.id),
        accountId: String(r.account_id),
        date: String(r.date),
        amount: String(r.amount),
        cashDeskId: (r.cash_desk_id as string | null) ?? null,
        method: (r.method as string | null) ?? null,
        reference: (r.reference as string | null) ?? null,
      },
      r.at,
    );
  }
  for (const r of rows('invoices')) {
    const base = { id: String(r.id), accountId: String(r.account_id), date: String(r.date) };
    if (r.type === 'DEBIT') {
      invoices[base.id] = { status: String(r.status), due: String(r.due) };
      push({ ...base, kind: 'DEBIT_INVOICE', total: String(r.total) }, r.at);
      if (r.status === 'CANCELED') {
        push(
          {
            kind: 'CANCELLATION',
            id: `${r.id}/cancel`,
            accountId: base.accountId,
            date: String(r.canceled),
            invoiceId: base.id,
          },
          r.canceled_at,
        );
      }
    } else {
      push(
        {
          ...base,
          kind: 'CREDIT_INVOICE',
          total: String(r.total),
          againstInvoiceId: (r.credited_invoice_id as string | null) ?? null,
        },
        r.at,
      );
    }
  }
  // Links: allocations that are not reversals (a reversal is the cancellation's doing), dated by
  // their ledger entry.
  for (const r of rows('links')) {
    push(
      {
        kind: 'LINK',
        id: String(r.id),
        accountId: String(r.account_id),
        date: String(r.date),
        invoiceId: String(r.debit_invoice_id),
        sourceId: (r.source as string | null) ?? null,
        amount: String(r.amount),
      },
      r.at,
    );
  }
  for (const r of rows('refunds')) {
    push(
      {
        kind: 'REFUND',
        id: String(r.id),
        accountId: String(r.account_id),
        date: String(r.date),
        amount: String(r.amount),
        cashDeskId: (r.cash_desk_id as string | null) ?? null,
      },
      r.at,
    );
  }
  for (const r of rows('transfers')) {
    push(
      {
        kind: 'TRANSFER',
        id: String(r.id),
        accountId: String(r.from_account_id),
        toAccountId: String(r.to_account_id),
        date: String(r.date),
        amount: String(r.amount),
      },
      r.at,
    );
  }
  for (const r of rows('writeOffs')) {
    push(
      {
        kind: 'WRITE_OFF',
        id: String(r.id),
        accountId: String(r.account_id),
        date: String(r.date),
        amount: String(r.amount),
        reason: String(r.reason),
        invoiceId: (r.invoice_id as string | null) ?? null,
      },
      r.at,
    );
  }
  docs.sort((a, b) =>
    a.doc.date !== b.doc.date
      ? a.doc.date < b.doc.date
        ? -1
        : 1
      : a.at !== b.at
        ? a.at < b.at
          ? -1
          : 1
        : a.order - b.order,
  );
  const entries: LedgerEntry[] = rows('entries').map((e) => ({
    documentId: String(e.document_id),
    accountId: String(e.account_id),
    amount: String(e.amount),
  }));
  return {
    accounts: Object.fromEntries(
      rows('accounts').map((a) => [
        String(a.id),
        {
          id: String(a.id),
          currency: String(a.currency),
          parentAccountId: (a.parent as string | null) ?? null,
        },
      ]),
    ),
    documents: docs.map((x) => x.doc),
    entries,
    stored: Object.fromEntries(rows('accounts').map((a) => [String(a.id), String(a.balance)])),
    invoices,
  };
}
