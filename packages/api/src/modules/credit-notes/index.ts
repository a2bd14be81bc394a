/**
 * Credit invoices against a debit invoice (SPEC §3–§4): for chosen items (all or part of their
 * quantity) or for an amount, never more than what remains creditable. The credit is numbered from
 * the issuer's gapless counter in the same transaction, goes to the client's balance and is first
 * applied to what is still due on the debit invoice (billing-core's `issueCreditInvoice`).
 */
import { allocate, Decimal, formatAmount, issueCreditInvoice, roundAmount } from '@cascade/billing-core';
import { billingProfileOptions, invoiceItems, invoiceTaxes, queryRows, type Transaction } from '@cascade/db';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import { takeInvoiceNumber } from '../invoices/numbering';
import { amountInput, dateInput, idInput, ledgerOutcomeSchema, runCommand, today } from '../ledger/command';
import { type AccountRow, type InvoiceRow, readInvoices } from '../ledger/store';

const moneyGuard = {
  roles: ['ADMIN', 'BILLING_MANAGER'] as const,
  orgKinds: ['DISTRIBUTOR', 'RESELLER'] as const,
};

const creditBody = z
  .strictObject({
    date: dateInput.optional(),
    reason: z.string().trim().max(500).optional(),
    amount: amountInput.optional().describe('Credit this amount (tax included, split like the invoice).'),
    items: z
      .array(
        z.strictObject({
          lineNo: z.number().int().min(1),
          quantity: z
            .string()
            .regex(/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,4})?$/, {
              error: 'A positive quantity, up to 4 decimals',
            })
            .optional()
            .describe('Part of the line; omitted: what remains of it.'),
        }),
      )
      .min(1)
      .max(1000)
      .optional()
      .describe('Credit these items of the debit invoice.'),
  })
  .refine((b) => (b.amount === undefined) !== (b.items === undefined), {
    error: 'Give either amount or items',
    path: ['amount'],
  })
  .meta({ id: 'CreditNoteRequest' });

type ItemRow = typeof invoiceItems.$inferSelect;

interface CreditLine {
  source: ItemRow | null;
  lineNo: number;
  quantity: string;
  amount: Decimal;
  tax: Decimal;
}

/** What each chosen line credits: cumulative rounding, so credits of one line never exceed it. */
async function linesFor(
  tx: Transaction,
  invoice: InvoiceRow,
  items: { lineNo: number; quantity?: string | undefined }[],
): Promise<CreditLine[]> {
  const rows = await tx
    .select()
    .from(invoiceItems)
    .where(and(eq(invoiceItems.distributorId, invoice.distributorId), eq(invoiceItems.invoiceId, invoice.id)))
    .orderBy(asc(invoiceItems.lineNo));
  const byLine = new Map(rows.map((r) => [r.lineNo, r]));
  const already = new Map(
    (
      await queryRows<{ line_no: number; quantity: string; amount: string; tax: string }>(
        tx,
        sql`select it.line_no, sum(it.quantity)::text as quantity, sum(it.amount)::text as amount,
            sum(it.tax_amount)::text as tax
          from invoice_items it join invoices c on c.distributor_id = it.distributor_id and c.id = it.invoice_id
          where c.distributor_id = ${invoice.distributorId} and c.credited_invoice_id = ${invoice.id} and c.type = 'CREDIT' and c.status <> 'CANCELED'
            and it.product_type <> 'CREDIT'
          group by it.line_no`,
      )
    ).map((r) => [Number(r.line_no), r]),
  );
  const seen = new Set<number>();
  return items.map((item, index) => {
    const field = `items.${index}`;
    const line = byLine.get(item.lineNo);
    if (!line)
      throw new ApiError('unprocessable', `Invoice has no line ${item.lineNo}`, {
        [`${field}.lineNo`]: 'No such line',
      });
    if (seen.has(item.lineNo))
      throw new ApiError('unprocessable', `Line ${item.lineNo} is named twice`, {
        [`${field}.lineNo`]: 'Named twice',
      });
    seen.add(item.lineNo);
    const prior = already.get(item.lineNo);
    const creditedQty = new Decimal(prior?.quantity ?? 0);
    const fullQty = new Decimal(line.quantity);
    const remainingQty = fullQty.minus(creditedQty);
    const qty = item.quantity === undefined ? remainingQty : new Decimal(item.quantity);
    if (qty.lessThanOrEqualTo(0) || qty.greaterThan(remainingQty)) {
      throw new ApiError(
        'unprocessable',
        `Only ${remainingQty.toFixed()} of line ${item.lineNo} remains creditable`,
        { [`${field}.quantity`]: `At most ${remainingQty.toFixed()}` },
      );
    }
    const share = (total: string, before: string | undefined) => {
      if (fullQty.isZero()) return new Decimal(0);
      const upTo = roundAmount(
        new Decimal(total).times(creditedQty.plus(qty)).dividedBy(fullQty),
        invoice.currency,
      );
      return upTo.minus(before ?? 0);
    };
    return {
      source: line,
      lineNo: line.lineNo,
      quantity: qty.toFixed(),
      amount: share(line.amount, prior?.amount),
      tax: share(line.taxAmount, prior?.tax),
    };
  });
}

/** An amount credit: one line, its tax split in the invoice's own proportion. */
async function amountLine(tx: Transaction, invoice: InvoiceRow, amount: string): Promise<CreditLine[]> {
  const [totals] = await queryRows<{ tax: string; total: string }>(
    tx,
    sql`select tax_total::text as tax, total::text as total from invoices
      where distributor_id = ${invoice.distributorId} and id = ${invoice.id}`,
  );
  const value = new Decimal(/^[0-9.]+$/.test(amount) ? amount : 0);
  const total = new Decimal(totals?.total ?? 0);
  const tax = total.isZero()
    ? new Decimal(0)
    : roundAmount(value.times(totals?.tax ?? 0).dividedBy(total), invoice.currency);
  return [{ source: null, lineNo: 1, quantity: '1', amount: value.minus(tax), tax }];
}

export const creditNoteRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices/:id/credit-notes',
    summary: 'Issue a credit invoice against a debit invoice (items or an amount)',
    description:
      'Never more than what remains creditable. The credit goes to the balance and is first applied to what is still due on the debit invoice; the rest settles other open invoices oldest first.',
    tags: ['credit-notes'],
    auth: moneyGuard,
    moneyMoving: true,
    status: 201,
    request: { params: z.object({ id: idInput }), body: creditBody },
    response: ledgerOutcomeSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const debit = (await readInvoices(tx, session.tenant, [params.id], 'id')).get(params.id)!;
        if (debit.type !== 'DEBIT' || debit.stage !== 'ISSUED') {
          throw new ApiError('unprocessable', 'A credit invoice is issued against an issued debit invoice', {
            id: debit.type !== 'DEBIT' ? 'Not a debit invoice' : 'Not issued',
          });
        }
        let lines: CreditLine[] = [];
        let total = new Decimal(0);
        const id = crypto.randomUUID();
        const date = body.date ?? today();
        return runCommand(tx, {
          session,
          requestId,
          accountIds: [debit.accountId],
          invoices: { ids: [debit.id], field: 'id' },
          fields: { total: body.items ? 'items' : 'amount', againstInvoiceId: 'id', accountId: 'id' },
          // With the account locked, so that concurrent credit notes see each other.
          prepare: async (named) => {
            const current = named.get(debit.id)!;
            lines = body.items
              ? await linesFor(tx, current, body.items)
              : await amountLine(tx, current, body.amount!);
            total = lines.reduce((sum, l) => sum.plus(l.amount).plus(l.tax), new Decimal(0));
          },
          settle: (locked) =>
            new Map([[debit.accountId, new Decimal(locked.get(debit.accountId)!.balance).plus(total)]]),
          rule: (state, context) =>
            issueCreditInvoice(
              state,
              {
                id,
                accountId: debit.accountId,
                date,
                // Too many decimals or zero are the rule's to refuse: pass what was asked.
                total: body.amount ?? formatAmount(total, debit.currency),
                currency: debit.currency,
                againstInvoiceId: debit.id,
              },
              context,
            ),
          beforeWrite: (t, _result, locked) =>
            writeCreditInvoice(t, {
              id,
              date,
              debit,
              lines,
              reason: body.reason,
              account: locked.get(debit.accountId)!,
            }),
          audit: { action: 'credit-note.create', entityType: 'invoice' },
        });
      });
    },
  }),
];

async function writeCreditInvoice(
  tx: Transaction,
  args: {
    id: string;
    date: string;
    debit: InvoiceRow;
    lines: CreditLine[];
    reason?: string | undefined;
    account: AccountRow;
  },
): Promise<void> {
  const { debit, account } = args;
  const d = account.distributorId;
  const money = (v: Decimal) => formatAmount(v, debit.currency);
  const [full] = await queryRows<Record<string, string | null>>(
    tx,
    sql`select number, channel, end_customer_org_id, period_start::text as period_start, period_end::text as period_end,
        subtotal::text as subtotal from invoices where distributor_id = ${d} and id = ${debit.id}`,
  );
  const [options] = await tx
    .select({
      requiresCustomBillNumber: billingProfileOptions.requiresCustomBillNumber,
      template: billingProfileOptions.customBillNumberTemplate,
    })
    .from(billingProfileOptions)
    .where(eq(billingProfileOptions.distributorId, d))
    .limit(1);
  // The issuer's gapless counter: taken in this transaction, given back by a rollback.
  const { number } = await takeInvoiceNumber(tx, {
    distributorId: d,
    issuerOrgId: debit.issuerOrgId,
    invoiceDate: args.date,
    rule: {
      requiresCustomBillNumber: options?.requiresCustomBillNumber ?? false,
      template: options?.template ?? null,
    },
  });
  const subtotal = args.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const taxTotal = args.lines.reduce((s, l) => s.plus(l.tax), new Decimal(0));
  const owner = { distributor_id: d, reseller_id: account.resellerId, org_id: account.orgId };
  const periodStart = full?.period_start ?? debit.invoiceDate;
  const periodEnd = full?.period_end ?? debit.invoiceDate;
  const invoiceRow = {
    ...owner,
    id: args.id,
    issuer_org_id: debit.issuerOrgId,
    account_id: debit.accountId,
    number,
    invoice_date: args.date,
    period_start: periodStart,
    period_end: periodEnd,
    currency: debit.currency,
    subtotal: money(subtotal),
    tax_total: money(taxTotal),
    total: money(subtotal.plus(taxTotal)),
    credited_invoice_id: debit.id,
    channel: full?.channel,
    end_customer_org_id: full?.end_customer_org_id ?? null,
  };
  await tx.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id,
      stage, type, status, number, invoice_date, period_start, period_end, currency, subtotal, tax_total, total,
      amount_due, credited_invoice_id, channel, source, end_customer_org_id, issued_at)
    select distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, 'ISSUED', 'CREDIT', 'PAID', number,
      invoice_date, period_start, period_end, currency, subtotal, tax_total, total, 0, credited_invoice_id, channel,
      'API', end_customer_org_id, now()
    from jsonb_populate_record(null::invoices, ${JSON.stringify(invoiceRow)}::jsonb)`);
  const reason = args.reason ? ` (${args.reason})` : '';
  const items = args.lines.map((l) => {
    const src = l.source;
    return {
      ...owner,
      id: `${args.id}-${l.lineNo}`,
      invoice_id: args.id,
      line_no: l.lineNo,
      subscription_id: src?.subscriptionId ?? null,
      subscription_line_id: src?.subscriptionLineId ?? null,
      product_id: src?.productId ?? null,
      product_type: src?.productType ?? 'CREDIT',
      product_name: src?.productName ?? 'Credit',
      description: `Credit of ${full?.number ?? debit.id}${src ? `: ${src.description}` : ''}${reason}`,
      period_start: src?.periodStart ?? periodStart,
      period_end: src?.periodEnd ?? periodEnd,
      quantity: l.quantity,
      unit: src?.unit ?? 'Each',
      unit_price: src ? src.unitPrice : money(l.amount),
      discount: '0',
      amount: money(l.amount),
      tax_amount: money(l.tax),
      end_customer_org_id: src?.endCustomerOrgId ?? full?.end_customer_org_id ?? null,
      unit_cost: src?.unitCost ?? null,
      pricing_strategy: src?.pricingStrategy ?? null,
      markup_percent: src?.markupPercent ?? null,
      srp: src?.srp ?? null,
    };
  });
  await tx.execute(sql`insert into invoice_items select * from jsonb_populate_recordset(null::invoice_items,
    ${JSON.stringify(items)}::jsonb)`);
  // Taxes: the debit's taxes in proportion to what this credit's tax is.
  const taxes = await tx
    .select()
    .from(invoiceTaxes)
    .where(and(eq(invoiceTaxes.distributorId, d), eq(invoiceTaxes.invoiceId, debit.id)))
    .orderBy(asc(invoiceTaxes.lineNo));
  const taxSum = taxes.reduce((s, t) => s.plus(t.amount), new Decimal(0));
  if (taxes.length > 0 && !taxTotal.isZero() && !taxSum.isZero()) {
    const parts = allocate(
      { amount: taxTotal, currency: debit.currency },
      taxes.map((t) => new Decimal(t.amount)),
    );
    const ratio = taxTotal.dividedBy(taxSum);
    const rows = taxes.map((t, i) => ({
      ...owner,
      invoice_id: args.id,
      line_no: t.lineNo,
      code: t.code,
      type: t.type,
      charge_component: t.chargeComponent,
      percent: t.percent,
      base: money(roundAmount(new Decimal(t.base).times(ratio), debit.currency)),
      amount: money(parts[i]!.amount),
    }));
    await tx.execute(sql`insert into invoice_taxes select * from jsonb_populate_recordset(null::invoice_taxes,
      ${JSON.stringify(rows)}::jsonb)`);
  }
}
