import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';
import { paymentMethods } from './payment-methods';

/** Billing address, payment method and contacts of an account (SPEC §5). */
export const billingProfiles = pgTable(
  'billing_profiles',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    paymentMethodId: text('payment_method_id'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    postalCode: text('postal_code'),
    region: text('region'),
    country: text('country'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('billing_profiles_account_idx').on(t.distributorId, t.accountId),
    uniqueIndex('billing_profiles_one_default').on(t.distributorId, t.accountId).where(sql`${t.isDefault}`),
    ref('billing_profiles_account_fk', t, t.accountId, accounts),
    ref('billing_profiles_payment_method_fk', t, t.paymentMethodId, paymentMethods),
    tenantPolicy(t),
  ],
);
