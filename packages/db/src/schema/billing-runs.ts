import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, isoDate, ref, tstz } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const BILLING_RUN_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

/** A distributor's billing run for a date (org_id = the distributor), with readable progress. */
export const billingRuns = pgTable(
  'billing_runs',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    runDate: isoDate('run_date').notNull(),
    status: text('status', { enum: BILLING_RUN_STATUSES }).notNull().default('QUEUED'),
    progressDone: integer('progress_done').notNull().default(0),
    progressTotal: integer('progress_total').notNull().default(0),
    invoicesCreated: integer('invoices_created').notNull().default(0),
    requestedBy: text('requested_by'),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('billing_runs_date_idx').on(t.distributorId, t.orgId, t.runDate),
    ref('billing_runs_org_fk', t, t.orgId, organizations),
    enumCheck('billing_runs_status', t.status, BILLING_RUN_STATUSES),
    check(
      'billing_runs_progress',
      sql`${t.progressDone} >= 0 and ${t.progressTotal} >= 0 and ${t.progressDone} <= ${t.progressTotal} and ${t.invoicesCreated} >= 0`,
    ),
    tenantPolicy(t),
  ],
);
