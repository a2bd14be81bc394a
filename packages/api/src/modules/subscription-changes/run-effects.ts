/**
 * What recorded subscription changes mean for a billing run's input. Disconnections, transfers
 * and change orders are already on the subscription and its lines (end date, account, quantity
 * and price), which `loadBatch` reads; vacations are not: their days must never be charged. Each
 * line with a vacation is given to the engine as the parts of its service range outside every
 * vacation (billing-core's `activeRanges`), under the same line id, so what is billed stays keyed
 * by line and a later run finds those parts billed and adds nothing.
 */
import { activeRanges, LAST_DATE, type SubscriptionLineInput } from '@cascade/billing-core';
import { queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';

/** The parts of the engine input a vacation changes (BatchInput's groups fit it). */
export interface SuspendableInput {
  groups: Map<
    string,
    {
      subscriptions: {
        id: string;
        startDate: string;
        endDate?: string | null;
        lines: readonly SubscriptionLineInput[];
      }[];
    }
  >;
}

interface VacationRow {
  subscription_id: string;
  subscription_line_id: string | null;
  start: string;
  end: string;
}

/** Splits the batch's lines around their vacations, in place; one query for the batch. */
export async function applyVacations(
  tx: Transaction,
  distributorId: string,
  input: SuspendableInput,
): Promise<void> {
  const ids = new Set<string>();
  for (const g of input.groups.values()) for (const s of g.subscriptions) ids.add(s.id);
  if (ids.size === 0) return;
  const rows = await queryRows<VacationRow & Record<string, unknown>>(
    tx,
    sql`with subs as materialized (select jsonb_array_elements_text(${JSON.stringify([...ids])}::jsonb) as id)
        select e.* from subs cross join lateral (
          select subscription_id, subscription_line_id, event_date::text as start, end_date::text as "end"
          from subscription_events
          where distributor_id = ${distributorId} and subscription_id = subs.id and kind = 'VACATION'
          offset 0) e`,
  );
  if (rows.length === 0) return;
  const bySubscription = new Map<string, VacationRow[]>();
  for (const r of rows) {
    const list = bySubscription.get(r.subscription_id);
    if (list) list.push(r);
    else bySubscription.set(r.subscription_id, [r]);
  }
  for (const g of input.groups.values()) {
    g.subscriptions = g.subscriptions.map((s) => {
      const vacations = bySubscription.get(s.id);
      if (!vacations) return s;
      return { ...s, lines: s.lines.flatMap((line) => splitLine(s, line, vacations)) };
    });
  }
}

export function splitLine(
  sub: { startDate: string; endDate?: string | null },
  line: SubscriptionLineInput,
  vacations: readonly VacationRow[],
): SubscriptionLineInput[] {
  const own = vacations
    .filter((v) => v.subscription_line_id === null || v.subscription_line_id === line.id)
    .map((v) => ({ start: v.start, end: v.end }));
  if (own.length === 0) return [line];
  const range = {
    start: line.startDate ?? sub.startDate,
    end: line.endDate ?? sub.endDate ?? LAST_DATE,
  };
  return activeRanges(range, own).map((part) => ({ ...line, startDate: part.start, endDate: part.end }));
}
