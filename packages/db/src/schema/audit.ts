import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantColumns, tenantPolicy } from './_tenancy';

/** Append-only: `cascade_app` may only SELECT and INSERT. */
export const auditLog = pgTable(
  'audit_log',
  {
    ...tenantColumns(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    actorUserId: text('actor_user_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    old: jsonb('old'),
    new: jsonb('new'),
    requestId: text('request_id'),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('audit_log_org_at_idx').on(t.distributorId, t.orgId, t.at),
    index('audit_log_entity_idx').on(t.distributorId, t.entityType, t.entityId),
    tenantPolicy(t),
  ],
);
