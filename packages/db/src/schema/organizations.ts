import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { currencyCheck, enumCheck } from './_columns';
import { cascadeApp, visibilityRule } from './_tenancy';

export const ORG_KINDS = ['DISTRIBUTOR', 'RESELLER', 'CUSTOMER'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const RESELLER_TIERS = ['LIGHT', 'STANDARD'] as const;
export type ResellerTier = (typeof RESELLER_TIERS)[number];

/**
 * The organization tree. An organization's own id plays the part of `org_id`; `distributor_id` is
 * its root (itself for a distributor); `reseller_id` is itself for a reseller, its reseller for an
 * end customer, null for a distributor and for a customer directly under the distributor.
 */
export const organizations = pgTable(
  'organizations',
  {
    distributorId: text('distributor_id').notNull(),
    id: text('id').notNull(),
    resellerId: text('reseller_id'),
    parentId: text('parent_id'),
    kind: text('kind', { enum: ORG_KINDS }).notNull(),
    name: text('name').notNull(),
    /** Resellers only. */
    resellerTier: text('reseller_tier', { enum: RESELLER_TIERS }),
    /** The day a reseller became Standard (its first day as Standard). */
    standardSince: date('standard_since', { mode: 'string' }),
    timeZone: text('time_zone').notNull().default('UTC'),
    defaultCurrency: text('default_currency').notNull().default('EUR'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    postalCode: text('postal_code'),
    region: text('region'),
    country: text('country'),
    email: text('email'),
    /** Distributors only: link to an invoice's page in its storefront, e.g. `https://x/invoices/{invoiceId}`. */
    invoicePageUrlTemplate: text('invoice_page_url_template'),
    /**
     * Sellers: the short code of their invoice numbers, `{ORG}` in the Custom Bill Number template
     * (e.g. `DST` → `DST-000131`); unset, the organization's id in capitals stands in.
     */
    invoiceCode: text('invoice_code'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    // Org ids are globally unique: sign-in and token checks look an org up by id alone.
    uniqueIndex('organizations_id_key').on(t.id),
    index('organizations_parent_idx').on(t.distributorId, t.parentId),
    index('organizations_reseller_idx').on(t.distributorId, t.resellerId),
    check(
      'organizations_tree',
      sql`(${t.kind} = 'DISTRIBUTOR' and ${t.distributorId} = ${t.id} and ${t.parentId} is null and ${t.resellerId} is null)
        or (${t.kind} = 'RESELLER' and ${t.resellerId} = ${t.id} and ${t.parentId} = ${t.distributorId})
        or (${t.kind} = 'CUSTOMER' and ${t.parentId} is not null and ${t.distributorId} <> ${t.id}
            and (${t.resellerId} is null or ${t.resellerId} = ${t.parentId}))`,
    ),
    check(
      'organizations_tier',
      sql`(${t.kind} = 'RESELLER') = (${t.resellerTier} is not null)
        and (${t.standardSince} is null or ${t.resellerTier} = 'STANDARD')`,
    ),
    check(
      'organizations_invoice_code',
      sql`${t.invoiceCode} is null or ${t.invoiceCode} ~ '^[A-Z0-9]{2,12}$'`,
    ),
    enumCheck('organizations_kind', t.kind, ORG_KINDS),
    enumCheck('organizations_reseller_tier', t.resellerTier, RESELLER_TIERS),
    currencyCheck('organizations_currency', t.defaultCurrency),
    pgPolicy('tenant_isolation', {
      as: 'permissive',
      for: 'all',
      to: cascadeApp,
      using: visibilityRule(t.distributorId, t.resellerId, t.id),
      withCheck: visibilityRule(t.distributorId, t.resellerId, t.id),
    }),
    // An organization may read the organizations that bill it (its parent, reseller and
    // distributor): their names and addresses are on its invoices. Read only; nothing else.
    // `cascade_org_ancestors()` (migration 0008) reads the caller's own row as the owner.
    pgPolicy('ancestors_read', {
      as: 'permissive',
      for: 'select',
      to: cascadeApp,
      using: sql`${t.distributorId} = current_setting('app.distributor_id', true) and ${t.id} = any(cascade_org_ancestors())`,
    }),
  ],
);
