/**
 * The organizations named on an invoice or a statement: the tenant's own subtree and the
 * organizations that bill it (its parent, reseller and distributor; the `ancestors_read` policy
 * of migration 0008 lets row-level security show them). Used by the invoice list and detail and by
 * the PDF documents, so all three name the same parties the same way.
 */
import { organizations, type Tenant, type Transaction, tenantScope } from '@cascade/db';
import { and, inArray, or, type SQL, sql } from 'drizzle-orm';

export const partyColumns = {
  id: organizations.id,
  name: organizations.name,
  addressLine1: organizations.addressLine1,
  addressLine2: organizations.addressLine2,
  city: organizations.city,
  postalCode: organizations.postalCode,
  region: organizations.region,
  country: organizations.country,
  email: organizations.email,
};
export interface PartyRow {
  id: string;
  name: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
  email: string | null;
}

/** Wall 1 for organizations a tenant may name: its scope, plus its own ancestors. */
export function partyScope(tenant: Tenant): SQL {
  return or(
    tenantScope(organizations, tenant),
    and(
      sql`${organizations.distributorId} = ${tenant.distributorId}`,
      sql`${organizations.id} = any(cascade_org_ancestors())`,
    ),
  ) as SQL;
}

/** Name and address of each of `ids` the tenant may name; the others are left out. */
export async function readParties(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
): Promise<Map<string, PartyRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await tx
    .select(partyColumns)
    .from(organizations)
    .where(and(partyScope(tenant), inArray(organizations.id, unique)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Names only, for lists. */
export async function readPartyNames(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
): Promise<Map<string, string>> {
  return new Map([...(await readParties(tx, tenant, ids))].map(([id, p]) => [id, p.name]));
}
