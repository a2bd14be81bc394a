import { and, eq, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from './client';
import { compileStatement } from './prepared';
import { type OrgKind, organizations } from './schema/organizations';

/** Who is asking: the organization a request or job acts for. */
export type Tenant = { orgId: string; distributorId: string; orgKind: OrgKind };

/** Anything that can run queries: the database or a transaction. */
export type Queryable = Database | Transaction;

/** Reads an organization's tenant (as the owner: used at sign-in and token checks). */
export async function loadTenant(db: Queryable, orgId: string): Promise<Tenant | undefined> {
  const [row] = await db
    .select({
      orgId: organizations.id,
      distributorId: organizations.distributorId,
      orgKind: organizations.kind,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .limit(1);
  return row;
}

/**
 * Runs `fn` in a transaction as `cascade_app` with the tenant set (wall 2): row-level security
 * then hides every row the tenant may not see and refuses writes outside it.
 */
export function withTenant<T>(db: Database, tenant: Tenant, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setTenant(tx, tenant);
    return fn(tx);
  });
}

/**
 * The select list that sets the transaction's tenant, over the placeholders `distributorId`,
 * `orgId` and `orgKind` (for a caller that sends it with more in one statement):
 * `set_config('role', …, true)` is `SET LOCAL ROLE` (as PostgREST does it).
 */
export const TENANT_SETTINGS = sql`set_config('app.distributor_id', ${sql.placeholder('distributorId')}, true), set_config('app.org_id', ${sql.placeholder('orgId')}, true), set_config('app.org_kind', ${sql.placeholder('orgKind')}, true), set_config('role', 'cascade_app', true)`;

// One statement, compiled once and prepared so it costs one round trip.
const setTenantStatement = compileStatement(sql`select ${TENANT_SETTINGS}`);

/** Sets the tenant of the transaction `tx` (what `withTenant` does first), for a caller that opens its own. */
export function setTenant(tx: Transaction, tenant: Tenant): Promise<unknown> {
  return setTenantStatement(tx, {
    distributorId: tenant.distributorId,
    orgId: tenant.orgId,
    orgKind: tenant.orgKind,
  });
}

/** Runs `fn` in a plain transaction as the owner (jobs, seeding, sign-in lookups): no RLS applies. */
export function withSystem<T>(db: Database, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}

/** A table with the tenancy columns; for `organizations` the org column is `id`. */
export type TenantTable =
  | { distributorId: AnyPgColumn; resellerId: AnyPgColumn; orgId: AnyPgColumn }
  | { distributorId: AnyPgColumn; resellerId: AnyPgColumn; id: AnyPgColumn };

/** The visibility rule of SPEC §1 as a drizzle condition (wall 1): add it to every tenant query. */
export function tenantScope(table: TenantTable, tenant: Tenant): SQL {
  const orgColumn = 'orgId' in table ? table.orgId : table.id;
  const inMarketplace = eq(table.distributorId, tenant.distributorId);
  switch (tenant.orgKind) {
    case 'DISTRIBUTOR':
      return inMarketplace;
    case 'RESELLER':
      return and(inMarketplace, or(eq(table.resellerId, tenant.orgId), eq(orgColumn, tenant.orgId))) as SQL;
    case 'CUSTOMER':
      return and(inMarketplace, eq(orgColumn, tenant.orgId)) as SQL;
  }
}

/** Catalogue tables (products, taxes, billing profile options) are shared by the whole marketplace. */
export function marketplaceScope(table: { distributorId: AnyPgColumn }, tenant: Tenant): SQL {
  return eq(table.distributorId, tenant.distributorId);
}
