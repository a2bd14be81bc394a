import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, currencyCheck, enumCheck, ref, unitPrice } from './_columns';
import { marketplacePolicies, tenantColumns } from './_tenancy';
import { organizations } from './organizations';

export const PRODUCT_TERMS = ['MONTH', 'YEAR', 'USAGE'] as const;
export type ProductTerm = (typeof PRODUCT_TERMS)[number];

/**
 * The distributor's catalogue (org_id = the distributor), readable by its whole marketplace.
 * `sell_price` is the distributor's sell price per `unit`; `cost_price` its own cost (needed by
 * markup/margin price lists); `srp` the suggested retail price.
 */
export const products = pgTable(
  'products',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    sku: text('sku').notNull(),
    /** The product type shown in Customer Charges, e.g. "Microsoft 365", "Azure". */
    type: text('type').notNull(),
    name: text('name').notNull(),
    /** The unit of an invoice item: Month, Annually, Unit, GB… */
    unit: text('unit').notNull(),
    term: text('term', { enum: PRODUCT_TERMS }).notNull(),
    currency: text('currency').notNull(),
    sellPrice: unitPrice('sell_price').notNull(),
    costPrice: unitPrice('cost_price'),
    srp: unitPrice('srp'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    uniqueIndex('products_sku_key').on(t.distributorId, t.sku),
    index('products_type_name_idx').on(t.distributorId, t.type, t.name),
    ref('products_org_fk', t, t.orgId, organizations),
    enumCheck('products_term', t.term, PRODUCT_TERMS),
    currencyCheck('products_currency', t.currency),
    check(
      'products_prices_nonnegative',
      sql`${t.sellPrice} >= 0 and coalesce(${t.costPrice}, 0) >= 0 and coalesce(${t.srp}, 0) >= 0`,
    ),
    ...marketplacePolicies(t),
  ],
);
