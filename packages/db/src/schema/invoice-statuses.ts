import { foreignKey, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { enumCheck } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const INVOICE_STATUSES = ['UNPAID', 'PAID', 'CANCELED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** One locked set per organization: rows are never created or deleted by users, only described. */
export const invoiceStatuses = pgTable(
  'invoice_statuses',
  {
    ...tenantColumns(),
    code: text('code', { enum: INVOICE_STATUSES }).notNull(),
    description: text('description').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId, t.code] }),
    foreignKey({
      name: 'invoice_statuses_org_fk',
      columns: [t.distributorId, t.orgId],
      foreignColumns: [organizations.distributorId, organizations.id],
    }),
    enumCheck('invoice_statuses_code', t.code, INVOICE_STATUSES),
    tenantPolicy(t),
  ],
);
