import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, currencyCheck, enumCheck, isoDate, percent, ref, unitPrice } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';
import { products } from './products';

/** Names as in billing-core's `PriceListRule['kind']`. */
export const PRICE_LIST_STRATEGIES = [
  'DISCOUNT_ON_SELL_PRICE',
  'MARKUP_ON_COST',
  'MARGIN_ON_COST',
  'DIRECT',
] as const;
export type PriceListStrategy = (typeof PRICE_LIST_STRATEGIES)[number];
/** Names as in billing-core's `ResellerStrategy['kind']`. */
export const RESELLER_STRATEGIES = ['MARKUP', 'SRP'] as const;
export type ResellerStrategyKind = (typeof RESELLER_STRATEGIES)[number];
/** How an item's unit sell price was found (billing-core's `PricingStrategy`), kept in the pricing snapshot. */
export const PRICING_STRATEGIES = ['SPECIAL_PRICE', 'MARKUP', 'SRP'] as const;

const strategyShape = (strategy: AnyPgColumn, pct: AnyPgColumn, price: AnyPgColumn) =>
  sql`(${strategy} = 'DIRECT' and ${price} is not null and ${price} >= 0)
    or (${strategy} <> 'DIRECT' and ${pct} is not null and ${pct} >= 0
        and (${strategy} <> 'DISCOUNT_ON_SELL_PRICE' or ${pct} <= 100)
        and (${strategy} <> 'MARGIN_ON_COST' or ${pct} < 100))`;

/** A distributor's price list (org_id = the distributor); assigned to resellers below. */
export const priceLists = pgTable(
  'price_lists',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    ref('price_lists_org_fk', t, t.orgId, organizations),
    currencyCheck('price_lists_currency', t.currency),
    tenantPolicy(t),
  ],
);

/** How a price list prices one product (SPEC §6). `percent` for the three percentage rules, `price` for DIRECT. */
export const priceListEntries = pgTable(
  'price_list_entries',
  {
    ...tenantColumns(),
    priceListId: text('price_list_id').notNull(),
    productId: text('product_id').notNull(),
    strategy: text('strategy', { enum: PRICE_LIST_STRATEGIES }).notNull(),
    percent: percent('percent'),
    price: unitPrice('price'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.priceListId, t.productId] }),
    ref('price_list_entries_list_fk', t, t.priceListId, priceLists),
    ref('price_list_entries_product_fk', t, t.productId, products),
    enumCheck('price_list_entries_strategy', t.strategy, PRICE_LIST_STRATEGIES),
    check('price_list_entries_shape', strategyShape(t.strategy, t.percent, t.price)),
    tenantPolicy(t),
  ],
);

/** The price list assigned to a reseller (org_id = reseller_id = the reseller), from a date. */
export const priceListAssignments = pgTable(
  'price_list_assignments',
  {
    ...tenantColumns(),
    priceListId: text('price_list_id').notNull(),
    validFrom: isoDate('valid_from').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId, t.validFrom] }),
    ref('price_list_assignments_list_fk', t, t.priceListId, priceLists),
    ref('price_list_assignments_org_fk', t, t.orgId, organizations),
    tenantPolicy(t),
  ],
);

/**
 * A reseller's sell-price strategy (org_id = reseller_id = the reseller): for one product, or the
 * reseller's default when `product_id` is null. MARKUP needs `markup_percent`.
 */
export const resellerPricingStrategies = pgTable(
  'reseller_pricing_strategies',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    productId: text('product_id'),
    strategy: text('strategy', { enum: RESELLER_STRATEGIES }).notNull(),
    markupPercent: percent('markup_percent'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    unique('reseller_pricing_strategies_product_key')
      .on(t.distributorId, t.orgId, t.productId)
      .nullsNotDistinct(),
    ref('reseller_pricing_strategies_org_fk', t, t.orgId, organizations),
    ref('reseller_pricing_strategies_product_fk', t, t.productId, products),
    enumCheck('reseller_pricing_strategies_strategy', t.strategy, RESELLER_STRATEGIES),
    check(
      'reseller_pricing_strategies_shape',
      sql`(${t.strategy} = 'MARKUP') = (${t.markupPercent} is not null) and coalesce(${t.markupPercent}, 0) >= 0`,
    ),
    tenantPolicy(t),
  ],
);

/** A reseller's special price for one end customer (org_id) and product; reseller_id = the reseller. */
export const specialPrices = pgTable(
  'special_prices',
  {
    ...tenantColumns(),
    productId: text('product_id').notNull(),
    price: unitPrice('price').notNull(),
    currency: text('currency').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId, t.productId] }),
    index('special_prices_reseller_idx').on(t.distributorId, t.resellerId, t.productId),
    ref('special_prices_org_fk', t, t.orgId, organizations),
    ref('special_prices_product_fk', t, t.productId, products),
    currencyCheck('special_prices_currency', t.currency),
    check('special_prices_nonnegative', sql`${t.price} >= 0`),
    check('special_prices_has_reseller', sql`${t.resellerId} is not null`),
    tenantPolicy(t),
  ],
);
