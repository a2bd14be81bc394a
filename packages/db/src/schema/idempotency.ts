import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { enumCheck } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';

export const IDEMPOTENCY_STATES = ['IN_PROGRESS', 'COMPLETED'] as const;

/**
 * `Idempotency-Key` of money-moving requests: the first request claims the key, later ones replay.
 * Looked up by its primary key only (no index by date: migration 0015).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    ...tenantColumns(),
    key: text('key').notNull(),
    requestMethod: text('request_method').notNull(),
    requestPath: text('request_path').notNull(),
    /** A hash (e.g. sha-256 hex) of the canonical request body. */
    requestHash: text('request_hash').notNull(),
    status: text('status', { enum: IDEMPOTENCY_STATES }).notNull().default('IN_PROGRESS'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.orgId, t.key] }),
    check('idempotency_keys_completed', sql`(${t.status} = 'COMPLETED') = (${t.responseStatus} is not null)`),
    enumCheck('idempotency_keys_status', t.status, IDEMPOTENCY_STATES),
    tenantPolicy(t),
  ],
);
