/**
 * Invoices (SPEC §3): the list (received, and for sellers issued), one invoice with its items,
 * taxes, links and amount due, and the two ledger commands aimed at an invoice: cancel, and link a
 * payment or credit invoice to it. Money rules are billing-core's, run through the ledger's shell.
 */
import { cancelInvoice, Decimal, formatAmount, linkToInvoice } from '@cascade/billing-core';
import {
  accounts,
  INVOICE_SOURCES,
  INVOICE_STAGES,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  invoiceItems,
  invoices,
  invoiceTaxes,
  queryRows,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { and, asc, count, desc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import type { Session } from '../../platform/tenancy';
import { amountInput, dateInput, idInput, ledgerOutcomeSchema, runCommand, today } from '../ledger/command';
import { readAccounts, readInvoices } from '../ledger/store';
import { createDraft, issueDraft, manualInvoiceBody, manualInvoiceRoutes } from './manual';
import { readPartyNames } from './parties';

const MONEY_ROLES = ['ADMIN', 'BILLING_MANAGER'] as const;
const moneyGuard = { roles: MONEY_ROLES, orgKinds: ['DISTRIBUTOR', 'RESELLER'] as const };
const idParam = z.object({ id: idInput });

export const invoiceSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    type: z.enum(INVOICE_TYPES),
    stage: z.enum(INVOICE_STAGES),
    status: z.enum(INVOICE_STATUSES),
    invoiceDate: z.string(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    issuerOrgId: z.string(),
    clientOrgId: z.string(),
    accountId: z.string(),
    currency: z.string(),
    subtotal: z.string(),
    taxTotal: z.string(),
    total: z.string(),
    amountDue: z.string(),
    creditedInvoiceId: z.string().nullable(),
    creditedInvoiceNumber: z
      .string()
      .nullable()
      .describe('The number of the invoice a credit note credits, when the caller may see it.'),
    direction: z.enum(['RECEIVED', 'ISSUED', 'OTHER']).describe("From the caller's side."),
    issuerName: z
      .string()
      .nullable()
      .describe('The issuer’s name, when the caller may see that organization.'),
    clientName: z
      .string()
      .nullable()
      .describe('The client’s name, when the caller may see that organization.'),
  })
  .meta({ id: 'Invoice' });

const SORTS = {
  number: invoices.number,
  invoiceDate: invoices.invoiceDate,
  total: invoices.total,
  amountDue: invoices.amountDue,
  status: invoices.status,
  type: invoices.type,
  clientOrgId: invoices.orgId,
  issuerOrgId: invoices.issuerOrgId,
} as const;
type SortKey = keyof typeof SORTS;

const listQuery = pageQuery({
  direction: z
    .enum(['received', 'issued', 'all'])
    .default('all')
    .describe('received: invoices to the caller; issued: by the caller; all: both.'),
  sort: z
    .string()
    .regex(new RegExp(`^(${Object.keys(SORTS).join('|')})(:(asc|desc))?$`), {
      error: `Sort by one of ${Object.keys(SORTS).join(', ')}, optionally :asc or :desc`,
    })
    .default('invoiceDate:desc'),
  type: z.enum(INVOICE_TYPES).optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  stage: z.enum(INVOICE_STAGES).optional(),
  number: z.string().max(100).optional().describe('Invoice numbers containing this text.'),
  accountId: idInput.optional(),
  clientOrgId: idInput.optional(),
  dateFrom: dateInput.optional(),
  dateTo: dateInput.optional(),
});

const columns = {
  id: invoices.id,
  number: invoices.number,
  type: invoices.type,
  stage: invoices.stage,
  status: invoices.status,
  invoiceDate: invoices.invoiceDate,
  periodStart: invoices.periodStart,
  periodEnd: invoices.periodEnd,
  issuerOrgId: invoices.issuerOrgId,
  clientOrgId: invoices.orgId,
  accountId: invoices.accountId,
  currency: invoices.currency,
  subtotal: invoices.subtotal,
  taxTotal: invoices.taxTotal,
  total: invoices.total,
  amountDue: invoices.amountDue,
  creditedInvoiceId: invoices.creditedInvoiceId,
};
type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] };

/** Names of the parties and numbers of the credited invoices of some rows, as the tenant may see them. */
async function namesOf(tx: Transaction, session: Session, rows: readonly Row[]): Promise<Names> {
  const credited = [...new Set(rows.flatMap((r) => (r.creditedInvoiceId ? [r.creditedInvoiceId] : [])))];
  const numbers = credited.length
    ? await tx
        .select({ id: invoices.id, number: invoices.number })
        .from(invoices)
        .where(and(tenantScope(invoices, session.tenant), inArray(invoices.id, credited)))
    : [];
  return {
    orgs: await readPartyNames(
      tx,
      session.tenant,
      rows.flatMap((r) => [r.issuerOrgId, r.clientOrgId]),
    ),
    invoiceNumbers: new Map(numbers.flatMap((n) => (n.number ? [[n.id, n.number] as const] : []))),
  };
}
interface Names {
  orgs: ReadonlyMap<string, string>;
  invoiceNumbers: ReadonlyMap<string, string>;
}
const noNames: Names = { orgs: new Map(), invoiceNumbers: new Map() };

const out = (r: Row, me: string, names: Names = noNames) => ({
  ...r,
  issuerName: names.orgs.get(r.issuerOrgId) ?? null,
  clientName: names.orgs.get(r.clientOrgId) ?? null,
  creditedInvoiceNumber: r.creditedInvoiceId ? (names.invoiceNumbers.get(r.creditedInvoiceId) ?? null) : null,
  subtotal: formatAmount(r.subtotal, r.currency),
  taxTotal: formatAmount(r.taxTotal, r.currency),
  total: formatAmount(r.total, r.currency),
  amountDue: formatAmount(r.amountDue, r.currency),
  direction: (r.clientOrgId === me ? 'RECEIVED' : r.issuerOrgId === me ? 'ISSUED' : 'OTHER') as
    | 'RECEIVED'
    | 'ISSUED'
    | 'OTHER',
});

const detailSchema = invoiceSchema
  .extend({
    accountName: z.string().nullable().describe('The client account’s name, when the caller may see it.'),
    items: z.array(
      z.object({
        lineNo: z.number().int(),
        productType: z.string(),
        productName: z.string(),
        description: z.string(),
        periodStart: z.string(),
        periodEnd: z.string(),
        quantity: z.string(),
        unit: z.string(),
        unitPrice: z.string(),
        amount: z.string(),
        taxAmount: z.string(),
        creditableQuantity: z
          .string()
          .describe('What a credit note may still credit of this line (quantity); "0" on a credit.'),
      }),
    ),
    taxes: z.array(
      z.object({
        code: z.string(),
        type: z.string(),
        percent: z.string(),
        base: z.string(),
        amount: z.string(),
      }),
    ),
    links: z
      .array(
        z.object({
          id: z.string(),
          source: z.string(),
          sourceId: z.string().nullable(),
          debitInvoiceId: z.string(),
          documentNumber: z
            .string()
            .nullable()
            .describe(
              'The other document by number: the invoice a credit note pays, else the payment reference or credit note number.',
            ),
          amount: z.string(),
          reversesId: z.string().nullable(),
        }),
      )
      .describe(
        'Money applied to this debit invoice, or applied from this credit invoice; reversals negative.',
      ),
    creditNotes: z
      .array(
        z.object({ id: z.string(), number: z.string().nullable(), total: z.string(), status: z.string() }),
      )
      .describe('Credit invoices issued against this debit invoice.'),
    creditable: z
      .string()
      .describe(
        'What credit notes may still credit on this invoice: its total less its credits; "0" on drafts, credits and canceled invoices.',
      ),
    source: z.enum(INVOICE_SOURCES),
    pendingError: z.string().nullable(),
  })
  .meta({ id: 'InvoiceDetail' });

export type InvoiceDetail = z.infer<typeof detailSchema>;

/** One invoice as the detail route answers it; 404 when the tenant cannot see it. */
export async function readInvoiceDetail(
  tx: Transaction,
  session: Session,
  id: string,
): Promise<InvoiceDetail> {
  const [row] = await tx
    .select({ ...columns, source: invoices.source, pendingError: invoices.pendingError })
    .from(invoices)
    .where(and(tenantScope(invoices, session.tenant), eq(invoices.id, id)))
    .limit(1);
  // A seller's draft is not shown to its client (as in the list).
  if (!row || (row.stage !== 'ISSUED' && row.clientOrgId === session.tenant.orgId))
    throw new ApiError('not_found', `Invoice ${id} not found`, { id: 'No such invoice' });
  const d = session.tenant.distributorId;
  const money = (v: string) => formatAmount(v, row.currency);
  const items = await tx
    .select()
    .from(invoiceItems)
    .where(and(eq(invoiceItems.distributorId, d), eq(invoiceItems.invoiceId, row.id)))
    .orderBy(asc(invoiceItems.lineNo));
  const taxes = await tx
    .select()
    .from(invoiceTaxes)
    .where(and(eq(invoiceTaxes.distributorId, d), eq(invoiceTaxes.invoiceId, row.id)))
    .orderBy(asc(invoiceTaxes.lineNo));
  const links = await queryRows<{
    id: string;
    source: string;
    sourceId: string | null;
    debitInvoiceId: string;
    documentNumber: string | null;
    amount: string;
    reversesId: string | null;
  }>(
    tx,
    // The other document as people name it: the debit invoice's number on a credit note, else
    // the payment's reference or the credit note's number (null where the caller cannot see it).
    sql`select a.id, a.source, coalesce(a.payment_id, a.credit_invoice_id) as "sourceId",
        a.debit_invoice_id as "debitInvoiceId", a.amount::text as amount, a.reverses_allocation_id as "reversesId",
        case when a.credit_invoice_id = ${row.id} then di.number else coalesce(p.reference, ci.number) end
          as "documentNumber"
      from allocations a
        left join payments p on p.distributor_id = a.distributor_id and p.id = a.payment_id
        left join invoices ci on ci.distributor_id = a.distributor_id and ci.id = a.credit_invoice_id
        left join invoices di on di.distributor_id = a.distributor_id and di.id = a.debit_invoice_id
      where a.distributor_id = ${d}
        and (a.debit_invoice_id = ${row.id} or a.credit_invoice_id = ${row.id})
      order by a.created_at, a.id collate "C"`,
  );
  const credits = await tx
    .select({
      id: invoices.id,
      number: invoices.number,
      total: invoices.total,
      status: invoices.status,
    })
    .from(invoices)
    .where(and(eq(invoices.distributorId, d), eq(invoices.creditedInvoiceId, row.id)))
    .orderBy(asc(invoices.invoiceDate), asc(invoices.id));
  // What earlier credit notes took of each line (the credit-notes route counts the same); an amount
  // credit's one line (product type CREDIT) is no line of this invoice.
  const creditedLines = new Map(
    (
      await queryRows<{ line_no: number; quantity: string }>(
        tx,
        sql`select it.line_no, sum(it.quantity)::text as quantity
          from invoice_items it join invoices c on c.distributor_id = it.distributor_id and c.id = it.invoice_id
          where c.distributor_id = ${d} and c.credited_invoice_id = ${row.id} and c.type = 'CREDIT'
            and c.status <> 'CANCELED' and it.product_type <> 'CREDIT'
          group by it.line_no`,
      )
    ).map((r) => [Number(r.line_no), new Decimal(r.quantity)]),
  );
  const open = row.type === 'DEBIT' && row.stage === 'ISSUED' && row.status !== 'CANCELED';
  const creditedTotal = credits
    .filter((c) => c.status !== 'CANCELED')
    .reduce((sum, c) => sum.plus(c.total), new Decimal(0));
  const creditable = open ? Decimal.max(new Decimal(row.total).minus(creditedTotal), 0) : new Decimal(0);
  const [account] = await tx
    .select({ name: accounts.name })
    .from(accounts)
    .where(and(tenantScope(accounts, session.tenant), eq(accounts.id, row.accountId)))
    .limit(1);
  return {
    accountName: account?.name ?? null,
    ...out(row as Row, session.tenant.orgId, await namesOf(tx, session, [row as Row])),
    source: row.source,
    pendingError: row.pendingError,
    items: items.map((i) => ({
      lineNo: i.lineNo,
      productType: i.productType,
      productName: i.productName,
      description: i.description,
      periodStart: i.periodStart,
      periodEnd: i.periodEnd,
      quantity: i.quantity,
      unit: i.unit,
      unitPrice: i.unitPrice,
      amount: money(i.amount),
      taxAmount: money(i.taxAmount),
      creditableQuantity: open
        ? Decimal.max(new Decimal(i.quantity).minus(creditedLines.get(i.lineNo) ?? 0), 0).toFixed()
        : '0',
    })),
    taxes: taxes.map((t) => ({
      code: t.code,
      type: t.type,
      percent: t.percent,
      base: money(t.base),
      amount: money(t.amount),
    })),
    links: links.map((l) => ({ ...l, amount: money(l.amount) })),
    creditNotes: credits.map((c) => ({ ...c, total: money(c.total) })),
    creditable: money(creditable.toFixed()),
  };
}

const linkSourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['PAYMENT', 'CREDIT_INVOICE']),
    label: z.string().describe('The credit invoice number, or the payment method (in words) and reference.'),
    date: z.string(),
    amount: z.string(),
    remaining: z.string().describe('What of it is not linked to an invoice yet.'),
    usable: z
      .string()
      .describe(
        'What a link to this invoice could take from it now: capped by the balance and the amount due.',
      ),
  })
  .meta({ id: 'LinkSource' });

export const invoiceRoutes = [
  // Static paths before `/invoices/:id`.
  ...manualInvoiceRoutes,
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices',
    summary: 'Draft a manual invoice to one of your clients (a proforma: no number, in no balance)',
    description:
      'Lines of description, quantity, unit price and taxes; amounts and taxes are computed here. Issue it with POST /api/v1/invoices/{id}/issue.',
    tags: ['invoices'],
    auth: moneyGuard,
    status: 201,
    request: { body: manualInvoiceBody },
    response: detailSchema,
    async handler({ session, body, withTenant }) {
      return withTenant(async (tx) => readInvoiceDetail(tx, session, await createDraft(tx, session, body)));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices/:id/issue',
    summary: 'Issue a draft invoice: number it and add it to the client’s balance',
    description:
      'Numbered from the issuer’s gapless counter; money already on the balance settles it at once (oldest first). Issuing an issued invoice changes nothing and answers it as it is.',
    tags: ['invoices'],
    auth: moneyGuard,
    moneyMoving: true,
    request: { params: idParam, body: z.strictObject({}).optional() },
    response: detailSchema,
    async handler({ session, params, withTenant, requestId }) {
      return withTenant(async (tx) => {
        await issueDraft(tx, session, requestId, params.id);
        return readInvoiceDetail(tx, session, params.id);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/invoices/:id/link-sources',
    summary: 'Payments and credit invoices of the invoice’s account with money left to link to it',
    tags: ['invoices'],
    auth: moneyGuard,
    request: { params: idParam },
    response: z.object({
      balance: z.string().describe('What the account holds: no link can exceed it.'),
      currency: z.string(),
      rows: z.array(linkSourceSchema),
    }),
    async handler({ session, params, withTenant }) {
      return withTenant(async (tx) => {
        const invoice = (await readInvoices(tx, session.tenant, [params.id], 'id')).get(params.id)!;
        const account = (await readAccounts(tx, session.tenant, [invoice.accountId], 'id')).get(
          invoice.accountId,
        )!;
        const d = invoice.distributorId;
        const rows = await queryRows<{
          id: string;
          kind: 'PAYMENT' | 'CREDIT_INVOICE';
          label: string;
          date: string;
          amount: string;
          linked: string;
        }>(
          tx,
          sql`select * from (
              select p.id, 'PAYMENT' as kind,
                trim(coalesce(upper(left(p.method, 1)) || lower(replace(substr(p.method, 2), '_', ' ')) || ' ', '')
                  || coalesce(p.reference, '')) as label,
                p.payment_date::text as date, p.amount::text as amount,
                (select coalesce(sum(a.amount), 0)::text from allocations a
                  where a.distributor_id = p.distributor_id and a.payment_id = p.id) as linked
              from payments p where p.distributor_id = ${d} and p.account_id = ${account.id}
              union all
              select i.id, 'CREDIT_INVOICE', coalesce(i.number, i.id), i.invoice_date::text, i.total::text,
                (select coalesce(sum(a.amount), 0)::text from allocations a
                  where a.distributor_id = i.distributor_id and a.credit_invoice_id = i.id)
              from invoices i where i.distributor_id = ${d} and i.account_id = ${account.id}
                and i.type = 'CREDIT' and i.stage = 'ISSUED' and i.status <> 'CANCELED'
            ) s order by date desc, id collate "C" limit 1000`,
        );
        const money = (v: Decimal | string) => formatAmount(v, account.currency);
        return {
          balance: money(account.balance),
          currency: account.currency,
          rows: rows
            .map((r) => ({ ...r, remaining: new Decimal(r.amount).minus(r.linked) }))
            .filter((r) => r.remaining.greaterThan(0))
            .slice(0, 200)
            .map((r) => ({
              id: r.id,
              kind: r.kind,
              label: r.label,
              date: r.date,
              amount: money(r.amount),
              remaining: money(r.remaining),
              usable: money(Decimal.min(r.remaining, account.balance, invoice.amountDue)),
            })),
        };
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/invoices',
    summary: 'Invoices received by the caller and, for sellers, issued by it',
    tags: ['invoices'],
    auth: {},
    request: { query: listQuery },
    response: pageOf(invoiceSchema),
    async handler({ session, query, withTenant }) {
      const me = session.tenant.orgId;
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(invoices, session.tenant)];
      // A client sees what it received once issued: a seller's drafts are the seller's own.
      const received = and(eq(invoices.orgId, me), eq(invoices.stage, 'ISSUED'));
      const mine =
        query.direction === 'received'
          ? received
          : query.direction === 'issued'
            ? eq(invoices.issuerOrgId, me)
            : or(received, eq(invoices.issuerOrgId, me));
      if (mine) where.push(mine);
      if (query.type) where.push(eq(invoices.type, query.type));
      if (query.status) where.push(eq(invoices.status, query.status));
      if (query.stage) where.push(eq(invoices.stage, query.stage));
      if (query.number) where.push(ilike(invoices.number, `%${query.number.replace(/[\\%_]/g, '\\$&')}%`));
      if (query.accountId) where.push(eq(invoices.accountId, query.accountId));
      if (query.clientOrgId) where.push(eq(invoices.orgId, query.clientOrgId));
      if (query.dateFrom) where.push(gte(invoices.invoiceDate, query.dateFrom));
      if (query.dateTo) where.push(lte(invoices.invoiceDate, query.dateTo));
      const [key, dir] = query.sort.split(':') as [SortKey, 'asc' | 'desc' | undefined];
      const order = dir === 'asc' ? asc : desc;
      return withTenant(async (tx) => {
        const rows = await tx
          .select(columns)
          .from(invoices)
          .where(and(...where))
          .orderBy(order(SORTS[key]), order(invoices.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx
          .select({ n: count() })
          .from(invoices)
          .where(and(...where));
        const names = await namesOf(tx, session, rows as Row[]);
        return toPage(
          rows.map((r) => out(r as Row, me, names)),
          total?.n,
        );
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/invoices/:id',
    summary: 'One invoice: items, taxes, links and amount due',
    tags: ['invoices'],
    auth: {},
    request: { params: idParam },
    response: detailSchema,
    async handler({ session, params, withTenant }) {
      return withTenant((tx) => readInvoiceDetail(tx, session, params.id));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices/:id/cancel',
    summary: 'Cancel an unpaid debit invoice',
    description:
      'It leaves the balance and the amount due; money already applied to it returns to the balance (which then settles other open invoices). A paid invoice is corrected by a credit invoice instead.',
    tags: ['invoices'],
    auth: moneyGuard,
    moneyMoving: true,
    status: 201,
    request: { params: idParam, body: z.strictObject({}).optional() },
    response: ledgerOutcomeSchema,
    async handler({ session, params, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const invoice = (await readInvoices(tx, session.tenant, [params.id], 'id')).get(params.id)!;
        if (invoice.stage !== 'ISSUED') throw draft(invoice.id, 'id');
        return runCommand(tx, {
          session,
          requestId,
          accountIds: [invoice.accountId],
          invoices: { ids: [invoice.id], field: 'id' },
          fields: { invoiceId: 'id' },
          // What was applied to it comes back and may settle others.
          settle: (locked) =>
            new Map([
              [invoice.accountId, new Decimal(locked.get(invoice.accountId)!.balance).plus(invoice.total)],
            ]),
          rule: (state) =>
            cancelInvoice(state, {
              id: `${invoice.id}/cancel`,
              accountId: invoice.accountId,
              date: today(),
              invoiceId: invoice.id,
            }),
          audit: { action: 'invoice.cancel', entityType: 'invoice' },
        });
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices/:id/links',
    summary: 'Link a payment or a credit invoice to this debit invoice, in part or in full',
    description:
      'The invoice becomes PAID when what is linked covers it; until then it stays UNPAID with its amount due.',
    tags: ['invoices'],
    auth: moneyGuard,
    moneyMoving: true,
    status: 201,
    request: {
      params: idParam,
      body: z.strictObject({
        sourceId: idInput.describe('The payment or credit invoice whose money is applied.'),
        amount: amountInput
          .optional()
          .describe('In part; omitted: as much as the source, balance and amount due allow.'),
        date: dateInput.optional(),
      }),
    },
    response: ledgerOutcomeSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const invoice = (await readInvoices(tx, session.tenant, [params.id], 'id')).get(params.id)!;
        if (invoice.stage !== 'ISSUED') throw draft(invoice.id, 'id');
        return runCommand(tx, {
          session,
          requestId,
          accountIds: [invoice.accountId],
          invoices: { ids: [invoice.id], field: 'id' },
          fields: { 'link.amount': 'amount', 'link.invoiceId': 'id', link: 'request' },
          sourceId: body.sourceId,
          settle: (locked) =>
            new Map([[invoice.accountId, new Decimal(locked.get(invoice.accountId)!.balance)]]),
          rule: (state) =>
            linkToInvoice(state, {
              id: crypto.randomUUID(),
              accountId: invoice.accountId,
              date: body.date ?? today(),
              sourceId: body.sourceId,
              invoiceId: invoice.id,
              amount: body.amount,
            }),
          audit: { action: 'invoice.link', entityType: 'allocation' },
        });
      });
    },
  }),
];

function draft(id: string, field: string): ApiError {
  return new ApiError('unprocessable', `Invoice ${id} is a draft (not issued yet)`, {
    [field]: 'Not issued',
  });
}
