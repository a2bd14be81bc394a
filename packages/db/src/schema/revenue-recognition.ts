import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, isoDate, ref } from './_columns';
import { marketplacePolicies, tenantColumns } from './_tenancy';
import { organizations } from './organizations';

/**
 * The distributor's accounting periods (org_id = distributor_id), used when Revenue Recognition
 * Interval is ACCOUNTING_PERIOD. Read by the whole marketplace; written by the distributor.
 * Revenue schedules themselves are not stored: they are computed from invoice items, which never
 * change, so the report always follows the current interval and nothing needs backfilling.
 */
export const accountingPeriods = pgTable(
  'accounting_periods',
  {
    ...tenantColumns(),
    startDate: isoDate('start_date').notNull(),
    endDate: isoDate('end_date').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.startDate] }),
    ref('accounting_periods_org_fk', t, t.orgId, organizations),
    check('accounting_periods_owner', sql`${t.orgId} = ${t.distributorId} and ${t.resellerId} is null`),
    check('accounting_periods_range', sql`${t.endDate} >= ${t.startDate}`),
    ...marketplacePolicies(t),
  ],
);
