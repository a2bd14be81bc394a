/**
 * Billing run benchmark (issue 3): a run over 100,000 subscriptions × 3 lines on the real
 * PostgreSQL, in a fresh database of its own (dropped at the end).
 *
 * Shape: 100 resellers with 10 end customers of 50 subscriptions each (the distributor's invoice
 * per reseller and channel, 1,500 items each, and each reseller's invoice per end customer and
 * channel), and 50,000 customers directly under the distributor with one subscription each (one
 * invoice each). Subscriptions start 15 May 2026; the run is for 1 June 2026, so each line bills
 * one period (15 May – 30 June): 52,200 invoices, 450,000 items, 52,200 taxes.
 *
 * Figures (one JSON line each): the run's seconds (target < 60), the process's peak RSS (target
 * < 500 MB), the rows it wrote per second (invoices, items and taxes), a plain multi-row INSERT's
 * rows per second for the same number of invoice item rows (measured before and after the run,
 * averaged; see `baseline`), their ratio (target ≥ 0.3), and the seconds of a second run for the
 * same date (it issues nothing: reading what exists and rating it). Each carries `loadAverage`.
 * Knobs: BENCH_SUBSCRIPTIONS (default 100,000), BENCH_CONCURRENCY, BENCH_BATCH.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm exec tsx packages/api/src/modules/billing-runs/bench.ts
 */
import { loadavg } from 'node:os';
import { openDatabase, queryRows, type Tenant, withSystem, withTenant } from '@cascade/db';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createOrResumeRun, runBillingRun, runProfile } from './run';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
/** Batches in flight (the run's default unless set) and subscriptions per batch, for experiments. */
const hooks = {
  concurrency: process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined,
  batchSize: process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined,
};
const RESELLERS = 100;
const CUSTOMERS_PER_RESELLER = 10;
const VIA_RESELLERS = SUBSCRIPTIONS / 2;
const PER_CUSTOMER = VIA_RESELLERS / (RESELLERS * CUSTOMERS_PER_RESELLER);
const DIRECT = SUBSCRIPTIONS - VIA_RESELLERS;
const D = 'bench-d';
/** A constant of this script inlined as an integer literal (typed for PostgreSQL, unlike a parameter). */
const int = (n: number) => sql.raw(String(Math.trunc(n)));

/** One figure, with the machine's load beside it (absolute timings on a shared machine vary). */
const print = (figure: Record<string, unknown>) =>
  console.log(JSON.stringify({ ...figure, loadAverage: Number(loadavg()[0]!.toFixed(2)) }));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const name = `cascade_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
await admin.end({ timeout: 5 });
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const handle = await openDatabase({ url: url.toString(), max: 4 });
const { db } = handle;

try {
  const t0 = performance.now();
  await seed();
  log(`seeded ${SUBSCRIPTIONS} subscriptions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env.BENCH_SEED_ONLY) {
    log(`kept ${name}`);
    process.exit(0);
  }

  const tenant: Tenant = { orgId: D, distributorId: D, orgKind: 'DISTRIBUTOR' };
  const baselineBefore = await baseline(SUBSCRIPTIONS * 3);

  const { run } = await withTenant(db, tenant, (tx) => createOrResumeRun(tx, tenant, '2026-06-01', 'bench'));
  const start = performance.now();
  await runBillingRun(db, tenant, run.id, hooks);
  const seconds = (performance.now() - start) / 1000;
  const [state] = await queryRows<{ status: string; error: string | null; invoices_created: number }>(
    db,
    sql`select status, error, invoices_created from billing_runs where id = ${run.id}`,
  );
  if (state?.status !== 'COMPLETED') throw new Error(`run ${state?.status}: ${state?.error}`);
  const [counts] = await queryRows<{ invoices: number; items: number; taxes: number }>(
    db,
    sql`select (select count(*)::int from invoices) as invoices, (select count(*)::int from invoice_items) as items,
          (select count(*)::int from invoice_taxes) as taxes`,
  );
  const rows = (counts?.invoices ?? 0) + (counts?.items ?? 0) + (counts?.taxes ?? 0);
  log(
    `profile (ms): ${JSON.stringify(Object.fromEntries(Object.entries(runProfile).map(([k, v]) => [k, Math.round(v)])))}`,
  );
  log(
    `run: ${counts?.invoices} invoices, ${counts?.items} items, ${counts?.taxes} taxes in ${seconds.toFixed(1)} s`,
  );

  const baselineAfter = await baseline(rows);
  const baselineRps = (baselineBefore + baselineAfter) / 2;
  const runRps = rows / seconds;

  // Re-running the same date issues nothing (and shows what a pure read-and-rate pass costs).
  const again = await withTenant(db, tenant, (tx) => createOrResumeRun(tx, tenant, '2026-06-01', 'bench'));
  const rerunStart = performance.now();
  await runBillingRun(db, tenant, again.run.id, hooks);
  const rerunSeconds = (performance.now() - rerunStart) / 1000;
  log(
    `re-run profile (ms, cumulative): ${JSON.stringify(Object.fromEntries(Object.entries(runProfile).map(([k, v]) => [k, Math.round(v)])))}`,
  );
  const [after] = await queryRows<{ invoices: number }>(
    db,
    sql`select count(*)::int as invoices from invoices`,
  );
  if (after?.invoices !== counts?.invoices) throw new Error('the re-run issued invoices');

  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  print({ name: 'billing_run.seconds', value: Number(seconds.toFixed(2)), target: 60, unit: 's' });
  print({ name: 'billing_run.peak_rss_mb', value: Math.round(peakRss / 2 ** 20), target: 500, unit: 'MB' });
  print({ name: 'billing_run.rows_per_second', value: Math.round(runRps), unit: 'rows/s', rows });
  print({
    name: 'baseline.multi_row_insert_rows_per_second',
    value: Math.round(baselineRps),
    unit: 'rows/s',
  });
  print({
    name: 'billing_run.ratio_to_insert',
    value: Number((runRps / baselineRps).toFixed(3)),
    target: 0.3,
  });
  print({ name: 'billing_run.rerun_seconds', value: Number(rerunSeconds.toFixed(2)), unit: 's' });
} finally {
  clearInterval(sampler);
  await handle.close();
  const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await cleanup.unsafe(`drop database if exists ${name} with (force)`);
  await cleanup.end({ timeout: 5 });
}

/**
 * A plain multi-row INSERT of `n` invoice item rows (1,000 per statement, parameters from this
 * process) into a copy of `invoice_items` (its columns, keys, indexes and checks; no foreign keys
 * and no row-level security): what writing the run's rows costs with no reading, rating or checks.
 */
async function baseline(n: number): Promise<number> {
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    await client.unsafe('drop table if exists bench_baseline');
    // The same row shape with the same indexes and checks; no foreign keys, no row-level security.
    await client.unsafe('create table bench_baseline (like invoice_items including all)');
    const start = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) {
        rows.push({
          distributor_id: D,
          reseller_id: null,
          org_id: `o-${j % 5000}`,
          id: `b-${j}`,
          invoice_id: `inv-${Math.floor(j / 3)}`,
          line_no: (j % 3) + 1,
          subscription_id: `s-${Math.floor(j / 3)}`,
          subscription_line_id: `s-${Math.floor(j / 3)}-${j % 3}`,
          product_id: `p${j % 3}`,
          product_type: 'Microsoft 365',
          product_name: 'Business Basic',
          description: 'Business Basic',
          period_start: '2026-05-15',
          period_end: '2026-06-30',
          quantity: '5',
          unit: 'Month',
          unit_price: '9.000000',
          discount: '0',
          amount: '67.50',
          tax_amount: '14.18',
          unit_cost: '9.000000',
          pricing_strategy: 'MARKUP',
          markup_percent: '15',
          srp: '12.000000',
        });
      }
      await client`insert into bench_baseline ${client(rows)}`;
    }
    const rps = n / ((performance.now() - start) / 1000);
    await client.unsafe('drop table bench_baseline');
    return rps;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The marketplace, set-based (INSERT … SELECT generate_series): no row loop in this process. */
async function seed(): Promise<void> {
  await withSystem(db, async (tx) => {
    const run = (q: ReturnType<typeof sql>) => tx.execute(q);
    await run(
      sql`insert into organizations (distributor_id, id, kind, name) values (${D}, ${D}, 'DISTRIBUTOR', 'Bench')`,
    );
    await run(sql`insert into organizations (distributor_id, id, reseller_id, parent_id, kind, name, reseller_tier)
      select ${D}, 'r' || r, 'r' || r, ${D}, 'RESELLER', 'Reseller ' || r, 'STANDARD' from generate_series(1, ${int(RESELLERS)}) r`);
    await run(sql`insert into organizations (distributor_id, id, reseller_id, parent_id, kind, name)
      select ${D}, 'r' || r || '-c' || c, 'r' || r, 'r' || r, 'CUSTOMER', 'Customer ' || c
      from generate_series(1, ${int(RESELLERS)}) r, generate_series(1, ${int(CUSTOMERS_PER_RESELLER)}) c`);
    await run(sql`insert into organizations (distributor_id, id, parent_id, kind, name)
      select ${D}, 'dc' || i, ${D}, 'CUSTOMER', 'Direct ' || i from generate_series(1, ${int(DIRECT)}) i`);
    // Accounts: resellers and direct customers at the distributor, end customers at their reseller.
    await run(sql`insert into accounts (distributor_id, reseller_id, org_id, id, issuer_org_id, name, currency)
      select ${D}, 'r' || r, 'r' || r, 'acc-r' || r, ${D}, 'r' || r, 'EUR' from generate_series(1, ${int(RESELLERS)}) r`);
    await run(sql`insert into accounts (distributor_id, reseller_id, org_id, id, issuer_org_id, name, currency)
      select ${D}, 'r' || r, 'r' || r || '-c' || c, 'acc-r' || r || '-c' || c, 'r' || r, 'c', 'EUR'
      from generate_series(1, ${int(RESELLERS)}) r, generate_series(1, ${int(CUSTOMERS_PER_RESELLER)}) c`);
    await run(sql`insert into accounts (distributor_id, org_id, id, issuer_org_id, name, currency)
      select ${D}, 'dc' || i, 'acc-dc' || i, ${D}, 'dc', 'EUR' from generate_series(1, ${int(DIRECT)}) i`);
    const owner = sql`${D}, null, ${D}`;
    await run(sql`insert into products (distributor_id, reseller_id, org_id, id, sku, type, name, unit, term, currency, sell_price, cost_price, srp)
      values (${owner}, 'p1', 'P1', 'Microsoft 365', 'Business Basic', 'Month', 'MONTH', 'EUR', 6.00, 4.80, 7.20),
             (${owner}, 'p2', 'P2', 'Microsoft 365', 'Business Standard', 'Month', 'MONTH', 'EUR', 12.50, 10.00, 15.00),
             (${owner}, 'p3', 'P3', 'Microsoft 365', 'Teams Essentials', 'Month', 'MONTH', 'EUR', 4.00, 3.20, 4.80)`);
    await run(sql`insert into tax_definitions (distributor_id, reseller_id, org_id, id, code, name, type, charge_component)
      values (${owner}, 'vat', 'VAT21', 'VAT 21 %', 'VAT', 'RECURRING')`);
    await run(sql`insert into tax_rates (distributor_id, reseller_id, org_id, tax_definition_id, valid_from, percent)
      values (${owner}, 'vat', '2012-10-01', 21)`);
    await run(sql`insert into product_taxes (distributor_id, reseller_id, org_id, product_id, tax_definition_id)
      select ${owner}, 'p' || p, 'vat' from generate_series(1, 3) p`);
    await run(sql`insert into price_lists (distributor_id, reseller_id, org_id, id, name, currency)
      values (${owner}, 'pl', 'Partners', 'EUR')`);
    await run(sql`insert into price_list_entries (distributor_id, reseller_id, org_id, price_list_id, product_id, strategy, percent)
      values (${owner}, 'pl', 'p1', 'DISCOUNT_ON_SELL_PRICE', 10), (${owner}, 'pl', 'p2', 'MARKUP_ON_COST', 15)`);
    await run(sql`insert into price_list_assignments (distributor_id, reseller_id, org_id, price_list_id, valid_from)
      select ${D}, 'r' || r, 'r' || r, 'pl', '2020-01-01' from generate_series(1, ${int(RESELLERS)}) r`);
    await run(sql`insert into reseller_pricing_strategies (distributor_id, reseller_id, org_id, id, strategy, markup_percent)
      select ${D}, 'r' || r, 'r' || r, 'st-r' || r, case when r % 2 = 0 then 'MARKUP' else 'SRP' end,
        case when r % 2 = 0 then 15 end from generate_series(1, ${int(RESELLERS)}) r`);
    // Subscriptions: k = 1..VIA_RESELLERS through resellers, then the direct ones.
    await run(sql`insert into subscriptions (distributor_id, reseller_id, org_id, id, account_id, name, channel, order_date, start_date)
      select ${D}, 'r' || r, 'r' || r || '-c' || c, 's' || lpad(k::text, 6, '0'), 'acc-r' || r || '-c' || c, 'Sub ' || k,
        case when k % 3 = 0 then 'DISTRIBUTOR_STOREFRONT' else 'RESELLER_STOREFRONT' end, '2026-05-10', '2026-05-15'
      from (select k, 1 + (k - 1) / (${int(PER_CUSTOMER)} * ${int(CUSTOMERS_PER_RESELLER)}) as r,
                   1 + ((k - 1) / ${int(PER_CUSTOMER)}) % ${int(CUSTOMERS_PER_RESELLER)} as c
            from generate_series(1, ${int(VIA_RESELLERS)}) k) x`);
    await run(sql`insert into subscriptions (distributor_id, reseller_id, org_id, id, account_id, name, channel, order_date, start_date)
      select ${D}, null, 'dc' || i, 'sd' || lpad(i::text, 6, '0'), 'acc-dc' || i, 'Direct ' || i, 'BSS', '2026-05-10', '2026-05-15'
      from generate_series(1, ${int(DIRECT)}) i`);
    await run(sql`insert into subscription_lines (distributor_id, reseller_id, org_id, id, subscription_id, product_id,
        quantity, term, billing_frequency_months, start_date)
      select s.distributor_id, s.reseller_id, s.org_id, s.id || '-' || p, s.id, 'p' || p, 1 + (length(s.id) + p) % 7,
        'MONTH', 1, s.start_date
      from subscriptions s, generate_series(1, 3) p where s.distributor_id = ${D}`);
  });
  await db.execute(sql`analyze`);
}
