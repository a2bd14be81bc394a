/**
 * Loading a billing run's input set-based: the run's plan (who is billed, in batches of whole
 * clients), the marketplace's catalogue once per run, then per batch five queries (subscriptions,
 * lines, what is already billed, the clients' accounts, special prices), never one per row.
 */
import {
  Decimal,
  type ExistingInvoice,
  type PriceListRule,
  type PricingSnapshot,
  pricingSnapshot,
  type ResellerStrategy,
  roundUnitPrice,
  type SubscriptionInput,
  type SubscriptionLineInput,
  type TaxDefinition,
  unitCostPrice,
  unitSellPrice,
} from '@cascade/billing-core';
import { type PurchaseChannel, queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';

/** One client of the distributor in the plan: the organizations whose subscriptions it pays for. */
interface PlanRow {
  org: string;
  buyer: string;
  n: number;
}

export interface Batch {
  /** Organizations whose subscriptions are in this batch. */
  orgs: string[];
  subscriptions: number;
}

/**
 * Batches of whole clients (a reseller with all its end customers), about `target` subscriptions
 * each, so that one client's invoice for a period is made in one batch. A client with more than
 * `maxClient` subscriptions is split between its organizations.
 */
export async function planBatches(
  tx: Transaction,
  distributorId: string,
  target: number,
  maxClient = 25_000,
): Promise<{ batches: Batch[]; total: number }> {
  const rows = await queryRows<PlanRow & Record<string, unknown>>(
    tx,
    sql`select s.org_id as org, coalesce(s.reseller_id, s.org_id) as buyer, count(*)::int as n
        from subscriptions s where s.distributor_id = ${distributorId}
        group by 1, 2 order by 2, 1`,
  );
  const byBuyer = new Map<string, PlanRow[]>();
  for (const r of rows) {
    const list = byBuyer.get(r.buyer);
    if (list) list.push(r);
    else byBuyer.set(r.buyer, [r]);
  }
  const batches: Batch[] = [];
  let current: Batch = { orgs: [], subscriptions: 0 };
  const flush = () => {
    if (current.orgs.length > 0) batches.push(current);
    current = { orgs: [], subscriptions: 0 };
  };
  let total = 0;
  for (const group of byBuyer.values()) {
    const n = group.reduce((s, r) => s + r.n, 0);
    total += n;
    if (current.subscriptions > 0 && current.subscriptions + n > target) flush();
    if (n <= maxClient) {
      current.orgs.push(...group.map((r) => r.org));
      current.subscriptions += n;
      continue;
    }
    for (const r of group) {
      if (current.subscriptions > 0 && current.subscriptions + r.n > maxClient) flush();
      current.orgs.push(r.org);
      current.subscriptions += r.n;
    }
    flush();
  }
  flush();
  return { batches, total };
}

interface ProductRow {
  id: string;
  type: string;
  name: string;
  unit: string;
  term: 'MONTH' | 'YEAR' | 'USAGE';
  sell_price: string;
  cost_price: string | null;
  srp: string | null;
}

export interface ProductInfo {
  id: string;
  type: string;
  name: string;
  unit: string;
  term: 'MONTH' | 'YEAR' | 'USAGE';
  sellPrice: string;
  costPrice: string | null;
  srp: string | null;
  taxes: TaxDefinition[];
}

/** The marketplace's catalogue and price rules, read once per run. */
export interface Catalog {
  products: Map<string, ProductInfo>;
  /** reseller → product → its price list rule (valid on the invoice date). */
  priceRules: Map<string, Map<string, PriceListRule>>;
  /** reseller → product (or '' for its default) → strategy. */
  strategies: Map<string, Map<string, ResellerStrategy>>;
  /** Memo of (reseller, product) → unit cost and snapshot. */
  costs: Map<string, { unitCost: Decimal; snapshot: PricingSnapshot | null; unitSell: Decimal | null }>;
}

export async function loadCatalog(
  tx: Transaction,
  distributorId: string,
  invoiceDate: string,
): Promise<Catalog> {
  const d = distributorId;
  const [products, taxes, rules, strategies] = [
    await queryRows<ProductRow & Record<string, unknown>>(
      tx,
      sql`select id, type, name, unit, term, sell_price, cost_price, srp from products where distributor_id = ${d}`,
    ),
    await queryRows<{
      product_id: string;
      code: string;
      type: string;
      charge_component: string;
      valid_from: string;
      percent: string;
    }>(
      tx,
      sql`select pt.product_id, t.code, t.type, t.charge_component, r.valid_from::text as valid_from, r.percent::text as percent
          from product_taxes pt
          join tax_definitions t on t.distributor_id = pt.distributor_id and t.id = pt.tax_definition_id
          join tax_rates r on r.distributor_id = t.distributor_id and r.tax_definition_id = t.id
          where pt.distributor_id = ${d}
          order by pt.product_id, t.id, r.valid_from`,
    ),
    await queryRows<{
      reseller: string;
      product_id: string;
      strategy: PriceListRule['kind'];
      percent: string | null;
      price: string | null;
    }>(
      tx,
      sql`select a.org_id as reseller, e.product_id, e.strategy, e.percent::text as percent, e.price::text as price
          from (select distinct on (org_id) org_id, price_list_id from price_list_assignments
                where distributor_id = ${d} and valid_from <= ${invoiceDate}
                order by org_id, valid_from desc) a
          join price_list_entries e on e.distributor_id = ${d} and e.price_list_id = a.price_list_id`,
    ),
    await queryRows<{
      reseller: string;
      product_id: string | null;
      strategy: 'MARKUP' | 'SRP';
      markup_percent: string | null;
    }>(
      tx,
      sql`select org_id as reseller, product_id, strategy, markup_percent::text as markup_percent
          from reseller_pricing_strategies where distributor_id = ${d}`,
    ),
  ];
  const catalog: Catalog = {
    products: new Map(),
    priceRules: new Map(),
    strategies: new Map(),
    costs: new Map(),
  };
  for (const p of products) {
    catalog.products.set(p.id, {
      id: p.id,
      type: p.type,
      name: p.name,
      unit: p.unit,
      term: p.term,
      sellPrice: p.sell_price,
      costPrice: p.cost_price,
      srp: p.srp,
      taxes: [],
    });
  }
  const defs = new Map<string, TaxDefinition & { rates: { from: string; percent: string }[] }>();
  for (const t of taxes) {
    const key = `${t.product_id}\u0000${t.code}\u0000${t.type}\u0000${t.charge_component}`;
    let def = defs.get(key);
    if (!def) {
      def = { code: t.code, type: t.type, chargeComponent: t.charge_component, rates: [] };
      defs.set(key, def);
      catalog.products.get(t.product_id)?.taxes.push(def);
    }
    def.rates.push({ from: t.valid_from, percent: new Decimal(t.percent).toFixed() });
  }
  for (const r of rules) {
    let m = catalog.priceRules.get(r.reseller);
    if (!m) {
      m = new Map();
      catalog.priceRules.set(r.reseller, m);
    }
    m.set(
      r.product_id,
      r.strategy === 'DIRECT'
        ? { kind: 'DIRECT', price: new Decimal(r.price ?? '0').toFixed() }
        : { kind: r.strategy, percent: new Decimal(r.percent ?? '0').toFixed() },
    );
  }
  for (const s of strategies) {
    let m = catalog.strategies.get(s.reseller);
    if (!m) {
      m = new Map();
      catalog.strategies.set(s.reseller, m);
    }
    m.set(
      s.product_id ?? '',
      s.strategy === 'MARKUP'
        ? { kind: 'MARKUP', percent: new Decimal(s.markup_percent ?? '0').toFixed() }
        : { kind: 'SRP' },
    );
  }
  return catalog;
}

/**
 * The unit cost of a product for a reseller (SPEC §6), the snapshot Customer Charges needs, and
 * the reseller's unit sell price by its strategy (null: no strategy applies; a special price for
 * an end customer, when there is one, is applied by the caller before it).
 */
function costOf(catalog: Catalog, reseller: string | null, product: ProductInfo) {
  const key = `${reseller ?? ''}\u0000${product.id}`;
  let hit = catalog.costs.get(key);
  if (!hit) {
    const unitCost = unitCostPrice({
      sellPrice: product.sellPrice,
      costPrice: product.costPrice,
      priceList: reseller ? (catalog.priceRules.get(reseller)?.get(product.id) ?? null) : null,
    });
    const strategies = reseller ? catalog.strategies.get(reseller) : undefined;
    const strategy = strategies?.get(product.id) ?? strategies?.get('');
    const sells = strategy && (strategy.kind === 'MARKUP' || product.srp !== null);
    hit = {
      unitCost,
      snapshot: strategy ? pricingSnapshot(unitCost, strategy, product.srp) : null,
      unitSell: sells
        ? unitSellPrice({ specialPrice: null, strategy, unitCost, srp: product.srp }).unitSell
        : null,
    };
    catalog.costs.set(key, hit);
  }
  return hit;
}

/** What the engine needs per subscription, plus what the writer needs beside it. */
export interface BatchSubscription {
  id: string;
  orgId: string;
  channel: PurchaseChannel;
  currency: string;
  /** The distributor's client paying for it (the reseller, or the organization itself). */
  clientAccountId: string;
}

export interface ClientAccount {
  id: string;
  orgId: string;
  resellerId: string | null;
  currency: string;
}

/** Engine inputs of one issuer, currency and channel: one engine call each, one channel per invoice. */
export interface EngineGroup {
  /** Who bills: the distributor (its clients), or a reseller (its end customers, SPEC §1, §6). */
  issuer: string;
  currency: string;
  channel: PurchaseChannel;
  subscriptions: SubscriptionInput[];
}

export interface BatchInput {
  groups: Map<string, EngineGroup>;
  /** What each issuer has already billed of the batch's subscriptions (debit invoices). */
  existing: Map<string, ExistingInvoice[]>;
  subscriptions: Map<string, BatchSubscription>;
  accounts: Map<string, ClientAccount>;
  /** Subscription line → product id. */
  lineProducts: Map<string, string>;
  subscriptionCount: number;
  /** Subscriptions that could not be billed (no account at the distributor), with the reason. */
  skipped: string[];
}

interface SubRow {
  id: string;
  org_id: string;
  reseller_id: string | null;
  account_id: string;
  account_issuer: string;
  account_org: string;
  account_reseller: string | null;
  name: string;
  channel: PurchaseChannel;
  order_date: string;
  start_date: string;
  end_date: string | null;
  disconnection_date: string | null;
  currency: string;
}

interface LineRow {
  id: string;
  subscription_id: string;
  product_id: string;
  quantity: string;
  unit_price: string | null;
  ad_hoc_price: string | null;
  term: 'MONTH' | 'YEAR';
  billing_frequency_months: number;
  installments: number | null;
  flat_discount: string;
  prorata_rule: 'DAILY' | 'FULL_MONTH';
  start_date: string;
  end_date: string | null;
  disconnection_date: string | null;
}

const minOf = (a: string | null, b: string | null) => (a && b ? (a < b ? a : b) : (a ?? b));

/** Reads one batch and turns it into the engine's input. */
export async function loadBatch(
  tx: Transaction,
  distributorId: string,
  orgs: readonly string[],
  catalog: Catalog,
): Promise<BatchInput> {
  const d = distributorId;
  const orgList = JSON.stringify(orgs);
  // Every lookup is a LATERAL by index from the batch's keys (`offset 0` keeps it parameterized):
  // the cost follows the batch whatever the planner believes, under row-level security and on
  // tables that grew since their last ANALYZE (a run's own invoices, for one).
  const batchSubs = sql`with orgs as materialized (select jsonb_array_elements_text(${orgList}::jsonb) as org),
    batch as materialized (
      select s.* from orgs cross join lateral (
        select s.id, s.org_id, s.reseller_id, s.account_id, s.name, s.channel, s.order_date, s.start_date,
          s.end_date, s.disconnection_date
        from subscriptions s where s.distributor_id = ${d} and s.org_id = orgs.org offset 0) s)`;
  const subs = await queryRows<SubRow & Record<string, unknown>>(
    tx,
    sql`${batchSubs}
        select b.id, b.org_id, b.reseller_id, b.account_id, a.issuer_org_id as account_issuer,
          a.org_id as account_org, a.reseller_id as account_reseller, b.name, b.channel,
          b.order_date::text as order_date, b.start_date::text as start_date, b.end_date::text as end_date,
          b.disconnection_date::text as disconnection_date, a.currency
        from batch b cross join lateral (
          select a.issuer_org_id, a.org_id, a.reseller_id, a.currency from accounts a
          where a.distributor_id = ${d} and a.id = b.account_id offset 0) a`,
  );
  const lines = await queryRows<LineRow & Record<string, unknown>>(
    tx,
    sql`${batchSubs}
        select l.id, l.subscription_id, l.product_id, l.quantity::text as quantity, l.unit_price::text as unit_price,
          l.ad_hoc_price::text as ad_hoc_price, l.term, l.billing_frequency_months, l.installments,
          l.flat_discount::text as flat_discount, l.prorata_rule, l.start_date::text as start_date,
          l.end_date::text as end_date, l.disconnection_date::text as disconnection_date
        from batch b cross join lateral (
          select * from subscription_lines l
          where l.distributor_id = ${d} and l.subscription_id = b.id offset 0) l
        order by l.subscription_id, l.id`,
  );
  const billed = await queryRows<{
    subscription_id: string;
    subscription_line_id: string | null;
    period_start: string;
    period_end: string;
    status: string;
    issuer_org_id: string;
    source: string;
  }>(
    tx,
    sql`${batchSubs}
        select x.subscription_id, x.subscription_line_id, x.period_start, x.period_end, i.status, i.issuer_org_id, i.source
        from batch
        cross join lateral (
          select ii.subscription_id, ii.subscription_line_id, ii.period_start::text as period_start,
            ii.period_end::text as period_end, ii.invoice_id
          from invoice_items ii
          where ii.distributor_id = ${d} and ii.subscription_id = batch.id
          offset 0) x
        -- The invoice by its primary key only: with the issuer or type in this lookup, stale statistics
        -- made the planner walk the issuer's index over all its invoices, per item.
        cross join lateral (
          select i.status, i.issuer_org_id, i.type, i.source from invoices i
          where i.distributor_id = ${d} and i.id = x.invoice_id
          offset 0) i
        where i.type = 'DEBIT'`,
  );
  const buyers = JSON.stringify([...new Set(subs.map((s) => s.reseller_id ?? s.org_id))]);
  const accountRows = await queryRows<{
    id: string;
    org_id: string;
    reseller_id: string | null;
    currency: string;
    parent_account_id: string | null;
  }>(
    tx,
    sql`with buyers as materialized (select jsonb_array_elements_text(${buyers}::jsonb) as org)
        select a.* from buyers cross join lateral (
          select id, org_id, reseller_id, currency, parent_account_id from accounts
          where distributor_id = ${d} and issuer_org_id = ${d} and org_id = buyers.org
          offset 0) a`,
  );
  const specials = await queryRows<{ org_id: string; product_id: string; price: string }>(
    tx,
    sql`with orgs as materialized (select jsonb_array_elements_text(${orgList}::jsonb) as org)
        select p.* from orgs cross join lateral (
          select org_id, product_id, price::text as price from special_prices
          where distributor_id = ${d} and org_id = orgs.org offset 0) p`,
  );

  const accountOf = new Map<string, ClientAccount>();
  const accounts = new Map<string, ClientAccount>();
  for (const a of accountRows) {
    const acc = { id: a.id, orgId: a.org_id, resellerId: a.reseller_id, currency: a.currency };
    // A direct client's subscription may sit on a child account (moved there by a transfer).
    if (a.parent_account_id === null) accountOf.set(`${a.org_id}\u0000${a.currency}`, acc);
    accounts.set(a.id, acc);
  }
  const special = new Map(specials.map((s) => [`${s.org_id}\u0000${s.product_id}`, s.price]));
  const linesOf = new Map<string, LineRow[]>();
  for (const l of lines) {
    const list = linesOf.get(l.subscription_id);
    if (list) list.push(l);
    else linesOf.set(l.subscription_id, [l]);
  }

  const existing = new Map<string, ExistingInvoice[]>();
  for (const b of billed) {
    // A run's item without a line is a Consolidated Priceline: it billed every service of the
    // subscription over its period. Other invoices' items without a line bill no service.
    const lineIds =
      b.subscription_line_id !== null
        ? [b.subscription_line_id]
        : b.source === 'BILLING_SERVICE'
          ? (linesOf.get(b.subscription_id) ?? []).map((l) => l.id)
          : [];
    if (lineIds.length === 0) continue;
    const list = existing.get(b.issuer_org_id) ?? [];
    if (list.length === 0) existing.set(b.issuer_org_id, list);
    list.push({
      accountId: '',
      status: b.status,
      lines: [
        {
          subscriptionId: b.subscription_id,
          lineIds,
          periodStart: b.period_start,
          periodEnd: b.period_end,
        },
      ],
    });
  }
  const input: BatchInput = {
    groups: new Map(),
    existing,
    subscriptions: new Map(),
    accounts,
    lineProducts: new Map(),
    subscriptionCount: subs.length,
    skipped: [],
  };

  const addGroup = (
    issuer: string,
    s: SubRow,
    accountId: string,
    lines: Map<number, SubscriptionLineInput[]>,
  ) => {
    const groupKey = `${issuer}\u0000${s.currency}\u0000${s.channel}`;
    let group = input.groups.get(groupKey);
    if (!group) {
      group = { issuer, currency: s.currency, channel: s.channel, subscriptions: [] };
      input.groups.set(groupKey, group);
    }
    for (const [frequency, subLines] of lines) {
      group.subscriptions.push({
        id: s.id,
        name: s.name,
        accountId,
        orderDate: s.order_date,
        startDate: s.start_date,
        endDate: minOf(s.end_date, s.disconnection_date),
        billingFrequencyMonths: frequency,
        lines: subLines,
      });
    }
  };
  const push = (m: Map<number, SubscriptionLineInput[]>, frequency: number, line: SubscriptionLineInput) => {
    const list = m.get(frequency);
    if (list) list.push(line);
    else m.set(frequency, [line]);
  };

  for (const s of subs) {
    const buyer = s.reseller_id ?? s.org_id;
    // A subscription on an account the distributor itself issues (a direct client) is billed there.
    const account =
      s.account_issuer === d ? accounts.get(s.account_id) : accountOf.get(`${buyer}\u0000${s.currency}`);
    if (!account) {
      input.skipped.push(`${s.id}: ${buyer} has no ${s.currency} account at the distributor`);
      continue;
    }
    // The distributor bills its client: a reseller at the unit cost (its price list); a direct
    // client at the subscription's own price.
    const viaReseller = s.account_issuer !== d;
    // SPEC §1, §6: the reseller bills its end customer on the customer's account at the reseller,
    // at the unit sell price (a special price, else the reseller's strategy for the product).
    const resellerBills = viaReseller && s.reseller_id !== null && s.account_issuer === s.reseller_id;
    if (resellerBills && !accounts.has(s.account_id))
      accounts.set(s.account_id, {
        id: s.account_id,
        orgId: s.account_org,
        resellerId: s.account_reseller,
        currency: s.currency,
      });
    input.subscriptions.set(s.id, {
      id: s.id,
      orgId: s.org_id,
      channel: s.channel,
      currency: s.currency,
      clientAccountId: account.id,
    });
    const byFrequency = new Map<number, SubscriptionLineInput[]>();
    const sellByFrequency = new Map<number, SubscriptionLineInput[]>();
    for (const l of linesOf.get(s.id) ?? []) {
      const product = catalog.products.get(l.product_id);
      // Pay-per-use is rated from usage records, not by the recurring run.
      if (!product || product.term === 'USAGE') continue;
      input.lineProducts.set(l.id, product.id);
      let unitPrice: string;
      let snapshot: PricingSnapshot | null = null;
      const cost = viaReseller ? costOf(catalog, s.reseller_id, product) : null;
      const sp = viaReseller ? special.get(`${s.org_id}\u0000${product.id}`) : undefined;
      if (cost) {
        unitPrice = cost.unitCost.toFixed();
        snapshot =
          sp !== undefined && cost.snapshot
            ? { ...cost.snapshot, strategy: 'SPECIAL_PRICE', markupPercent: null }
            : cost.snapshot;
      } else {
        unitPrice = roundUnitPrice(l.unit_price ?? product.sellPrice).toFixed();
      }
      const line: SubscriptionLineInput = {
        id: l.id,
        description: product.name,
        unitPrice,
        adHocPrice: viaReseller ? null : l.ad_hoc_price,
        quantity: l.quantity,
        term: l.term,
        flatDiscount: viaReseller ? null : l.flat_discount,
        prorataRule: l.prorata_rule,
        installments: l.installments,
        taxes: product.taxes,
        product: { type: product.type, name: product.name },
        pricingSnapshot: snapshot,
        startDate: l.start_date,
        endDate: minOf(l.end_date, l.disconnection_date),
      };
      push(byFrequency, l.billing_frequency_months, line);
      if (resellerBills && cost) {
        // The line's own ad hoc price and flat discount are the reseller's terms with its customer.
        const sell =
          sp !== undefined
            ? roundUnitPrice(sp)
            : (cost.unitSell ?? roundUnitPrice(l.unit_price ?? product.sellPrice));
        push(sellByFrequency, l.billing_frequency_months, {
          ...line,
          unitPrice: sell.toFixed(),
          adHocPrice: l.ad_hoc_price,
          flatDiscount: l.flat_discount,
        });
      }
    }
    addGroup(d, s, account.id, byFrequency);
    if (resellerBills && s.reseller_id) addGroup(s.reseller_id, s, s.account_id, sellByFrequency);
  }
  return input;
}
