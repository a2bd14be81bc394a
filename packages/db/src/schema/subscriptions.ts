import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { amount, createdAt, enumCheck, isoDate, quantity, ref, unitPrice } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';
import { billingProfiles } from './billing-profiles';
import { products } from './products';

export const SUBSCRIPTION_STATES = ['ACTIVE', 'SUSPENDED', 'DISCONNECTED'] as const;
export const TERMS = ['MONTH', 'YEAR'] as const;
export const PRORATA_RULES = ['DAILY', 'FULL_MONTH'] as const;
export const CREDIT_RULES = ['EXACT', 'NODC'] as const;
export const PURCHASE_CHANNELS = [
  'RESELLER_STOREFRONT',
  'DISTRIBUTOR_STOREFRONT',
  'BSS',
  'PERSONAL_USE',
] as const;
export type PurchaseChannel = (typeof PURCHASE_CHANNELS)[number];

/**
 * Licenses grouped under one account (SPEC §5). org_id = the organization using them (an end
 * customer, or the reseller itself for personal use); `account_id` the account billed for them.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    billingProfileId: text('billing_profile_id'),
    name: text('name').notNull(),
    region: text('region'),
    stateProvince: text('state_province'),
    isDefault: boolean('is_default').notNull().default(false),
    channel: text('channel', { enum: PURCHASE_CHANNELS }).notNull(),
    state: text('state', { enum: SUBSCRIPTION_STATES }).notNull().default('ACTIVE'),
    orderDate: isoDate('order_date').notNull(),
    startDate: isoDate('start_date').notNull(),
    endDate: isoDate('end_date'),
    disconnectionDate: isoDate('disconnection_date'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('subscriptions_account_idx').on(t.distributorId, t.accountId),
    index('subscriptions_org_idx').on(t.distributorId, t.orgId),
    uniqueIndex('subscriptions_one_default').on(t.distributorId, t.accountId).where(sql`${t.isDefault}`),
    ref('subscriptions_account_fk', t, t.accountId, accounts),
    ref('subscriptions_billing_profile_fk', t, t.billingProfileId, billingProfiles),
    enumCheck('subscriptions_channel', t.channel, PURCHASE_CHANNELS),
    enumCheck('subscriptions_state', t.state, SUBSCRIPTION_STATES),
    check(
      'subscriptions_dates',
      sql`(${t.endDate} is null or ${t.endDate} >= ${t.startDate})
      and (${t.disconnectionDate} is null or ${t.disconnectionDate} >= ${t.startDate})`,
    ),
    check(
      'subscriptions_disconnected',
      sql`(${t.state} = 'DISCONNECTED') = (${t.disconnectionDate} is not null)`,
    ),
    tenantPolicy(t),
  ],
);

/**
 * One product on a subscription. `unit_price` null means the price-list price; `ad_hoc_price`
 * overrides both; `installments` splits a yearly term into that many billed parts.
 */
export const subscriptionLines = pgTable(
  'subscription_lines',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    productId: text('product_id').notNull(),
    quantity: quantity('quantity').notNull(),
    unitPrice: unitPrice('unit_price'),
    adHocPrice: unitPrice('ad_hoc_price'),
    term: text('term', { enum: TERMS }).notNull(),
    billingFrequencyMonths: integer('billing_frequency_months').notNull(),
    installments: integer('installments'),
    flatDiscount: amount('flat_discount').notNull().default('0'),
    prorataRule: text('prorata_rule', { enum: PRORATA_RULES }).notNull().default('DAILY'),
    creditRule: text('credit_rule', { enum: CREDIT_RULES }).notNull().default('EXACT'),
    state: text('state', { enum: SUBSCRIPTION_STATES }).notNull().default('ACTIVE'),
    startDate: isoDate('start_date').notNull(),
    endDate: isoDate('end_date'),
    disconnectionDate: isoDate('disconnection_date'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('subscription_lines_subscription_idx').on(t.distributorId, t.subscriptionId),
    ref('subscription_lines_subscription_fk', t, t.subscriptionId, subscriptions),
    ref('subscription_lines_product_fk', t, t.productId, products),
    enumCheck('subscription_lines_term', t.term, TERMS),
    enumCheck('subscription_lines_prorata_rule', t.prorataRule, PRORATA_RULES),
    enumCheck('subscription_lines_credit_rule', t.creditRule, CREDIT_RULES),
    enumCheck('subscription_lines_state', t.state, SUBSCRIPTION_STATES),
    check('subscription_lines_frequency', sql`${t.billingFrequencyMonths} in (1, 3, 6, 12)`),
    // Below 10^14, as invoice items' (which billing runs copy it to).
    check('subscription_lines_quantity', sql`${t.quantity} >= 0 and ${t.quantity} < 100000000000000`),
    check(
      'subscription_lines_prices',
      sql`coalesce(${t.unitPrice}, 0) >= 0 and coalesce(${t.adHocPrice}, 0) >= 0 and ${t.flatDiscount} >= 0`,
    ),
    check(
      'subscription_lines_installments',
      sql`${t.installments} is null or ${t.installments} between 1 and 12`,
    ),
    check(
      'subscription_lines_dates',
      sql`(${t.endDate} is null or ${t.endDate} >= ${t.startDate})
      and (${t.disconnectionDate} is null or ${t.disconnectionDate} >= ${t.startDate})`,
    ),
    check(
      'subscription_lines_disconnected',
      sql`(${t.state} = 'DISCONNECTED') = (${t.disconnectionDate} is not null)`,
    ),
    tenantPolicy(t),
  ],
);
