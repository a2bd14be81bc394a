import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import {
  amount,
  byteOrderedId,
  currencyCheck,
  enumCheck,
  isoDate,
  quantity,
  tstz,
  unitPrice,
} from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { INVOICE_TYPES } from './invoice-types';
import { PRICING_STRATEGIES } from './pricing';

/**
 * The Customer Charges grid of a Standard reseller (SPEC §7): one row per invoice item the
 * distributor invoiced to it (org_id = reseller_id = the reseller), filled by the daily sync job.
 * The primary key on the item makes the sync idempotent (it inserts only items not there yet).
 * Totals of CREDIT rows are negative; unit prices and quantities stay positive.
 * Partitioned by LIST (org_id), one partition per reseller, which the sync creates (migration
 * 0011; drizzle does not model partitions): the grid's queries name the reseller and read its
 * partition only. cascade_app reads through this table, under its policy, never a partition.
 */
export const customerChargeRows = pgTable(
  'customer_charge_rows',
  {
    ...tenantColumns(),
    /** Byte-ordered: the tie-breaker of every sort index, which the sync builds in bulk. */
    invoiceItemId: byteOrderedId('invoice_item_id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    invoiceNumber: text('invoice_number').notNull(),
    invoiceDate: isoDate('invoice_date').notNull(),
    invoiceType: text('invoice_type', { enum: INVOICE_TYPES }).notNull(),
    customerOrgId: text('customer_org_id'),
    customerName: text('customer_name').notNull(),
    description: text('description').notNull(),
    startDate: isoDate('start_date').notNull(),
    endDate: isoDate('end_date').notNull(),
    unitCostPrice: unitPrice('unit_cost_price').notNull(),
    unitSellPrice: unitPrice('unit_sell_price').notNull(),
    quantity: quantity('quantity').notNull(),
    /**
     * The quantity in ten-thousandths (exact: numeric(20,4)), for sorting and filtering: under
     * row-level security only leakproof operators reach an index, and bigint's are, numeric's not.
     */
    quantityE4: bigint('quantity_e4', { mode: 'number' }).generatedAlwaysAs(sql`(quantity * 10000)::bigint`),
    unit: text('unit').notNull(),
    totalCostPrice: amount('total_cost_price').notNull(),
    totalSellPrice: amount('total_sell_price').notNull(),
    currency: text('currency').notNull(),
    productType: text('product_type').notNull(),
    productName: text('product_name').notNull(),
    pricingStrategy: text('pricing_strategy', { enum: PRICING_STRATEGIES }).notNull(),
    jobRunId: text('job_run_id'),
    syncedAt: tstz('synced_at').notNull().defaultNow(),
  },
  (t) => [
    // The item first: within a partition the tenant columns are (nearly) constant, and a sort led
    // by them compares every key past them; led by the item, the bulk build sorts 4× faster.
    primaryKey({ columns: [t.invoiceItemId, t.orgId, t.distributorId] }),
    // One index per sortable column, ending with the key as tie-breaker. No leading tenant columns:
    // the table is partitioned by reseller (migration 0011), so within a partition they are
    // constant (but for another distributor's reseller of the same id, which shares it: RLS and
    // the queries' own conditions filter it out); without them each index is smaller and its bulk
    // build (sync) sorts faster.
    index('customer_charge_rows_invoice_number_idx').on(t.invoiceNumber, t.invoiceItemId),
    index('customer_charge_rows_invoice_date_idx').on(t.invoiceDate, t.invoiceItemId),
    index('customer_charge_rows_customer_idx').on(t.customerName, t.invoiceItemId),
    index('customer_charge_rows_description_idx').on(t.description, t.invoiceItemId),
    index('customer_charge_rows_start_date_idx').on(t.startDate, t.invoiceItemId),
    index('customer_charge_rows_end_date_idx').on(t.endDate, t.invoiceItemId),
    index('customer_charge_rows_quantity_e4_idx').on(t.quantityE4, t.invoiceItemId),
    index('customer_charge_rows_product_name_idx').on(t.productName, t.invoiceItemId),
    // Sorted by description or product name with the product type filtered (its exact stored
    // values, see query.ts): the walk reads only that type's rows instead of every row before them.
    // The second also serves the sort by product type, which continues by product name (query.ts).
    index('customer_charge_rows_product_type_description_idx').on(
      t.productType,
      t.description,
      t.invoiceItemId,
    ),
    index('customer_charge_rows_product_type_product_name_idx').on(
      t.productType,
      t.productName,
      t.invoiceItemId,
    ),
    // Type is not sortable (SPEC §7) and has two values: no index of its own. No foreign keys
    // either: this is a read model that only the sync writes, from a join over the invoice items
    // and organizations it would reference (both never deleted); their per-row checks cost a third
    // of the sync's time.
    enumCheck('customer_charge_rows_invoice_type', t.invoiceType, INVOICE_TYPES),
    enumCheck('customer_charge_rows_pricing_strategy', t.pricingStrategy, PRICING_STRATEGIES),
    currencyCheck('customer_charge_rows_currency', t.currency),
    check(
      'customer_charge_rows_signs',
      sql`${t.quantity} >= 0 and ${t.unitCostPrice} >= 0 and ${t.unitSellPrice} >= 0 and case
        when ${t.invoiceType} = 'DEBIT' then ${t.totalCostPrice} >= 0 and ${t.totalSellPrice} >= 0
        else ${t.totalCostPrice} <= 0 and ${t.totalSellPrice} <= 0 end`,
    ),
    check('customer_charge_rows_reseller', sql`${t.resellerId} = ${t.orgId}`),
    tenantPolicy(t),
  ],
);

/**
 * Where a reseller's Customer Charges sync stands: the start of its last successful run, from which
 * the next one reads (with a day of overlap). UNLOGGED like the partitions it describes (migration
 * 0016; drizzle does not model it), so a crash, which empties both, leaves no mark: the reseller's
 * rows are then read again from the beginning (the sync's rowsLost). One row per reseller, upserted
 * by each successful run in its transaction; runs stay recorded in job_runs.
 */
export const customerChargeSyncMarks = pgTable(
  'customer_charge_sync_marks',
  {
    ...tenantColumns(),
    upTo: tstz('up_to').notNull(),
    jobRunId: text('job_run_id'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId] }),
    check('customer_charge_sync_marks_reseller', sql`${t.resellerId} = ${t.orgId}`),
    tenantPolicy(t),
  ],
);
