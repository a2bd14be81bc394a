import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { amount, createdAt, currencyCheck, enumCheck, isoDate, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';
import { cashDesks } from './cash-desks';
import { invoices } from './invoices';
import { organizations } from './organizations';

/*
 * Documents and ledger entries are append-only: cascade_app may only SELECT and INSERT them
 * (drizzle/0002_secure_tables.sql). A mistake is corrected by a new document. Document amounts are
 * positive; the ledger entry gives the signed effect on the account's balance.
 */

/** Money received for a client account (org_id = the client) at a cash desk. */
export const payments = pgTable(
  'payments',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    cashDeskId: text('cash_desk_id').notNull(),
    method: text('method').notNull(),
    reference: text('reference'),
    paymentDate: isoDate('payment_date').notNull(),
    amount: amount('amount').notNull(),
    currency: text('currency').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('payments_account_idx').on(t.distributorId, t.accountId, t.paymentDate),
    index('payments_cash_desk_idx').on(t.distributorId, t.cashDeskId, t.paymentDate),
    ref('payments_account_fk', t, t.accountId, accounts),
    ref('payments_cash_desk_fk', t, t.cashDeskId, cashDesks),
    currencyCheck('payments_currency', t.currency),
    check('payments_positive', sql`${t.amount} > 0`),
    tenantPolicy(t),
  ],
);

export const ALLOCATION_SOURCES = ['BALANCE', 'PAYMENT', 'CREDIT_INVOICE'] as const;

/**
 * Money applied to a debit invoice: from the balance (automatic settlement), from a payment, or
 * from a credit invoice. A reversal (the debit invoice canceled) is a new row with a negative
 * amount pointing at the allocation it reverses.
 */
export const allocations = pgTable(
  'allocations',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    debitInvoiceId: text('debit_invoice_id').notNull(),
    source: text('source', { enum: ALLOCATION_SOURCES }).notNull(),
    paymentId: text('payment_id'),
    creditInvoiceId: text('credit_invoice_id'),
    reversesAllocationId: text('reverses_allocation_id'),
    amount: amount('amount').notNull(),
    currency: text('currency').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('allocations_debit_invoice_idx').on(t.distributorId, t.debitInvoiceId),
    // Only a link from a payment or a credit invoice has a source id (a link from the balance, as
    // settlement makes, has neither): partial, so those links skip two index inserts.
    index('allocations_payment_idx').on(t.distributorId, t.paymentId).where(sql`${t.paymentId} is not null`),
    index('allocations_credit_invoice_idx')
      .on(t.distributorId, t.creditInvoiceId)
      .where(sql`${t.creditInvoiceId} is not null`),
    index('allocations_account_idx').on(t.distributorId, t.accountId),
    ref('allocations_account_fk', t, t.accountId, accounts),
    ref('allocations_debit_invoice_fk', t, t.debitInvoiceId, invoices),
    ref('allocations_payment_fk', t, t.paymentId, payments),
    ref('allocations_credit_invoice_fk', t, t.creditInvoiceId, invoices),
    ref('allocations_reverses_fk', t, t.reversesAllocationId, { distributorId: t.distributorId, id: t.id }),
    enumCheck('allocations_source', t.source, ALLOCATION_SOURCES),
    currencyCheck('allocations_currency', t.currency),
    check(
      'allocations_source_shape',
      sql`(${t.source} = 'PAYMENT') = (${t.paymentId} is not null)
        and (${t.source} = 'CREDIT_INVOICE') = (${t.creditInvoiceId} is not null)`,
    ),
    check(
      'allocations_sign',
      sql`(${t.reversesAllocationId} is null and ${t.amount} > 0) or (${t.reversesAllocationId} is not null and ${t.amount} < 0)`,
    ),
    tenantPolicy(t),
  ],
);

/** Money returned to the client from its balance. */
export const refunds = pgTable(
  'refunds',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    cashDeskId: text('cash_desk_id'),
    refundDate: isoDate('refund_date').notNull(),
    amount: amount('amount').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('refunds_account_idx').on(t.distributorId, t.accountId, t.refundDate),
    ref('refunds_account_fk', t, t.accountId, accounts),
    ref('refunds_cash_desk_fk', t, t.cashDeskId, cashDesks),
    currencyCheck('refunds_currency', t.currency),
    check('refunds_positive', sql`${t.amount} > 0`),
    tenantPolicy(t),
  ],
);

/** Balance moved between two clients of one seller, same currency (org_id = the giving client). */
export const transfers = pgTable(
  'transfers',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    fromAccountId: text('from_account_id').notNull(),
    toAccountId: text('to_account_id').notNull(),
    toOrgId: text('to_org_id').notNull(),
    transferDate: isoDate('transfer_date').notNull(),
    amount: amount('amount').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('transfers_from_idx').on(t.distributorId, t.fromAccountId),
    index('transfers_to_idx').on(t.distributorId, t.toAccountId),
    ref('transfers_from_fk', t, t.fromAccountId, accounts),
    ref('transfers_to_fk', t, t.toAccountId, accounts),
    ref('transfers_to_org_fk', t, t.toOrgId, organizations),
    currencyCheck('transfers_currency', t.currency),
    check('transfers_positive', sql`${t.amount} > 0`),
    check('transfers_distinct', sql`${t.fromAccountId} <> ${t.toAccountId}`),
    tenantPolicy(t),
  ],
);

/** A debit of the balance for a consumed service, with a reason; optionally closing an invoice. */
export const writeOffs = pgTable(
  'write_offs',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    invoiceId: text('invoice_id'),
    writeOffDate: isoDate('write_off_date').notNull(),
    amount: amount('amount').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('write_offs_account_idx').on(t.distributorId, t.accountId),
    ref('write_offs_account_fk', t, t.accountId, accounts),
    ref('write_offs_invoice_fk', t, t.invoiceId, invoices),
    currencyCheck('write_offs_currency', t.currency),
    check('write_offs_positive', sql`${t.amount} > 0`),
    check('write_offs_reason', sql`length(trim(${t.reason})) > 0`),
    tenantPolicy(t),
  ],
);

export const LEDGER_DOCUMENT_TYPES = [
  'PAYMENT',
  'ALLOCATION',
  'INVOICE',
  'CREDIT_INVOICE',
  'REFUND',
  'TRANSFER',
  'WRITE_OFF',
] as const;
export type LedgerDocumentType = (typeof LEDGER_DOCUMENT_TYPES)[number];

/**
 * The account's journal: one signed entry per effect of a document on the account's balance
 * (org_id = the account's client). balance = sum(amount) of the account's entries.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    ...tenantColumns(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    accountId: text('account_id').notNull(),
    currency: text('currency').notNull(),
    amount: amount('amount').notNull(),
    entryDate: isoDate('entry_date').notNull(),
    documentType: text('document_type', { enum: LEDGER_DOCUMENT_TYPES }).notNull(),
    documentId: text('document_id').notNull(),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('ledger_entries_account_idx').on(t.distributorId, t.accountId, t.entryDate, t.id),
    index('ledger_entries_document_idx').on(t.distributorId, t.documentType, t.documentId),
    ref('ledger_entries_account_fk', t, t.accountId, accounts),
    enumCheck('ledger_entries_document_type', t.documentType, LEDGER_DOCUMENT_TYPES),
    currencyCheck('ledger_entries_currency', t.currency),
    check('ledger_entries_nonzero', sql`${t.amount} <> 0`),
    tenantPolicy(t),
  ],
);
