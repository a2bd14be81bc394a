import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, isoDate, ref, tstz } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const JOB_RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;

/**
 * One run of a scheduled job for one organization on one local day. The unique key (job, org,
 * local date) is the claim: whichever instance inserts it first runs the job; the others skip. A
 * failed run is retried by updating its row. `cursor` is what the next run starts from (e.g. the
 * last synced invoice's issued_at).
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    jobName: text('job_name').notNull(),
    scheduledLocalDate: isoDate('scheduled_local_date').notNull(),
    status: text('status', { enum: JOB_RUN_STATUSES }).notNull().default('RUNNING'),
    attempts: integer('attempts').notNull().default(1),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    rows: integer('rows'),
    error: text('error'),
    cursor: jsonb('cursor'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    unique('job_runs_once_per_local_day').on(t.distributorId, t.jobName, t.orgId, t.scheduledLocalDate),
    index('job_runs_org_idx').on(t.distributorId, t.orgId, t.jobName, t.startedAt),
    ref('job_runs_org_fk', t, t.orgId, organizations),
    enumCheck('job_runs_status', t.status, JOB_RUN_STATUSES),
    check('job_runs_rows', sql`${t.rows} is null or ${t.rows} >= 0`),
    check('job_runs_finished', sql`(${t.status} = 'RUNNING') = (${t.finishedAt} is null)`),
    check('job_runs_attempts', sql`${t.attempts} >= 1`),
    tenantPolicy(t),
  ],
);
