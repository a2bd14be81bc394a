/**
 * The documents a subscription change issues: credit invoices linked to the debit invoice that
 * billed the credited days, and debit invoices charging a new configuration or a new account.
 * Money goes through the ledger's command shell (`runCommand` with billing-core's
 * `issueCreditInvoice` / `issueDebitInvoice`: balance, links, settlement, audit); numbers come from
 * the issuer's gapless counter (invoices/numbering), in the same transaction.
 */
import {
  allocate,
  type BillingOptions,
  computeTaxes,
  Decimal,
  formatAmount,
  issueCreditInvoice,
  issueDebitInvoice,
  MAX_DOCUMENT_TOTAL,
  maxDate,
  minDate,
  roundAmount,
  type TaxDefinition,
  type TaxLine,
  type TaxProvider,
} from '@cascade/billing-core';
import { queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';
import type { Session } from '../../platform/tenancy';
import { quoteOrPending } from '../billing-runs/external-tax';
import { takeInvoiceNumber } from '../invoices/numbering';
import { runCommand } from '../ledger/command';
import type { AccountRow, InvoiceRow } from '../ledger/store';

export interface StoredOptions {
  options: BillingOptions;
  customBillNumberTemplate: string | null;
}

export interface DocContext {
  tx: Transaction;
  session: Session;
  requestId: string;
  stored: StoredOptions;
  /** The day the documents are issued. */
  date: string;
  taxProvider: TaxProvider | null;
}

/** One item of a document; `source` is the debit item credited (its product and snapshot are kept). */
export interface DocItem {
  subscriptionId: string;
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
  amount: Decimal;
  tax: Decimal;
  endCustomerOrgId: string | null;
  unitCost: string | null;
  pricingStrategy: string | null;
  markupPercent: string | null;
  srp: string | null;
}

export interface DocOut {
  id: string;
  type: 'DEBIT' | 'CREDIT';
  stage: 'ISSUED' | 'PENDING';
  number: string | null;
  accountId: string;
  creditedInvoiceId: string | null;
  total: string;
  pendingError: string | null;
}

const ZERO = new Decimal(0);
const sum = (values: Decimal[]) => values.reduce((s, v) => s.plus(v), ZERO);

async function takeNumber(ctx: DocContext, issuerOrgId: string, distributorId: string): Promise<string> {
  const { number } = await takeInvoiceNumber(ctx.tx, {
    distributorId,
    issuerOrgId,
    invoiceDate: ctx.date,
    rule: {
      requiresCustomBillNumber: ctx.stored.options.requiresCustomBillNumber,
      template: ctx.stored.customBillNumberTemplate,
    },
  });
  return number;
}

interface TaxRow {
  code: string;
  type: string;
  chargeComponent: string;
  percent: string;
  base: Decimal;
  amount: Decimal;
}

async function writeRows(
  ctx: DocContext,
  args: {
    id: string;
    type: 'DEBIT' | 'CREDIT';
    stage: 'ISSUED' | 'PENDING';
    number: string | null;
    account: AccountRow;
    channel: string;
    creditedInvoiceId: string | null;
    items: DocItem[];
    taxes: TaxRow[];
    pendingError: string | null;
  },
): Promise<void> {
  const { tx } = ctx;
  const { account } = args;
  const money = (v: Decimal) => formatAmount(v, account.currency);
  const owner = {
    distributor_id: account.distributorId,
    reseller_id: account.resellerId,
    org_id: account.orgId,
  };
  const subtotal = sum(args.items.map((i) => i.amount));
  const taxTotal = sum(args.taxes.map((t) => t.amount));
  const total = subtotal.plus(taxTotal);
  const endCustomers = new Set(args.items.map((i) => i.endCustomerOrgId));
  const credit = args.type === 'CREDIT';
  const row = {
    ...owner,
    id: args.id,
    issuer_org_id: account.issuerOrgId,
    account_id: account.id,
    stage: args.stage,
    type: args.type,
    // A credit invoice owes nothing: the ledger applies its money (SPEC §4).
    status: credit ? 'PAID' : 'UNPAID',
    number: args.number,
    invoice_date: ctx.date,
    period_start: args.items.map((i) => i.periodStart).reduce(minDate),
    period_end: args.items.map((i) => i.periodEnd).reduce(maxDate),
    currency: account.currency,
    subtotal: money(subtotal),
    tax_total: money(taxTotal),
    total: money(total),
    amount_due: credit ? '0' : money(total),
    credited_invoice_id: args.creditedInvoiceId,
    channel: args.channel,
    source: 'API',
    end_customer_org_id: endCustomers.size === 1 ? [...endCustomers][0] : null,
    pending_error: args.pendingError,
    issued_at: args.stage === 'ISSUED' ? new Date().toISOString() : null,
  };
  await tx.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id,
      stage, type, status, number, invoice_date, period_start, period_end, currency, subtotal, tax_total, total,
      amount_due, credited_invoice_id, channel, source, end_customer_org_id, pending_error, issued_at)
    select distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, stage, type, status, number,
      invoice_date, period_start, period_end, currency, subtotal, tax_total, total, amount_due, credited_invoice_id,
      channel, source, end_customer_org_id, pending_error, issued_at
    from jsonb_populate_record(null::invoices, ${JSON.stringify(row)}::jsonb)`);
  const items = args.items.map((i, n) => ({
    ...owner,
    id: `${args.id}-${n + 1}`,
    invoice_id: args.id,
    line_no: n + 1,
    subscription_id: i.subscriptionId,
    subscription_line_id: i.subscriptionLineId,
    product_id: i.productId,
    product_type: i.productType,
    product_name: i.productName,
    description: i.description,
    period_start: i.periodStart,
    period_end: i.periodEnd,
    quantity: i.quantity,
    unit: i.unit,
    unit_price: i.unitPrice,
    discount: '0',
    amount: money(i.amount),
    tax_amount: money(i.tax),
    end_customer_org_id: i.endCustomerOrgId,
    unit_cost: i.unitCost,
    pricing_strategy: i.pricingStrategy,
    markup_percent: i.markupPercent,
    srp: i.srp,
  }));
  await tx.execute(sql`insert into invoice_items select * from jsonb_populate_recordset(null::invoice_items,
    ${JSON.stringify(items)}::jsonb)`);
  if (args.taxes.length > 0) {
    const taxes = args.taxes.map((t, n) => ({
      ...owner,
      invoice_id: args.id,
      line_no: n + 1,
      code: t.code,
      type: t.type,
      charge_component: t.chargeComponent,
      percent: t.percent,
      base: money(t.base),
      amount: money(t.amount),
    }));
    await tx.execute(sql`insert into invoice_taxes select * from jsonb_populate_recordset(null::invoice_taxes,
      ${JSON.stringify(taxes)}::jsonb)`);
  }
}

/**
 * A credit invoice against `debit` for `items` (each item's tax already set: the debit item's tax
 * in proportion). Its taxes are the debit's, scaled to the credited tax, exact to the cent.
 */
export async function issueCredit(
  ctx: DocContext,
  args: { debit: InvoiceRow; channel: string; items: DocItem[]; action: string },
): Promise<DocOut | null> {
  const { tx, session } = ctx;
  const items = args.items.filter((i) => !i.amount.plus(i.tax).isZero());
  if (items.length === 0) return null;
  const { debit } = args;
  const id = crypto.randomUUID();
  const taxTotal = sum(items.map((i) => i.tax));
  const total = sum(items.map((i) => i.amount)).plus(taxTotal);
  const debitTaxes = await queryRows<{
    code: string;
    type: string;
    chargeComponent: string;
    percent: string;
    base: string;
    amount: string;
  }>(
    tx,
    sql`select code, type, charge_component as "chargeComponent", percent::text as percent, base::text as base,
        amount::text as amount from invoice_taxes
      where distributor_id = ${debit.distributorId} and invoice_id = ${debit.id} order by line_no`,
  );
  const debitTaxSum = sum(debitTaxes.map((t) => new Decimal(t.amount)));
  let taxes: TaxRow[] = [];
  if (!taxTotal.isZero() && !debitTaxSum.isZero()) {
    const parts = allocate(
      { amount: taxTotal, currency: debit.currency },
      debitTaxes.map((t) => new Decimal(t.amount)),
    );
    const ratio = taxTotal.dividedBy(debitTaxSum);
    taxes = debitTaxes.map((t, i) => ({
      code: t.code,
      type: t.type,
      chargeComponent: t.chargeComponent,
      percent: t.percent,
      base: roundAmount(new Decimal(t.base).times(ratio), debit.currency),
      amount: parts[i]!.amount,
    }));
  }
  let number: string | null = null;
  await runCommand(tx, {
    session,
    requestId: ctx.requestId,
    accountIds: [debit.accountId],
    invoices: { ids: [debit.id], field: 'invoiceId' },
    // The change asked for no credit figure: a refusal of its credit is the change's as a whole.
    fields: { total: 'request', againstInvoiceId: 'request', accountId: 'request' },
    settle: (locked) =>
      new Map([[debit.accountId, new Decimal(locked.get(debit.accountId)!.balance).plus(total)]]),
    rule: (state, context) =>
      issueCreditInvoice(
        state,
        {
          id,
          accountId: debit.accountId,
          date: ctx.date,
          total: formatAmount(total, debit.currency),
          currency: debit.currency,
          againstInvoiceId: debit.id,
        },
        context,
      ),
    beforeWrite: async (t, _result, locked) => {
      number = await takeNumber(ctx, debit.issuerOrgId, debit.distributorId);
      await writeRows(
        { ...ctx, tx: t },
        {
          id,
          type: 'CREDIT',
          stage: 'ISSUED',
          number,
          account: locked.get(debit.accountId)!,
          channel: args.channel,
          creditedInvoiceId: debit.id,
          items,
          taxes,
          pendingError: null,
        },
      );
    },
    audit: { action: args.action, entityType: 'invoice' },
  });
  return {
    id,
    type: 'CREDIT',
    stage: 'ISSUED',
    number,
    accountId: debit.accountId,
    creditedInvoiceId: debit.id,
    total: formatAmount(total, debit.currency),
    pendingError: null,
  };
}

/**
 * A debit invoice charging `items` now. Taxes as a billing run computes them (per charge or
 * aggregated, rate on the invoice or order date), or from the external tax service when required:
 * if it fails, the invoice stays PENDING with the error, unnumbered and in no balance.
 */
export async function issueCharge(
  ctx: DocContext,
  args: {
    account: AccountRow;
    channel: string;
    items: (DocItem & { taxes: readonly TaxDefinition[] })[];
    orderDate: string;
    action: string;
  },
): Promise<DocOut | null> {
  const { tx, session } = ctx;
  const { account } = args;
  const options = ctx.stored.options;
  const items = args.items.filter((i) => options.generateZeroValueCharge || !i.amount.isZero());
  if (items.length === 0) return null;
  const id = crypto.randomUUID();
  const chargeId = (n: number) =>
    `${items[n]!.subscriptionId}/${items[n]!.subscriptionLineId}/${items[n]!.periodStart}`;
  let taxLines: TaxLine[] = [];
  let pendingError: string | null = null;
  if (options.externalTaxIntegrationRequired) {
    const outcome = await quoteOrPending(ctx.taxProvider, {
      invoiceKey: `change:${id}`,
      currency: account.currency,
      invoiceDate: ctx.date,
      lines: items.map((i, n) => ({
        id: chargeId(n),
        amount: formatAmount(i.amount, account.currency),
        taxes: i.taxes.map((t) => ({ code: t.code, type: t.type, chargeComponent: t.chargeComponent })),
      })),
    });
    if (outcome.status === 'READY') taxLines = outcome.taxes;
    else pendingError = outcome.error.message;
  } else {
    taxLines = computeTaxes(
      items.map((i, n) => ({
        id: chargeId(n),
        amount: i.amount,
        taxes: i.taxes,
        taxDate: options.taxOnInvoiceDate ? ctx.date : args.orderDate,
      })),
      { aggregate: options.enableTaxAggregation, currency: account.currency },
    );
  }
  // Each item's share of the taxes, exact (shares add up to every tax amount).
  const share = items.map(() => ZERO);
  const index = new Map(items.map((_, n) => [chargeId(n), n]));
  for (const t of taxLines) {
    const ns = t.chargeIds.map((c) => index.get(c)).filter((n): n is number => n !== undefined);
    if (ns.length === 0) continue;
    const weights = ns.map((n) => items[n]!.amount);
    const parts = allocate(
      { amount: t.amount, currency: account.currency },
      weights.some((w) => !w.isZero()) ? weights : weights.map(() => new Decimal(1)),
    );
    ns.forEach((n, k) => {
      share[n] = share[n]!.plus(parts[k]!.amount);
    });
  }
  const withTax = items.map((i, n) => ({ ...i, tax: share[n]! }));
  const grouped = new Map<string, TaxRow>();
  for (const t of taxLines) {
    const key = JSON.stringify([t.code, t.type, t.chargeComponent, t.percent.toFixed()]);
    const g = grouped.get(key);
    if (g) {
      g.base = g.base.plus(t.base);
      g.amount = g.amount.plus(t.amount);
    } else
      grouped.set(key, {
        code: t.code,
        type: t.type,
        chargeComponent: t.chargeComponent,
        percent: t.percent.toFixed(),
        base: t.base,
        amount: t.amount,
      });
  }
  const taxes = [...grouped.values()];
  const total = sum(withTax.map((i) => i.amount)).plus(sum(taxes.map((t) => t.amount)));
  if (total.abs().greaterThanOrEqualTo(MAX_DOCUMENT_TOTAL)) {
    const message = `The charge comes to ${total.toFixed()} ${account.currency}: more than an invoice may hold`;
    throw new ApiError('unprocessable', message, { quantity: message, unitPrice: message });
  }
  const base = { id, type: 'DEBIT' as const, accountId: account.id, creditedInvoiceId: null };
  if (pendingError !== null) {
    await writeRows(ctx, {
      id,
      type: 'DEBIT',
      stage: 'PENDING',
      number: null,
      account,
      channel: args.channel,
      creditedInvoiceId: null,
      items: withTax,
      taxes: [],
      pendingError,
    });
    return {
      ...base,
      stage: 'PENDING',
      number: null,
      total: formatAmount(total, account.currency),
      pendingError,
    };
  }
  if (total.isZero()) return null;
  let number: string | null = null;
  await runCommand(tx, {
    session,
    requestId: ctx.requestId,
    accountIds: [account.id],
    settle: (locked) => new Map([[account.id, new Decimal(locked.get(account.id)!.balance)]]),
    rule: (state) =>
      issueDebitInvoice(state, {
        id,
        accountId: account.id,
        date: ctx.date,
        total: formatAmount(total, account.currency),
        currency: account.currency,
      }),
    beforeWrite: async (t, _result, locked) => {
      number = await takeNumber(ctx, account.issuerOrgId, account.distributorId);
      await writeRows(
        { ...ctx, tx: t },
        {
          id,
          type: 'DEBIT',
          stage: 'ISSUED',
          number,
          account: locked.get(account.id)!,
          channel: args.channel,
          creditedInvoiceId: null,
          items: withTax,
          taxes,
          pendingError: null,
        },
      );
    },
    audit: { action: args.action, entityType: 'invoice' },
  });
  return {
    ...base,
    stage: 'ISSUED',
    number,
    total: formatAmount(total, account.currency),
    pendingError: null,
  };
}
