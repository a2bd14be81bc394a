/**
 * Bulk invoice lines for benchmarks: distributor → reseller-standard invoices of 250 lines each,
 * generated on the server with `INSERT ... SELECT ... FROM generate_series` (no row loop), in
 * batches of whole invoices so a batch is one transaction. Idempotent: it tops the bulk lines up
 * to the number asked for.
 */
import { Decimal, type DecimalValue, roundUnitPrice } from '@cascade/billing-core';
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../client';
import { withSystem } from '../tenancy';
import { CURRENCY, DISTRIBUTOR, FIRST_MONTH, MONTHS, VAT_PERCENT } from './catalog';
import { accountIdOf, chainPrices } from './demo';

const RESELLER = 'reseller-standard';
const LINES_PER_INVOICE = 250;
const INVOICES_PER_BATCH = 400;
/** Who the bulk lines are for: the reseller's end customers and its own use. */
const CUSTOMERS = ['customer-acme', 'customer-globex', 'customer-initech', RESELLER];
const PRODUCT_IDS = [
  'm365-business-basic',
  'm365-business-standard',
  'm365-business-premium-annual',
  'o365-e3-annual',
  'teams-essentials',
  'azure-vm-d2s-v5',
  'azure-blob-hot',
];
const CHANNELS = ['RESELLER_STOREFRONT', 'DISTRIBUTOR_STOREFRONT', 'BSS', 'PERSONAL_USE'];
const SOURCES = ['BILLING_SERVICE', 'MANUAL', 'RENEWAL', 'API'];

/** Counts the bulk lines of reseller-standard. */
export async function countBulkInvoiceLines(db: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select coalesce(sum(l.n), 0)::int as n from (
      select (select count(*) from invoice_items i where i.distributor_id = v.distributor_id and i.invoice_id = v.id) as n
      from invoices v where v.distributor_id = ${DISTRIBUTOR} and v.org_id = ${RESELLER} and v.generation_key like 'bulk:%') l`,
  );
  return row?.n ?? 0;
}

/** Makes sure reseller-standard has at least `lines` bulk invoice lines; returns how many were added. */
export async function seedBulkInvoiceLines(db: Database, lines: number): Promise<number> {
  if (!Number.isInteger(lines) || lines < 0) throw new Error('invoice lines must be a non-negative integer');
  let missing = lines - (await countBulkInvoiceLines(db));
  let added = 0;
  // Per product × customer: the priced line as the billing engine would snapshot it.
  const catalogue = PRODUCT_IDS.flatMap((productId, p) =>
    CUSTOMERS.map((customer, c) => {
      const { product, unitCost, sell } = chainPrices(customer, productId);
      const installments = product.term === 'YEAR' && productId.includes('premium') ? 12 : null;
      const divided = (v: DecimalValue) =>
        (installments ? roundUnitPrice(new Decimal(v).div(installments)) : roundUnitPrice(v)).toFixed(6);
      return sql`(${p * CUSTOMERS.length + c}::int, ${productId}, ${product.type}, ${product.name}, ${product.unit},
        ${divided(unitCost)}::numeric, ${sell?.strategy ?? null}, ${sell?.markupPercent ?? null}::numeric,
        ${divided(product.srp)}::numeric, ${customer}, ${installments}::int)`;
    }),
  );
  while (missing > 0) {
    const batchLines = Math.min(missing, LINES_PER_INVOICE * INVOICES_PER_BATCH);
    const invoiceCount = Math.ceil(batchLines / LINES_PER_INVOICE);
    await withSystem(db, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7264113903)`);
      const [state] = await queryRows<{ k: number }>(
        tx,
        sql`select count(*)::int as k from invoices
            where distributor_id = ${DISTRIBUTOR} and org_id = ${RESELLER} and generation_key like 'bulk:%'`,
      );
      const first = (state?.k ?? 0) + 1;
      const [seq] = await queryRows<{ last: number }>(
        tx,
        sql`update invoice_number_sequences set last_number = last_number + ${invoiceCount}
            where distributor_id = ${DISTRIBUTOR} and org_id = ${DISTRIBUTOR} returning last_number::int as last`,
      );
      const base = (seq?.last ?? invoiceCount) - invoiceCount;
      await tx.execute(sql`
        insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, stage, type, status,
          number, invoice_date, period_start, period_end, currency, subtotal, tax_total, total, amount_due,
          channel, source, generation_key, issued_at)
        select ${DISTRIBUTOR}, ${RESELLER}, ${RESELLER}, 'bulk-inv-' || k, ${DISTRIBUTOR}, ${accountIdOf(RESELLER)},
          'ISSUED', 'DEBIT', 'UNPAID',
          'DST-' || lpad((${base}::int + k - ${first}::int + 1)::text, 6, '0'),
          m::date, m::date, (m + interval '1 month - 1 day')::date, ${CURRENCY}, 0, 0, 0, 0,
          (${sql.raw(`array['${CHANNELS.join("','")}']`)})[1 + k % 4], (${sql.raw(`array['${SOURCES.join("','")}']`)})[1 + (k / 4) % 4],
          'bulk:' || k, m + interval '6 hours'
        from generate_series(${first}::int, ${first + invoiceCount - 1}::int) as k,
          lateral (select (${FIRST_MONTH}::date + make_interval(months => (k - 1) % ${MONTHS})) as m) as d`);
      // Lines, then each invoice's totals from what was inserted (RETURNING), in one statement: no
      // join back to invoices and no re-scan of invoice_items, whatever the planner's statistics.
      await tx.execute(sql`
        with catalogue(idx, product_id, product_type, product_name, unit, unit_cost, strategy, markup, srp, customer, installments)
          as (values ${sql.join(catalogue, sql`, `)}),
        lines as (
          select g, ${first}::int + (g - 1) / ${LINES_PER_INVOICE} as k, (g - 1) % ${LINES_PER_INVOICE} + 1 as line_no,
            ((g * 7 + (g - 1) / ${LINES_PER_INVOICE}) % ${PRODUCT_IDS.length * CUSTOMERS.length}) as idx,
            (1 + (g * 13) % 50)::numeric as quantity
          from generate_series(1, ${batchLines}::int) as g),
        inserted as (
          insert into invoice_items (distributor_id, reseller_id, org_id, id, invoice_id, line_no, product_id,
            product_type, product_name, description, installment_number, period_start, period_end, quantity, unit,
            unit_price, amount, tax_amount, end_customer_org_id, unit_cost, pricing_strategy, markup_percent, srp)
          select ${DISTRIBUTOR}, ${RESELLER}, ${RESELLER}, 'bulk-inv-' || l.k || '-' || l.line_no, 'bulk-inv-' || l.k,
            l.line_no, c.product_id, c.product_type, c.product_name,
            case when c.installments is null then c.product_name
              else c.product_name || ' (installment ' || (1 + (l.k - 1) % 12) || ' of 12)' end,
            case when c.installments is null then null else 1 + (l.k - 1) % 12 end,
            p.m, (p.m + interval '1 month - 1 day')::date, l.quantity, c.unit, c.unit_cost,
            round(c.unit_cost * l.quantity, 2), round(round(c.unit_cost * l.quantity, 2) * ${VAT_PERCENT}::numeric / 100, 2),
            c.customer, c.unit_cost, c.strategy, c.markup, c.srp
          from lines l
          join catalogue c on c.idx = l.idx
          cross join lateral (select (${FIRST_MONTH}::date + make_interval(months => (l.k - 1) % ${MONTHS}))::date as m) p
          returning invoice_id, amount, tax_amount),
        totals as (
          select invoice_id, sum(amount) as subtotal, sum(tax_amount) as tax from inserted group by invoice_id),
        updated as (
          update invoices v set subtotal = t.subtotal, tax_total = t.tax, total = t.subtotal + t.tax,
            amount_due = t.subtotal + t.tax
          from totals t where v.distributor_id = ${DISTRIBUTOR} and v.id = t.invoice_id
          returning v.id, v.subtotal, v.tax_total)
        insert into invoice_taxes (distributor_id, reseller_id, org_id, invoice_id, line_no, code, type,
          charge_component, percent, base, amount)
        select ${DISTRIBUTOR}, ${RESELLER}, ${RESELLER}, id, 1, 'VAT21', 'VAT', 'RECURRING', ${VAT_PERCENT}::numeric,
          subtotal, tax_total
        from updated`);
    });
    missing -= batchLines;
    added += batchLines;
  }
  // Fresh statistics, so the queries that follow (grids, benchmarks) plan for the real sizes.
  if (added > 0) await db.execute(sql`analyze invoices, invoice_items, invoice_taxes`);
  return added;
}
