/**
 * The daily Customer Charges sync (SPEC §7): one set-based `INSERT … SELECT` per reseller from the
 * distributor's issued invoices to it into `customer_charge_rows`, with the unit sell price,
 * totals and description computed in SQL exactly as billing-core's pricing does. Idempotent
 * (`on conflict do nothing` on the row's key, the invoice item), and catching up: each run starts
 * from the previous successful run (with a day of overlap), or from the beginning.
 */
import { currencyDecimals, knownCurrencies } from '@cascade/billing-core';
import {
  type Database,
  INVOICE_SOURCES,
  jobRuns,
  PURCHASE_CHANNELS,
  queryRows,
  type Transaction,
  withSystem,
} from '@cascade/db';
import { and, eq, type SQL, sql } from 'drizzle-orm';

export const SYNC_JOB = 'customer-charges-sync';
/** A reseller's first sync ever: runs at once, whatever the hour (the demo shows charges at its first start). */
export const SYNC_JOB_INITIAL = `${SYNC_JOB}.initial`;
/** Runs asked for by a distributor admin. */
export const SYNC_JOB_MANUAL = `${SYNC_JOB}.manual`;
export const SYNC_JOBS = [SYNC_JOB, SYNC_JOB_INITIAL, SYNC_JOB_MANUAL] as const;
export type SyncJobName = (typeof SYNC_JOBS)[number];

/**
 * Every run re-reads invoices issued this long before the previous run started, so an invoice
 * whose issuing transaction committed after that run began is not missed (re-reading costs only
 * conflicts).
 */
const OVERLAP = '1 day';

/** The channels and sources of SPEC §7: every one we know (stated, so that a new one is a decision). */
const CHANNELS = PURCHASE_CHANNELS;
const SOURCES = INVOICE_SOURCES;

/** `case` of a currency column → its ISO 4217 minor unit (billing-core's table, 2 when unlisted). */
export function currencyDecimalsSql(currency: SQL): SQL {
  const byUnits = new Map<number, string[]>();
  for (const code of knownCurrencies()) {
    const units = currencyDecimals(code);
    if (units === 2) continue;
    byUnits.set(units, [...(byUnits.get(units) ?? []), code]);
  }
  const whens = [...byUnits].map(
    ([units, codes]) => sql`when ${currency} in ${codes} then ${sql.raw(String(units))}`,
  );
  return sql`(case ${sql.join(whens, sql` `)} else 2 end)`;
}

export interface SyncTarget {
  distributorId: string;
  resellerId: string;
}

/**
 * Inserts the reseller's missing rows for invoices issued after `since` (all when null). Runs in
 * the caller's transaction, as the owner (jobs bypass row-level security; the statement names
 * the reseller in every join). Returns how many rows it added.
 */
export async function insertCustomerChargeRows(
  tx: Transaction | Database,
  target: SyncTarget,
  since: string | null,
  jobRunId: string | null,
): Promise<number> {
  const d = target.distributorId;
  const r = target.resellerId;
  const decimals = currencyDecimalsSql(sql`v.currency`);
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`with reseller as (
      select o.distributor_id, o.id, o.name, o.standard_since from organizations o
      where o.distributor_id = ${d} and o.id = ${r} and o.kind = 'RESELLER' and o.reseller_tier = 'STANDARD'
    ), inserted as (
      insert into customer_charge_rows (distributor_id, reseller_id, org_id, invoice_item_id, invoice_id,
        invoice_number, invoice_date, invoice_type, customer_org_id, customer_name, description, start_date,
        end_date, unit_cost_price, unit_sell_price, quantity, unit, total_cost_price, total_sell_price, currency,
        product_type, product_name, pricing_strategy, job_run_id)
      select v.distributor_id, res.id, res.id, i.id, v.id, v.number, v.invoice_date, v.type,
        coalesce(c.id, res.id), coalesce(c.name, res.name),
        case when i.installment_number is null or strpos(lower(i.description), 'installment') > 0
          then i.description else i.description || ' (installment ' || i.installment_number || ')' end,
        i.period_start, i.period_end, i.unit_cost, p.unit_sell, i.quantity, i.unit,
        p.sign * round(i.unit_cost * i.quantity, p.decimals),
        p.sign * round(p.unit_sell * i.quantity, p.decimals),
        v.currency, i.product_type, i.product_name, p.strategy, ${jobRunId}
      from reseller res
      join invoices v on v.distributor_id = res.distributor_id and v.org_id = res.id and v.reseller_id = res.id
        and v.issuer_org_id = res.distributor_id
      join invoice_items i on i.distributor_id = v.distributor_id and i.invoice_id = v.id
      left join organizations c on c.distributor_id = i.distributor_id
        and c.id = coalesce(i.end_customer_org_id, v.end_customer_org_id)
      left join special_prices sp on sp.distributor_id = i.distributor_id and sp.reseller_id = res.id
        and sp.org_id = coalesce(i.end_customer_org_id, v.end_customer_org_id) and sp.product_id = i.product_id
        and sp.currency = v.currency
      left join reseller_pricing_strategies rp on rp.distributor_id = i.distributor_id and rp.org_id = res.id
        and rp.product_id = i.product_id
      left join reseller_pricing_strategies rd on rd.distributor_id = i.distributor_id and rd.org_id = res.id
        and rd.product_id is null
      cross join lateral (
        -- billing-core's unitSellPrice: the special price, else the strategy of the item's pricing
        -- snapshot (markup on the unit cost, or the SRP). A snapshot that names a special price no
        -- longer there falls back to the reseller's strategy for the product (or its default).
        select s.unit_sell, s.strategy,
          case when v.type = 'CREDIT' then -1 else 1 end as sign, ${decimals} as decimals
        from (select
          case when sp.price is not null then round(sp.price, 6)
            when i.pricing_strategy = 'MARKUP' then round(i.unit_cost * (100 + i.markup_percent) * 0.01, 6)
            when i.pricing_strategy = 'SRP' then round(i.srp, 6)
            when coalesce(rp.strategy, rd.strategy) = 'MARKUP'
              then round(i.unit_cost * (100 + coalesce(rp.markup_percent, rd.markup_percent)) * 0.01, 6)
            else round(i.srp, 6) end as unit_sell,
          case when sp.price is not null then 'SPECIAL_PRICE'
            when i.pricing_strategy in ('MARKUP', 'SRP') then i.pricing_strategy
            when coalesce(rp.strategy, rd.strategy) = 'MARKUP' then 'MARKUP'
            else 'SRP' end as strategy) s
      ) p
      where v.stage = 'ISSUED' and v.status <> 'CANCELED'
        and v.channel in ${[...CHANNELS]} and v.source in ${[...SOURCES]}
        and (res.standard_since is null or v.invoice_date >= res.standard_since)
        and i.unit_cost is not null and i.pricing_strategy is not null
        and (i.pricing_strategy <> 'MARKUP' or i.markup_percent is not null)
        and p.unit_sell is not null
        ${since === null ? sql`` : sql`and v.issued_at > ${since}::timestamptz - interval '${sql.raw(OVERLAP)}'`}
      on conflict do nothing
      returning 1
    ) select count(*)::int as n from inserted`,
  );
  return row?.n ?? 0;
}

/** Where the next run starts: the start of the last successful run, or null (from the beginning). */
export async function lastSyncedUpTo(tx: Transaction | Database, target: SyncTarget): Promise<string | null> {
  const [row] = await queryRows<{ up_to: string | null }>(
    tx,
    sql`select max((cursor->>'upTo')::timestamptz)::text as up_to from job_runs
        where distributor_id = ${target.distributorId} and org_id = ${target.resellerId}
          and job_name in ${[...SYNC_JOBS]} and status = 'SUCCEEDED'`,
  );
  return row?.up_to ?? null;
}

/** One lock per reseller: a manual run and a scheduled one never insert side by side. */
const lockKey = (target: SyncTarget) =>
  sql`hashtextextended(${`${SYNC_JOB}:${target.distributorId}:${target.resellerId}`}, 0)`;

export interface SyncResult {
  rows: number;
  since: string | null;
  upTo: string;
}

/**
 * Syncs one reseller in one transaction and marks its job run SUCCEEDED in the same
 * transaction; on failure marks it FAILED with the error (and rethrows).
 */
export async function runSync(db: Database, target: SyncTarget, jobRunId: string): Promise<SyncResult> {
  try {
    return await withSystem(db, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(target)})`);
      const since = await lastSyncedUpTo(tx, target);
      const [now] = await queryRows<{ now: string }>(tx, sql`select now()::text as now`);
      const upTo = now?.now ?? new Date().toISOString();
      const rows = await insertCustomerChargeRows(tx, target, since, jobRunId);
      await tx
        .update(jobRuns)
        .set({
          status: 'SUCCEEDED',
          finishedAt: sql`clock_timestamp()` as unknown as string,
          rows,
          error: null,
          cursor: { since, upTo },
        })
        .where(and(eq(jobRuns.distributorId, target.distributorId), eq(jobRuns.id, jobRunId)));
      return { rows, since, upTo };
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db
      .update(jobRuns)
      .set({
        status: 'FAILED',
        finishedAt: sql`clock_timestamp()` as unknown as string,
        error: message.slice(0, 2000),
      })
      .where(and(eq(jobRuns.distributorId, target.distributorId), eq(jobRuns.id, jobRunId)));
    throw err;
  }
}
