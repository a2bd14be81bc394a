import {
  type Database,
  loadTenant,
  type OrgKind,
  organizations,
  type Tenant,
  type Transaction,
  withTenant,
} from '@cascade/db';
import { eq } from 'drizzle-orm';
import type { Claims, Role } from '../auth';
import { ApiError } from '../errors';

/** Who is calling, from a verified token only: the user, the roles and the tenant of `org`. */
export interface Session {
  claims: Claims;
  userId: string;
  roles: readonly Role[];
  tenant: Tenant;
}

/** Which callers a route admits: any signed-in caller, or only some roles and/or org kinds. */
export interface RouteGuard {
  /** At least one of these roles (unset: any role). */
  roles?: readonly Role[];
  /** The caller's organization is one of these kinds (unset: any kind). */
  orgKinds?: readonly OrgKind[];
}

export type TenantLookup = (orgId: string) => Promise<Tenant | undefined>;

/**
 * `loadTenant` with a short memory: an organization's root and kind never change, so a minute's
 * cache saves a query per request (and keeps PGlite's single connection free for the work itself).
 * Unknown organizations are not remembered.
 */
export function cachedTenantLookup(db: Database, ttlMs = 60_000, max = 10_000): TenantLookup {
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return async (orgId) => {
    const now = Date.now();
    const hit = cache.get(orgId);
    if (hit && hit.until > now) return hit.tenant;
    const tenant = await loadTenant(db, orgId);
    if (tenant) {
      if (cache.size >= max) cache.clear();
      cache.set(orgId, { tenant, until: now + ttlMs });
    }
    return tenant;
  };
}

/** The tenant of a verified token's `org`; an org that no longer exists makes the token worthless. */
export async function resolveSession(lookup: TenantLookup, claims: Claims): Promise<Session> {
  const tenant = await lookup(claims.org);
  if (!tenant) throw ApiError.unauthorized('Invalid token: its organization does not exist');
  return { claims, userId: claims.sub, roles: claims.roles, tenant };
}

/** 403 unless the session passes the guard; the message says what was missing. */
export function checkGuard(session: Session, guard: RouteGuard): void {
  if (guard.orgKinds && !guard.orgKinds.includes(session.tenant.orgKind)) {
    throw ApiError.forbidden(
      `Only ${guard.orgKinds.map((k) => k.toLowerCase()).join(' or ')} organizations may do this`,
    );
  }
  if (guard.roles && !guard.roles.some((r) => session.roles.includes(r))) {
    throw ApiError.forbidden(`This needs one of the roles ${guard.roles.join(', ')}`);
  }
}

/** `withTenant` bound to a request's tenant: what handlers use for every read and write. */
export type TenantRunner = <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>;

export function tenantRunner(db: Database, tenant: Tenant): TenantRunner {
  return (fn) => withTenant(db, tenant, fn);
}

/** The tenancy columns a row owned by the caller's own organization gets. */
export interface OwnerColumns {
  distributorId: string;
  resellerId: string | null;
  orgId: string;
}

/** The caller's own organization as row owner (reads its `reseller_id`, which the token lacks). */
export async function ownColumns(tx: Transaction, tenant: Tenant): Promise<OwnerColumns> {
  if (tenant.orgKind !== 'CUSTOMER') {
    return {
      distributorId: tenant.distributorId,
      resellerId: tenant.orgKind === 'RESELLER' ? tenant.orgId : null,
      orgId: tenant.orgId,
    };
  }
  const [row] = await tx
    .select({ resellerId: organizations.resellerId })
    .from(organizations)
    .where(eq(organizations.id, tenant.orgId))
    .limit(1);
  return { distributorId: tenant.distributorId, resellerId: row?.resellerId ?? null, orgId: tenant.orgId };
}
