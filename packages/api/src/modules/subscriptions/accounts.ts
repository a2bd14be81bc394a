/**
 * What subscriptions, payment methods and billing profiles share: the client account they hang
 * under (seen through the tenant walls, else a 404), who may change them, and the one-default-per-
 * account switch.
 */
import { accounts, type Tenant, type Transaction, tenantScope } from '@cascade/db';
import { and, eq } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';
import type { OwnerColumns } from '../../platform/tenancy';

/**
 * Who may change the billing side of an account: its organization's (or a seller's) ADMIN and
 * BILLING_MANAGER, as for every money-related module; MARKETPLACE_MANAGER and USER read only.
 */
export const BILLING_WRITERS = ['ADMIN', 'BILLING_MANAGER'] as const;

export interface AccountRef {
  id: string;
  name: string;
  currency: string;
  owner: OwnerColumns;
}

/**
 * The account `accountId` as the caller sees it, with the tenancy columns its rows get (those of
 * the account's client). An account the caller may not see is a 404 naming the field it came from.
 */
export async function loadAccount(
  tx: Transaction,
  tenant: Tenant,
  accountId: string,
  field?: string,
  opts: { forUpdate?: boolean } = {},
): Promise<AccountRef> {
  const query = tx
    .select({
      id: accounts.id,
      name: accounts.name,
      currency: accounts.currency,
      distributorId: accounts.distributorId,
      resellerId: accounts.resellerId,
      orgId: accounts.orgId,
    })
    .from(accounts)
    .where(and(tenantScope(accounts, tenant), eq(accounts.id, accountId)))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  if (!row) {
    throw new ApiError(
      'not_found',
      'Account not found',
      field ? { [field]: 'No such account (or not one you may see)' } : undefined,
    );
  }
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    owner: { distributorId: row.distributorId, resellerId: row.resellerId, orgId: row.orgId },
  };
}

/** Locks an account's row: changes to its defaults queue behind one another. */
export async function lockAccount(tx: Transaction, tenant: Tenant, accountId: string): Promise<AccountRef> {
  return loadAccount(tx, tenant, accountId, undefined, { forUpdate: true });
}
