import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, isoDate, ref } from './_columns';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { accounts } from './accounts';
import { subscriptionLines, subscriptions } from './subscriptions';

export const SUBSCRIPTION_EVENT_KINDS = ['DISCONNECTION', 'TRANSFER', 'CHANGE_ORDER', 'VACATION'] as const;
export type SubscriptionEventKind = (typeof SUBSCRIPTION_EVENT_KINDS)[number];

/**
 * Something that changed a subscription in the middle of a paid period (issue 9, SPEC §8–§9):
 * who, when, the event's date, and the invoices it produced (credit invoices linked to the
 * originals, and/or the new charge). Same tenancy columns as the subscription. Never edited: a
 * billing run reads vacations from here (their days are not charged); disconnections, transfers
 * and change orders are also written onto the subscription and its lines, which the run reads.
 */
export const subscriptionEvents = pgTable(
  'subscription_events',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    /** The line concerned; null: every line of the subscription. */
    subscriptionLineId: text('subscription_line_id'),
    kind: text('kind', { enum: SUBSCRIPTION_EVENT_KINDS }).notNull(),
    /** Disconnection day (still used), transfer date (first day on the new account), change date, vacation start. */
    eventDate: isoDate('event_date').notNull(),
    /** A vacation's last day. */
    endDate: isoDate('end_date'),
    fromAccountId: text('from_account_id'),
    toAccountId: text('to_account_id'),
    /** The rule applied and its figures (credit rule, mode, before/after, amounts). */
    details: jsonb('details').notNull().default({}),
    /** Ids of the invoices this event issued. */
    documentIds: jsonb('document_ids').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('subscription_events_subscription_idx').on(t.distributorId, t.subscriptionId, t.kind, t.eventDate),
    ref('subscription_events_subscription_fk', t, t.subscriptionId, subscriptions),
    ref('subscription_events_line_fk', t, t.subscriptionLineId, subscriptionLines),
    ref('subscription_events_from_account_fk', t, t.fromAccountId, accounts),
    ref('subscription_events_to_account_fk', t, t.toAccountId, accounts),
    enumCheck('subscription_events_kind', t.kind, SUBSCRIPTION_EVENT_KINDS),
    check(
      'subscription_events_vacation',
      sql`(${t.kind} = 'VACATION') = (${t.endDate} is not null) and (${t.endDate} is null or ${t.endDate} >= ${t.eventDate})`,
    ),
    check(
      'subscription_events_transfer',
      sql`(${t.kind} = 'TRANSFER') = (${t.toAccountId} is not null and ${t.fromAccountId} is not null)`,
    ),
    tenantPolicy(t),
  ],
);
