import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  amount,
  createdAt,
  currencyCheck,
  enumCheck,
  isoDate,
  percent,
  quantity,
  ref,
  tstz,
  unitPrice,
} from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';
import { billingRuns } from './billing-runs';
import { INVOICE_STATUSES } from './invoice-statuses';
import { INVOICE_TYPES } from './invoice-types';
import { organizations } from './organizations';
import { PRICING_STRATEGIES } from './pricing';
import { products } from './products';
import { PURCHASE_CHANNELS, subscriptionLines, subscriptions } from './subscriptions';
import { CHARGE_COMPONENTS } from './taxes';

export const INVOICE_STAGES = ['PROFORMA', 'PENDING', 'ISSUED'] as const;
export type InvoiceStage = (typeof INVOICE_STAGES)[number];
export const INVOICE_SOURCES = ['BILLING_SERVICE', 'MANUAL', 'RENEWAL', 'API'] as const;
export type InvoiceSource = (typeof INVOICE_SOURCES)[number];

/**
 * An invoice from `issuer_org_id` to its client `org_id` (an ancestor bills a descendant). All
 * amounts are non-negative; `type` gives the direction (a CREDIT invoice reduces what the client
 * owes). Drafts (PROFORMA, PENDING) have no number; ISSUED ones always do, unique per issuer.
 * `total` = `subtotal` + `tax_total`, each the sum of the stored rounded parts.
 */
export const invoices = pgTable(
  'invoices',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    issuerOrgId: text('issuer_org_id').notNull(),
    accountId: text('account_id').notNull(),
    stage: text('stage', { enum: INVOICE_STAGES }).notNull(),
    type: text('type', { enum: INVOICE_TYPES }).notNull(),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('UNPAID'),
    number: text('number'),
    invoiceDate: isoDate('invoice_date').notNull(),
    periodStart: isoDate('period_start'),
    periodEnd: isoDate('period_end'),
    currency: text('currency').notNull(),
    subtotal: amount('subtotal').notNull(),
    taxTotal: amount('tax_total').notNull(),
    total: amount('total').notNull(),
    amountDue: amount('amount_due').notNull(),
    /** A CREDIT invoice's debit invoice. */
    creditedInvoiceId: text('credited_invoice_id'),
    channel: text('channel', { enum: PURCHASE_CHANNELS }).notNull(),
    source: text('source', { enum: INVOICE_SOURCES }).notNull(),
    /** Set when the whole invoice concerns one end customer; items carry their own. */
    endCustomerOrgId: text('end_customer_org_id'),
    /** Why a PENDING invoice could not be issued (e.g. the external tax service failed). */
    pendingError: text('pending_error'),
    billingRunId: text('billing_run_id'),
    /**
     * What the invoice bills, for idempotent generation (e.g. `sub-1:2026-07-01`): unique per
     * issuer among invoices that are not canceled, so a re-run adds nothing and a canceled period
     * can be regenerated.
     */
    generationKey: text('generation_key'),
    createdAt: createdAt(),
    issuedAt: tstz('issued_at'),
    canceledAt: tstz('canceled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    uniqueIndex('invoices_number_key').on(t.distributorId, t.issuerOrgId, t.number),
    // The partial indexes below leave out the rows whose key is null (most invoices: no generation
    // key outside billing runs, not a credit note, not from a run), which no query looks up by it:
    // an invoice written or settled (an update that is not HOT) then inserts into fewer indexes.
    uniqueIndex('invoices_generation_key')
      .on(t.distributorId, t.issuerOrgId, t.generationKey)
      .where(sql`${t.status} <> 'CANCELED' and ${t.generationKey} is not null`),
    index('invoices_org_date_idx').on(t.distributorId, t.orgId, t.invoiceDate),
    index('invoices_issuer_date_idx').on(t.distributorId, t.issuerOrgId, t.invoiceDate),
    index('invoices_account_idx').on(t.distributorId, t.accountId, t.invoiceDate),
    // The ledger's automatic settlement reads an account's open debit invoices oldest first (date,
    // then id in code point order): only open ones, so its cost does not grow with paid history.
    index('invoices_account_open_idx')
      .on(t.distributorId, t.accountId, t.invoiceDate, sql`${t.id} collate "C"`)
      .where(sql`${t.type} = 'DEBIT' and ${t.stage} = 'ISSUED' and ${t.status} = 'UNPAID'`),
    index('invoices_reseller_issued_idx').on(t.distributorId, t.resellerId, t.issuedAt),
    index('invoices_credited_idx')
      .on(t.distributorId, t.creditedInvoiceId)
      .where(sql`${t.creditedInvoiceId} is not null`),
    index('invoices_billing_run_idx')
      .on(t.distributorId, t.billingRunId)
      .where(sql`${t.billingRunId} is not null`),
    ref('invoices_org_fk', t, t.orgId, organizations),
    ref('invoices_issuer_fk', t, t.issuerOrgId, organizations),
    ref('invoices_end_customer_fk', t, t.endCustomerOrgId, organizations),
    ref('invoices_account_fk', t, t.accountId, accounts),
    ref('invoices_credited_fk', t, t.creditedInvoiceId, { distributorId: t.distributorId, id: t.id }),
    ref('invoices_billing_run_fk', t, t.billingRunId, billingRuns),
    enumCheck('invoices_stage', t.stage, INVOICE_STAGES),
    enumCheck('invoices_type', t.type, INVOICE_TYPES),
    enumCheck('invoices_status', t.status, INVOICE_STATUSES),
    enumCheck('invoices_channel', t.channel, PURCHASE_CHANNELS),
    enumCheck('invoices_source', t.source, INVOICE_SOURCES),
    currencyCheck('invoices_currency', t.currency),
    check('invoices_number_when_issued', sql`(${t.stage} = 'ISSUED') = (${t.number} is not null)`),
    check('invoices_draft_unpaid', sql`${t.stage} = 'ISSUED' or ${t.status} = 'UNPAID'`),
    check('invoices_pending_error', sql`${t.pendingError} is null or ${t.stage} = 'PENDING'`),
    check(
      'invoices_amounts',
      sql`${t.subtotal} >= 0 and ${t.taxTotal} >= 0 and ${t.total} = ${t.subtotal} + ${t.taxTotal}
        and ${t.amountDue} >= 0 and ${t.amountDue} <= ${t.total}`,
    ),
    check('invoices_paid_nothing_due', sql`${t.status} <> 'PAID' or ${t.amountDue} = 0`),
    check('invoices_credit_link', sql`${t.creditedInvoiceId} is null or ${t.type} = 'CREDIT'`),
    check(
      'invoices_not_self_credit',
      sql`${t.creditedInvoiceId} is null or ${t.creditedInvoiceId} <> ${t.id}`,
    ),
    check('invoices_issuer_not_client', sql`${t.issuerOrgId} <> ${t.orgId}`),
    check(
      'invoices_period',
      sql`${t.periodEnd} is null or ${t.periodStart} is null or ${t.periodEnd} >= ${t.periodStart}`,
    ),
    check('invoices_canceled_at', sql`(${t.status} = 'CANCELED') = (${t.canceledAt} is not null)`),
    tenantPolicy(t),
  ],
);

/**
 * One line of an invoice (same tenancy columns as its invoice). Amounts are non-negative like the
 * invoice's. The pricing snapshot (`unit_cost`, `pricing_strategy`, `markup_percent`, `srp`) is
 * taken at generation; null on items issued before the feature (Customer Charges skips them).
 */
export const invoiceItems = pgTable(
  'invoice_items',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    lineNo: integer('line_no').notNull(),
    subscriptionId: text('subscription_id'),
    subscriptionLineId: text('subscription_line_id'),
    productId: text('product_id'),
    productType: text('product_type').notNull(),
    productName: text('product_name').notNull(),
    /** The product name, followed by the installment number when bought in installments. */
    description: text('description').notNull(),
    installmentNumber: integer('installment_number'),
    periodStart: isoDate('period_start').notNull(),
    periodEnd: isoDate('period_end').notNull(),
    quantity: quantity('quantity').notNull(),
    unit: text('unit').notNull(),
    unitPrice: unitPrice('unit_price').notNull(),
    discount: amount('discount').notNull().default('0'),
    amount: amount('amount').notNull(),
    taxAmount: amount('tax_amount').notNull().default('0'),
    endCustomerOrgId: text('end_customer_org_id'),
    unitCost: unitPrice('unit_cost'),
    pricingStrategy: text('pricing_strategy', { enum: PRICING_STRATEGIES }),
    markupPercent: percent('markup_percent'),
    srp: unitPrice('srp'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    uniqueIndex('invoice_items_line_key').on(t.distributorId, t.invoiceId, t.lineNo),
    index('invoice_items_end_customer_idx').on(t.distributorId, t.endCustomerOrgId),
    // What a subscription line has already been billed: the billing run reads it per batch.
    index('invoice_items_subscription_idx').on(t.distributorId, t.subscriptionId, t.subscriptionLineId),
    ref('invoice_items_invoice_fk', t, t.invoiceId, invoices),
    ref('invoice_items_subscription_fk', t, t.subscriptionId, subscriptions),
    ref('invoice_items_subscription_line_fk', t, t.subscriptionLineId, subscriptionLines),
    ref('invoice_items_product_fk', t, t.productId, products),
    ref('invoice_items_end_customer_fk', t, t.endCustomerOrgId, organizations),
    enumCheck('invoice_items_pricing_strategy', t.pricingStrategy, PRICING_STRATEGIES),
    // Below 10^14: Customer Charges keeps the quantity as a bigint of ten-thousandths (quantity_e4).
    check('invoice_items_quantity', sql`${t.quantity} >= 0 and ${t.quantity} < 100000000000000`),
    check(
      'invoice_items_amounts',
      sql`${t.unitPrice} >= 0 and ${t.amount} >= 0 and ${t.taxAmount} >= 0 and ${t.discount} >= 0
        and coalesce(${t.unitCost}, 0) >= 0 and coalesce(${t.srp}, 0) >= 0`,
    ),
    check('invoice_items_period', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('invoice_items_installment', sql`${t.installmentNumber} is null or ${t.installmentNumber} >= 1`),
    check('invoice_items_line_no', sql`${t.lineNo} >= 1`),
    tenantPolicy(t),
  ],
);

/** The taxes of an invoice, per code, type, charge component and rate (aggregated or summed per line). */
export const invoiceTaxes = pgTable(
  'invoice_taxes',
  {
    ...tenantColumns(),
    invoiceId: text('invoice_id').notNull(),
    lineNo: integer('line_no').notNull(),
    code: text('code').notNull(),
    type: text('type').notNull(),
    chargeComponent: text('charge_component', { enum: CHARGE_COMPONENTS }).notNull(),
    percent: percent('percent').notNull(),
    base: amount('base').notNull(),
    amount: amount('amount').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.invoiceId, t.lineNo] }),
    ref('invoice_taxes_invoice_fk', t, t.invoiceId, invoices),
    enumCheck('invoice_taxes_charge_component', t.chargeComponent, CHARGE_COMPONENTS),
    check(
      'invoice_taxes_amounts',
      sql`${t.base} >= 0 and ${t.amount} >= 0 and ${t.percent} >= 0 and ${t.percent} <= 100`,
    ),
    tenantPolicy(t),
  ],
);

/**
 * The gapless number sequence of an issuer (org_id = the issuer): `update ... set last_number =
 * last_number + 1 returning` in the issuing transaction, so a rollback gives the number back.
 */
export const invoiceNumberSequences = pgTable(
  'invoice_number_sequences',
  {
    ...tenantColumns(),
    lastNumber: bigint('last_number', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId] }),
    ref('invoice_number_sequences_org_fk', t, t.orgId, organizations),
    check('invoice_number_sequences_nonnegative', sql`${t.lastNumber} >= 0`),
    tenantPolicy(t),
  ],
);
