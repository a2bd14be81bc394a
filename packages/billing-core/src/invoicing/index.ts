/**
 * Invoice generation, after Kill Bill's InvoiceGenerator: the invoices due are computed from the
 * subscriptions, the billing options, the invoices that already exist and the invoice date, and
 * only what is not yet billed is emitted, so running it again with its own output as existing
 * invoices gives nothing new.
 *
 * - Every billing period starting on or before the invoice date is billed, in advance.
 * - A line counts as billed for a period when an existing, non-canceled invoice has a line with
 *   its id whose range overlaps that period (canceled ones count only when Regenerate Cancelled
 *   Invoice is No). Drafts (pending, proforma) count as billed: a second run must not duplicate them.
 * - BILLING_PERIOD_WISE: one invoice per account and billing period; CONSOLIDATED: one invoice per
 *   account for the run.
 * - Enable Consolidated Priceline: all services of one subscription in one period on one priceline;
 *   taxes are still computed per service (`charges` keeps the services).
 * - Totals are sums of stored rounded parts: subtotal = Σ line amounts, taxTotal = Σ tax amounts.
 * - Output is sorted (account, period, subscription, line), so it does not depend on input order.
 */
import {
  billingPeriods,
  type DateRange,
  type IsoDate,
  LAST_DATE,
  maxDate,
  minDate,
  overlap,
  parseIsoDate,
  type Term,
} from '../calendar';
import { BillingCoreError } from '../errors';
import {
  allocate,
  type CurrencyCode,
  currencyDecimals,
  Decimal,
  type DecimalValue,
  formatAmount,
  parseDecimal,
  parseUnitPrice,
  UNIT_PRICE_DECIMALS,
} from '../money';
import { type BillingOptions, resolveBillingOptions } from '../options';
import type { PricingSnapshot } from '../pricing';
import { installmentDescription, type ProrataRule, periodMonths, rateWithMonths } from '../rating';
import {
  computeTaxes,
  type ExternalTaxOutcome,
  type ExternalTaxRequest,
  type TaxableCharge,
  type TaxDefinition,
  type TaxLine,
} from '../taxes';

export interface SubscriptionLineInput {
  id: string;
  description: string;
  unitPrice: DecimalValue;
  adHocPrice?: DecimalValue | null;
  quantity: DecimalValue;
  term: Term;
  flatDiscount?: DecimalValue | null;
  prorataRule?: ProrataRule;
  /** Bought in installments: billed for this many periods, each numbered in the description. */
  installments?: number | null;
  taxes?: readonly TaxDefinition[];
  /** The product of the item (SPEC §3), carried to the charge. */
  product?: { type: string; name: string } | null;
  /** The pricing snapshot (unit cost, strategy, markup, SRP) Customer Charges needs, carried as is. */
  pricingSnapshot?: PricingSnapshot | null;
  /** The line's own service dates, within the subscription's (a line added or removed later). */
  startDate?: IsoDate | null;
  endDate?: IsoDate | null;
}

export interface SubscriptionInput {
  id: string;
  name?: string;
  accountId: string;
  orderDate: IsoDate;
  startDate: IsoDate;
  /** Last day of service (disconnection day, which is still used). */
  endDate?: IsoDate | null;
  billingFrequencyMonths: number;
  lines: readonly SubscriptionLineInput[];
}

/** What an existing invoice already billed: generated invoices fit this shape as they are. */
export interface ExistingInvoice {
  accountId: string;
  status?: string;
  lines: readonly {
    subscriptionId: string;
    lineIds: readonly string[];
    periodStart: IsoDate;
    periodEnd: IsoDate;
  }[];
}

export interface GenerateInvoicesInput {
  currency: CurrencyCode;
  invoiceDate: IsoDate;
  options?: Partial<BillingOptions>;
  subscriptions: readonly SubscriptionInput[];
  existingInvoices?: readonly ExistingInvoice[];
}

/** One service's charge for one period. */
export interface ServiceCharge {
  lineId: string;
  description: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  quantity: Decimal;
  unitPrice: Decimal;
  gross: Decimal;
  discount: Decimal;
  amount: Decimal;
  installment: { number: number; count: number } | null;
  /** The unit of the quantity, from the term: Month or Annually. */
  unit: 'Month' | 'Annually';
  product: { type: string; name: string } | null;
  pricingSnapshot: PricingSnapshot | null;
}

export interface InvoiceLine {
  subscriptionId: string;
  lineIds: string[];
  description: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  quantity: Decimal;
  unitPrice: Decimal;
  discount: Decimal;
  amount: Decimal;
  /** The services on this priceline (one, or all of a subscription's with Consolidated Priceline). */
  charges: ServiceCharge[];
}

export interface GeneratedInvoice {
  accountId: string;
  currency: CurrencyCode;
  invoiceDate: IsoDate;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  lines: InvoiceLine[];
  taxes: TaxLine[];
  subtotal: Decimal;
  taxTotal: Decimal;
  total: Decimal;
  /** PENDING while taxes are awaited from the external tax service (or it failed: `taxError`). */
  status: 'READY' | 'PENDING';
  taxError: { code: string; message: string } | null;
}

const ZERO = new Decimal(0);

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface PendingCharge {
  subscription: SubscriptionInput;
  period: DateRange;
  charge: ServiceCharge;
  taxes: readonly TaxDefinition[];
}

function billedRanges(input: GenerateInvoicesInput, options: BillingOptions): Map<string, DateRange[]> {
  const billed = new Map<string, DateRange[]>();
  for (const invoice of input.existingInvoices ?? []) {
    if (invoice.status === 'CANCELED' && options.regenerateCancelledInvoice) continue;
    for (const line of invoice.lines) {
      for (const lineId of line.lineIds) {
        const key = `${line.subscriptionId}\u0000${lineId}`;
        const ranges = billed.get(key);
        const range = { start: line.periodStart, end: line.periodEnd };
        if (ranges) ranges.push(range);
        else billed.set(key, [range]);
      }
    }
  }
  return billed;
}

function isBilled(
  billed: Map<string, DateRange[]>,
  subscriptionId: string,
  lineId: string,
  range: DateRange,
): boolean {
  const ranges = billed.get(`${subscriptionId}\u0000${lineId}`);
  return ranges?.some((r) => overlap(r, range) !== null) ?? false;
}

function collectCharges(input: GenerateInvoicesInput, options: BillingOptions): PendingCharge[] {
  const billed = billedRanges(input, options);
  const rating = {
    monthDefinition: options.monthDefinition,
    requiredProrataFlatDiscount: options.requiredProrataFlatDiscount,
    generateZeroValueCharge: options.generateZeroValueCharge,
  };
  const pending: PendingCharge[] = [];
  for (const [s, subscription] of input.subscriptions.entries()) {
    const field = `subscriptions.${s}`;
    parseIsoDate(subscription.orderDate, `${field}.orderDate`);
    parseIsoDate(subscription.startDate, `${field}.startDate`);
    if (subscription.endDate) parseIsoDate(subscription.endDate, `${field}.endDate`);
    const periods = billingPeriods({
      startDate: subscription.startDate,
      frequencyMonths: subscription.billingFrequencyMonths,
      prorataInclusive: options.prorataInclusive,
      until: input.invoiceDate,
      endDate: subscription.endDate ?? null,
    });
    // Lines of one subscription mostly share their ranges: compute each range's months once.
    const monthsOf = new Map<string, ReturnType<typeof periodMonths>>();
    const months = (range: DateRange) => {
      const key = `${range.start}/${range.end}`;
      let m = monthsOf.get(key);
      if (!m) {
        m = periodMonths(range, options.monthDefinition);
        monthsOf.set(key, m);
      }
      return m;
    };
    for (const line of subscription.lines) {
      let quantity: Decimal | null = null;
      let unitPrice: Decimal | null = null;
      const lineRange: DateRange = {
        start: line.startDate ?? subscription.startDate,
        end: line.endDate ?? subscription.endDate ?? LAST_DATE,
      };
      let installment = 0;
      for (const period of periods) {
        const range = overlap(period, lineRange);
        if (!range) continue;
        installment += 1;
        if (line.installments && installment > line.installments) break;
        if (isBilled(billed, subscription.id, line.id, range)) continue;
        const rated = rateWithMonths(line, range, months(range), input.currency, rating);
        if (!rated) continue;
        quantity ??= new Decimal(line.quantity);
        unitPrice ??= new Decimal(line.adHocPrice ?? line.unitPrice);
        const count = line.installments ?? null;
        pending.push({
          subscription,
          period,
          taxes: line.taxes ?? [],
          charge: {
            lineId: line.id,
            description: count
              ? installmentDescription(line.description, installment, count)
              : line.description,
            periodStart: range.start,
            periodEnd: range.end,
            quantity,
            unitPrice,
            gross: rated.gross,
            discount: rated.discount,
            amount: rated.amount,
            installment: count ? { number: installment, count } : null,
            unit: line.term === 'YEAR' ? 'Annually' : 'Month',
            product: line.product ?? null,
            pricingSnapshot: line.pricingSnapshot ?? null,
          },
        });
      }
    }
  }
  return pending;
}

function sumOf(values: readonly Decimal[]): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

function buildLines(charges: PendingCharge[], consolidate: boolean): InvoiceLine[] {
  const single = (p: PendingCharge): InvoiceLine => ({
    subscriptionId: p.subscription.id,
    lineIds: [p.charge.lineId],
    description: p.charge.description,
    periodStart: p.charge.periodStart,
    periodEnd: p.charge.periodEnd,
    quantity: p.charge.quantity,
    unitPrice: p.charge.unitPrice,
    discount: p.charge.discount,
    amount: p.charge.amount,
    charges: [p.charge],
  });
  if (!consolidate) return charges.map(single);
  const bySubscriptionPeriod = new Map<string, PendingCharge[]>();
  for (const p of charges) {
    const key = `${p.subscription.id}\u0000${p.period.start}`;
    const group = bySubscriptionPeriod.get(key);
    if (group) group.push(p);
    else bySubscriptionPeriod.set(key, [p]);
  }
  return [...bySubscriptionPeriod.values()].map((group) => {
    const first = group[0]!;
    if (group.length === 1) return single(first);
    const services = group.map((p) => p.charge);
    return {
      subscriptionId: first.subscription.id,
      lineIds: services.map((c) => c.lineId),
      description: first.subscription.name ?? services.map((c) => c.description).join(', '),
      periodStart: services.reduce((m, c) => minDate(m, c.periodStart), first.charge.periodStart),
      periodEnd: services.reduce((m, c) => maxDate(m, c.periodEnd), first.charge.periodEnd),
      quantity: new Decimal(1),
      unitPrice: sumOf(services.map((c) => c.gross)),
      discount: sumOf(services.map((c) => c.discount)),
      amount: sumOf(services.map((c) => c.amount)),
      charges: services,
    };
  });
}

function comparePending(a: PendingCharge, b: PendingCharge): number {
  return (
    compareText(a.subscription.accountId, b.subscription.accountId) ||
    compareText(a.period.start, b.period.start) ||
    compareText(a.period.end, b.period.end) ||
    compareText(a.subscription.id, b.subscription.id) ||
    compareText(a.charge.periodStart, b.charge.periodStart) ||
    compareText(a.charge.lineId, b.charge.lineId)
  );
}

export function generateInvoices(input: GenerateInvoicesInput): GeneratedInvoice[] {
  const options = resolveBillingOptions(input.options);
  currencyDecimals(input.currency);
  parseIsoDate(input.invoiceDate, 'invoiceDate');
  const pending = collectCharges(input, options).sort(comparePending);

  const groups = new Map<string, PendingCharge[]>();
  for (const p of pending) {
    const key =
      options.invoiceGenerationRule === 'CONSOLIDATED'
        ? p.subscription.accountId
        : `${p.subscription.accountId}\u0000${p.period.start}\u0000${p.period.end}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }

  const invoices: GeneratedInvoice[] = [];
  for (const group of groups.values()) {
    const lines = buildLines(group, options.enableConsolidatedPriceline);
    const taxable: TaxableCharge[] = group.map((p) => ({
      id: chargeTaxId(p.subscription.id, p.charge),
      amount: p.charge.amount,
      taxes: p.taxes,
      taxDate: options.taxOnInvoiceDate ? input.invoiceDate : p.subscription.orderDate,
    }));
    const external = options.externalTaxIntegrationRequired;
    const taxes = external
      ? []
      : computeTaxes(taxable, { aggregate: options.enableTaxAggregation, currency: input.currency });
    const subtotal = sumOf(lines.map((l) => l.amount));
    const taxTotal = sumOf(taxes.map((t) => t.amount));
    invoices.push({
      accountId: group[0]!.subscription.accountId,
      currency: input.currency,
      invoiceDate: input.invoiceDate,
      periodStart: group.reduce((m, p) => minDate(m, p.period.start), group[0]!.period.start),
      periodEnd: group.reduce((m, p) => maxDate(m, p.period.end), group[0]!.period.end),
      lines,
      taxes,
      subtotal,
      taxTotal,
      total: subtotal.plus(taxTotal),
      status: external ? 'PENDING' : 'READY',
      taxError: null,
    });
  }
  return invoices.sort(
    (a, b) =>
      compareText(a.accountId, b.accountId) ||
      compareText(a.periodStart, b.periodStart) ||
      compareText(a.periodEnd, b.periodEnd),
  );
}

// ---- Amount Includes Tax ---------------------------------------------------------------------

export interface DisplayLine {
  line: InvoiceLine;
  /** The line's share of the invoice's taxes. */
  tax: Decimal;
  /** What a list shows: the amount with its tax (Amount Includes Tax = Yes) or without. */
  shown: Decimal;
}

/** The id a charge carries into tax computation (and `TaxLine.chargeIds`). */
export function chargeTaxId(
  subscriptionId: string,
  charge: Pick<ServiceCharge, 'lineId' | 'periodStart'>,
): string {
  return `${subscriptionId}/${charge.lineId}/${charge.periodStart}`;
}

/**
 * Amount Includes Tax: each priceline's share of the taxes. A tax computed on several charges
 * (aggregated) is split over them in proportion to their bases with `allocate`, so the shares add
 * up exactly to the invoice's tax total and the shown amounts to its total.
 */
export function displayLines(invoice: GeneratedInvoice, amountIncludesTax: boolean): DisplayLine[] {
  const lineOfCharge = new Map<string, number>();
  const baseOfCharge = new Map<string, Decimal>();
  invoice.lines.forEach((line, index) => {
    for (const c of line.charges) {
      lineOfCharge.set(chargeTaxId(line.subscriptionId, c), index);
      baseOfCharge.set(chargeTaxId(line.subscriptionId, c), c.amount);
    }
  });
  const taxes = invoice.lines.map(() => ZERO);
  for (const tax of invoice.taxes) {
    const ids = tax.chargeIds.filter((id) => lineOfCharge.has(id));
    if (ids.length === 0) continue;
    const weights = ids.map((id) => baseOfCharge.get(id) ?? ZERO);
    const usable = weights.some((w) => !w.isZero()) ? weights : weights.map(() => 1);
    const parts = allocate({ amount: tax.amount, currency: invoice.currency }, usable);
    ids.forEach((id, i) => {
      const index = lineOfCharge.get(id)!;
      taxes[index] = taxes[index]!.plus(parts[i]!.amount);
    });
  }
  return invoice.lines.map((line, i) => ({
    line,
    tax: taxes[i]!,
    shown: amountIncludesTax ? line.amount.plus(taxes[i]!) : line.amount,
  }));
}

// ---- External Tax Integration ------------------------------------------------------------------

/** The request for the external tax service; tax codes come from the subscriptions' lines. */
export function externalTaxRequest(
  invoice: GeneratedInvoice,
  invoiceKey: string,
  taxesOf: (subscriptionId: string, lineId: string) => readonly TaxDefinition[],
): ExternalTaxRequest {
  return {
    invoiceKey,
    currency: invoice.currency,
    invoiceDate: invoice.invoiceDate,
    lines: invoice.lines.flatMap((line) =>
      line.charges.map((c) => ({
        id: chargeTaxId(line.subscriptionId, c),
        amount: formatAmount(c.amount, invoice.currency),
        taxes: taxesOf(line.subscriptionId, c.lineId).map((t) => ({
          code: t.code,
          type: t.type,
          chargeComponent: t.chargeComponent,
        })),
      })),
    ),
  };
}

/** Apply the tax service's outcome: READY with its taxes and new totals, or PENDING with the error. */
export function withExternalTaxes(invoice: GeneratedInvoice, outcome: ExternalTaxOutcome): GeneratedInvoice {
  if (outcome.status === 'PENDING')
    return {
      ...invoice,
      status: 'PENDING',
      taxError: outcome.error,
      taxes: [],
      taxTotal: ZERO,
      total: invoice.subtotal,
    };
  const taxTotal = sumOf(outcome.taxes.map((t) => t.amount));
  return {
    ...invoice,
    status: 'READY',
    taxError: null,
    taxes: outcome.taxes,
    taxTotal,
    total: invoice.subtotal.plus(taxTotal),
  };
}

// ---- Preview: POST /api/v1/billing/preview -----------------------------------------------------

export interface PreviewTaxInput {
  code: string;
  type: string;
  chargeComponent: string;
  rates: { from: string; percent: string }[];
}

export interface PreviewLineInput {
  id: string;
  description: string;
  unitPrice: string;
  adHocPrice?: string | null;
  quantity: string;
  term: Term;
  flatDiscount?: string | null;
  prorataRule?: ProrataRule;
  installments?: number | null;
  taxes?: PreviewTaxInput[];
}

export interface PreviewSubscriptionInput {
  id: string;
  name?: string;
  accountId: string;
  orderDate: string;
  startDate: string;
  endDate?: string | null;
  billingFrequencyMonths: number;
  lines: PreviewLineInput[];
}

export interface PreviewRequest {
  currency: string;
  invoiceDate: string;
  options?: Partial<BillingOptions>;
  subscriptions: PreviewSubscriptionInput[];
}

export interface PreviewInvoiceLine {
  subscriptionId: string;
  lineIds: string[];
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  amount: string;
}

export interface PreviewTax {
  code: string;
  type: string;
  chargeComponent: string;
  percent: string;
  base: string;
  amount: string;
}

export interface PreviewInvoice {
  accountId: string;
  currency: string;
  invoiceDate: string;
  periodStart: string;
  periodEnd: string;
  lines: PreviewInvoiceLine[];
  taxes: PreviewTax[];
  subtotal: string;
  taxTotal: string;
  total: string;
}

export interface PreviewResponse {
  invoices: PreviewInvoice[];
}

/** A unit price as text: at least the currency's decimals, at most 6. */
export function formatUnitPrice(value: Decimal, currency: CurrencyCode): string {
  const dp = Math.max(currencyDecimals(currency), Math.min(value.decimalPlaces(), UNIT_PRICE_DECIMALS));
  return value.toFixed(dp, Decimal.ROUND_HALF_UP);
}

function parseLine(line: PreviewLineInput, field: string): SubscriptionLineInput {
  if (line.term !== 'MONTH' && line.term !== 'YEAR') {
    throw new BillingCoreError('INVALID_TERM', 'Term must be MONTH or YEAR', `${field}.term`);
  }
  if (line.prorataRule !== undefined && line.prorataRule !== 'DAILY' && line.prorataRule !== 'FULL_MONTH') {
    throw new BillingCoreError(
      'INVALID_PRORATA_RULE',
      'Prorata rule must be DAILY or FULL_MONTH',
      `${field}.prorataRule`,
    );
  }
  if (
    line.installments !== undefined &&
    line.installments !== null &&
    (!Number.isInteger(line.installments) || line.installments < 1)
  ) {
    throw new BillingCoreError(
      'INVALID_INSTALLMENTS',
      'Installments must be a positive integer',
      `${field}.installments`,
    );
  }
  for (const [t, tax] of (line.taxes ?? []).entries()) {
    for (const [r, rate] of tax.rates.entries()) {
      parseIsoDate(rate.from, `${field}.taxes.${t}.rates.${r}.from`);
      parseDecimal(rate.percent, { field: `${field}.taxes.${t}.rates.${r}.percent`, maxDecimals: 6 });
    }
  }
  return {
    id: line.id,
    description: line.description,
    unitPrice: parseUnitPrice(line.unitPrice, `${field}.unitPrice`),
    adHocPrice: line.adHocPrice == null ? null : parseUnitPrice(line.adHocPrice, `${field}.adHocPrice`),
    quantity: parseDecimal(line.quantity, { field: `${field}.quantity`, maxDecimals: 6 }),
    term: line.term,
    flatDiscount:
      line.flatDiscount == null ? null : parseUnitPrice(line.flatDiscount, `${field}.flatDiscount`),
    prorataRule: line.prorataRule ?? 'DAILY',
    installments: line.installments ?? null,
    taxes: line.taxes ?? [],
  };
}

/** The preview: validates (BillingCoreError with the field's path), generates, formats. Stateless. */
export function previewInvoices(request: PreviewRequest): PreviewResponse {
  const currency = request.currency;
  currencyDecimals(currency, 'currency');
  parseIsoDate(request.invoiceDate, 'invoiceDate');
  const subscriptions: SubscriptionInput[] = request.subscriptions.map((s, i) => {
    const field = `subscriptions.${i}`;
    parseIsoDate(s.orderDate, `${field}.orderDate`);
    parseIsoDate(s.startDate, `${field}.startDate`);
    if (s.endDate) parseIsoDate(s.endDate, `${field}.endDate`);
    if (![1, 3, 6, 12].includes(s.billingFrequencyMonths)) {
      throw new BillingCoreError(
        'INVALID_FREQUENCY',
        'Billing frequency must be 1, 3, 6 or 12 months',
        `${field}.billingFrequencyMonths`,
      );
    }
    return { ...s, lines: s.lines.map((l, j) => parseLine(l, `${field}.lines.${j}`)) };
  });
  const invoices = generateInvoices({
    currency,
    invoiceDate: request.invoiceDate,
    options: request.options ?? {},
    subscriptions,
  });
  const amount = (v: Decimal) => formatAmount(v, currency);
  return {
    invoices: invoices.map((inv) => ({
      accountId: inv.accountId,
      currency: inv.currency,
      invoiceDate: inv.invoiceDate,
      periodStart: inv.periodStart,
      periodEnd: inv.periodEnd,
      lines: inv.lines.map((l) => ({
        subscriptionId: l.subscriptionId,
        lineIds: l.lineIds,
        description: l.description,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        quantity: l.quantity.toFixed(),
        unitPrice: formatUnitPrice(l.unitPrice, currency),
        discount: amount(l.discount),
        amount: amount(l.amount),
      })),
      taxes: inv.taxes.map((t) => ({
        code: t.code,
        type: t.type,
        chargeComponent: t.chargeComponent,
        percent: t.percent.toFixed(),
        base: amount(t.base),
        amount: amount(t.amount),
      })),
      subtotal: amount(inv.subtotal),
      taxTotal: amount(inv.taxTotal),
      total: amount(inv.total),
    })),
  };
}
