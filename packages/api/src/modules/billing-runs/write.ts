/**
 * Writing what the engine generated: invoices, their items (with the pricing snapshot) and taxes,
 * numbered from the issuer's gapless counter, as three multi-row INSERTs per batch (rows travel as
 * one JSON parameter each: few round trips, no parameter limit, the same on PGlite and PostgreSQL).
 */
import {
  allocate,
  chargeTaxId,
  Decimal,
  formatAmount,
  type GeneratedInvoice,
  nextInvoiceNumber,
} from '@cascade/billing-core';
import { type PurchaseChannel, queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { invoiceCodes, type NumberingRule } from '../invoices/numbering';
import type { BatchInput } from './load';

export type { NumberingRule };

export interface ToWrite {
  invoice: GeneratedInvoice;
  channel: PurchaseChannel;
  /** The issuing organization: the distributor, or a reseller billing its end customer. */
  issuer: string;
}

const ZERO = new Decimal(0);

/**
 * Takes numbers from each issuer's counter in this transaction (a rollback gives them back), two
 * statements for all issuers of the batch. Returns each issuer's last number before the batch.
 */
async function takeNumbers(
  tx: Transaction,
  distributorId: string,
  counts: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const json = JSON.stringify([...counts].map(([org, n]) => ({ org, n })));
  await tx.execute(
    sql`insert into invoice_number_sequences (distributor_id, reseller_id, org_id, last_number)
        select o.distributor_id, o.reseller_id, o.id, 0
        from json_to_recordset(${json}::json) as x(org text, n int)
        join organizations o on o.distributor_id = ${distributorId} and o.id = x.org
        on conflict do nothing`,
  );
  // Locked in one order: batches of one run write side by side, and a client split over two
  // batches gives both the same issuers.
  await tx.execute(
    sql`select 1 from invoice_number_sequences s
        where s.distributor_id = ${distributorId}
          and s.org_id in (select x.org from json_to_recordset(${json}::json) as x(org text, n int))
        order by s.org_id for update`,
  );
  const rows = await queryRows<{ org: string; last: string | number; n: number }>(
    tx,
    sql`update invoice_number_sequences s set last_number = s.last_number + x.n
        from json_to_recordset(${json}::json) as x(org text, n int)
        where s.distributor_id = ${distributorId} and s.org_id = x.org
        returning s.org_id as org, s.last_number as last, x.n as n`,
  );
  const before = new Map(rows.map((r) => [r.org, Number(r.last) - Number(r.n)]));
  for (const org of counts.keys()) if (!before.has(org)) throw new Error(`no number sequence for ${org}`);
  return before;
}

let lastMs = 0;
let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * A UUIDv7 (RFC 9562: milliseconds, then a counter, then random bits) that only grows in this
 * process: a run's invoices and items then go to the right edge of their key indexes instead of
 * random pages all over them (random v4 keys made writes slow once the indexes outgrew memory).
 */
export function timeOrderedUuid(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = 0;
  }
  const rand = crypto.getRandomValues(new Uint32Array(2));
  const t = hex(lastMs, 12);
  const variant = hex(0x8000 | ((rand[0]! >>> 18) & 0x3fff), 4);
  const tail = hex(rand[0]! & 0xffff, 4) + hex(rand[1]!, 8);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(counter, 3)}-${variant}-${tail}`;
}

/** Each charge's share of the invoice's taxes (exact: shares add up to each tax amount). */
function taxShares(invoice: GeneratedInvoice): Map<string, Decimal> {
  const shares = new Map<string, Decimal>();
  const base = new Map<string, Decimal>();
  for (const line of invoice.lines)
    for (const c of line.charges) base.set(chargeTaxId(line.subscriptionId, c), c.amount);
  for (const tax of invoice.taxes) {
    if (tax.chargeIds.length === 1) {
      const id = tax.chargeIds[0]!;
      shares.set(id, (shares.get(id) ?? ZERO).plus(tax.amount));
      continue;
    }
    const weights = tax.chargeIds.map((id) => base.get(id) ?? ZERO);
    const usable = weights.some((w) => !w.isZero()) ? weights : weights.map(() => new Decimal(1));
    const parts = allocate({ amount: tax.amount, currency: invoice.currency }, usable);
    tax.chargeIds.forEach((id, i) => {
      shares.set(id, (shares.get(id) ?? ZERO).plus(parts[i]!.amount));
    });
  }
  return shares;
}

/**
 * Writes the batch's invoices; returns how many were issued. Debit invoices are ISSUED and UNPAID;
 * those waiting for the external tax service stay PENDING, unnumbered, with the reason.
 */
export async function writeInvoices(
  tx: Transaction,
  args: {
    distributorId: string;
    runId: string;
    batch: BatchInput;
    generated: ToWrite[];
    numbering: NumberingRule;
    issuedAt: string;
  },
): Promise<{ issued: number; pending: number }> {
  const { distributorId: d, batch, generated } = args;
  if (generated.length === 0) return { issued: 0, pending: 0 };
  const counts = new Map<string, number>();
  for (const g of generated)
    if (g.invoice.status === 'READY') counts.set(g.issuer, (counts.get(g.issuer) ?? 0) + 1);
  const ready = [...counts.values()].reduce((a, b) => a + b, 0);
  const last = ready > 0 ? await takeNumbers(tx, d, counts) : new Map<string, number>();
  const codes = ready > 0 ? await invoiceCodes(tx, d, [...counts.keys()]) : new Map<string, string>();

  const invoiceRows: Record<string, unknown>[] = [];
  const itemRows: Record<string, unknown>[] = [];
  const taxRows: Record<string, unknown>[] = [];
  for (const { invoice, channel, issuer } of generated) {
    const account = batch.accounts.get(invoice.accountId);
    if (!account) throw new Error(`account ${invoice.accountId} not loaded`);
    const id = timeOrderedUuid();
    const money = (v: Decimal) => formatAmount(v, invoice.currency);
    const isReady = invoice.status === 'READY';
    let number: string | null = null;
    if (isReady) {
      const next = nextInvoiceNumber({
        lastSequence: last.get(issuer) ?? 0,
        requiresCustomBillNumber: args.numbering.requiresCustomBillNumber,
        template: args.numbering.template,
        orgCode: codes.get(issuer) ?? issuer.toUpperCase(),
        invoiceDate: invoice.invoiceDate,
      });
      last.set(issuer, next.sequence);
      number = next.number;
    }
    const shares = taxShares(invoice);
    const endCustomers = new Set<string>();
    let lineNo = 0;
    for (const line of invoice.lines) {
      const sub = batch.subscriptions.get(line.subscriptionId);
      if (line.charges.length > 1) {
        // Consolidated Priceline: the subscription's services of one period as one item (their
        // taxes were computed per service). No line id: the run reads it back as all of them.
        lineNo += 1;
        if (sub) endCustomers.add(sub.orgId);
        itemRows.push({
          ...consolidatedItem(line, batch, money, shares),
          distributor_id: d,
          reseller_id: account.resellerId,
          org_id: account.orgId,
          id: `${id}-${lineNo}`,
          invoice_id: id,
          line_no: lineNo,
          end_customer_org_id: sub?.orgId ?? null,
        });
        continue;
      }
      for (const c of line.charges) {
        lineNo += 1;
        if (sub) endCustomers.add(sub.orgId);
        const snap = c.pricingSnapshot;
        itemRows.push({
          distributor_id: d,
          reseller_id: account.resellerId,
          org_id: account.orgId,
          id: `${id}-${lineNo}`,
          invoice_id: id,
          line_no: lineNo,
          subscription_id: line.subscriptionId,
          subscription_line_id: c.lineId,
          product_id: batch.lineProducts.get(c.lineId) ?? null,
          product_type: c.product?.type ?? '',
          product_name: c.product?.name ?? c.description,
          description: c.description,
          installment_number: c.installment?.number ?? null,
          period_start: c.periodStart,
          period_end: c.periodEnd,
          quantity: c.quantity.toFixed(),
          unit: c.unit,
          unit_price: c.unitPrice.toFixed(),
          discount: money(c.discount),
          amount: money(c.amount),
          tax_amount: money(shares.get(chargeTaxId(line.subscriptionId, c)) ?? ZERO),
          end_customer_org_id: sub?.orgId ?? null,
          unit_cost: snap?.unitCost ?? null,
          pricing_strategy: snap?.strategy ?? null,
          markup_percent: snap?.markupPercent ?? null,
          srp: snap?.srp ?? null,
        });
      }
    }
    // Stored per code, type, charge component and rate: per-charge amounts are summed.
    const taxGroups = new Map<
      string,
      { t: (typeof invoice.taxes)[number]; base: Decimal; amount: Decimal }
    >();
    for (const t of invoice.taxes) {
      const key = JSON.stringify([t.code, t.type, t.chargeComponent, t.percent.toFixed()]);
      const g = taxGroups.get(key);
      if (g) {
        g.base = g.base.plus(t.base);
        g.amount = g.amount.plus(t.amount);
      } else taxGroups.set(key, { t, base: t.base, amount: t.amount });
    }
    let taxNo = 0;
    for (const { t, base, amount } of taxGroups.values()) {
      taxNo += 1;
      taxRows.push({
        distributor_id: d,
        reseller_id: account.resellerId,
        org_id: account.orgId,
        invoice_id: id,
        line_no: taxNo,
        code: t.code,
        type: t.type,
        charge_component: t.chargeComponent,
        percent: t.percent.toFixed(),
        base: money(base),
        amount: money(amount),
      });
    }
    const firstSubscription = invoice.lines[0]?.subscriptionId ?? '';
    invoiceRows.push({
      distributor_id: d,
      reseller_id: account.resellerId,
      org_id: account.orgId,
      id,
      issuer_org_id: issuer,
      account_id: account.id,
      stage: isReady ? 'ISSUED' : 'PENDING',
      type: 'DEBIT',
      status: 'UNPAID',
      number,
      invoice_date: invoice.invoiceDate,
      period_start: invoice.periodStart,
      period_end: invoice.periodEnd,
      currency: invoice.currency,
      subtotal: money(invoice.subtotal),
      tax_total: money(invoice.taxTotal),
      total: money(invoice.total),
      amount_due: money(invoice.total),
      channel,
      source: 'BILLING_SERVICE',
      end_customer_org_id: endCustomers.size === 1 ? [...endCustomers][0] : null,
      pending_error: isReady
        ? null
        : (invoice.taxError?.message ?? 'Waiting for the external tax service to quote the taxes'),
      billing_run_id: args.runId,
      // Unique per issuer among invoices not canceled: two runs racing on the same client and
      // period cannot both issue it.
      generation_key: `run:${account.id}:${channel}:${invoice.periodStart}:${invoice.periodEnd}:${invoice.invoiceDate}:${firstSubscription}`,
      issued_at: isReady ? args.issuedAt : null,
    });
  }
  await insertJson(tx, 'invoices', INVOICE_COLUMNS, invoiceRows);
  await insertJson(tx, 'invoice_items', ITEM_COLUMNS, itemRows);
  await insertJson(tx, 'invoice_taxes', TAX_COLUMNS, taxRows);
  return { issued: ready, pending: generated.length - ready };
}

/** The same value from every charge, or null when they differ. */
function common<T>(values: readonly T[]): T | null {
  const first = values[0];
  return first !== undefined && values.every((v) => v === first) ? first : null;
}

/** A Consolidated Priceline's item: amounts summed, the pricing snapshot of the whole bundle. */
function consolidatedItem(
  line: GeneratedInvoice['lines'][number],
  batch: BatchInput,
  money: (v: Decimal) => string,
  shares: ReadonlyMap<string, Decimal>,
): Record<string, unknown> {
  const charges = line.charges;
  const products = charges.map((c) => batch.lineProducts.get(c.lineId) ?? null);
  const snaps = charges.map((c) => c.pricingSnapshot);
  const sumOf = (f: (c: (typeof charges)[number]) => Decimal | null) => {
    let total = ZERO;
    for (const c of charges) {
      const v = f(c);
      if (v === null) return null;
      total = total.plus(v);
    }
    return total.toFixed();
  };
  let tax = ZERO;
  for (const c of charges) tax = tax.plus(shares.get(chargeTaxId(line.subscriptionId, c)) ?? ZERO);
  const allSnapshots = snaps.every((x) => x !== null);
  return {
    subscription_id: line.subscriptionId,
    subscription_line_id: null,
    product_id: common(products),
    product_type: common(charges.map((c) => c.product?.type ?? '')) ?? '',
    product_name: common(charges.map((c) => c.product?.name ?? c.description)) ?? line.description,
    description: line.description,
    installment_number: null,
    period_start: line.periodStart,
    period_end: line.periodEnd,
    quantity: line.quantity.toFixed(),
    unit: common(charges.map((c) => c.unit)) ?? 'Month',
    unit_price: line.unitPrice.toFixed(),
    discount: money(line.discount),
    amount: money(line.amount),
    tax_amount: money(tax),
    // Per bundle: the services' unit costs (and SRPs) times their quantities.
    unit_cost: allSnapshots ? sumOf((c) => new Decimal(c.pricingSnapshot!.unitCost).times(c.quantity)) : null,
    pricing_strategy: allSnapshots ? common(snaps.map((x) => x!.strategy)) : null,
    markup_percent: allSnapshots ? common(snaps.map((x) => x!.markupPercent)) : null,
    srp: allSnapshots
      ? sumOf((c) =>
          c.pricingSnapshot!.srp === null ? null : new Decimal(c.pricingSnapshot!.srp).times(c.quantity),
        )
      : null,
  };
}

const INVOICE_COLUMNS = [
  'distributor_id',
  'reseller_id',
  'org_id',
  'id',
  'issuer_org_id',
  'account_id',
  'stage',
  'type',
  'status',
  'number',
  'invoice_date',
  'period_start',
  'period_end',
  'currency',
  'subtotal',
  'tax_total',
  'total',
  'amount_due',
  'channel',
  'source',
  'end_customer_org_id',
  'pending_error',
  'billing_run_id',
  'generation_key',
  'issued_at',
];
const ITEM_COLUMNS = [
  'distributor_id',
  'reseller_id',
  'org_id',
  'id',
  'invoice_id',
  'line_no',
  'subscription_id',
  'subscription_line_id',
  'product_id',
  'product_type',
  'product_name',
  'description',
  'installment_number',
  'period_start',
  'period_end',
  'quantity',
  'unit',
  'unit_price',
  'discount',
  'amount',
  'tax_amount',
  'end_customer_org_id',
  'unit_cost',
  'pricing_strategy',
  'markup_percent',
  'srp',
];
const TAX_COLUMNS = [
  'distributor_id',
  'reseller_id',
  'org_id',
  'invoice_id',
  'line_no',
  'code',
  'type',
  'charge_component',
  'percent',
  'base',
  'amount',
];

/** Rows this size or fewer per statement: a few MB of JSON at most. */
const CHUNK = 5000;

/** One multi-row INSERT per chunk: the rows as one JSON parameter, typed by the table's row type. */
export async function insertJson(
  tx: Transaction,
  table: 'invoices' | 'invoice_items' | 'invoice_taxes',
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const list = columns.map((c) => `"${c}"`).join(', ');
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK));
    await tx.execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(list)})
          select ${sql.raw(list)} from json_populate_recordset(null::${sql.raw(table)}, ${json}::json)`,
    );
  }
}
