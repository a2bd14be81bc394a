/**
 * Manual invoices (SPEC §3): a seller (a distributor or reseller's ADMIN or BILLING_MANAGER) drafts
 * an invoice to one of its own clients (a PROFORMA: no number, in no balance), then issues it: it
 * is numbered from the issuer's gapless counter and enters the client's balance through the
 * ledger's `issueDebitInvoice` (money already on the balance settles it at once), in one
 * transaction. Issuing an issued invoice again changes nothing and answers the same.
 */
import {
  BillingCoreError,
  Decimal,
  formatAmount,
  issueDebitInvoice,
  isValidIsoDate,
  MAX_DOCUMENT_TOTAL,
  type TaxDefinition,
  toDayNumber,
} from '@cascade/billing-core';
import {
  billingProfileOptions,
  marketplaceScope,
  queryRows,
  type Transaction,
  taxDefinitions,
  taxRates,
} from '@cascade/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import type { Session } from '../../platform/tenancy';
import { dateInput, idInput, runCommand, today } from '../ledger/command';
import { type AccountRow, lockAccounts, readAccounts, readInvoices } from '../ledger/store';
import { computeManualInvoice } from './manual-lines';
import { takeInvoiceNumber } from './numbering';

const sellerGuard = {
  roles: ['ADMIN', 'BILLING_MANAGER'] as const,
  orgKinds: ['DISTRIBUTOR', 'RESELLER'] as const,
};

/** Ten years and their leap days. */
const MAX_SERVICE_PERIOD_DAYS = 3653;

/**
 * Up to 12 digits before the point, as a subscription's: Customer Charges sorts and filters the
 * quantity as an integer of ten-thousandths (`quantity_e4`, a bigint), which overflows at a quantity
 * of about 9.2 × 10^14.
 */
const quantityInput = z
  .string()
  .max(40)
  .regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,4})?$/, {
    error: 'A positive quantity, at most 12 digits before the point and 4 after',
  })
  .refine((v) => Number(v) > 0, { error: 'Must be more than zero' });
const unitPriceInput = z
  .string()
  .max(40)
  .regex(/^(0|[1-9][0-9]{0,13})(\.[0-9]{1,6})?$/, {
    error: 'A price such as "12.50": no sign, up to 6 decimals',
  });

export const manualLineSchema = z.strictObject({
  description: z
    .string()
    .trim()
    .min(1, { error: 'Describe what is billed' })
    .max(500, { error: 'At most 500 characters' }),
  quantity: quantityInput,
  unit: z.string().trim().min(1).max(30).optional().describe('Each, Month, Hour, …; default Each.'),
  unitPrice: unitPriceInput,
  taxIds: z
    .array(idInput)
    .max(5)
    .optional()
    .describe("The marketplace's tax definitions that apply to the line (GET /api/v1/invoices/taxes)."),
  periodStart: dateInput.optional().describe('Default: the invoice date.'),
  periodEnd: dateInput.optional().describe('Default: the period start.'),
});

export const manualInvoiceBody = z
  .strictObject({
    accountId: idInput.describe("The client's account (one of the caller's own clients)."),
    invoiceDate: dateInput.optional(),
    lines: z
      .array(manualLineSchema)
      .min(1, { error: 'Add at least one line' })
      .max(500, { error: 'At most 500 lines' }),
  })
  .superRefine((body, ctx) => {
    body.lines.forEach((line, i) => {
      const start = line.periodStart;
      if (start && line.periodEnd && line.periodEnd < start) {
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'periodEnd'],
          message: 'Must not be before the period start',
        });
      } else if (line.periodEnd) {
        // Revenue is recognized per day or month of the period: a period of centuries is a typo.
        // (This runs even when a date failed its own check: those are named there.)
        const from = start ?? body.invoiceDate ?? today();
        const valid = isValidIsoDate(line.periodEnd) && isValidIsoDate(from);
        if (valid && toDayNumber(line.periodEnd) - toDayNumber(from) >= MAX_SERVICE_PERIOD_DAYS) {
          ctx.addIssue({
            code: 'custom',
            path: ['lines', i, 'periodEnd'],
            message: 'A line covers at most 10 years of service',
          });
        }
      }
      if (line.taxIds && new Set(line.taxIds).size !== line.taxIds.length) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'taxIds'], message: 'A tax is named twice' });
      }
    });
  })
  .meta({ id: 'ManualInvoiceRequest' });

export const taxOptionSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    type: z.string(),
    chargeComponent: z.string(),
    percent: z.string().nullable().describe('The rate in force today; null when none is.'),
  })
  .meta({ id: 'TaxOption' });

interface LoadedTax extends TaxDefinition {
  id: string;
  name: string;
}

/** The marketplace's tax definitions with their dated rates. */
async function loadTaxes(tx: Transaction, session: Session, ids?: readonly string[]): Promise<LoadedTax[]> {
  const where = [marketplaceScope(taxDefinitions, session.tenant)];
  if (ids) {
    if (ids.length === 0) return [];
    where.push(inArray(taxDefinitions.id, [...ids]));
  }
  const defs = await tx
    .select()
    .from(taxDefinitions)
    .where(and(...where))
    .orderBy(asc(taxDefinitions.code), asc(taxDefinitions.id));
  if (defs.length === 0) return [];
  const rates = await tx
    .select()
    .from(taxRates)
    .where(
      and(
        eq(taxRates.distributorId, session.tenant.distributorId),
        inArray(
          taxRates.taxDefinitionId,
          defs.map((d) => d.id),
        ),
      ),
    );
  return defs.map((d) => ({
    id: d.id,
    name: d.name,
    code: d.code,
    type: d.type,
    chargeComponent: d.chargeComponent,
    rates: rates
      .filter((r) => r.taxDefinitionId === d.id)
      .map((r) => ({ from: r.validFrom, percent: r.percent })),
  }));
}

/** The seller of the account must be the caller: a seller bills its own clients only. */
function assertOwnClient(session: Session, account: AccountRow, field: string): void {
  if (account.issuerOrgId !== session.tenant.orgId) {
    throw new ApiError('forbidden', `Account ${account.id} is not one of your clients' accounts`, {
      [field]: 'Not an account you bill',
    });
  }
}

async function numberingOptions(tx: Transaction, distributorId: string) {
  const [options] = await tx
    .select({
      requiresCustomBillNumber: billingProfileOptions.requiresCustomBillNumber,
      template: billingProfileOptions.customBillNumberTemplate,
      aggregateTaxes: billingProfileOptions.enableTaxAggregation,
    })
    .from(billingProfileOptions)
    .where(eq(billingProfileOptions.distributorId, distributorId))
    .limit(1);
  return {
    requiresCustomBillNumber: options?.requiresCustomBillNumber ?? false,
    template: options?.template ?? null,
    aggregateTaxes: options?.aggregateTaxes ?? false,
  };
}

/** The issuer's next number, taken in this transaction (a rollback gives it back): no gaps. */
async function takeNumber(
  tx: Transaction,
  args: { distributorId: string; issuerOrgId: string; invoiceDate: string },
): Promise<string> {
  const options = await numberingOptions(tx, args.distributorId);
  const { number } = await takeInvoiceNumber(tx, { ...args, rule: options });
  return number;
}

/** Writes a PROFORMA debit invoice with its items and taxes; returns its id. */
export async function createDraft(
  tx: Transaction,
  session: Session,
  body: z.infer<typeof manualInvoiceBody>,
): Promise<string> {
  const account = (await readAccounts(tx, session.tenant, [body.accountId])).get(body.accountId)!;
  assertOwnClient(session, account, 'accountId');
  const invoiceDate = body.invoiceDate ?? today();
  const wanted = [...new Set(body.lines.flatMap((l) => l.taxIds ?? []))];
  const taxes = new Map((await loadTaxes(tx, session, wanted)).map((t) => [t.id, t]));
  const lines = body.lines.map((line, i) => ({
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    taxes: (line.taxIds ?? []).map((id, k) => {
      const tax = taxes.get(id);
      if (!tax)
        throw new ApiError('unprocessable', `No tax ${id} in this marketplace`, {
          [`lines.${i}.taxIds.${k}`]: 'No such tax',
        });
      return tax;
    }),
  }));
  const options = await numberingOptions(tx, account.distributorId);
  let figures: ReturnType<typeof computeManualInvoice>;
  try {
    figures = computeManualInvoice(lines, {
      currency: account.currency,
      invoiceDate,
      aggregateTaxes: options.aggregateTaxes,
    });
  } catch (error) {
    if (error instanceof BillingCoreError) {
      // A tax without a rate in force on the invoice date: name the line's tax.
      const line = lines.findIndex((l) => l.taxes.some((t) => error.message.includes(t.code)));
      throw new ApiError('unprocessable', error.message, {
        [line >= 0 ? `lines.${line}.taxIds` : 'invoiceDate']: error.message,
      });
    }
    throw error;
  }
  if (!figures.total.greaterThan(0)) {
    throw new ApiError('unprocessable', 'The invoice total must be more than zero', {
      lines: 'The lines add up to nothing',
    });
  }
  if (figures.total.greaterThanOrEqualTo(MAX_DOCUMENT_TOTAL)) {
    // Named on the line that weighs most; every figure of the invoice is at most its total.
    const largest = figures.lines.reduce((a, b) => (b.amount.greaterThan(a.amount) ? b : a));
    const message = `The invoice total must stay below ${MAX_DOCUMENT_TOTAL.toFixed()}`;
    throw new ApiError('unprocessable', message, { [`lines.${largest.lineNo - 1}.unitPrice`]: message });
  }
  const money = (v: { toString(): string }) => formatAmount(v.toString(), account.currency);
  const id = crypto.randomUUID();
  const owner = {
    distributor_id: account.distributorId,
    reseller_id: account.resellerId,
    org_id: account.orgId,
  };
  const periods = body.lines.map((l) => {
    const start = l.periodStart ?? invoiceDate;
    return { start, end: l.periodEnd ?? start };
  });
  const invoiceRow = {
    ...owner,
    id,
    issuer_org_id: account.issuerOrgId,
    account_id: account.id,
    stage: 'PROFORMA',
    type: 'DEBIT',
    status: 'UNPAID',
    number: null,
    invoice_date: invoiceDate,
    period_start: periods.map((p) => p.start).sort()[0],
    period_end: periods
      .map((p) => p.end)
      .sort()
      .at(-1),
    currency: account.currency,
    subtotal: money(figures.subtotal),
    tax_total: money(figures.taxTotal),
    total: money(figures.total),
    amount_due: money(figures.total),
    channel: session.tenant.orgKind === 'DISTRIBUTOR' ? 'DISTRIBUTOR_STOREFRONT' : 'RESELLER_STOREFRONT',
    source: 'MANUAL',
  };
  await tx.execute(sql`insert into invoices select * from jsonb_populate_record(null::invoices,
    ${JSON.stringify({ ...invoiceRow, created_at: new Date().toISOString() })}::jsonb)`);
  const items = body.lines.map((line, i) => ({
    ...owner,
    id: `${id}-${i + 1}`,
    invoice_id: id,
    line_no: i + 1,
    product_type: 'MANUAL',
    product_name: line.description,
    description: line.description,
    period_start: periods[i]!.start,
    period_end: periods[i]!.end,
    quantity: line.quantity,
    unit: line.unit ?? 'Each',
    unit_price: line.unitPrice,
    discount: '0',
    amount: money(figures.lines[i]!.amount),
    tax_amount: money(figures.lines[i]!.taxAmount),
  }));
  await tx.execute(sql`insert into invoice_items select * from jsonb_populate_recordset(null::invoice_items,
    ${JSON.stringify(items)}::jsonb)`);
  if (figures.taxes.length > 0) {
    const taxRows = figures.taxes.map((t) => ({
      ...owner,
      invoice_id: id,
      line_no: t.lineNo,
      code: t.code,
      type: t.type,
      charge_component: t.chargeComponent,
      percent: t.percent.toFixed(),
      base: money(t.base),
      amount: money(t.amount),
    }));
    await tx.execute(sql`insert into invoice_taxes select * from jsonb_populate_recordset(null::invoice_taxes,
      ${JSON.stringify(taxRows)}::jsonb)`);
  }
  return id;
}

/**
 * Issues a draft: numbers it and hands it to the ledger. An invoice already issued is answered as
 * it is (issuing is idempotent); a PENDING one waiting for the external tax service is refused.
 */
export async function issueDraft(
  tx: Transaction,
  session: Session,
  requestId: string,
  id: string,
): Promise<void> {
  const first = (await readInvoices(tx, session.tenant, [id], 'id')).get(id)!;
  if (first.issuerOrgId !== session.tenant.orgId) {
    throw ApiError.forbidden(`Only the issuer of invoice ${id} may issue it`);
  }
  // With the account locked, so two concurrent issues of one draft number it once.
  await lockAccounts(tx, session.tenant, [first.accountId], 'id');
  const invoice = (await readInvoices(tx, session.tenant, [id], 'id')).get(id)!;
  if (invoice.stage === 'ISSUED') return;
  const [pending] = await queryRows<{ pending_error: string | null }>(
    tx,
    sql`select pending_error from invoices where distributor_id = ${invoice.distributorId} and id = ${id}`,
  );
  if (pending?.pending_error) {
    throw new ApiError('unprocessable', `Invoice ${id} waits for its taxes: ${pending.pending_error}`, {
      id: 'Taxes not known yet',
    });
  }
  await runCommand(tx, {
    session,
    requestId,
    accountIds: [invoice.accountId],
    accountField: 'id',
    // The request names the draft only: its figures' refusals are the draft's.
    fields: { total: 'id', date: 'id' },
    settle: (locked) => new Map([[invoice.accountId, new Decimal(locked.get(invoice.accountId)!.balance)]]),
    rule: (state) =>
      issueDebitInvoice(state, {
        id: invoice.id,
        accountId: invoice.accountId,
        date: invoice.invoiceDate,
        total: formatAmount(invoice.total, invoice.currency),
        currency: invoice.currency,
      }),
    beforeWrite: async (t) => {
      const number = await takeNumber(t, {
        distributorId: invoice.distributorId,
        issuerOrgId: invoice.issuerOrgId,
        invoiceDate: invoice.invoiceDate,
      });
      await t.execute(sql`update invoices set stage = 'ISSUED', number = ${number}, status = 'UNPAID',
          amount_due = total, issued_at = now()
        where distributor_id = ${invoice.distributorId} and id = ${invoice.id} and stage <> 'ISSUED'`);
    },
    audit: { action: 'invoice.issue', entityType: 'invoice' },
  });
}

export const manualInvoiceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/invoices/taxes',
    summary: "The marketplace's taxes a manual invoice line may carry, with today's rate",
    tags: ['invoices'],
    auth: sellerGuard,
    response: z.object({ rows: z.array(taxOptionSchema) }),
    async handler({ session, withTenant }) {
      const taxes = await withTenant((tx) => loadTaxes(tx, session));
      const now = today();
      return {
        rows: taxes.map((t) => {
          const current = [...t.rates].sort((a, b) => (a.from < b.from ? 1 : -1)).find((r) => r.from <= now);
          return {
            id: t.id,
            code: t.code,
            name: t.name,
            type: t.type,
            chargeComponent: t.chargeComponent,
            percent: current ? new Decimal(current.percent).toFixed() : null,
          };
        }),
      };
    },
  }),
];
