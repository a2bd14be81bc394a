/**
 * Customer Charges benchmark (issue 5) on the real PostgreSQL, in a fresh database of its own
 * (dropped after): 1,000,000 bulk invoice lines for reseller-standard, then
 *   - the sync's throughput (rows/s; target ≥ 50,000),
 *   - query p95 through the API: the first block (target < 50 ms) and every sortable column,
 *     both directions, with two filters (target < 100 ms),
 *   - an export of ~100,000 rows through the API (time, extra memory).
 * One JSON line per figure on stdout; progress on stderr. The writer's comparison with SheetJS is
 * export/bench.ts.
 *
 *   pnpm bench customer-charges/bench.ts       (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_LINES=200000 … for a quicker run
 *   BENCH_ONLY=export: only the export's figures, on a kept database that already holds the rows
 *     (BENCH_KEEP=<name>; seeded and synced first when it does not)
 *   BENCH_ONLY=sync: only the first sync's figure, on a kept database (BENCH_KEEP=<name>; seeded
 *     first when it holds no lines): the reseller's partition and sync runs are dropped first
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type Database, openDatabase, queryRows, withSystem, withTenant } from '@cascade/db';
import { seedDemo } from '@cascade/db/seed';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../../app';
import { signToken } from '../../platform/auth';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logging';
import { cpuStealPercent, cpuTimes } from '../../testing/cpu-steal';
import { buildGridQuery, CUSTOMER_CHARGE_COLUMN_IDS, CUSTOMER_CHARGE_COLUMN_RULES } from './grid-query';
import { catalogue, gridOptions, queryBlock } from './query';
import { runSync, SYNC_JOBS } from './sync';
import { claimManualRun } from './sync/scheduler';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** Untimed runs before each figure (JIT, caches). */
const WARMUP = 5;
const RESELLER = 'reseller-standard';
const DISTRIBUTOR = 'distributor';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
/** Each figure carries the CPU time the hypervisor stole since the previous one (or startInterval). */
let intervalStart = cpuTimes();
const startInterval = () => {
  intervalStart = cpuTimes();
};
const emit = (figure: Record<string, unknown>) => {
  process.stdout.write(`${JSON.stringify({ ...figure, cpuStealPercent: cpuStealPercent(intervalStart) })}\n`);
  startInterval();
};
const p95 = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0).toFixed(2));
};

async function main() {
  // BENCH_KEEP=<name>: reuse (or create) that database and keep it, to look at plans afterwards.
  const keep = process.env.BENCH_KEEP;
  if (keep !== undefined && !/^[a-z_][a-z0-9_]{0,40}$/.test(keep))
    throw new Error('BENCH_KEEP: a plain name');
  const name = keep ?? `cascade_bench_cc_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!exists) await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), max: 10 });
  try {
    await bench(handle.db, admin, name);
  } finally {
    await handle.close();
    if (keep === undefined) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

async function bench(db: Database, admin: postgres.Sql, name: string) {
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && only !== 'export' && only !== 'sync')
    throw new Error('BENCH_ONLY: export or sync (or unset)');
  const [synced] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from customer_charge_rows where org_id = ${RESELLER} limit 1) s`,
  ).catch(() => [{ n: 0 }]);
  if (only === 'export' && (synced?.n ?? 0) > 0) return benchExport(db, admin, name);
  let t0 = performance.now();
  await seedDemo(db, { invoiceLines: LINES });
  await db.execute(sql`vacuum analyze`);
  log(`seeded ${LINES} bulk lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The sync: everything of reseller-standard at once (a first run).
  const target = { distributorId: DISTRIBUTOR, resellerId: RESELLER };
  if (only === 'sync') {
    await withSystem(db, async (tx) => {
      const [p] = await queryRows<{ name: string }>(
        tx,
        sql`select customer_charge_rows_partition(${RESELLER}) as name`,
      );
      await tx.execute(sql`drop table if exists ${sql.identifier(p?.name ?? '')}`);
      await tx.execute(
        sql`delete from job_runs where org_id = ${RESELLER} and job_name in ${[...SYNC_JOBS]}`,
      );
      await tx.execute(sql`delete from customer_charge_sync_marks where org_id = ${RESELLER}`);
    });
  }
  // Seeding leaves a gigabyte of dirty pages and WAL behind; the checkpoint it would trigger
  // belongs to the seeding, not to the sync measured next.
  await db.execute(sql`checkpoint`);
  const runId = await claimManualRun(db, target, 'Europe/Berlin');
  if (!runId) throw new Error('could not claim a run');
  startInterval();
  t0 = performance.now();
  const result = await runSync(db, target, runId);
  const seconds = (performance.now() - t0) / 1000;
  emit({
    figure: 'customer-charges sync',
    rows: result.rows,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(result.rows / seconds),
    target: '>= 50000 rows/s',
    load: Number(loadavg()[0]?.toFixed(1)),
  });
  if (only === 'sync') return;
  // A second run: nothing to add, everything read again through the day of overlap.
  const again = await claimManualRun(db, target, 'Europe/Berlin', new Date(Date.now() + 86_400_000));
  t0 = performance.now();
  const second = await runSync(db, target, again as string);
  emit({
    figure: 'customer-charges sync, nothing new',
    rows: second.rows,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
  });
  // A daily run's size: 1% more lines, issued since the last run (into the partition, indexes kept).
  await seedDemo(db, { invoiceLines: LINES + Math.ceil(LINES / 100) });
  await db.execute(sql`update invoices v set issued_at = now()
    where v.distributor_id = ${DISTRIBUTOR} and v.org_id = ${RESELLER} and not exists
      (select 1 from customer_charge_rows x where x.org_id = ${RESELLER} and x.invoice_id = v.id)`);
  const daily = await claimManualRun(db, target, 'Europe/Berlin', new Date(Date.now() + 2 * 86_400_000));
  t0 = performance.now();
  const third = await runSync(db, target, daily as string);
  const thirdSeconds = (performance.now() - t0) / 1000;
  emit({
    figure: 'customer-charges sync, 1% new',
    rows: third.rows,
    seconds: Number(thirdSeconds.toFixed(2)),
    rowsPerSecond: Math.round(third.rows / thirdSeconds),
    load: Number(loadavg()[0]?.toFixed(1)),
  });
  await db.execute(sql`vacuum analyze customer_charge_rows`);

  const call = await apiCaller(db);
  const tenant = { distributorId: DISTRIBUTOR, orgId: RESELLER, orgKind: 'RESELLER' as const };
  /** Through the API (token, guards, JSON), and the database's part alone (the block's transaction). */
  const timeBoth = async (body: {
    startRow: number;
    endRow: number;
    sortModel: unknown[];
    filterModel: object;
  }) => {
    const api: number[] = [];
    const dbOnly: number[] = [];
    const q = buildGridQuery(catalogue, body, gridOptions);
    const filtered = Object.keys(body.filterModel).length > 0;
    for (let i = 0; i < RUNS + WARMUP; i++) {
      let t = performance.now();
      const res = await call('/api/v1/customer-charges/query', body);
      const page = (await res.json()) as { rows: unknown[] };
      if (i >= WARMUP) api.push(performance.now() - t);
      if (page.rows.length === 0) throw new Error(`no rows for ${JSON.stringify(body)}`);
      t = performance.now();
      await withTenant(db, tenant, (tx) => queryBlock(tx, tenant, q, filtered));
      if (i >= WARMUP) dbOnly.push(performance.now() - t);
    }
    return { ms: p95(api), dbMs: p95(dbOnly), load: Number(loadavg()[0]?.toFixed(1)) };
  };
  const timeQuery = timeBoth;

  const first = await timeQuery({ startRow: 0, endRow: 100, sortModel: [], filterModel: {} });
  emit({ figure: 'customer-charges query p95, first block', ...first, runs: RUNS, target: '< 50 ms' });

  // Two filters a user would type: a customer (a quarter of the rows) and Debit, or a quantity.
  const filters = [
    {
      customer: { filterType: 'text', type: 'contains', filter: 'globex' },
      type: { filterType: 'set', values: ['Debit'] },
    },
    {
      productType: { filterType: 'text', type: 'equals', filter: 'Microsoft 365' },
      quantity: { filterType: 'number', type: 'greaterThan', filter: 10 },
    },
  ];
  let worst = 0;
  let worstDb = 0;
  for (const colId of CUSTOMER_CHARGE_COLUMN_IDS.filter((c) => CUSTOMER_CHARGE_COLUMN_RULES[c].sortable)) {
    for (const sort of ['asc', 'desc'] as const) {
      for (const [f, filterModel] of filters.entries()) {
        const t = await timeQuery({ startRow: 0, endRow: 100, sortModel: [{ colId, sort }], filterModel });
        worst = Math.max(worst, t.ms);
        worstDb = Math.max(worstDb, t.dbMs);
        emit({
          figure: 'customer-charges query p95, sorted + two filters',
          colId,
          sort,
          filters: f + 1,
          ...t,
        });
      }
    }
  }
  emit({
    figure: 'customer-charges query p95, worst sorted + two filters',
    ms: worst,
    dbMs: worstDb,
    target: '< 100 ms',
  });

  // A deep block: offset paging far down the default order.
  const [all] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from customer_charge_rows where org_id = ${RESELLER}`,
  );
  const middle = Math.floor((all?.n ?? 0) / 2);
  const deep = await timeQuery({ startRow: middle, endRow: middle + 100, sortModel: [], filterModel: {} });
  emit({ figure: 'customer-charges query p95, a block half way down', startRow: middle, ...deep });
  // Scrolling on from there, as the infinite row model asks: the block right after one just
  // answered (which starts where that one ended). Each pair at a fresh place.
  const next: number[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const at = middle + 200 * i;
    await (await call('/api/v1/customer-charges/query', { startRow: at, endRow: at + 100 })).json();
    const t = performance.now();
    const page = (await (
      await call('/api/v1/customer-charges/query', { startRow: at + 100, endRow: at + 200 })
    ).json()) as { rows: unknown[] };
    if (i >= WARMUP) next.push(performance.now() - t);
    if (page.rows.length !== 100) throw new Error('the next block is short');
  }
  emit({
    figure: 'customer-charges query p95, the next block half way down',
    startRow: middle + 100,
    ms: p95(next),
    load: Number(loadavg()[0]?.toFixed(1)),
  });

  await benchExport(db, admin, name);
}

/** Calls the API as reseller-standard's admin; anything but 200 throws. */
async function apiCaller(db: Database) {
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret' });
  const app = createApp({ db, dbKind: 'postgres', config, logger: createLogger('silent') });
  const token = await signToken(config.jwtSecret, { sub: 'bench', org: RESELLER, roles: ['ADMIN'] });
  return async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
}

/** CPU ms (user + system) of this database's PostgreSQL backends, by pid (from /proc; ticks of 10 ms). */
async function backendCpuMs(admin: postgres.Sql, name: string): Promise<Map<number, number>> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name}`;
  const ms = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Gone since, or /proc not readable: not counted.
    }
  }
  return ms;
}

const EXPORT_RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 5);

/**
 * The export of ~100,000 rows through the API, EXPORT_RUNS times (after one untimed run): the
 * median and best time, the time to the first byte, CPU ms of this process (its zlib threads
 * included) and of PostgreSQL's backends (load-independent, unlike the times), extra memory.
 */
async function benchExport(db: Database, admin: postgres.Sql, name: string) {
  const call = await apiCaller(db);
  // Export: quantity ≤ 5 is a tenth of the bulk lines.
  const exportBody = {
    columns: [...CUSTOMER_CHARGE_COLUMN_IDS],
    format: 'xlsx',
    sortModel: [],
    filterModel: { quantity: { filterType: 'number', type: 'lessThanOrEqual', filter: 5 } },
  };
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from customer_charge_rows where org_id = ${RESELLER} and quantity <= 5`,
  );
  const exportOnce = async () => {
    const t0 = performance.now();
    const res = await call('/api/v1/customer-charges/export', exportBody);
    let bytes = 0;
    let firstByteMs = 0;
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByteMs = performance.now() - t0;
      bytes += value.byteLength;
    }
    return { ms: performance.now() - t0, firstByteMs, bytes };
  };
  await exportOnce();
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const runs: { ms: number; firstByteMs: number; bytes: number; nodeCpuMs: number; pgCpuMs: number }[] = [];
  for (let i = 0; i < EXPORT_RUNS; i++) {
    const pg0 = await backendCpuMs(admin, name);
    const cpu0 = process.cpuUsage();
    const run = await exportOnce();
    const cpu = process.cpuUsage(cpu0);
    const pg1 = await backendCpuMs(admin, name);
    let pgCpuMs = 0;
    for (const [pid, ms] of pg1) pgCpuMs += ms - (pg0.get(pid) ?? 0);
    runs.push({ ...run, nodeCpuMs: (cpu.user + cpu.system) / 1000, pgCpuMs });
  }
  clearInterval(sampler);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const round = (x: number) => Math.round(x);
  emit({
    figure: 'customer-charges export xlsx through the API',
    rows: count?.n,
    seconds: Number((median(runs.map((r) => r.ms)) / 1000).toFixed(2)),
    bestSeconds: Number((Math.min(...runs.map((r) => r.ms)) / 1000).toFixed(2)),
    firstByteMs: round(median(runs.map((r) => r.firstByteMs))),
    nodeCpuMs: round(median(runs.map((r) => r.nodeCpuMs))),
    pgCpuMs: round(median(runs.map((r) => r.pgCpuMs))),
    megabytes: Number(((runs[0]?.bytes ?? 0) / 1e6).toFixed(1)),
    extraRssMB: Math.round((peakRss - base.rss) / 1e6),
    extraHeapMB: Math.round((peakHeap - base.heapUsed) / 1e6),
    runs: runs.length,
    load: Number(loadavg()[0]?.toFixed(1)),
    target: '< 1.5 s, < 150 MB',
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
