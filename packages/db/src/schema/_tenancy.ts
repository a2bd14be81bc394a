import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, pgPolicy, pgRole, text } from 'drizzle-orm/pg-core';

/** The application's role: owns nothing, sees rows only through the tenant policies. */
export const cascadeApp = pgRole('cascade_app').existing();

/** The three tenancy columns of every tenant-owned row (ARCHITECTURE.md). */
export const tenantColumns = () => ({
  distributorId: text('distributor_id').notNull(),
  resellerId: text('reseller_id'),
  orgId: text('org_id').notNull(),
});

/**
 * The visibility rule of SPEC §1, read from the transaction settings that `withTenant` sets.
 * `orgColumn` is `org_id` for tenant rows and `id` for the organizations table itself.
 */
export const visibilityRule = (
  distributorId: AnyPgColumn,
  resellerId: AnyPgColumn,
  orgColumn: AnyPgColumn,
): SQL => sql`${distributorId} = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and ${resellerId} = current_setting('app.org_id', true))
  or ${orgColumn} = current_setting('app.org_id', true))`;

/** The one policy of a tenant table: the rule for reading and for writing, for `cascade_app` only. */
export const tenantPolicy = (t: {
  distributorId: AnyPgColumn;
  resellerId: AnyPgColumn;
  orgId: AnyPgColumn;
}) => {
  const rule = visibilityRule(t.distributorId, t.resellerId, t.orgId);
  return pgPolicy('tenant_isolation', {
    as: 'permissive',
    for: 'all',
    to: cascadeApp,
    using: rule,
    withCheck: rule,
  });
};

/**
 * Catalogue tables (products, taxes, billing profile options) belong to the distributor but are
 * read by every organization of its marketplace: a second, read-only policy adds that.
 */
export const marketplacePolicies = (t: {
  distributorId: AnyPgColumn;
  resellerId: AnyPgColumn;
  orgId: AnyPgColumn;
}) => [
  tenantPolicy(t),
  pgPolicy('marketplace_read', {
    as: 'permissive',
    for: 'select',
    to: cascadeApp,
    using: sql`${t.distributorId} = current_setting('app.distributor_id', true)`,
  }),
];
