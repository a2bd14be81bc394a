import { boolean, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const CASH_DESK_KINDS = ['BANK', 'OFFICE_TILL', 'PAYMENT_SYSTEM'] as const;

/** Where an organization (org_id) receives payments and pays refunds. */
export const cashDesks = pgTable(
  'cash_desks',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: CASH_DESK_KINDS }).notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    ref('cash_desks_org_fk', t, t.orgId, organizations),
    enumCheck('cash_desks_kind', t.kind, CASH_DESK_KINDS),
    tenantPolicy(t),
  ],
);
