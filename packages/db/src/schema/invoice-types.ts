import { foreignKey, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { enumCheck } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const INVOICE_TYPES = ['DEBIT', 'CREDIT'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

/** One locked set per organization: rows are never created or deleted by users, only described. */
export const invoiceTypes = pgTable(
  'invoice_types',
  {
    ...tenantColumns(),
    code: text('code', { enum: INVOICE_TYPES }).notNull(),
    description: text('description').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId, t.code] }),
    foreignKey({
      name: 'invoice_types_org_fk',
      columns: [t.distributorId, t.orgId],
      foreignColumns: [organizations.distributorId, organizations.id],
    }),
    enumCheck('invoice_types_code', t.code, INVOICE_TYPES),
    tenantPolicy(t),
  ],
);
