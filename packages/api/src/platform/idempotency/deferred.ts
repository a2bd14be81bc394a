import type { Transaction } from '@cascade/db';
import { executeTogether, type StatementPart } from '@cascade/db';
import type { SQL } from 'drizzle-orm';

/**
 * Writes a request hands to the idempotency layer, sent together with the key's row as ONE statement
 * (data-modifying CTEs) just before commit: a money-moving request then writes everything it
 * writes in one round trip. Only writes that nothing later in the request reads may be deferred
 * (every CTE sees the snapshot from before the statement); `after` runs once they are written.
 */
export interface DeferredWrites {
  parts: (SQL | StatementPart)[];
  after: (() => Promise<void>)[];
}

const open = new WeakMap<Transaction, DeferredWrites>();

/** The transaction's list, when the request runs under `runIdempotent`; otherwise undefined. */
export function deferredWrites(tx: Transaction): DeferredWrites | undefined {
  return open.get(tx);
}

export function openDeferredWrites(tx: Transaction): DeferredWrites {
  const list: DeferredWrites = { parts: [], after: [] };
  open.set(tx, list);
  return list;
}

/** Closes the list and writes it with `last` (the key's row) in one statement. */
export async function flushDeferredWrites(tx: Transaction, last: (SQL | StatementPart)[]): Promise<void> {
  const list = open.get(tx);
  open.delete(tx);
  await writeTogether(tx, [...(list?.parts ?? []), ...last]);
  for (const fn of list?.after ?? []) await fn();
}

/**
 * Runs write statements as one: `with w0 as (…), w1 as (…) select 1` (`executeTogether`: parts
 * compiled once, or drizzle `SQL` compiled per call). Foreign keys are checked at the statement's
 * end, so the rows may refer to each other.
 */
export async function writeTogether(tx: Transaction, parts: readonly (SQL | StatementPart)[]): Promise<void> {
  if (parts.length === 0) return;
  await executeTogether(tx, parts);
}
