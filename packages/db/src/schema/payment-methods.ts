import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';

export const PAYMENT_METHOD_KINDS = ['CARD', 'BANK_ACCOUNT', 'PAYMENT_SYSTEM', 'OTHER'] as const;

/**
 * The client's chosen financial account: a reference at the payment provider and masked details
 * only (`**** 4242`); the check refuses anything that looks like a full card or account number.
 */
export const paymentMethods = pgTable(
  'payment_methods',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    kind: text('kind', { enum: PAYMENT_METHOD_KINDS }).notNull(),
    /** The provider's token or mandate reference. */
    reference: text('reference').notNull(),
    maskedDetails: text('masked_details').notNull(),
    holderName: text('holder_name'),
    /** Cards: `MM/YY`. */
    expires: text('expires'),
    /** The account's default payment method (at most one per account). */
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('payment_methods_account_idx').on(t.distributorId, t.accountId),
    uniqueIndex('payment_methods_one_default').on(t.distributorId, t.accountId).where(sql`${t.isDefault}`),
    ref('payment_methods_account_fk', t, t.accountId, accounts),
    enumCheck('payment_methods_kind', t.kind, PAYMENT_METHOD_KINDS),
    check(
      'payment_methods_masked',
      sql`${t.maskedDetails} !~ '[0-9]{7,}' and ${t.reference} !~ '^[0-9 -]{12,}$'`,
    ),
    check(
      'payment_methods_expires',
      sql`${t.expires} is null or ${t.expires} ~ '^(0[1-9]|1[0-2])/[0-9]{2}$'`,
    ),
    tenantPolicy(t),
  ],
);
