/**
 * Billing runs over HTTP (issue 3, issue 7): start one for a date (processed in the background,
 * its state in PostgreSQL), watch its progress, see what it issued, or preview it first.
 */
import { addDays, Decimal, formatAmount, formatUnitPrice } from '@cascade/billing-core';
import { billingRuns, invoices, tenantScope } from '@cascade/db';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { isoDateSchema, previewInvoiceSchema } from '../billing-preview/schema';
import { today } from '../ledger/command';
import { loadBillingOptions } from '../profile-options';
import { applyVacations } from '../subscription-changes/run-effects';
import { taxProviderFrom } from './external-tax';
import { loadBatch, loadCatalog, planBatches } from './load';
import { retryTaxRoutes } from './retry-taxes';
import { type BillingRunRow, createOrResumeRun, generateBatch, launchBillingRun, preferIndexes } from './run';

export {
  billingRunSettled,
  createOrResumeRun,
  launchBillingRun,
  resumeInterruptedBillingRuns,
  runBillingRun,
} from './run';

const runSchema = z
  .object({
    id: z.string(),
    runDate: z.string(),
    status: z.enum(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']),
    progressDone: z.number().int().describe('Subscriptions processed so far.'),
    progressTotal: z.number().int().describe('Subscriptions to process (known once the run has started).'),
    invoicesCreated: z.number().int(),
    requestedBy: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'BillingRun' });

const view = (r: BillingRunRow) => ({
  id: r.id,
  runDate: r.runDate,
  status: r.status,
  progressDone: r.progressDone,
  progressTotal: r.progressTotal,
  invoicesCreated: r.invoicesCreated,
  requestedBy: r.requestedBy,
  error: r.error,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

const totalsSchema = z.object({
  currency: z.string(),
  count: z.number().int(),
  subtotal: z.string(),
  taxTotal: z.string(),
  total: z.string(),
});

const runDetailSchema = runSchema
  .extend({ issued: z.object({ count: z.number().int(), totals: z.array(totalsSchema) }) })
  .meta({ id: 'BillingRunDetail' });

const issuedInvoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  stage: z.string(),
  status: z.string(),
  orgId: z.string(),
  accountId: z.string(),
  channel: z.string(),
  invoiceDate: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  currency: z.string(),
  subtotal: z.string(),
  taxTotal: z.string(),
  total: z.string(),
});

const idParam = z.object({ id: z.string().min(1).max(200) });
/**
 * A run issues every period that starts by its date, as documents that are never deleted: a date
 * years ahead (a typo) would issue years of invoices at once. A year ahead is the most it takes.
 */
const MAX_DAYS_AHEAD = 366;
const dateBody = z.strictObject({
  invoiceDate: isoDateSchema.refine((v) => v <= addDays(today(), MAX_DAYS_AHEAD), {
    error: 'At most a year from today: a run issues every billing period that starts by this date',
  }),
});
const readers = { roles: ['ADMIN', 'BILLING_MANAGER'], orgKinds: ['DISTRIBUTOR'] } as const;

const PREVIEW_LIMIT = 200;

export const billingRunRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/billing-runs',
    summary: 'Start a billing run for a date',
    description:
      "Issues every invoice due on invoiceDate to the distributor's clients, in the background; poll GET /api/v1/billing-runs/{id}. An unfinished run for the same date (failed, or interrupted) is resumed under its own id; a date already run issues nothing new.",
    tags: ['billing-runs'],
    auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
    moneyMoving: true,
    status: 202,
    request: { body: dateBody },
    response: runSchema,
    async handler({ session, body, withTenant, db, requestId, config }) {
      const { run } = await withTenant((tx) =>
        createOrResumeRun(tx, session.tenant, body.invoiceDate, session.userId, requestId),
      );
      if (run.status === 'QUEUED')
        launchBillingRun(db, session.tenant, run.id, { taxProvider: taxProviderFrom(config) });
      return view(run);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/billing-runs',
    summary: "The distributor's billing runs, newest first",
    tags: ['billing-runs'],
    auth: readers,
    request: { query: pageQuery() },
    response: pageOf(runSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where = and(
        tenantScope(billingRuns, session.tenant),
        eq(billingRuns.orgId, session.tenant.orgId),
      );
      return withTenant(async (tx) => {
        const rows = await tx
          .select()
          .from(billingRuns)
          .where(where)
          .orderBy(desc(billingRuns.createdAt), asc(billingRuns.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(billingRuns).where(where);
        return toPage(rows.map(view), total?.n);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/billing-runs/:id',
    summary: 'A billing run: its progress and what it issued',
    tags: ['billing-runs'],
    auth: readers,
    request: { params: idParam },
    response: runDetailSchema,
    async handler({ session, params, withTenant }) {
      return withTenant(async (tx) => {
        const [run] = await tx
          .select()
          .from(billingRuns)
          .where(and(tenantScope(billingRuns, session.tenant), eq(billingRuns.id, params.id)))
          .limit(1);
        if (!run) throw ApiError.notFound('Billing run');
        const totals = await tx
          .select({
            currency: invoices.currency,
            count: count(),
            subtotal: sql<string>`sum(${invoices.subtotal})::text`,
            taxTotal: sql<string>`sum(${invoices.taxTotal})::text`,
            total: sql<string>`sum(${invoices.total})::text`,
          })
          .from(invoices)
          .where(and(eq(invoices.distributorId, run.distributorId), eq(invoices.billingRunId, run.id)))
          .groupBy(invoices.currency)
          .orderBy(invoices.currency);
        return {
          ...view(run),
          issued: {
            count: totals.reduce((s, t) => s + t.count, 0),
            totals: totals.map((t) => ({
              currency: t.currency,
              count: t.count,
              subtotal: formatAmount(new Decimal(t.subtotal), t.currency),
              taxTotal: formatAmount(new Decimal(t.taxTotal), t.currency),
              total: formatAmount(new Decimal(t.total), t.currency),
            })),
          },
        };
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/billing-runs/:id/invoices',
    summary: 'The invoices a billing run issued',
    tags: ['billing-runs'],
    auth: readers,
    request: { params: idParam, query: pageQuery() },
    response: pageOf(issuedInvoiceSchema),
    async handler({ session, params, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where = and(
        tenantScope(invoices, session.tenant),
        eq(invoices.distributorId, session.tenant.distributorId),
        eq(invoices.billingRunId, params.id),
      );
      return withTenant(async (tx) => {
        const rows = await tx
          .select({
            id: invoices.id,
            number: invoices.number,
            stage: invoices.stage,
            status: invoices.status,
            orgId: invoices.orgId,
            accountId: invoices.accountId,
            channel: invoices.channel,
            invoiceDate: invoices.invoiceDate,
            periodStart: invoices.periodStart,
            periodEnd: invoices.periodEnd,
            currency: invoices.currency,
            subtotal: invoices.subtotal,
            taxTotal: invoices.taxTotal,
            total: invoices.total,
          })
          .from(invoices)
          .where(where)
          .orderBy(asc(invoices.accountId), asc(invoices.periodStart), asc(invoices.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(invoices).where(where);
        const amount = (v: string, c: string) => formatAmount(new Decimal(v), c);
        return toPage(
          rows.map((r) => ({
            ...r,
            subtotal: amount(r.subtotal, r.currency),
            taxTotal: amount(r.taxTotal, r.currency),
            total: amount(r.total, r.currency),
          })),
          total?.n,
        );
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/billing-runs/preview',
    summary: 'What a billing run for a date would issue, nothing stored',
    description: `The engine on the real subscriptions, with the current options: the distributor's invoices to its clients and its resellers' to their end customers. Totals cover every invoice; the first ${PREVIEW_LIMIT} invoices are listed.`,
    tags: ['billing-runs'],
    auth: readers,
    request: { body: dateBody },
    response: z
      .object({
        invoiceDate: z.string(),
        invoiceCount: z.number().int(),
        totals: z.array(totalsSchema),
        invoices: z.array(
          previewInvoiceSchema.extend({
            channel: z.string(),
            clientOrgId: z.string(),
            issuerOrgId: z
              .string()
              .describe('Who bills: the distributor, or a reseller billing its end customer.'),
            status: z.string(),
          }),
        ),
        truncated: z.boolean(),
      })
      .meta({ id: 'BillingRunPreview' }),
    async handler({ session, body, withTenant }) {
      const d = session.tenant.distributorId;
      return withTenant(async (tx) => {
        const { batches } = await planBatches(tx, d, 2000);
        const stored = await loadBillingOptions(tx, d);
        const catalog = await loadCatalog(tx, d, body.invoiceDate);
        await preferIndexes(tx);
        const totals = new Map<
          string,
          { count: number; subtotal: Decimal; taxTotal: Decimal; total: Decimal }
        >();
        const rows: unknown[] = [];
        let invoiceCount = 0;
        for (const batch of batches) {
          const input = await loadBatch(tx, d, batch.orgs, catalog);
          await applyVacations(tx, d, input);
          for (const { invoice: inv, channel, issuer } of generateBatch(
            input,
            body.invoiceDate,
            stored.options,
          )) {
            invoiceCount += 1;
            const t = totals.get(inv.currency) ?? {
              count: 0,
              subtotal: new Decimal(0),
              taxTotal: new Decimal(0),
              total: new Decimal(0),
            };
            t.count += 1;
            t.subtotal = t.subtotal.plus(inv.subtotal);
            t.taxTotal = t.taxTotal.plus(inv.taxTotal);
            t.total = t.total.plus(inv.total);
            totals.set(inv.currency, t);
            if (rows.length >= PREVIEW_LIMIT) continue;
            const amount = (v: Decimal) => formatAmount(v, inv.currency);
            rows.push({
              accountId: inv.accountId,
              clientOrgId: input.accounts.get(inv.accountId)?.orgId ?? '',
              issuerOrgId: issuer,
              channel,
              status: inv.status,
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
                unitPrice: formatUnitPrice(l.unitPrice, inv.currency),
                discount: amount(l.discount),
                amount: amount(l.amount),
              })),
              taxes: inv.taxes.map((x) => ({
                code: x.code,
                type: x.type,
                chargeComponent: x.chargeComponent,
                percent: x.percent.toFixed(),
                base: amount(x.base),
                amount: amount(x.amount),
              })),
              subtotal: amount(inv.subtotal),
              taxTotal: amount(inv.taxTotal),
              total: amount(inv.total),
            });
          }
        }
        return {
          invoiceDate: body.invoiceDate,
          invoiceCount,
          totals: [...totals.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([currency, t]) => ({
              currency,
              count: t.count,
              subtotal: formatAmount(t.subtotal, currency),
              taxTotal: formatAmount(t.taxTotal, currency),
              total: formatAmount(t.total, currency),
            })),
          invoices: rows as never,
          truncated: invoiceCount > rows.length,
        };
      });
    },
  }),
  // External Tax Integration: issue a pending invoice once the tax service answers.
  ...retryTaxRoutes,
];
