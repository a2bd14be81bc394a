/**
 * What a subscription change reads, set-based, in the request's tenant transaction: the
 * subscription (locked, so two changes of one subscription run one after the other), its lines,
 * and what its issuer already billed for each line (issued, non-canceled debit items, each with
 * what earlier credits already took from it).
 */
import {
  Decimal,
  daysInRange,
  overlap,
  type RatableLine,
  roundAmount,
  type TaxDefinition,
} from '@cascade/billing-core';
import { queryRows, subscriptions, type Tenant, type Transaction, tenantScope } from '@cascade/db';
import { and, eq, sql } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';

export interface SubscriptionRow {
  distributorId: string;
  resellerId: string | null;
  orgId: string;
  id: string;
  accountId: string;
  channel: string;
  state: string;
  orderDate: string;
  startDate: string;
  endDate: string | null;
  disconnectionDate: string | null;
  isDefault: boolean;
}

export interface LineRow {
  id: string;
  productId: string;
  quantity: string;
  unitPrice: string | null;
  adHocPrice: string | null;
  term: 'MONTH' | 'YEAR';
  prorataRule: 'DAILY' | 'FULL_MONTH';
  creditRule: 'EXACT' | 'NODC';
  state: string;
  startDate: string;
  endDate: string | null;
  disconnectionDate: string | null;
}

export interface BilledItem {
  invoiceId: string;
  invoiceNumber: string | null;
  channel: string;
  accountId: string;
  lineNo: number;
  subscriptionLineId: string;
  productId: string | null;
  productType: string;
  productName: string;
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string;
  amount: string;
  taxAmount: string;
  endCustomerOrgId: string | null;
  unitCost: string | null;
  pricingStrategy: string | null;
  markupPercent: string | null;
  srp: string | null;
  /** Already credited from this item by earlier credit invoices (amount, tax). */
  creditedAmount: string;
  creditedTax: string;
  /** Those earlier credits, each with the days it credited. */
  credits: { start: string; end: string; amount: string }[];
}

/** The subscription, locked; 404 when the caller cannot see it. */
export async function lockSubscription(
  tx: Transaction,
  tenant: Tenant,
  id: string,
): Promise<SubscriptionRow> {
  const [row] = await tx
    .select({
      distributorId: subscriptions.distributorId,
      resellerId: subscriptions.resellerId,
      orgId: subscriptions.orgId,
      id: subscriptions.id,
      accountId: subscriptions.accountId,
      channel: subscriptions.channel,
      state: subscriptions.state,
      orderDate: subscriptions.orderDate,
      startDate: subscriptions.startDate,
      endDate: subscriptions.endDate,
      disconnectionDate: subscriptions.disconnectionDate,
      isDefault: subscriptions.isDefault,
    })
    .from(subscriptions)
    .where(and(tenantScope(subscriptions, tenant), eq(subscriptions.id, id)))
    .limit(1)
    .for('update');
  if (!row) throw new ApiError('not_found', `Subscription ${id} not found`, { id: 'No such subscription' });
  return row;
}

export async function loadLines(tx: Transaction, sub: SubscriptionRow): Promise<LineRow[]> {
  return queryRows<LineRow & Record<string, unknown>>(
    tx,
    sql`select id, product_id as "productId", quantity::text as quantity, unit_price::text as "unitPrice",
        ad_hoc_price::text as "adHocPrice", term, prorata_rule as "prorataRule", credit_rule as "creditRule", state,
        start_date::text as "startDate", end_date::text as "endDate", disconnection_date::text as "disconnectionDate"
      from subscription_lines where distributor_id = ${sub.distributorId} and subscription_id = ${sub.id}
      order by id
      for update`,
  );
}

/** The line named in a request, or every line in service; 422 naming `lineId` when unknown. */
export function pickLines(lines: LineRow[], lineId: string | undefined): LineRow[] {
  if (lineId === undefined) return lines.filter((l) => l.state !== 'DISCONNECTED');
  const line = lines.find((l) => l.id === lineId);
  if (!line)
    throw new ApiError('unprocessable', `Line ${lineId} is not a line of this subscription`, {
      lineId: 'No such line on this subscription',
    });
  if (line.state === 'DISCONNECTED')
    throw new ApiError('unprocessable', `Line ${lineId} is disconnected`, { lineId: 'Disconnected' });
  return [line];
}

/** Items the issuer billed for the subscription's lines (issued, non-canceled debit invoices). */
export async function loadBilledItems(
  tx: Transaction,
  sub: SubscriptionRow,
  issuerOrgId: string,
): Promise<BilledItem[]> {
  const d = sub.distributorId;
  return queryRows<BilledItem & Record<string, unknown>>(
    tx,
    sql`select i.id as "invoiceId", i.number as "invoiceNumber", i.channel, i.account_id as "accountId",
        it.line_no as "lineNo", it.subscription_line_id as "subscriptionLineId", it.product_id as "productId",
        it.product_type as "productType", it.product_name as "productName", it.description,
        it.period_start::text as "periodStart", it.period_end::text as "periodEnd", it.quantity::text as quantity,
        it.unit, it.unit_price::text as "unitPrice", it.discount::text as discount, it.amount::text as amount,
        it.tax_amount::text as "taxAmount", it.end_customer_org_id as "endCustomerOrgId",
        it.unit_cost::text as "unitCost", it.pricing_strategy as "pricingStrategy",
        it.markup_percent::text as "markupPercent", it.srp::text as srp,
        coalesce(c.amount, 0)::text as "creditedAmount", coalesce(c.tax, 0)::text as "creditedTax",
        coalesce(c.credits, '[]'::json) as credits
      from invoice_items it
      join invoices i on i.distributor_id = it.distributor_id and i.id = it.invoice_id
      left join lateral (
        select sum(ci.amount) as amount, sum(ci.tax_amount) as tax,
          json_agg(json_build_object('start', ci.period_start::text, 'end', ci.period_end::text,
            'amount', ci.amount::text)) as credits
        from invoices cr join invoice_items ci on ci.distributor_id = cr.distributor_id and ci.invoice_id = cr.id
        where cr.distributor_id = ${d} and cr.credited_invoice_id = i.id and cr.type = 'CREDIT'
          and cr.status <> 'CANCELED' and ci.subscription_line_id = it.subscription_line_id
          and ci.period_start >= it.period_start and ci.period_end <= it.period_end) c on true
      where it.distributor_id = ${d} and it.subscription_id = ${sub.id} and it.subscription_line_id is not null
        and i.issuer_org_id = ${issuerOrgId} and i.type = 'DEBIT' and i.stage = 'ISSUED' and i.status <> 'CANCELED'
      order by it.subscription_line_id, it.period_start`,
  );
}

/** The line as billed on an item: its price and quantity as they were charged. */
export function ratableOf(item: BilledItem, line: LineRow): RatableLine {
  const discount = new Decimal(item.discount);
  return {
    unitPrice: item.unitPrice,
    adHocPrice: line.adHocPrice !== null ? item.unitPrice : null,
    quantity: item.quantity,
    term: line.term,
    prorataRule: line.prorataRule,
    flatDiscount: discount.isZero() ? null : discount.toFixed(),
  };
}

/** What can still be credited on an item: its amount less earlier credits. */
export function remainingOf(item: BilledItem): Decimal {
  return Decimal.max(new Decimal(item.amount).minus(item.creditedAmount), 0);
}

/**
 * What earlier credits of an item already gave back for the days of `range` (each credit spread
 * evenly over its own days), so a later event never credits the same day twice.
 */
export function creditedWithin(
  item: BilledItem,
  range: { start: string; end: string },
  currency: string,
): Decimal {
  let total = new Decimal(0);
  for (const c of item.credits ?? []) {
    const o = overlap(c, range);
    if (!o) continue;
    total = total.plus(new Decimal(c.amount).times(daysInRange(o)).dividedBy(daysInRange(c)));
  }
  return roundAmount(total, currency);
}

/** The item's tax in proportion to a credited amount, never more than its tax not yet credited. */
export function taxShareOf(
  item: BilledItem,
  credit: Decimal,
  currency: string,
  round: (v: Decimal, c: string) => Decimal,
) {
  const amount = new Decimal(item.amount);
  if (amount.isZero()) return new Decimal(0);
  const share = round(new Decimal(item.taxAmount).times(credit).dividedBy(amount), currency);
  return Decimal.min(share, Decimal.max(new Decimal(item.taxAmount).minus(item.creditedTax), 0));
}

export interface ProductRow {
  id: string;
  type: string;
  name: string;
  unit: string;
  term: string;
  sellPrice: string;
}

export async function loadProduct(
  tx: Transaction,
  distributorId: string,
  id: string,
): Promise<ProductRow | null> {
  const [row] = await queryRows<ProductRow & Record<string, unknown>>(
    tx,
    sql`select id, type, name, unit, term, sell_price::text as "sellPrice" from products
      where distributor_id = ${distributorId} and id = ${id}`,
  );
  return row ?? null;
}

/** The tax definitions of products, with their rates (as the billing run reads them). */
export async function loadProductTaxes(
  tx: Transaction,
  distributorId: string,
  productIds: readonly string[],
): Promise<Map<string, TaxDefinition[]>> {
  const ids = [...new Set(productIds)];
  const out = new Map<string, TaxDefinition[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await queryRows<{
    product_id: string;
    id: string;
    code: string;
    type: string;
    charge_component: string;
    valid_from: string;
    percent: string;
  }>(
    tx,
    sql`select pt.product_id, t.id, t.code, t.type, t.charge_component, r.valid_from::text as valid_from,
        r.percent::text as percent
      from product_taxes pt
      join tax_definitions t on t.distributor_id = pt.distributor_id and t.id = pt.tax_definition_id
      join tax_rates r on r.distributor_id = t.distributor_id and r.tax_definition_id = t.id
      where pt.distributor_id = ${distributorId}
        and pt.product_id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})
      order by pt.product_id, t.id, r.valid_from`,
  );
  const defs = new Map<string, TaxDefinition & { rates: { from: string; percent: string }[] }>();
  for (const r of rows) {
    const key = `${r.product_id}\u0000${r.id}`;
    let def = defs.get(key);
    if (!def) {
      def = { code: r.code, type: r.type, chargeComponent: r.charge_component, rates: [] };
      defs.set(key, def);
      out.get(r.product_id)?.push(def);
    }
    def.rates.push({ from: r.valid_from, percent: new Decimal(r.percent).toFixed() });
  }
  return out;
}
