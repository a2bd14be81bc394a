import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { amount, createdAt, currencyCheck, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

/**
 * A client account: what the client `org_id` holds with its seller `issuer_org_id` (an ancestor) in
 * one currency. Child accounts hang under a parent account (SPEC §8, payments towards child
 * accounts). `balance` is the sum of the account's ledger entries, kept in the same transaction
 * as each entry (and the row to lock when settling); never below zero.
 */
export const accounts = pgTable(
  'accounts',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    issuerOrgId: text('issuer_org_id').notNull(),
    parentAccountId: text('parent_account_id'),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    balance: amount('balance').notNull().default('0'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    uniqueIndex('accounts_client_currency_key')
      .on(t.distributorId, t.issuerOrgId, t.orgId, t.currency)
      .where(sql`${t.parentAccountId} is null`),
    index('accounts_org_idx').on(t.distributorId, t.orgId),
    index('accounts_parent_idx').on(t.distributorId, t.parentAccountId),
    ref('accounts_org_fk', t, t.orgId, organizations),
    ref('accounts_issuer_fk', t, t.issuerOrgId, organizations),
    ref('accounts_parent_fk', t, t.parentAccountId, { distributorId: t.distributorId, id: t.id }),
    currencyCheck('accounts_currency', t.currency),
    check('accounts_balance_nonnegative', sql`${t.balance} >= 0`),
    check('accounts_not_own_parent', sql`${t.parentAccountId} is null or ${t.parentAccountId} <> ${t.id}`),
    check('accounts_issuer_not_client', sql`${t.issuerOrgId} <> ${t.orgId}`),
    tenantPolicy(t),
  ],
);
