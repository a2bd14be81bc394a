/**
 * Test and benchmark support: client accounts, cash desks and issued debit invoices, written the
 * way the product writes them (a debit invoice is issued through billing-core's
 * `issueDebitInvoice`, so an account with money settles it at once).
 */
import { Decimal, issueDebitInvoice } from '@cascade/billing-core';
import {
  accounts,
  cashDesks,
  type Database,
  loadTenant,
  organizations,
  queryRows,
  type Tenant,
  withSystem,
  withTenant,
} from '@cascade/db';
import { sql } from 'drizzle-orm';
import type { Session } from '../../platform/tenancy';
import { runCommand } from './command';

export function systemSession(tenant: Tenant): Session {
  return {
    tenant,
    userId: `${tenant.orgId}-admin`,
    roles: ['ADMIN'],
    claims: {
      sub: `${tenant.orgId}-admin`,
      org: tenant.orgId,
      roles: ['ADMIN'],
    } as unknown as Session['claims'],
  };
}

/** A client organization under `parentId` (a reseller or the distributor). */
export async function createClient(db: Database, distributorId: string, parentId: string, id: string) {
  await withSystem(db, async (tx) => {
    const [parent] = await tx
      .select({ kind: organizations.kind, resellerId: organizations.resellerId })
      .from(organizations)
      .where(sql`${organizations.id} = ${parentId}`);
    await tx.insert(organizations).values({
      distributorId,
      id,
      kind: 'CUSTOMER',
      name: `Client ${id}`,
      parentId,
      resellerId: parent?.kind === 'RESELLER' ? parentId : null,
    });
  });
}

export async function createAccount(
  db: Database,
  args: {
    distributorId: string;
    clientOrgId: string;
    issuerOrgId: string;
    id: string;
    currency?: string;
    parentAccountId?: string;
  },
): Promise<string> {
  await withSystem(db, async (tx) => {
    const [client] = await tx
      .select({ resellerId: organizations.resellerId })
      .from(organizations)
      .where(sql`${organizations.id} = ${args.clientOrgId}`);
    await tx.insert(accounts).values({
      distributorId: args.distributorId,
      resellerId: client?.resellerId ?? null,
      orgId: args.clientOrgId,
      id: args.id,
      issuerOrgId: args.issuerOrgId,
      parentAccountId: args.parentAccountId ?? null,
      name: `Account ${args.id}`,
      currency: args.currency ?? 'EUR',
    });
  });
  return args.id;
}

export async function createCashDesk(db: Database, distributorId: string, orgId: string, id: string) {
  await withSystem(db, async (tx) => {
    const [org] = await tx
      .select({ resellerId: organizations.resellerId })
      .from(organizations)
      .where(sql`${organizations.id} = ${orgId}`);
    await tx.insert(cashDesks).values({
      distributorId,
      resellerId: org?.resellerId ?? null,
      orgId,
      id,
      name: `Desk ${id}`,
      kind: 'BANK',
    });
  });
  return id;
}

let counter = 0;

/** Issues a debit invoice of `total` (one item) to an account, settling it from the balance if it can. */
export async function issueInvoice(
  db: Database,
  args: { accountId: string; total: string; date: string; id?: string },
): Promise<string> {
  const id = args.id ?? crypto.randomUUID();
  const [acc] = await queryRows<{ distributor_id: string; issuer_org_id: string }>(
    db,
    sql`select distributor_id, issuer_org_id from accounts where id = ${args.accountId}`,
  );
  if (!acc) throw new Error(`no account ${args.accountId}`);
  const tenant = await loadTenant(db, acc.issuer_org_id);
  if (!tenant) throw new Error('no issuer');
  await withTenant(db, tenant, (tx) =>
    runCommand(tx, {
      session: systemSession(tenant),
      requestId: 'test',
      accountIds: [args.accountId],
      settle: (locked) => new Map([[args.accountId, new Decimal(locked.get(args.accountId)!.balance)]]),
      rule: (state) =>
        issueDebitInvoice(state, {
          id,
          accountId: args.accountId,
          date: args.date,
          total: args.total,
          currency: state.accounts[args.accountId]!.currency,
        }),
      beforeWrite: async (t, _r, locked) => {
        const a = locked.get(args.accountId)!;
        counter += 1;
        await t.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id,
            stage, type, status, number, invoice_date, currency, subtotal, tax_total, total, amount_due, channel, source,
            issued_at)
          values (${a.distributorId}, ${a.resellerId}, ${a.orgId}, ${id}, ${a.issuerOrgId}, ${a.id}, 'ISSUED', 'DEBIT',
            'UNPAID', ${`T-${id}`}, ${args.date}, ${a.currency}, ${args.total}, 0, ${args.total}, ${args.total},
            'RESELLER_STOREFRONT', 'MANUAL', now())`);
        await t.execute(sql`insert into invoice_items (distributor_id, reseller_id, org_id, id, invoice_id, line_no,
            product_type, product_name, description, period_start, period_end, quantity, unit, unit_price, amount,
            tax_amount)
          values (${a.distributorId}, ${a.resellerId}, ${a.orgId}, ${`${id}-1`}, ${id}, 1, 'SERVICE', 'Service',
            ${`Service ${counter}`}, ${args.date}, ${args.date}, 1, 'Month', ${args.total}, ${args.total}, 0)`);
      },
      audit: { action: 'invoice.issue', entityType: 'invoice' },
    }),
  );
  return id;
}
