import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantPolicy } from './_tenancy';
import { organizations } from './organizations';

export const USER_ROLES = ['ADMIN', 'MARKETPLACE_MANAGER', 'BILLING_MANAGER', 'USER'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = pgTable(
  'users',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    roles: text('roles').array().$type<UserRole[]>().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    // User ids are globally unique: sign-in looks a user up by id alone.
    uniqueIndex('users_id_key').on(t.id),
    index('users_org_idx').on(t.distributorId, t.orgId),
    uniqueIndex('users_email_key').on(t.distributorId, sql`lower(${t.email})`),
    foreignKey({
      name: 'users_org_fk',
      columns: [t.distributorId, t.orgId],
      foreignColumns: [organizations.distributorId, organizations.id],
    }),
    check(
      'users_roles',
      sql`${t.roles} <@ array['ADMIN','MARKETPLACE_MANAGER','BILLING_MANAGER','USER']::text[]`,
    ),
    tenantPolicy(t),
  ],
);
