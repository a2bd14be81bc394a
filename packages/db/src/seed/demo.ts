/**
 * The demo year, derived deterministically from `catalog.ts`: charges per subscription line and
 * month, priced along the chain (billing-core's pricing), grouped into invoices, numbered per
 * issuer, then settled by replaying payments through the rule of SPEC §4 (oldest open invoice
 * first, only when the balance covers it in full).
 */
import {
  addDays,
  addMonths,
  Decimal,
  endOfMonth,
  formatInvoiceNumber,
  type PriceListRule,
  type ResellerStrategy,
  roundAmount,
  roundUnitPrice,
  toDayNumber,
  unitCostPrice,
  unitSellPrice,
} from '@cascade/billing-core';
import type {
  allocations,
  invoiceItems,
  invoices,
  invoiceTaxes,
  ledgerEntries,
  PurchaseChannel,
  payments,
  refunds,
} from '../schema';
import type { InvoiceSource } from '../schema/invoices';
import {
  CURRENCY,
  DEMO_INVOICE_NUMBER_TEMPLATE,
  type DemoLine,
  type DemoSubscription,
  DISTRIBUTOR,
  FIRST_MONTH,
  MONTHS,
  orgById,
  PRICE_LIST,
  PRODUCTS,
  productById,
  RESELLER_STRATEGIES,
  SPECIAL_PRICES,
  SUBSCRIPTIONS,
  VAT_PERCENT,
} from './catalog';

type InvoiceRow = typeof invoices.$inferInsert;
type ItemRow = typeof invoiceItems.$inferInsert;
type TaxRow = typeof invoiceTaxes.$inferInsert;
type PaymentRow = typeof payments.$inferInsert;
type AllocationRow = typeof allocations.$inferInsert;
type RefundRow = typeof refunds.$inferInsert;
type LedgerRow = typeof ledgerEntries.$inferInsert;

const ZERO = new Decimal(0);
const vat = new Decimal(VAT_PERCENT).div(100);
const money = (d: Decimal) => roundAmount(d, CURRENCY).toFixed(2);

/** A deterministic number in [0, 1) from a string (FNV-1a). */
export function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x100000000;
}

/** The reseller in whose storefront a subscription lies (null: bought directly from the distributor). */
const resellerOf = (orgId: string): string | null => orgById(orgId).resellerId;

export function priceListRule(resellerId: string | null, productId: string): PriceListRule | null {
  if (!resellerId || !PRICE_LIST.assignedTo.includes(resellerId)) return null;
  const entry = PRICE_LIST.entries.find((e) => e.productId === productId);
  if (!entry) return null;
  if (entry.strategy === 'DIRECT') return { kind: 'DIRECT', price: entry.price as string };
  return { kind: entry.strategy, percent: entry.percent as string };
}

export function resellerStrategy(resellerId: string, productId: string): ResellerStrategy {
  const own =
    RESELLER_STRATEGIES.find((s) => s.resellerId === resellerId && s.productId === productId) ??
    RESELLER_STRATEGIES.find((s) => s.resellerId === resellerId && s.productId === null);
  if (!own) throw new Error(`no strategy for ${resellerId}`);
  return own.strategy === 'MARKUP'
    ? { kind: 'MARKUP', percent: own.markupPercent as string }
    : { kind: 'SRP' };
}

/** Unit prices of one product for one buyer, per product unit (month, year, hour, GB). */
export function chainPrices(orgId: string, productId: string) {
  const product = productById(productId);
  const resellerId = resellerOf(orgId);
  const unitCost = unitCostPrice({
    sellPrice: product.sellPrice,
    costPrice: product.costPrice,
    priceList: priceListRule(resellerId, productId),
  });
  if (!resellerId) return { product, resellerId, unitCost, sell: null };
  const special = SPECIAL_PRICES.find((s) => s.customerId === orgId && s.productId === productId);
  const strategy = resellerStrategy(resellerId, productId);
  const sell = unitSellPrice({ unitCost, specialPrice: special?.price ?? null, strategy, srp: product.srp });
  return {
    product,
    resellerId,
    unitCost,
    sell: {
      ...sell,
      markupPercent: sell.strategy === 'MARKUP' && strategy.kind === 'MARKUP' ? strategy.percent : null,
    },
  };
}

interface Cycle {
  periodStart: string;
  periodEnd: string;
  quantity: Decimal;
  /** The share of the unit price this cycle bills (prorated days, or 1). */
  fraction: Decimal;
  installment: number | null;
  installments: number | null;
  source: InvoiceSource;
}

const daysBetween = (a: string, b: string) => toDayNumber(b) - toDayNumber(a) + 1;
const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));

/** What a line bills in the month starting `month` (billing in advance; usage in arrears). */
function cycleOf(sub: DemoSubscription, lineNo: number, line: DemoLine, month: string): Cycle | null {
  const product = productById(line.productId);
  const monthEnd = endOfMonth(month);
  const qty = new Decimal(line.quantity);
  switch (product.term) {
    case 'MONTH': {
      if (line.startDate > monthEnd) return null;
      const start = line.startDate > month ? line.startDate : month;
      const fraction = new Decimal(daysBetween(start, monthEnd)).div(daysBetween(month, monthEnd));
      return {
        periodStart: start,
        periodEnd: monthEnd,
        quantity: qty,
        fraction,
        installment: null,
        installments: null,
        source: 'BILLING_SERVICE',
      };
    }
    case 'YEAR': {
      const k = monthIndex(month) - monthIndex(line.startDate) + 1;
      if (line.installments) {
        if (k < 1 || k > line.installments) return null;
        return {
          periodStart: month,
          periodEnd: monthEnd,
          quantity: qty,
          fraction: new Decimal(1),
          installment: k,
          installments: line.installments,
          source: 'BILLING_SERVICE',
        };
      }
      if (k < 1 || (k - 1) % 12 !== 0) return null;
      return {
        periodStart: month,
        periodEnd: addDays(addMonths(month, 12), -1),
        quantity: qty,
        fraction: new Decimal(1),
        installment: null,
        installments: null,
        source: k === 1 ? 'BILLING_SERVICE' : 'RENEWAL',
      };
    }
    case 'USAGE': {
      const prev = addMonths(month, -1);
      if (line.startDate > endOfMonth(prev)) return null;
      const h = hash01(`${sub.id}:${lineNo}:${prev}`);
      const quantity =
        product.unit === 'Hour'
          ? new Decimal(200 + Math.floor(h * 545))
          : new Decimal((100 + h * 1900).toFixed(3));
      return {
        periodStart: prev,
        periodEnd: endOfMonth(prev),
        quantity,
        fraction: new Decimal(1),
        installment: null,
        installments: null,
        source: 'API',
      };
    }
  }
}

/** An invoice being built; ids and numbers are given once every invoice is known and sorted. */
interface Draft {
  row: Omit<InvoiceRow, 'id' | 'number' | 'subtotal' | 'taxTotal' | 'total' | 'amountDue'>;
  items: Omit<ItemRow, 'id' | 'invoiceId' | 'lineNo'>[];
  credited?: Draft;
  id?: string;
  number?: string | null;
  total?: Decimal;
  due?: Decimal;
  order: number;
}

export interface DemoLedger {
  invoices: InvoiceRow[];
  items: ItemRow[];
  taxes: TaxRow[];
  payments: PaymentRow[];
  allocations: AllocationRow[];
  refunds: RefundRow[];
  ledger: LedgerRow[];
  balances: Map<string, string>;
  lastNumbers: Map<string, number>;
}

export const accountIdOf = (orgId: string) => `acc-${orgId}`;
export const issuerOf = (orgId: string): string => orgById(orgId).parentId ?? DISTRIBUTOR;
const tenancyOf = (clientId: string) => ({
  distributorId: DISTRIBUTOR,
  resellerId: orgById(clientId).resellerId,
  orgId: clientId,
});
const issuedAt = (date: string) => `${date}T06:00:00.000Z`;

/** Builds the whole demo year of invoices and money movements, in memory. */
export function buildDemoLedger(): DemoLedger {
  const drafts = new Map<string, Draft>();
  let order = 0;
  const draftFor = (
    issuer: string,
    client: string,
    date: string,
    month: string,
    channel: PurchaseChannel,
    source: InvoiceSource,
    stage: 'ISSUED' | 'PROFORMA' | 'PENDING' = 'ISSUED',
  ): Draft => {
    const key = `${issuer}|${client}|${month}|${channel}|${source}|${stage}`;
    let d = drafts.get(key);
    if (!d) {
      d = {
        order: order++,
        items: [],
        row: {
          ...tenancyOf(client),
          issuerOrgId: issuer,
          accountId: accountIdOf(client),
          stage,
          type: 'DEBIT',
          status: 'UNPAID',
          invoiceDate: date,
          periodStart: month,
          periodEnd: endOfMonth(month),
          currency: CURRENCY,
          channel,
          source,
          endCustomerOrgId: null,
          generationKey: stage === 'ISSUED' ? `demo:${client}:${month}:${channel}:${source}` : null,
          issuedAt: stage === 'ISSUED' ? issuedAt(date) : null,
        },
      };
      drafts.set(key, d);
    }
    return d;
  };

  const charge = (
    month: string,
    stage: 'ISSUED' | 'PROFORMA' | 'PENDING',
    only?: (sub: DemoSubscription) => boolean,
  ) => {
    for (const sub of SUBSCRIPTIONS) {
      if (only && !only(sub)) continue;
      sub.lines.forEach((line, i) => {
        const cycle = cycleOf(sub, i + 1, line, month);
        // Drafts are made for next month's recurring charges only.
        if (!cycle || (stage !== 'ISSUED' && cycle.source !== 'BILLING_SERVICE')) return;
        const { product, resellerId, unitCost, sell } = chainPrices(sub.orgId, line.productId);
        const invoiceDate = cycle.source === 'API' ? addDays(month, 1) : month;
        const perCycle = (unit: Decimal) =>
          cycle.installments ? roundUnitPrice(unit.div(cycle.installments)) : roundUnitPrice(unit);
        const description = cycle.installment
          ? `${product.name} (installment ${cycle.installment} of ${cycle.installments})`
          : product.name;
        const item = (unit: Decimal, snapshot: boolean) => {
          const amount = roundAmount(unit.times(cycle.quantity).times(cycle.fraction), CURRENCY);
          return {
            // Replaced by the invoice's tenancy when the rows are written.
            ...tenancyOf(resellerId ?? sub.orgId),
            subscriptionId: sub.id,
            subscriptionLineId: `${sub.id}-${i + 1}`,
            productId: product.id,
            productType: product.type,
            productName: product.name,
            description,
            installmentNumber: cycle.installment,
            periodStart: cycle.periodStart,
            periodEnd: cycle.periodEnd,
            quantity: cycle.quantity.toFixed(),
            unit: product.unit,
            unitPrice: unit.toFixed(6),
            amount: amount.toFixed(2),
            taxAmount: money(amount.times(vat)),
            endCustomerOrgId: sub.orgId,
            unitCost: snapshot ? perCycle(unitCost).toFixed(6) : null,
            pricingStrategy: snapshot && sell ? sell.strategy : null,
            markupPercent: snapshot && sell ? sell.markupPercent : null,
            srp: snapshot && sell ? perCycle(new Decimal(product.srp)).toFixed(6) : null,
          };
        };
        // The distributor bills the reseller (or its direct customer) at the unit cost price.
        const buyer = resellerId ?? sub.orgId;
        const upstream = draftFor(DISTRIBUTOR, buyer, invoiceDate, month, sub.channel, cycle.source, stage);
        // Items issued before the pricing snapshot existed (December 2025, reseller-standard).
        const beforeFeature = month < '2026-01-01' && buyer === 'reseller-standard';
        upstream.items.push(item(perCycle(unitCost), Boolean(sell) && !beforeFeature));
        // The reseller bills its end customer at its unit sell price.
        if (sell && sub.orgId !== resellerId && resellerId) {
          const downstream = draftFor(
            resellerId,
            sub.orgId,
            invoiceDate,
            month,
            sub.channel,
            cycle.source,
            stage,
          );
          const it = item(perCycle(sell.unitSell), true);
          downstream.items.push({ ...it, ...tenancyOf(sub.orgId) });
        }
      });
    }
  };

  for (let m = 0; m < MONTHS; m++) charge(addMonths(FIRST_MONTH, m), 'ISSUED');
  // Next month's drafts: a proforma for reseller-standard, a pending one (tax service down) for reseller-upgraded.
  const next = addMonths(FIRST_MONTH, MONTHS);
  charge(next, 'PROFORMA', (s) => s.id === 'sub-acme');
  charge(next, 'PENDING', (s) => s.id === 'sub-umbrella');
  for (const d of drafts.values()) {
    if (d.row.stage === 'PENDING') d.row.pendingError = 'External tax service unavailable (HTTP 503)';
  }

  const all = [...drafts.values()];
  const find = (
    issuer: string,
    client: string,
    month: string,
    channel: PurchaseChannel,
    source: InvoiceSource,
  ) => {
    const d = drafts.get(`${issuer}|${client}|${month}|${channel}|${source}|ISSUED`);
    if (!d) throw new Error(`no demo invoice ${issuer} ${client} ${month}`);
    return d;
  };

  // A canceled invoice and its replacement: reseller-light → customer-wayne, May 2026.
  const canceled = find(
    'reseller-light',
    'customer-wayne',
    '2026-05-01',
    'RESELLER_STOREFRONT',
    'BILLING_SERVICE',
  );
  const replacement: Draft = {
    order: order++,
    items: canceled.items.map((i) => ({ ...i })),
    row: { ...canceled.row, invoiceDate: '2026-05-03', issuedAt: issuedAt('2026-05-03') },
  };
  canceled.row = { ...canceled.row, status: 'CANCELED', canceledAt: '2026-05-03T05:00:00.000Z' };
  all.push(replacement);

  // Credit invoices: a mid-month reduction (2 of 10 licenses from 8 October) along the chain, and a goodwill credit.
  const credit = (
    debit: Draft,
    date: string,
    pick: (i: Draft['items'][number]) => boolean,
    quantity: string,
    periodStart: string,
  ): Draft => {
    const source = debit.items.find(pick);
    if (!source) throw new Error('no item to credit');
    const unit = new Decimal(source.unitPrice);
    const fraction = new Decimal(daysBetween(periodStart, source.periodEnd)).div(
      daysBetween(source.periodStart, source.periodEnd),
    );
    const amount = roundAmount(unit.times(quantity).times(fraction), CURRENCY);
    const d: Draft = {
      order: order++,
      credited: debit,
      items: [
        {
          ...source,
          description: `${source.description}: credit for ${quantity} licenses from ${periodStart}`,
          periodStart,
          quantity,
          amount: amount.toFixed(2),
          taxAmount: money(amount.times(vat)),
        },
      ],
      row: {
        ...debit.row,
        type: 'CREDIT',
        invoiceDate: date,
        source: 'MANUAL',
        endCustomerOrgId: source.endCustomerOrgId,
        generationKey: `demo:credit:${debit.row.orgId}:${date}`,
        issuedAt: issuedAt(date),
      },
    };
    all.push(d);
    return d;
  };
  const isAcmeStandard = (i: Draft['items'][number]) =>
    i.endCustomerOrgId === 'customer-acme' && i.productId === 'm365-business-standard';
  credit(
    find(DISTRIBUTOR, 'reseller-standard', '2026-10-01', 'RESELLER_STOREFRONT', 'BILLING_SERVICE'),
    '2026-10-08',
    isAcmeStandard,
    '2',
    '2026-10-08',
  );
  credit(
    find('reseller-standard', 'customer-acme', '2026-10-01', 'RESELLER_STOREFRONT', 'BILLING_SERVICE'),
    '2026-10-08',
    isAcmeStandard,
    '2',
    '2026-10-08',
  );
  credit(
    find(DISTRIBUTOR, 'reseller-upgraded', '2026-11-01', 'RESELLER_STOREFRONT', 'BILLING_SERVICE'),
    '2026-11-10',
    (i) => i.endCustomerOrgId === 'customer-umbrella' && i.productId === 'm365-business-standard',
    '5',
    '2026-11-01',
  );

  // Ids and numbers: per issuer, in date order.
  all.sort(
    (a, b) =>
      a.row.invoiceDate.localeCompare(b.row.invoiceDate) ||
      a.row.issuerOrgId.localeCompare(b.row.issuerOrgId) ||
      a.row.orgId.localeCompare(b.row.orgId) ||
      a.order - b.order,
  );
  const lastNumbers = new Map<string, number>();
  for (const d of all) {
    const issuer = d.row.issuerOrgId;
    if (d.row.stage === 'ISSUED') {
      const n = (lastNumbers.get(issuer) ?? 0) + 1;
      lastNumbers.set(issuer, n);
      // As the engine numbers them under the demo's options (Requires Custom Bill Number on).
      d.number = formatInvoiceNumber(DEMO_INVOICE_NUMBER_TEMPLATE, {
        orgCode: orgById(issuer).numberPrefix ?? issuer.toUpperCase(),
        invoiceDate: d.row.invoiceDate,
        sequence: n,
      });
      d.id = `inv-${issuer}-${String(n).padStart(6, '0')}`;
    } else {
      d.number = null;
      d.id = `inv-${issuer}-${d.row.stage.toLowerCase()}-${d.row.orgId}-${d.row.periodStart}`;
    }
    d.total = d.items.reduce((s, i) => s.plus(i.amount).plus(i.taxAmount ?? '0'), ZERO);
    d.due = d.row.status === 'CANCELED' ? ZERO : d.total;
  }

  const settlement = settle(all);

  const invoicesOut: InvoiceRow[] = [];
  const itemsOut: ItemRow[] = [];
  const taxesOut: TaxRow[] = [];
  for (const d of all) {
    const id = d.id as string;
    const subtotal = d.items.reduce((s, i) => s.plus(i.amount), ZERO);
    const taxTotal = d.items.reduce((s, i) => s.plus(i.taxAmount ?? '0'), ZERO);
    const status = d.row.status === 'CANCELED' ? 'CANCELED' : (d.due as Decimal).isZero() ? 'PAID' : 'UNPAID';
    invoicesOut.push({
      ...d.row,
      id,
      number: d.number ?? null,
      status: d.row.stage === 'ISSUED' ? status : 'UNPAID',
      subtotal: subtotal.toFixed(2),
      taxTotal: taxTotal.toFixed(2),
      total: subtotal.plus(taxTotal).toFixed(2),
      amountDue: (d.due as Decimal).toFixed(2),
      creditedInvoiceId: d.credited?.id ?? null,
    });
    d.items.forEach((item, i) => {
      itemsOut.push({
        ...item,
        ...tenancyOf(d.row.orgId),
        id: `${id}-${i + 1}`,
        invoiceId: id,
        lineNo: i + 1,
      });
    });
    // One tax line per charge component (taxes computed per line, then summed).
    const byComponent = new Map<string, { base: Decimal; amount: Decimal }>();
    for (const item of d.items) {
      const component = productById(item.productId as string).term === 'USAGE' ? 'USAGE' : 'RECURRING';
      const t = byComponent.get(component) ?? { base: ZERO, amount: ZERO };
      byComponent.set(component, {
        base: t.base.plus(item.amount),
        amount: t.amount.plus(item.taxAmount ?? '0'),
      });
    }
    [...byComponent.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .forEach(([component, t], i) => {
        taxesOut.push({
          ...tenancyOf(d.row.orgId),
          invoiceId: id,
          lineNo: i + 1,
          code: 'VAT21',
          type: 'VAT',
          chargeComponent: component as 'RECURRING' | 'USAGE',
          percent: VAT_PERCENT,
          base: t.base.toFixed(2),
          amount: t.amount.toFixed(2),
        });
      });
  }
  return { invoices: invoicesOut, items: itemsOut, taxes: taxesOut, lastNumbers, ...settlement };
}

/**
 * Replays the year's money movements per account in date order with the rule of SPEC §4:
 * invoices up to September are paid 14 days after their date, October's half, November's not at
 * all; Acme prepays 300.00 and gets 25.00 refunded; credit invoices are linked to their debit.
 */
function settle(all: Draft[]) {
  type Event = { date: string; rank: number; run: () => void };
  const paymentsOut: PaymentRow[] = [];
  const allocationsOut: AllocationRow[] = [];
  const refundsOut: RefundRow[] = [];
  const ledgerOut: LedgerRow[] = [];
  const balances = new Map<string, string>();
  const clients = [...new Set(all.filter((d) => d.row.stage === 'ISSUED').map((d) => d.row.orgId))].sort();

  for (const client of clients) {
    const account = accountIdOf(client);
    const issuer = issuerOf(client);
    const tenancy = tenancyOf(client);
    const open: Draft[] = [];
    let balance = ZERO;
    let seq = 0;
    const next = (prefix: string) => `${prefix}-${client}-${String(++seq).padStart(3, '0')}`;
    const entry = (
      date: string,
      amount: Decimal,
      documentType: LedgerRow['documentType'],
      documentId: string,
    ) =>
      ledgerOut.push({
        ...tenancy,
        accountId: account,
        currency: CURRENCY,
        amount: amount.toFixed(2),
        entryDate: date,
        documentType,
        documentId,
      });
    const settleOpen = (date: string) => {
      while (open[0] && balance.greaterThanOrEqualTo(open[0].due as Decimal)) {
        const inv = open.shift() as Draft;
        const amount = inv.due as Decimal;
        const id = next('alloc');
        allocationsOut.push({
          ...tenancy,
          id,
          accountId: account,
          debitInvoiceId: inv.id as string,
          source: 'BALANCE',
          amount: amount.toFixed(2),
          currency: CURRENCY,
          createdAt: `${date}T12:00:00.000Z`,
        });
        entry(date, amount.neg(), 'ALLOCATION', id);
        balance = balance.minus(amount);
        inv.due = ZERO;
      }
    };
    const events: Event[] = [];
    const mine = all.filter(
      (d) => d.row.orgId === client && d.row.stage === 'ISSUED' && d.row.status !== 'CANCELED',
    );
    for (const inv of mine) {
      if (inv.row.type === 'DEBIT') {
        events.push({ date: inv.row.invoiceDate, rank: 0, run: () => open.push(inv) });
        const date = inv.row.invoiceDate;
        const share = date < '2026-10-01' ? 1 : date < '2026-11-01' ? 0.5 : 0;
        if (share > 0) {
          const payDate = addDays(date, 14);
          const amount = roundAmount((inv.total as Decimal).times(share), CURRENCY);
          events.push({
            date: payDate,
            rank: 2,
            run: () => {
              const id = next('pay');
              paymentsOut.push({
                ...tenancy,
                id,
                accountId: account,
                cashDeskId: `${issuer}-bank`,
                method: 'BANK_TRANSFER',
                reference: `Payment for ${inv.number}`,
                paymentDate: payDate,
                amount: amount.toFixed(2),
                currency: CURRENCY,
                createdAt: `${payDate}T10:00:00.000Z`,
              });
              entry(payDate, amount, 'PAYMENT', id);
              balance = balance.plus(amount);
            },
          });
        }
      } else {
        events.push({
          date: inv.row.invoiceDate,
          rank: 1,
          run: () => {
            const debit = inv.credited as Draft;
            const amount = Decimal.min(inv.total as Decimal, debit.due as Decimal);
            if (amount.isZero()) return;
            allocationsOut.push({
              ...tenancy,
              id: next('alloc'),
              accountId: account,
              debitInvoiceId: debit.id as string,
              source: 'CREDIT_INVOICE',
              creditInvoiceId: inv.id as string,
              amount: amount.toFixed(2),
              currency: CURRENCY,
              createdAt: `${inv.row.invoiceDate}T12:00:00.000Z`,
            });
            debit.due = (debit.due as Decimal).minus(amount);
            inv.due = (inv.total as Decimal).minus(amount);
            if ((debit.due as Decimal).isZero()) open.splice(open.indexOf(debit), 1);
          },
        });
      }
    }
    if (client === 'customer-acme') {
      events.push({
        date: '2026-10-05',
        rank: 2,
        run: () => {
          const id = next('pay');
          paymentsOut.push({
            ...tenancy,
            id,
            accountId: account,
            cashDeskId: `${issuer}-bank`,
            method: 'CARD',
            reference: 'Prepayment',
            paymentDate: '2026-10-05',
            amount: '300.00',
            currency: CURRENCY,
            createdAt: '2026-10-05T10:00:00.000Z',
          });
          entry('2026-10-05', new Decimal(300), 'PAYMENT', id);
          balance = balance.plus(300);
        },
      });
      events.push({
        date: '2026-11-20',
        rank: 3,
        run: () => {
          const amount = Decimal.min(new Decimal(25), balance);
          if (amount.isZero()) return;
          const id = next('refund');
          refundsOut.push({
            ...tenancy,
            id,
            accountId: account,
            cashDeskId: `${issuer}-bank`,
            refundDate: '2026-11-20',
            amount: amount.toFixed(2),
            currency: CURRENCY,
            reason: 'Overpayment returned',
            createdAt: '2026-11-20T10:00:00.000Z',
          });
          entry('2026-11-20', amount.neg(), 'REFUND', id);
          balance = balance.minus(amount);
        },
      });
    }
    events.sort((a, b) => a.date.localeCompare(b.date) || a.rank - b.rank);
    for (const e of events) {
      e.run();
      settleOpen(e.date);
    }
    balances.set(account, balance.toFixed(2));
  }
  return {
    payments: paymentsOut,
    allocations: allocationsOut,
    refunds: refundsOut,
    ledger: ledgerOut,
    balances,
  };
}

export { PRODUCTS };
