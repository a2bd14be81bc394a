/**
 * "One default per account" (SPEC §5), shared by billing profiles, payment methods and
 * subscriptions: each table holds rows of a client account with an `isDefault` flag, and exactly
 * one of an account's rows is its default once it has any. Callers hold the account lock
 * (`loadAccount(..., { forUpdate: true })` / `lockAccount`) so two switches cannot interleave.
 */
import type { billingProfiles, paymentMethods, subscriptions, Transaction } from '@cascade/db';
import { type AnyColumn, and, asc, count, desc, eq, ne, type SQL } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';

/** The tables that keep one default row per client account. */
export type AccountDefaultTable = typeof billingProfiles | typeof paymentMethods | typeof subscriptions;

/** Where an account's row is: the distributor (tenant) and the client account. */
export interface AccountKey {
  distributorId: string;
  accountId: string;
}

function ofAccount(table: AccountDefaultTable, key: AccountKey) {
  return and(eq(table.distributorId, key.distributorId), eq(table.accountId, key.accountId));
}

/** How many rows the account has in the table (0: the next one becomes its default). */
export async function countOfAccount(
  tx: Transaction,
  table: AccountDefaultTable,
  key: AccountKey,
): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(table).where(ofAccount(table, key));
  return Number(row?.n ?? 0);
}

/** The id of the account's default row, or null when it has none. */
export async function defaultIdOf(
  tx: Transaction,
  table: AccountDefaultTable,
  key: AccountKey,
): Promise<string | null> {
  const [row] = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(ofAccount(table, key), eq(table.isDefault, true)))
    .limit(1);
  return row?.id ?? null;
}

/** Makes `id` the account's default; the previous default stops being one (same transaction). */
export async function switchDefault(
  tx: Transaction,
  table: AccountDefaultTable,
  key: AccountKey,
  id: string,
): Promise<void> {
  await tx
    .update(table)
    .set({ isDefault: false })
    .where(and(ofAccount(table, key), eq(table.isDefault, true), ne(table.id, id)));
  await tx
    .update(table)
    .set({ isDefault: true })
    .where(and(eq(table.distributorId, key.distributorId), eq(table.id, id)));
}

/**
 * One page of an account-default table's rows, with the total: sorted by `sort` when given (then
 * id), else by account, its default first, then `thenBy`, then id.
 */
export async function pageOfAccountRows<C extends SelectedFields>(
  tx: Transaction,
  table: AccountDefaultTable,
  args: {
    columns: C;
    where: SQL[];
    sort: AnyColumn | undefined;
    order: 'asc' | 'desc' | undefined;
    thenBy: AnyColumn;
    offset: number;
    limit: number;
  },
): Promise<{ rows: Record<keyof C, unknown>[]; total: number | undefined }> {
  const dir = args.order === 'desc' ? desc : asc;
  const order = args.sort
    ? [dir(args.sort), asc(table.id)]
    : [asc(table.accountId), desc(table.isDefault), asc(args.thenBy), asc(table.id)];
  // The three tables share the columns used here; one member's type keeps the builder's types simple.
  const rows = (await tx
    .select(args.columns as SelectedFields)
    .from(table as typeof subscriptions)
    .where(and(...args.where))
    .orderBy(...order)
    .limit(args.limit)
    .offset(args.offset)) as Record<keyof C, unknown>[];
  const [total] = await tx
    .select({ n: count() })
    .from(table)
    .where(and(...args.where));
  return { rows, total: total?.n };
}
