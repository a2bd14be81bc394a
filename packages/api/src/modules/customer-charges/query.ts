/**
 * Reading the Customer Charges grid: the catalogue of columns on `customer_charge_rows`, a block
 * of rows for the grid, and every row of a view for the export (a postgres.js cursor in one
 * transaction on PostgreSQL; keyset-paged batches, each in its own transaction, on PGlite, whose
 * single connection must not be held for the length of a download).
 */
import { Decimal, formatAmount } from '@cascade/billing-core';
import {
  type Database,
  type DatabaseKind,
  jobRuns,
  queryRows,
  type Tenant,
  type Transaction,
  customerChargeRows as t,
  withTenant,
} from '@cascade/db';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { CustomerChargeExportColumnId } from './export';
import {
  CUSTOMER_CHARGE_DEFAULT_SORT,
  type CustomerChargeColumnId,
  customerChargeGridCatalogue,
  type GridQuery,
  type GridView,
} from './grid-query';
import { SYNC_JOBS } from './sync';

/**
 * The SQL of each column id (the table's own columns: each sortable one has its index). The
 * quantity is sorted and filtered on quantity_e4, its exact integer copy in ten-thousandths: under
 * RLS a numeric comparison (`quantity > 10`) cannot seek an index, an integer one can.
 */
export const COLUMN_SQL: Readonly<Record<CustomerChargeColumnId, SQLWrapper>> = {
  invoiceNumber: t.invoiceNumber,
  invoiceDate: t.invoiceDate,
  type: t.invoiceType,
  customer: t.customerName,
  description: t.description,
  startDate: t.startDate,
  endDate: t.endDate,
  unitCostPrice: t.unitCostPrice,
  unitSellPrice: t.unitSellPrice,
  quantity: t.quantityE4,
  unit: t.unit,
  totalCostPrice: t.totalCostPrice,
  totalSellPrice: t.totalSellPrice,
  productType: t.productType,
  productName: t.productName,
};

export const catalogue = customerChargeGridCatalogue(COLUMN_SQL, { quantity: 10_000 });
export const gridOptions = {
  tiebreak: t.invoiceItemId,
  defaultSort: CUSTOMER_CHARGE_DEFAULT_SORT,
  // A handful of product types: by name within each, on the (product type, product name, item)
  // index, which the filtered sorts by product name need anyway; one index fewer to build per sync.
  thenBy: { productType: 'productName' },
};

/** A row as the grid and the export get it: decimal strings, ISO dates. */
export interface CustomerChargeRow {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  invoiceDate: string;
  type: 'DEBIT' | 'CREDIT';
  customer: string;
  description: string;
  startDate: string;
  endDate: string;
  unitCostPrice: string;
  unitSellPrice: string;
  quantity: string;
  unit: string;
  totalCostPrice: string;
  totalSellPrice: string;
  productType: string;
  productName: string;
  currency: string;
}

const SELECT = sql`select ${t.invoiceItemId} as "id", ${t.invoiceId} as "invoiceId",
  ${t.invoiceNumber} as "invoiceNumber", ${t.invoiceDate}::text as "invoiceDate", ${t.invoiceType} as "type",
  ${t.customerName} as "customer", ${t.description} as "description", ${t.startDate}::text as "startDate",
  ${t.endDate}::text as "endDate", ${t.unitCostPrice}::text as "unitCostPrice",
  ${t.unitSellPrice}::text as "unitSellPrice", ${t.quantity}::text as "quantity", ${t.unit} as "unit",
  ${t.totalCostPrice}::text as "totalCostPrice", ${t.totalSellPrice}::text as "totalSellPrice",
  ${t.productType} as "productType", ${t.productName} as "productName", ${t.currency} as "currency"
  from ${t}`;

/**
 * The reseller's own rows. Equalities on the two leading columns of every index (rather than
 * tenantScope's `reseller_id = … or org_id = …`, which no index serves); RLS still applies.
 */
const own = (tenant: Tenant) =>
  sql`${t.distributorId} = ${tenant.distributorId} and ${t.orgId} = ${tenant.orgId}`;

/** Money and quantities as JSON carries them: totals with the currency's decimals, the rest without trailing zeros. */
export function presentRow(row: CustomerChargeRow): CustomerChargeRow {
  const plain = (v: string) => new Decimal(v).toFixed();
  return {
    ...row,
    unitCostPrice: plain(row.unitCostPrice),
    unitSellPrice: plain(row.unitSellPrice),
    quantity: plain(row.quantity),
    totalCostPrice: formatAmount(row.totalCostPrice, row.currency),
    totalSellPrice: formatAmount(row.totalSellPrice, row.currency),
  };
}

/**
 * One block of the grid. Count strategy: none. One row more than asked is read; when it is not
 * there, the block is the last and `lastRow` is exact, otherwise -1 (AG Grid's "more to come").
 * A count of a million filtered rows would cost more than the block itself, on every scroll.
 *
 * With filters, the planner is told not to sort (`enable_sort = off`, this transaction only): our
 * filters (`lower(col) = …`, `ilike`) have no statistics, so it would guess them rare and choose
 * to read every matching row and sort them (seconds at a million rows), where walking the sort
 * column's index and filtering on the way finds a block in milliseconds. Its worst case (a filter
 * that matches almost nothing) costs about what the sort plan costs anyway.
 *
 * Far down (from `deferredFrom` rows), the infinite row model asks for the blocks in order: the
 * block right after one this process just answered, for the same tenant and view, starts where
 * that one ended (`(key, id) > (last key, last id)`, an index seek) instead of counting its way
 * there again. Only while the data is as it was: the sync is the table's only writer, and it
 * records a successful run in the transaction that adds its rows; the block's answer is kept
 * only when the latest such run, read after it, is the one read before the block it follows.
 */
export async function queryBlock(
  tx: Transaction,
  tenant: Tenant,
  q: Pick<
    GridQuery,
    'where' | 'orderBy' | 'limit' | 'offset' | 'sort' | 'sortColumnFilter' | 'columnFilters'
  >,
  filtered: boolean,
  options: { boundSteps?: number; deferredFrom?: number } = {},
): Promise<{ rows: CustomerChargeRow[]; lastRow: number }> {
  // Custom plans always: a generic plan (postgres.js prepares statements) does not see a
  // filter's value. No JIT and no parallel workers: a block reads a few hundred rows, and JIT's
  // compilation (tens of ms, up to a second with inlining) or starting two workers (~10 ms) costs
  // more than that; the planner turns them on from cost estimates that `enable_sort = off` inflates.
  await tx.execute(
    sql`select set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true),
      set_config('max_parallel_workers_per_gather', '0', true), set_config('enable_sort', ${filtered ? 'off' : 'on'}, true)`,
  );
  const where = sql`${own(tenant)} and (${q.where}) ${sortColumnBounds(tenant, q.sortColumnFilter, options.boundSteps ?? BOUND_STEPS)}`;
  const exact = await productTypeValues(tx, tenant, q);
  if (exact) {
    const page = await blockWhere(tx, tenant, q, sql`${where} and ${exact.condition}`, {
      ...options,
      probedAt: exact.version,
    });
    // The values were looked up in a statement of their own: the answer stands only if no sync
    // added rows (perhaps of another matching type) before the block's statement read them.
    if ((await dataVersion(tx, tenant)) === exact.version) return page;
  }
  return blockWhere(tx, tenant, q, where, options);
}

/**
 * Sort columns with an index that starts with the product type (migration 0012): sorted by one of
 * these with the product type filtered, the block walks only the rows of the types that pass.
 */
const AFTER_PRODUCT_TYPE: ReadonlySet<string> = new Set<CustomerChargeColumnId>([
  'description',
  'productName',
]);
/** A reseller has a few product types; with more than this many, they are not looked up. */
export const PRODUCT_TYPES_LOOKED_AT = 64;

/**
 * Sorted by description or product name with the product type filtered (`equals` is
 * `lower(product_type) = lower($1)`: not leakproof, so no index condition under RLS), the walk of
 * the sort column's index reads every row of the types sorting first (~285k of 1M to find a
 * block of Microsoft 365). So the reseller's product types are looked up first, one index probe
 * each (a loose index scan, as sortColumnBounds), and those that pass the column's filters become
 * `product_type = $1` (or `in (…)`): implied by the filters (every row's type is one of the
 * values looked at), so the rows are the same, and it seeks (product_type, description, id).
 * Undefined when that does not apply, all types pass, or they are too many to look at. Also the data's
 * version (see dataVersion) in the same statement, i.e. the same snapshot.
 */
async function productTypeValues(
  tx: Transaction,
  tenant: Tenant,
  q: Pick<GridQuery, 'sort' | 'columnFilters'>,
): Promise<{ condition: SQL; version: string } | undefined> {
  const first = q.sort[0];
  const column = catalogue.productType;
  const matches = column && q.columnFilters?.get(column);
  if (!first || !AFTER_PRODUCT_TYPE.has(first.colId) || !matches) return undefined;
  const max = PRODUCT_TYPES_LOOKED_AT;
  const rows = await queryRows<{ v: string; passes: boolean; nullPasses: boolean; version: string }>(
    tx,
    sql`with recursive "walk"("v", "n") as (
        (select ${t.productType}, 1 from ${t} where ${own(tenant)} order by ${t.productType} limit 1)
        union all
        select (select ${t.productType} from ${t} where ${own(tenant)} and ${t.productType} > "walk"."v"
            order by ${t.productType} limit 1),
          "walk"."n" + 1
        from "walk"
        where "walk"."v" is not null and "walk"."n" <= ${max}
      )
      select "v", coalesce(${matches(sql`"walk"."v"`)}, false) as "passes",
        coalesce(${matches(sql`null::text`)}, false) as "nullPasses", (${versionOf(tenant)}) as "version"
      from "walk" where "v" is not null`,
  );
  // The column is NOT NULL; were a null to pass, `= $1` would wrongly leave it out.
  if (rows.length === 0 || rows.length > max || rows.some((r) => r.nullPasses)) return undefined;
  const passing = rows.filter((r) => r.passes).map((r) => r.v);
  // Every type passes: nothing to narrow, and the plan stays as it was.
  if (passing.length === rows.length) return undefined;
  const condition =
    passing.length === 0
      ? sql`false`
      : passing.length === 1
        ? sql`${t.productType} = ${passing[0]}`
        : sql`${t.productType} in ${passing}`;
  return { condition, version: rows[0]?.version ?? '' };
}

/**
 * queryBlock's block, on the rows of `where` (the tenant's, filtered). `probedAt`: the data's
 * version when part of `where` was looked up; where it ends is remembered only for that version.
 */
async function blockWhere(
  tx: Transaction,
  tenant: Tenant,
  q: Pick<GridQuery, 'where' | 'orderBy' | 'limit' | 'offset' | 'sort'>,
  where: SQL,
  { deferredFrom = DEFERRED_FROM, probedAt }: { deferredFrom?: number; probedAt?: string },
): Promise<{ rows: CustomerChargeRow[]; lastRow: number }> {
  const page = (rows: CustomerChargeRow[], found: number) =>
    found <= q.limit ? { rows, lastRow: q.offset + found } : { rows: rows.slice(0, q.limit), lastRow: -1 };

  const key = seekKeys(q);
  const signature = key && q.offset + q.limit >= deferredFrom ? viewSignature(tenant, q) : undefined;
  const known = signature === undefined ? undefined : continuations.take(signature, q.offset);
  if (key && signature && known) {
    const rows = await queryRows<CustomerChargeRow & Record<string, unknown>>(
      tx,
      sql`${SELECT} where ${where} and ${after(key, known.after)} order by ${q.orderBy} limit ${q.limit + 1}`,
    );
    if ((await dataVersion(tx, tenant)) === known.version) {
      if (probedAt === undefined || probedAt === known.version) {
        remember(signature, key, known.version, q, rows, rows.length > q.limit);
      }
      return page(rows, rows.length);
    }
  }
  const version = signature === undefined ? undefined : await dataVersion(tx, tenant);
  const window = sql`order by ${q.orderBy} limit ${q.limit + 1} offset ${q.offset}`;
  let rows: CustomerChargeRow[];
  let found: number;
  if (q.offset < deferredFrom) {
    rows = await queryRows<CustomerChargeRow & Record<string, unknown>>(
      tx,
      sql`${SELECT} where ${where} ${window}`,
    );
    found = rows.length;
  } else {
    // Far down, the rows skipped by the offset are many: find the block's ids first, so that only
    // the rows of the block are turned into text (half the time at 500,000 rows down), then read
    // them by key. The sync only ever adds rows, and never changes one, so they are all still there.
    const ids = (
      await queryRows<{ id: string }>(
        tx,
        sql`select ${t.invoiceItemId} as "id" from ${t} where ${where} ${window}`,
      )
    ).map((r) => r.id);
    const block = ids.slice(0, q.limit);
    const read =
      block.length === 0
        ? []
        : await queryRows<CustomerChargeRow & Record<string, unknown>>(
            tx,
            sql`${SELECT} where ${own(tenant)} and ${t.invoiceItemId} in ${block}`,
          );
    const byId = new Map(read.map((r) => [r.id, r]));
    rows = block.flatMap((id) => byId.get(id) ?? []);
    found = ids.length;
  }
  if (key && signature && version !== undefined && (probedAt === undefined || probedAt === version))
    remember(signature, key, version, q, rows, found > q.limit);
  return page(rows, found);
}

/** At most this many of a column's values are looked at from each end (see sortColumnBounds). */
export const BOUND_STEPS = 256;
/** From this offset on, a block finds its rows' ids before it reads the rows (see queryBlock). */
export const DEFERRED_FROM = 1000;

type SeekKeys = GridQuery['sort'];

/**
 * The sort keys a block can seek past: one direction for all (the id follows them in it, so one
 * row comparison says "after"), each on a text or date column, whose comparison reaches the index
 * under RLS (numeric comparisons do not).
 */
function seekKeys(q: Pick<GridQuery, 'sort'>): SeekKeys | undefined {
  const [first] = q.sort;
  if (!first) return undefined;
  const seekable = q.sort.every(
    (k) => k.desc === first.desc && (k.column.kind === 'text' || k.column.kind === 'date'),
  );
  return seekable ? q.sort : undefined;
}

/** Rows after `values` (the keys' values, then the id) in the keys' order. */
function after(keys: SeekKeys, values: readonly string[]): SQL {
  const columns = sql.join([...keys.map((k) => k.column.sql), t.invoiceItemId], sql`, `);
  const given = sql.join(
    values.map((v, i) => (keys[i]?.column.kind === 'date' ? sql`${v}::date` : sql`${v}`)),
    sql`, `,
  );
  return keys[0]?.desc ? sql`(${columns}) < (${given})` : sql`(${columns}) > (${given})`;
}

/** The longest view signature remembered: continuations stay small (at most ~4 MB in all). */
const MAX_SIGNATURE = 4096;

/** The tenant and the view (filters and order, values included), as one string; undefined when long. */
function viewSignature(tenant: Tenant, q: Pick<GridQuery, 'where' | 'orderBy'>): string | undefined {
  const { sql: text, params } = dialect.sqlToQuery(sql`${q.where} order by ${q.orderBy}`);
  const signature = JSON.stringify([tenant.distributorId, tenant.orgId, text, params]);
  return signature.length <= MAX_SIGNATURE ? signature : undefined;
}

/**
 * The data's version (see queryBlock): the latest moment one of the reseller's sync runs was
 * claimed or finished. It only ever grows (a manual run claimed again the same day clears its
 * `finished_at` but sets a newer `started_at`), and a sync that adds rows sets its `finished_at`
 * in the transaction that adds them, so rows never change under an unchanged version. Except in
 * a crash, which empties them (sync/index.ts, createBuildTable): a continuation then finds nothing,
 * as anything else does, until the recovery run's claim moves the version on.
 */
async function dataVersion(tx: Transaction, tenant: Tenant): Promise<string> {
  const [row] = await queryRows<{ v: string }>(tx, sql`select (${versionOf(tenant)}) as v`);
  return row?.v ?? '';
}

/** dataVersion's query, never null ('' before the first sync). */
const versionOf = (tenant: Tenant) =>
  sql`select coalesce(max(greatest(${jobRuns.startedAt}, ${jobRuns.finishedAt}))::text, '') from ${jobRuns}
      where ${jobRuns.distributorId} = ${tenant.distributorId} and ${jobRuns.orgId} = ${tenant.orgId}
        and ${jobRuns.jobName} in ${[...SYNC_JOBS]}`;

function remember(
  signature: string,
  keys: SeekKeys,
  version: string,
  q: Pick<GridQuery, 'limit' | 'offset'>,
  rows: readonly CustomerChargeRow[],
  more: boolean,
): void {
  // Only a block with rows after it has a next one.
  const last = more ? rows[q.limit - 1] : undefined;
  if (!last) return;
  const values = keys.map((k) => String(last[k.colId as keyof CustomerChargeRow]));
  continuations.put(signature, q.offset + q.limit, { version, after: [...values, last.id] });
}

/** Where recent blocks ended, per view: bounded in number and age. */
class Continuations {
  private readonly entries = new Map<string, { at: number; version: string; after: readonly string[] }>();
  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}
  take(signature: string, startRow: number) {
    const id = `${startRow}\u0000${signature}`;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    return Date.now() - entry.at <= this.ttlMs ? entry : undefined;
  }
  put(signature: string, startRow: number, value: { version: string; after: readonly string[] }) {
    const id = `${startRow}\u0000${signature}`;
    this.entries.delete(id);
    this.entries.set(id, { at: Date.now(), ...value });
    // A Map iterates in insertion order: the first entry is the oldest.
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
const continuations = new Continuations(1000, 15 * 60_000);

/**
 * When the first sort column is filtered (`lower(customer) like '%globex%'` sorted by customer),
 * the rows that pass may all sit far from where the index walk starts: past a quarter of a
 * million others, each read from the heap to be rejected. So the column's own values are looked
 * at first, one index probe each (`col > $previous`), from each end, until one passes the
 * column's conditions: the walk then starts and stops there. A bound is only ever a value no
 * passing row lies beyond (the values skipped failed the conditions), so the rows are the same;
 * when no value passes, the bound is null and the block is empty, as it should be. After
 * BOUND_STEPS values the bound stays where it got to, still true, only looser.
 *
 * Text and date columns only: under RLS a condition on the column reaches the index only if its
 * operator is leakproof, and PostgreSQL's numeric comparisons are not (so `quantity > $1` cannot
 * seek, and neither can these probes).
 */
function sortColumnBounds(tenant: Tenant, filter: GridQuery['sortColumnFilter'], steps: number): SQL {
  if (!filter || (filter.column.kind !== 'text' && filter.column.kind !== 'date')) return sql``;
  const column = filter.column.sql;
  const end = (direction: 'asc' | 'desc') => {
    const order = direction === 'asc' ? sql`asc` : sql`desc`;
    const beyond = direction === 'asc' ? sql`${column} > "walk"."v"` : sql`${column} < "walk"."v"`;
    return sql`(with recursive "walk"("v", "n") as (
        (select ${column}, 1 from ${t} where ${own(tenant)} order by ${column} ${order} limit 1)
        union all
        select (select ${column} from ${t} where ${own(tenant)} and ${beyond} order by ${column} ${order} limit 1),
          "walk"."n" + 1
        from "walk"
        where "walk"."v" is not null and "walk"."n" < ${steps}
          and not coalesce(${filter.matches(sql`"walk"."v"`)}, false)
      ) select "v" from "walk" order by "n" desc limit 1)`;
  };
  return sql`and ${column} >= ${end('asc')} and ${column} <= ${end('desc')}`;
}

/**
 * Whether the view holds more than `max` rows. When the whole table holds clearly fewer (the
 * planner's row estimate, kept by autovacuum's analyze), no count is needed; otherwise it counts
 * up to max + 1 matching rows (a scan, but only for tables that big). Should a stale estimate let
 * a bigger view through, the writer stops at `max` rows with ExportTooManyRowsError.
 */
export async function viewExceeds(
  db: Database,
  tenant: Tenant,
  view: GridView,
  max: number,
): Promise<boolean> {
  const [estimate] = await queryRows<{ n: number }>(
    db,
    sql`select reltuples::float8 as n from pg_class where oid = 'customer_charge_rows'::regclass`,
  );
  const rows = Number(estimate?.n ?? -1);
  if (rows >= 0 && rows < max * 0.9) return false;
  return withTenant(db, tenant, async (tx) => {
    const [row] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from (select 1 from ${t} where ${own(tenant)} and (${view.where}) limit ${max + 1}) s`,
    );
    return (row?.n ?? 0) > max;
  });
}

const dialect = new PgDialect();

interface PostgresJsClient {
  begin<T>(fn: (sql: PostgresJsTx) => Promise<T>): Promise<T>;
}
interface PostgresJsTx {
  unsafe(
    text: string,
    params?: unknown[],
  ): Promise<unknown[]> & {
    values(): { cursor(rows: number, fn: (batch: unknown[][]) => Promise<void>): Promise<unknown> };
  };
}

/**
 * Turns a producer that pushes batches into an async generator the writer pulls from. A push
 * resolves as soon as the consumer takes its batch, so the producer reads the next one while the
 * consumer writes this one (the database and Node work at the same time), and is at most one batch
 * ahead. When the consumer stops (the download is aborted), the next push throws, which ends the
 * producer (and rolls its transaction back) before the generator returns.
 */
async function* pulled<T>(produce: (push: (batch: T) => Promise<void>) => Promise<void>): AsyncGenerator<T> {
  let wake: (() => void) | undefined;
  let slot: { batch: T; taken: () => void } | undefined;
  let done = false;
  let failure: unknown;
  let consumerGone = false;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const producing = produce(async (batch) => {
    if (consumerGone) throw new Error('export aborted');
    await new Promise<void>((taken) => {
      slot = { batch, taken };
      signal();
    });
    if (consumerGone) throw new Error('export aborted');
  }).then(
    () => {
      done = true;
      signal();
    },
    (err: unknown) => {
      failure = err;
      done = true;
      signal();
    },
  );
  try {
    while (true) {
      if (slot === undefined && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (slot !== undefined) {
        const { batch, taken } = slot;
        slot = undefined;
        taken();
        yield batch;
        continue;
      }
      if (done) {
        if (failure !== undefined) throw failure;
        return;
      }
    }
  } finally {
    if (!done) {
      consumerGone = true;
      // A producer waiting for its batch to be taken must wake up to see the consumer is gone.
      slot?.taken();
      slot = undefined;
      await producing;
    }
  }
}

export const EXPORT_BATCH_ROWS = 2000;
/** Exports walking the index while another connection counts them, at once (see openExport). */
const MAX_COUNTED_WALKS = 2;
let countedWalks = 0;

/** Each export field as the writer takes it: ISO dates and decimal strings (text, as in SELECT). */
const EXPORT_SQL: Readonly<Record<CustomerChargeExportColumnId, SQL>> = {
  invoiceNumber: sql`${t.invoiceNumber}`,
  invoiceDate: sql`${t.invoiceDate}::text`,
  type: sql`${t.invoiceType}`,
  customer: sql`${t.customerName}`,
  description: sql`${t.description}`,
  startDate: sql`${t.startDate}::text`,
  endDate: sql`${t.endDate}::text`,
  unitCostPrice: sql`${t.unitCostPrice}::text`,
  unitSellPrice: sql`${t.unitSellPrice}::text`,
  quantity: sql`${t.quantity}::text`,
  unit: sql`${t.unit}`,
  totalCostPrice: sql`${t.totalCostPrice}::text`,
  totalSellPrice: sql`${t.totalSellPrice}::text`,
  productType: sql`${t.productType}`,
  productName: sql`${t.productName}`,
  currency: sql`${t.currency}`,
};

/** An export's rows, once it is known that the view fits in the file. */
export type OpenedExport =
  | { tooMany: true }
  | {
      tooMany: false;
      batches: AsyncIterableIterator<unknown[][]>;
      /**
       * When the view may not fit, it is counted on another connection while the rows flow:
       * whether it holds more than `maxRows` rows. Nothing may be sent before it answers false.
       */
      exceeds?: Promise<boolean>;
    };

/**
 * Every row of the view, in batches, as the caller's tenant: each row an array that starts with
 * the `fields` (the file's columns) in their order, read only for them (values after those are
 * ours). `tooMany` when the view holds more than `maxRows`: then nothing is streamed.
 *
 * PostgreSQL: one transaction; a sample of the reseller's partition chooses between walking the
 * sort's index (rows flow at once, so the database reads while Node writes; see walksTheIndex) and
 * a scan and sort, whose first batch comes once every row is known, so the total rides along
 * (`count(*) over ()`). The walk is counted (`exceeds`, on another connection while the rows
 * flow) only when the partition may hold more rows than the file. Rows come through a postgres.js cursor as arrays (`.values()`, never an object per row),
 * the next batch read while the writer writes this one. PGlite: viewExceeds, then keyset batches.
 */
export async function openExport(
  db: Database,
  kind: DatabaseKind,
  tenant: Tenant,
  view: GridView,
  maxRows: number,
  fields: readonly CustomerChargeExportColumnId[],
  /** Tests: the plan to use instead of the sample's choice (PostgreSQL only). */
  plan?: 'walk' | 'sort',
): Promise<OpenedExport> {
  // Named by position: two fields may have the same column name (`x::text` is named `x`).
  const columns = sql.join(
    fields.map((f, i) => sql`${EXPORT_SQL[f]} as ${sql.identifier(`f${i}`)}`),
    sql`, `,
  );
  if (kind !== 'postgres') {
    if (await viewExceeds(db, tenant, view, maxRows)) return { tooMany: true };
    return {
      tooMany: false,
      batches: keysetBatches(db, tenant, view, maxRows, columns, fields.length),
    };
  }
  const client = (db as unknown as { $client: PostgresJsClient }).$client;
  const from = sql`from ${t} where ${own(tenant)} and (${view.where})`;
  const sorted = dialect.sqlToQuery(
    sql`select ${columns}, count(*) over () as "total" ${from} order by ${view.orderBy} limit ${maxRows}`,
  );
  // One row more than the file holds: should an estimate let a bigger view through uncounted, the
  // writer fails on that row rather than the file silently end short.
  const walked = dialect.sqlToQuery(
    sql`select ${columns} ${from} order by ${view.orderBy} limit ${maxRows + 1}`,
  );
  // The partition's size (the planner's estimate: rows per page at the last vacuum, times its
  // pages now), and a sample of 1% of its pages: the view's share of its rows, and how closely
  // the view's order follows the rows' order on disk (a walk in that order reads pages in turn).
  const probe = dialect.sqlToQuery(
    sql`select (select c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
          from pg_class c where c.relpages > 0 and c.reltuples >= 0
            and c.oid = (select tableoid from ${t} where ${own(tenant)} limit 1))::float8 as "estimate",
        count(*)::int as "sampled", (count(*) filter (where "s"."matches"))::int as "matched",
        coalesce(corr("s"."page", "s"."position"), 0)::float8 as "correlation"
      from (select (ctid::text::point)[0] as "page", row_number() over (order by ${view.orderBy}) as "position",
          (${view.where}) as "matches"
        from ${t} tablesample system (${sql.raw(String(SAMPLE_PERCENT))}) repeatable (0) where ${own(tenant)}) "s"`,
  );
  const counted = sql`select count(*)::int as "n" from (select 1 ${from} limit ${maxRows + 1}) s`;
  let exceeds: Promise<boolean> | undefined;
  let walk = false;
  const rows = pulled<unknown[][]>(async (push) => {
    await client.begin(async (tx) => {
      // No JIT: compiling costs more than it saves on a scan that is mostly reading. No parallel
      // workers: the machine's other core is busy writing the file. One round trip for all of it.
      await tx.unsafe(
        `select set_config('app.distributor_id', $1, true), set_config('app.org_id', $2, true),
          set_config('app.org_kind', $3, true), set_config('role', 'cascade_app', true),
          set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),
          set_config('work_mem', '64MB', true)`,
        [tenant.distributorId, tenant.orgId, tenant.orgKind],
      );
      const [p] = (await tx.unsafe(probe.sql, probe.params)) as (ExportSample & {
        estimate: number | null;
      })[];
      walk = plan === undefined ? p !== undefined && walksTheIndex(p) : plan === 'walk';
      // The walk has no count riding along: when the reseller's partition (the planner's
      // estimate: its rows per page at the last vacuum, times its pages now) may hold more rows
      // than the file, the view is counted on another connection meanwhile. Such an export holds
      // two of the pool's connections, and its cursor waits for its count: a few at a time only,
      // else they could take the whole pool and wait for each other; the others scan and sort.
      const mustCount = p?.estimate == null || p.estimate > maxRows * 0.9;
      if (walk && mustCount && plan === undefined && countedWalks >= MAX_COUNTED_WALKS) walk = false;
      if (walk) {
        if (mustCount) {
          countedWalks += 1;
          exceeds = withTenant(db, tenant, async (counting) => {
            await counting.execute(
              sql`select set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`,
            );
            const [c] = await queryRows<{ n: number }>(counting, counted);
            return (c?.n ?? 0) > maxRows;
          }).finally(() => {
            countedWalks -= 1;
          });
          // Awaited by the caller; a failure must not go unhandled before it does.
          exceeds.catch(() => {});
        }
        // The sort's index, walked in order: rows flow from the first one on.
        await tx.unsafe(`select set_config('enable_sort', 'off', true)`);
      } else {
        // Scan and sort, in memory rather than on disk; plan for the total (a cursor's default is
        // a fast start, i.e. an index walk). The total rides along (`count(*) over ()`): known with
        // the first row, since every row is known once sorted.
        await tx.unsafe(
          `select set_config('cursor_tuple_fraction', '1', true), set_config('enable_indexscan', 'off', true)`,
        );
      }
      const query = walk ? walked : sorted;
      // postgres.js does not await the callback of the last batch: its push is awaited here.
      let last: Promise<void> = Promise.resolve();
      await tx
        .unsafe(query.sql, query.params)
        .values()
        .cursor(EXPORT_BATCH_ROWS, (batch) => {
          last = push(batch);
          return last;
        });
      await last;
    });
  });
  const first = await rows.next();
  const counting = exceeds === undefined ? {} : { exceeds };
  if (first.done) return { tooMany: false, batches: rows, ...counting };
  if (!walk && Number(first.value[0]?.[fields.length] ?? 0) > maxRows) {
    await rows.return(undefined);
    return { tooMany: true };
  }
  return { tooMany: false, batches: prepend(first.value, rows), ...counting };
}

/** The share of the partition's pages sampled to estimate how many of its rows the view holds. */
const SAMPLE_PERCENT = 1;
/** Fewer sampled rows: the partition is small (under ~100,000 rows), and sorting its view is quick. */
const MIN_SAMPLED_ROWS = 1000;

/** What the export's sample found (see walksTheIndex). */
export interface ExportSample {
  /** Rows in the sampled pages. */
  readonly sampled: number;
  /** Of them, rows in the view. */
  readonly matched: number;
  /** Between the rows' pages and their place in the view's order, -1 to 1. */
  readonly correlation: number;
}

/**
 * Whether the export walks the index of its sort in order (rows flow from the first one on, the
 * database's reading overlaps Node's writing) rather than scan and sort (nothing flows until the
 * sort is done). The walk reads every row of the partition, the view's or not, so it pays when the
 * view holds enough of them. Measured on 1,000,000 rows (CPU of the database; Node writes
 * ~6.5 µs per exported row): walking an order that follows the pages (invoice number, dates: the
 * sync adds invoices in turn) ~0.4 µs a row, an order that does not (customer) ~0.9 µs, the scan
 * and sort of a tenth ~0.7 s. A tenth in invoice order: 0.94–1.12 s walking, 1.37 s sorting;
 * by customer: 1.7–1.8 s walking, 1.4–1.8 s sorting; a quarter by customer: about even.
 */
export function walksTheIndex({ sampled, matched, correlation }: ExportSample): boolean {
  if (sampled < MIN_SAMPLED_ROWS) return false;
  return matched >= sampled * (Math.abs(correlation) >= 0.9 ? 0.05 : 1 / 3);
}

/**
 * `head`, then the rest. Not a generator: ending it before its first `next()` must still end the
 * rest (a generator's `return()` before it starts runs none of its code), whose transaction is open.
 */
function prepend<T>(head: T, rest: AsyncGenerator<T>): AsyncIterableIterator<T> {
  let first = true;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (!first) return rest.next();
      first = false;
      return { done: false, value: head };
    },
    async return() {
      first = false;
      return rest.return(undefined);
    },
  };
}

/** The sort keys of a view followed by the row id. */
function sortKeys(view: GridView) {
  const keys = view.sort.map((s) => ({ sql: COLUMN_SQL[s.colId as CustomerChargeColumnId], desc: s.desc }));
  keys.push({ sql: t.invoiceItemId, desc: view.sort.at(-1)?.desc ?? false });
  return keys;
}

/**
 * PGlite: batches after the last row read. Every sortable column is NOT NULL, so "after" is the
 * lexicographic comparison over the keys, each in its own direction. The keys are read after the
 * fields (as text) and cut off before the rows are handed over.
 */
async function* keysetBatches(
  db: Database,
  tenant: Tenant,
  view: GridView,
  maxRows: number,
  columns: SQL,
  fieldCount: number,
): AsyncGenerator<unknown[][]> {
  const keys = sortKeys(view);
  const keyColumns = sql.join(
    keys.map((k, i) => sql`(${k.sql})::text as ${sql.identifier(`k${i}`)}`),
    sql`, `,
  );
  let after: unknown[] | null = null;
  let read = 0;
  // Up to one row more than the file holds, as the walk (see openExport).
  while (read <= maxRows) {
    const limit = Math.min(EXPORT_BATCH_ROWS, maxRows + 1 - read);
    const last = after;
    const position: SQL =
      last === null
        ? sql`true`
        : sql`(${sql.join(
            keys.map((k, i) => {
              const equal = keys.slice(0, i).map((e, j) => sql`${e.sql} = ${last[j]}`);
              const beyond = k.desc ? sql`${k.sql} < ${last[i]}` : sql`${k.sql} > ${last[i]}`;
              return sql`(${sql.join([...equal, beyond], sql` and `)})`;
            }),
            sql` or `,
          )})`;
    const rows = await withTenant(db, tenant, (tx) =>
      queryRows<Record<string, unknown>>(
        tx,
        sql`select ${columns}, ${keyColumns} from ${t} where ${own(tenant)} and (${view.where}) and ${position} order by ${view.orderBy} limit ${limit}`,
      ),
    );
    if (rows.length === 0) return;
    read += rows.length;
    const lastRow = rows.at(-1) as Record<string, unknown>;
    after = keys.map((_, i) => lastRow[`k${i}`]);
    yield rows.map((r) => Array.from({ length: fieldCount }, (_, i) => r[`f${i}`]));
    if (rows.length < limit) return;
  }
}
