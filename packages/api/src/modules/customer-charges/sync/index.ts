/**
 * The daily Customer Charges sync (SPEC §7): one set-based `INSERT … SELECT` per reseller from the
 * distributor's issued invoices to it into its partition of `customer_charge_rows`, with the unit
 * sell price, totals and description computed in SQL exactly as billing-core's pricing does; a
 * big run (the first) loads a plain table and indexes it in bulk (see insertCustomerChargeRows).
 * Idempotent (rows already there, by the item's key, are left out), and catching up: each run
 * starts from the previous successful run (with a day of overlap), or from the beginning.
 */
import { currencyDecimals, knownCurrencies } from '@cascade/billing-core';
import {
  connectionsBeside,
  customerChargeSyncMarks,
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
/** A reseller's rows read again in full, at once, after they were lost (see rowsLostSql). */
export const SYNC_JOB_RECOVERY = `${SYNC_JOB}.recovery`;
export const SYNC_JOBS = [SYNC_JOB, SYNC_JOB_INITIAL, SYNC_JOB_MANUAL, SYNC_JOB_RECOVERY] as const;
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
 * A run that adds at least this many rows, and more than the reseller's partition holds, rebuilds
 * the partition (load without indexes, index in bulk) instead of inserting into it: index builds
 * by sorting cost a fraction of maintaining the nine indexes row by row, but swapping a partition
 * locks the whole table for a moment, which small runs should not do.
 */
export const REBUILD_MIN_ROWS = 10_000;

/** Memory for the bulk index builds (this transaction only): each sorts in memory at a million rows. */
const BUILD_MEMORY = '256MB';

/**
 * How long a rebuild waits to swap the partition in: the swap needs the table alone, and while it
 * waits (say, behind an export's long read) every grid query queues behind it. Past this the run
 * inserts its new rows into the partition instead, the slow way, rather than stall every grid.
 */
const SWAP_LOCK_TIMEOUT = '10s';

/**
 * Sessions a reseller's first sync builds its partition in, side by side, on PostgreSQL: it runs
 * no INSERT … SELECT in parallel, and its parallel index builds leave a core idle while the leader
 * merges and writes; two builds at once keep both busy.
 */
const BUILD_SESSIONS = 2;

/**
 * Whether a build in sessions is under way in this process: one at a time, so that builds cannot
 * take the whole connection pool, each holding its run's connection while waiting for more.
 */
let buildingInSessions = false;

export interface SyncOptions {
  /** Overrides REBUILD_MIN_ROWS (tests take the rebuild path with a handful of rows). */
  rebuildMinRows?: number;
  /** Overrides BUILD_SESSIONS (1: in the run's own transaction, as always on PGlite). */
  buildSessions?: number;
  /** Overrides SWAP_LOCK_TIMEOUT (a PostgreSQL interval). */
  swapLockTimeout?: string;
}

/**
 * The reseller's partition of customer_charge_rows (migration 0011), quoted by the database for
 * the DDL, which takes no parameters: its name, the name of a table being built to replace it,
 * and the reseller's id as a literal for the partition bound.
 */
interface Partition {
  name: SQL;
  building: SQL;
  /** The partition's name unquoted, after which a build in sessions names its indexes. */
  base: string;
  bound: SQL;
  exists: boolean;
}

async function partitionOf(tx: Transaction | Database, resellerId: string): Promise<Partition> {
  const [row] = await queryRows<{
    name: string;
    building: string;
    base: string;
    bound: string;
    exists: boolean;
  }>(
    tx,
    sql`select quote_ident(p) as name, quote_ident(p || '_next') as building, p as base,
        quote_literal(${resellerId}::text) as bound, to_regclass(quote_ident(p)) is not null as exists
      from customer_charge_rows_partition(${resellerId}) p`,
  );
  if (!row) throw new Error('customer_charge_rows_partition returned nothing');
  return {
    name: sql.raw(row.name),
    building: sql.raw(row.building),
    base: row.base,
    bound: sql.raw(row.bound),
    exists: row.exists,
  };
}

/**
 * A plain table shaped like customer_charge_rows (columns, defaults, checks; no index), for the
 * reseller's rows only: the check on the bound lets ATTACH skip its validation scan. Row-level
 * security enabled and forced without a policy: cascade_app reads partitions through the parent only.
 *
 * Unlogged: the rows are derived from the invoices, which are logged, and writing them and their
 * eleven indexes to the WAL too (about a gigabyte per million rows) took a third of a first sync.
 * After a crash PostgreSQL empties unlogged tables, these and the sync's marks alike; a reseller
 * with a successful run but no mark (rowsLostSql) is read again in full at the next tick. That
 * read prices with the special prices and strategies of its day, as a first sync does. Not on a
 * standby (unlogged tables are not replicated): the grid reads the primary.
 */
async function createBuildTable(tx: Transaction | Database, table: SQL, bound: SQL) {
  // One left by a run that died building in sessions (see buildInSessions); the caller holds the
  // partition's lock, so no run is loading it now.
  await tx.execute(sql`drop table if exists ${table}`);
  await tx.execute(
    sql`create unlogged table ${table} (like customer_charge_rows including defaults including constraints
      including generated, check (org_id = ${bound}))`,
  );
  await tx.execute(sql`alter table ${table} enable row level security, force row level security`);
}

/**
 * Builds on `table` the indexes of customer_charge_rows (read from the catalogue, so the schema
 * stays their one definition), each by one sort; ATTACH then adopts them instead of building its own.
 */
async function buildIndexes(tx: Transaction | Database, table: SQL) {
  const defs = await indexDefinitions(tx);
  await tx.execute(sql`select set_config('maintenance_work_mem', ${BUILD_MEMORY}, true)`);
  for (const d of defs) {
    await tx.execute(
      d.constraint === null
        ? sql`create index on ${table} ${sql.raw(d.index)}`
        : sql`alter table ${table} add ${sql.raw(d.constraint)}`,
    );
  }
}

interface IndexDefinition {
  /** `USING btree (…)`. */
  index: string;
  /** The constraint the index backs (`PRIMARY KEY (…)`), or null. */
  constraint: string | null;
  /** `primary key` or `unique` when it backs one: how ALTER TABLE adds it on a built index. */
  constraintKind: string | null;
}

/** The indexes of customer_charge_rows, read from the catalogue (the schema is their one definition). */
async function indexDefinitions(tx: Transaction | Database): Promise<IndexDefinition[]> {
  return queryRows<{ index: string; constraint: string | null; constraintKind: string | null }>(
    tx,
    sql`select substring(pg_get_indexdef(i.indexrelid) from ' USING .*$') as "index",
        pg_get_constraintdef(k.oid) as "constraint",
        case k.contype when 'p' then 'primary key' when 'u' then 'unique' end as "constraintKind"
      from pg_index i left join pg_constraint k on k.conindid = i.indexrelid and k.conrelid = i.indrelid
      where i.indrelid = 'customer_charge_rows'::regclass order by i.indexrelid`,
  );
}

/**
 * Builds the indexes of customer_charge_rows on `table` (committed, not attached) in `sessions`
 * transactions side by side, each taking the next index to build. Each is named after the
 * partition-to-be (`base`): the names PostgreSQL would choose keep only the first characters of
 * the table's, the same for every reseller, and two first syncs building at once on two instances
 * would collide on a name neither has committed yet. An index backing a constraint is built as a
 * unique index; the caller adds the constraint on it (quick) in its own transaction, since ATTACH
 * adopts only an index that backs one.
 */
async function buildIndexesInSessions(
  db: Database,
  table: SQL,
  base: string,
  sessions: number,
): Promise<SQL[]> {
  const named = (await indexDefinitions(db)).map((d, i) => ({ ...d, name: sql.identifier(`${base}_i${i}`) }));
  // Three-column sorts first: the longest builds start first, so both sessions end together.
  const queue = named.sort((a, b) => commas(b.index) - commas(a.index));
  const constraints: SQL[] = [];
  const next = () => queue.shift();
  await Promise.all(
    Array.from({ length: sessions }, () =>
      withSystem(db, async (s) => {
        await s.execute(sql`select set_config('maintenance_work_mem', ${BUILD_MEMORY}, true)`);
        for (let d = next(); d !== undefined; d = next()) {
          if (d.constraintKind === null) {
            await s.execute(sql`create index ${d.name} on ${table} ${sql.raw(d.index)}`);
          } else {
            await s.execute(sql`create unique index ${d.name} on ${table} ${sql.raw(d.index)}`);
            constraints.push(sql`add ${sql.raw(d.constraintKind)} using index ${d.name}`);
          }
        }
      }),
    ),
  );
  return constraints;
}

const commas = (text: string) => text.split(',').length;

/** The columns of customer_charge_rows that take values (all but the generated), to copy rows. */
async function storedColumns(tx: Transaction | Database): Promise<SQL> {
  const [row] = await queryRows<{ columns: string }>(
    tx,
    sql`select string_agg(quote_ident(attname), ', ' order by attnum) as columns from pg_attribute
      where attrelid = 'customer_charge_rows'::regclass and attnum > 0 and not attisdropped and attgenerated = ''`,
  );
  if (!row) throw new Error('customer_charge_rows has no columns');
  return sql.raw(row.columns);
}

/** Attaches a built table as the reseller's partition (no scan: its check implies the bound). */
async function attach(tx: Transaction | Database, table: SQL, bound: SQL) {
  await tx.execute(sql`alter table customer_charge_rows attach partition ${table} for values in (${bound})`);
}

/** Statistics for the grid's plans now, not when autovacuum comes by. */
async function analyze(tx: Transaction | Database, table: SQL) {
  await tx.execute(sql`analyze ${table}`);
}

/**
 * One sync at a time per partition: the run's own lock is per distributor and reseller, but
 * another distributor's reseller of the same id shares the partition.
 */
async function lockPartition(tx: Transaction | Database, target: SyncTarget) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`customer_charge_rows:${target.resellerId}`}, 0))`,
  );
}

/**
 * Adds the reseller's missing rows for invoices issued after `since` (all when null) and returns
 * how many. Runs in the caller's transaction, as the owner (jobs bypass row-level security; the
 * statement names the reseller in every join). Three ways, by size:
 * - no partition yet (the first sync): the rows go into a plain table, indexed in bulk, attached;
 *   on PostgreSQL the table is loaded by several sessions at once and committed before the run's
 *   transaction attaches it (see buildInSessions);
 * - many rows, more than the partition holds: the same with the partition's rows copied in too,
 *   swapped for the old partition;
 * - otherwise (the daily run): inserted into the partition.
 */
export async function insertCustomerChargeRows(
  tx: Transaction | Database,
  /** The database `tx` belongs to, for a first sync's build in sessions beside it. */
  db: Database,
  target: SyncTarget,
  since: string | null,
  jobRunId: string | null,
  options: SyncOptions = {},
): Promise<number> {
  await lockPartition(tx, target);
  const { name, building, base, bound, exists } = await partitionOf(tx, target.resellerId);
  if (!exists) {
    const sessions = Math.min(options.buildSessions ?? BUILD_SESSIONS, connectionsBeside(db));
    if (sessions > 1 && !buildingInSessions) {
      buildingInSessions = true;
      // The run's transaction waits, idle, for the whole build: a server's idle timeout must not
      // end it (its locks would go, and another run could take the table being built).
      await tx.execute(sql`select set_config('idle_in_transaction_session_timeout', '0', true)`);
      let built: { rows: number; constraints: SQL[] };
      try {
        built = await buildInSessions(db, { building, base, bound }, target, since, jobRunId, sessions);
      } finally {
        buildingInSessions = false;
      }
      await tx.execute(sql`alter table ${building} rename to ${name}`);
      for (const constraint of built.constraints) await tx.execute(sql`alter table ${name} ${constraint}`);
      await attach(tx, name, bound);
      await analyze(tx, name);
      return built.rows;
    }
    await tx.execute(sql`drop table if exists ${building}`); // left by a build in sessions that died
    await createBuildTable(tx, name, bound);
    const rows = await insertSelected(tx, name, target, since, jobRunId, false);
    await buildIndexes(tx, name);
    await attach(tx, name, bound);
    await analyze(tx, name);
    return rows;
  }
  // The new rows, staged without indexes.
  await createBuildTable(tx, building, bound);
  const rows = await insertSelected(tx, building, target, since, jobRunId, true);
  // Everything the partition holds: organization ids are unique per distributor only, so another
  // distributor's reseller of the same id shares it, and a swap must keep its rows too.
  const held = sql`customer_charge_rows where org_id = ${target.resellerId}`;
  const columns = await storedColumns(tx);
  if (rows >= (options.rebuildMinRows ?? REBUILD_MIN_ROWS)) {
    const [count] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${held}`);
    if (rows > (count?.n ?? 0)) {
      await tx.execute(sql`insert into ${building} (${columns}) select ${columns} from ${held}`);
      await buildIndexes(tx, building);
      // Before the swap: from the detach on, every reseller's grid waits for this transaction.
      await analyze(tx, building);
      if (await detach(tx, name, options.swapLockTimeout ?? SWAP_LOCK_TIMEOUT)) {
        await tx.execute(sql`drop table ${name}`);
        await tx.execute(sql`alter table ${building} rename to ${name}`);
        await attach(tx, name, bound);
        return rows;
      }
    }
  }
  // Into the partition: the staged rows it does not hold (all of them, unless a swap gave up).
  await tx.execute(
    sql`insert into customer_charge_rows (${columns}) select ${columns} from ${building} b
      where not exists (select 1 from customer_charge_rows x
        where x.distributor_id = b.distributor_id and x.org_id = b.org_id and x.invoice_item_id = b.invoice_item_id)`,
  );
  await tx.execute(sql`drop table ${building}`);
  return rows;
}

/**
 * Builds the reseller's partition-to-be `building` in sessions beside the run's transaction, each
 * its own transaction, committed: first `sessions` of them load the rows, each the invoices of one
 * hash part, then as many build its indexes (see buildIndexesInSessions). Returns how many rows,
 * and the constraints to add on the built indexes. Each invoice comes whole from one snapshot; one
 * issued while the sessions start may be in or out, and the next run, reading a day back from this
 * run's start, adds it if out. The caller holds the partition's lock and renames the table into
 * place in its transaction; if it never does (it failed, or its process died), the table is not
 * attached, and it is dropped (runSync, or the next build).
 */
async function buildInSessions(
  db: Database,
  { building, base, bound }: Pick<Partition, 'building' | 'base' | 'bound'>,
  target: SyncTarget,
  since: string | null,
  jobRunId: string | null,
  sessions: number,
): Promise<{ rows: number; constraints: SQL[] }> {
  await withSystem(db, (s) => createBuildTable(s, building, bound));
  try {
    const parts = await Promise.all(
      Array.from({ length: sessions }, (_, part) =>
        withSystem(db, (s) =>
          insertSelected(s, building, target, since, jobRunId, false, { part, of: sessions }),
        ),
      ),
    );
    const constraints = await buildIndexesInSessions(db, building, base, sessions);
    return { rows: parts.reduce((a, b) => a + b, 0), constraints };
  } catch (err) {
    await withSystem(db, (s) => s.execute(sql`drop table if exists ${building}`)).catch(() => {});
    throw err;
  }
}

/**
 * Detaches the reseller's partition, waiting for the table at most `timeout` (in a savepoint);
 * false when that ran out, with the transaction as it was.
 */
async function detach(tx: Transaction | Database, name: SQL, timeout: string): Promise<boolean> {
  try {
    await tx.transaction(async (sp) => {
      const [before] = await queryRows<{ timeout: string }>(
        sp,
        sql`select current_setting('lock_timeout') as timeout, set_config('lock_timeout', ${timeout}, true)`,
      );
      await sp.execute(sql`alter table customer_charge_rows detach partition ${name}`);
      await sp.execute(sql`select set_config('lock_timeout', ${before?.timeout ?? '0'}, true)`);
    });
    return true;
  } catch (err) {
    // lock_not_available; drizzle wraps the driver's error.
    const code =
      (err as { cause?: { code?: unknown }; code?: unknown }).cause?.code ?? (err as { code?: unknown }).code;
    if (code === '55P03') return false;
    throw err;
  }
}

/**
 * The set-based heart of the sync: inserts into `table` the reseller's rows for invoices issued
 * after `since` (all when null), only those not in its partition yet when `newOnly`, and returns
 * how many.
 */
async function insertSelected(
  tx: Transaction | Database,
  table: SQL,
  target: SyncTarget,
  since: string | null,
  jobRunId: string | null,
  newOnly: boolean,
  /** Only the invoices of this hash part (of `of` parts, by invoice, so that each comes whole). */
  split?: { part: number; of: number },
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
      insert into ${table} (distributor_id, reseller_id, org_id, invoice_item_id, invoice_id,
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
        ${split === undefined ? sql`` : sql`and mod(hashtext(v.id)::bigint + 2147483648, ${split.of}) = ${split.part}`}
        ${
          newOnly
            ? sql`and not exists (select 1 from customer_charge_rows x
                where x.distributor_id = res.distributor_id and x.org_id = res.id and x.invoice_item_id = i.id)`
            : sql``
        }
      returning 1
    ) select count(*)::int as n from inserted`,
  );
  return row?.n ?? 0;
}

/**
 * Whether a crash may have emptied the reseller's rows: it has a successful run, but no mark of
 * one (customer_charge_sync_marks, unlogged like its partition, emptied with it). An SQL condition
 * on the organization `o` (a reseller); it reads job_runs and the marks only, never the partitions.
 */
export function rowsLostSql(o: SQL): SQL {
  return sql`(${noSyncMarkSql(sql`${o}.distributor_id`, sql`${o}.id`)}
    and exists (select 1 from job_runs j where j.distributor_id = ${o}.distributor_id and j.org_id = ${o}.id
      and j.job_name in ${[...SYNC_JOBS]} and j.status = 'SUCCEEDED'))`;
}

/** No mark of the reseller's sync: never synced, or lost in a crash (see rowsLostSql). */
export function noSyncMarkSql(distributorId: SQL, resellerId: SQL): SQL {
  return sql`not exists (select 1 from customer_charge_sync_marks m
    where m.distributor_id = ${distributorId} and m.org_id = ${resellerId})`;
}

/**
 * Where the next run starts: the start of the last successful run, as its mark says, or null
 * (from the beginning) when there is none: never synced, or the mark and the rows lost together.
 */
export async function lastSyncedUpTo(tx: Transaction | Database, target: SyncTarget): Promise<string | null> {
  const [mark] = await tx
    .select({ upTo: sql<string>`${customerChargeSyncMarks.upTo}::text` })
    .from(customerChargeSyncMarks)
    .where(
      and(
        eq(customerChargeSyncMarks.distributorId, target.distributorId),
        eq(customerChargeSyncMarks.orgId, target.resellerId),
      ),
    );
  return mark?.upTo ?? null;
}

/** Marks a successful run (in its transaction): the next one reads from `upTo`. */
async function markSynced(tx: Transaction, target: SyncTarget, upTo: string, jobRunId: string) {
  const mark = { upTo, jobRunId };
  await tx
    .insert(customerChargeSyncMarks)
    .values({
      distributorId: target.distributorId,
      resellerId: target.resellerId,
      orgId: target.resellerId,
      ...mark,
    })
    .onConflictDoUpdate({
      target: [customerChargeSyncMarks.distributorId, customerChargeSyncMarks.orgId],
      set: mark,
    });
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
export async function runSync(
  db: Database,
  target: SyncTarget,
  jobRunId: string,
  options: SyncOptions = {},
): Promise<SyncResult> {
  try {
    return await withSystem(db, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(target)})`);
      const since = await lastSyncedUpTo(tx, target);
      const [now] = await queryRows<{ now: string }>(tx, sql`select now()::text as now`);
      const upTo = now?.now ?? new Date().toISOString();
      const rows = await insertCustomerChargeRows(tx, db, target, since, jobRunId, options);
      await markSynced(tx, target, upTo, jobRunId);
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
    // A table built in sessions that the failed transaction did not rename into place: not
    // attached, so nobody sees it, but a reseller's rows' worth of disk until the next run.
    if (connectionsBeside(db) > 0) await dropLeftBuild(db, target).catch(() => {});
    throw err;
  }
}

/** Drops the table a build in sessions left (see buildInSessions), under the partition's lock. */
async function dropLeftBuild(db: Database, target: SyncTarget) {
  await withSystem(db, async (tx) => {
    await lockPartition(tx, target);
    const { building } = await partitionOf(tx, target.resellerId);
    await tx.execute(sql`drop table if exists ${building}`);
  });
}
