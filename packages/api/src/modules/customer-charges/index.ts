/**
 * Customer Charges (SPEC §7): the grid of a Standard reseller's charges, its export, and the
 * daily sync's schedule and manual runs for the distributor.
 */
import { jobRuns, organizations, queryRows, type Tenant } from '@cascade/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow } from '../../platform/pagination';
import { defineRoute, type HandlerContext } from '../../platform/routes';
import {
  type CustomerChargeExportValues,
  customerChargeExportColumnIds,
  customerChargeExportColumnsSchema,
  customerChargesExportValuesStream,
  exportContentDisposition,
  exportContentType,
  heldUntil,
  XLSX_MAX_DATA_ROWS,
} from './export';
import { buildGridQuery, buildGridView, GridQueryValidationError } from './grid-query';
import { catalogue, gridOptions, openExport, presentRow, queryBlock } from './query';
import { runSync } from './sync';
import { localDateTime } from './sync/local-time';
import { claimManualRun, nextRunAt, resellerSchedules, zoneOf } from './sync/scheduler';

const TAG = ['customer-charges'];
/** SPEC §1: the module is for these roles of a Standard reseller. */
const GRID_GUARD = { roles: ['ADMIN', 'MARKETPLACE_MANAGER'], orgKinds: ['RESELLER'] } as const;

const gridModels = {
  sortModel: z.array(z.unknown()).max(100).optional().describe("AG Grid's sort model: [{colId, sort}]."),
  filterModel: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe("AG Grid's column filter model (with operator/conditions for two conditions)."),
  advancedFilterModel: z
    .unknown()
    .optional()
    .describe('AG Grid\'s Advanced Filter model: {filterType: "join", type: "AND"|"OR", conditions: [...]}.'),
};

const rowSchema = z
  .object({
    id: z.string().describe('The invoice item.'),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    invoiceDate: z.string(),
    type: z.enum(['DEBIT', 'CREDIT']),
    customer: z.string(),
    description: z.string(),
    startDate: z.string(),
    endDate: z.string(),
    unitCostPrice: z.string(),
    unitSellPrice: z.string(),
    quantity: z.string(),
    unit: z.string(),
    totalCostPrice: z.string().describe('Negative on credit invoices.'),
    totalSellPrice: z.string().describe('Negative on credit invoices.'),
    productType: z.string(),
    productName: z.string(),
    currency: z.string(),
    invoiceUrl: z.string().nullable().describe("The invoice's page in the distributor's storefront."),
  })
  .meta({ id: 'CustomerCharge' });

/** As the grid's owner: whether the caller's organization is a Standard reseller, and its distributor's link template. */
async function standardReseller(
  ctx: { db: HandlerContext<unknown, unknown, unknown, 'public'>['db'] },
  tenant: Tenant,
) {
  const [row] = await queryRows<{ tier: string | null; template: string | null }>(
    ctx.db,
    sql`select r.reseller_tier as tier, d.invoice_page_url_template as template
        from organizations r left join organizations d on d.distributor_id = r.distributor_id and d.id = r.distributor_id
        where r.distributor_id = ${tenant.distributorId} and r.id = ${tenant.orgId}`,
  );
  if (row?.tier !== 'STANDARD') throw ApiError.forbidden('Customer Charges is for Standard resellers');
  return row.template;
}

function invoiceUrl(
  template: string | null,
  row: { invoiceId: string; invoiceNumber: string },
): string | null {
  if (!template) return null;
  return template
    .replaceAll('{invoiceId}', encodeURIComponent(row.invoiceId))
    .replaceAll('{invoiceNumber}', encodeURIComponent(row.invoiceNumber));
}

/** grid-query's 400 in the one error shape. */
function gridCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof GridQueryValidationError)
      throw new ApiError('validation_failed', err.message, err.fields);
    throw err;
  }
}

const runSchema = z
  .object({
    id: z.string(),
    jobName: z.string(),
    scheduledLocalDate: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    attempts: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    rows: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'CustomerChargeSyncRun' });

const isoOf = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export const customerChargeRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/customer-charges/query',
    summary: 'A block of the Customer Charges grid',
    description:
      'AG Grid infinite row model. `lastRow` is exact when the block reaches the end, else -1 (no count: it would cost more than the block at a million rows). Sort and filter only the columns SPEC §7 allows; default order: invoice number, descending.',
    tags: TAG,
    auth: GRID_GUARD,
    request: {
      body: z.strictObject({
        startRow: z.number().int().min(0),
        endRow: z.number().int().min(1),
        ...gridModels,
      }),
    },
    response: pageOf(rowSchema),
    async handler(ctx) {
      const template = await standardReseller(ctx, ctx.session.tenant);
      const q = gridCall(() => buildGridQuery(catalogue, ctx.body, gridOptions));
      const { filterModel, advancedFilterModel } = ctx.body;
      const filtered =
        (filterModel !== undefined && filterModel !== null && Object.keys(filterModel).length > 0) ||
        (advancedFilterModel !== undefined && advancedFilterModel !== null);
      const page = await ctx.withTenant((tx) => queryBlock(tx, ctx.session.tenant, q, filtered));
      return {
        rows: page.rows.map((r) => ({ ...presentRow(r), invoiceUrl: invoiceUrl(template, r) })),
        lastRow: page.lastRow,
      };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/api/v1/customer-charges/export',
    summary: 'Export the Customer Charges view (Customer Charges.xlsx or .csv)',
    description:
      'Every row matching the filters, in the sort order, with the given columns in their order and a Currency column when a price column is among them; streamed. At most 1,048,575 rows (422 beyond). The response is the file, not JSON.',
    tags: TAG,
    auth: GRID_GUARD,
    request: {
      body: z.strictObject({
        columns: customerChargeExportColumnsSchema,
        format: z.enum(['xlsx', 'csv']).default('xlsx'),
        ...gridModels,
      }),
    },
    response: z.string().describe('The file: XLSX or CSV.'),
    async handler(ctx) {
      const tenant = ctx.session.tenant;
      await standardReseller(ctx, tenant);
      const view = gridCall(() => buildGridView(catalogue, ctx.body, gridOptions));
      const opened = await openExport(
        ctx.db,
        ctx.dbKind,
        tenant,
        view,
        XLSX_MAX_DATA_ROWS,
        customerChargeExportColumnIds(ctx.body.columns),
      );
      const tooMany = () =>
        new ApiError(
          'unprocessable',
          `An export holds at most ${XLSX_MAX_DATA_ROWS.toLocaleString('en')} rows; narrow the filters`,
        );
      if (opened.tooMany) throw tooMany();
      const file = customerChargesExportValuesStream(
        ctx.body.format,
        ctx.body.columns,
        opened.batches as AsyncIterable<CustomerChargeExportValues[]>,
      );
      // Counted meanwhile: the file is written ahead, and sent once the count says it fits.
      const body = opened.exceeds ? await heldUntil(file, opened.exceeds) : file;
      if (body === undefined) throw tooMany();
      return new Response(body, {
        headers: {
          'Content-Type': exportContentType(ctx.body.format),
          'Content-Disposition': exportContentDisposition(ctx.body.format),
          'Cache-Control': 'no-store',
        },
      }) as never;
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/api/v1/customer-charges/sync-runs',
    summary: "Run a reseller's Customer Charges sync now",
    description:
      'For a distributor admin. Catches the reseller up since its last successful run and answers the recorded run (FAILED with its error when it failed). 409 while a manual run for it is running.',
    tags: TAG,
    auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
    request: { body: z.strictObject({ resellerId: z.string().min(1).max(200) }) },
    response: runSchema,
    status: 201,
    async handler(ctx) {
      const tenant = ctx.session.tenant;
      const reseller = await ctx.withTenant(async (tx) => {
        const [row] = await tx
          .select({
            tier: organizations.resellerTier,
            timeZone: organizations.timeZone,
            kind: organizations.kind,
          })
          .from(organizations)
          .where(
            and(
              eq(organizations.distributorId, tenant.distributorId),
              eq(organizations.id, ctx.body.resellerId),
            ),
          );
        return row;
      });
      if (reseller?.kind !== 'RESELLER') throw ApiError.notFound('Reseller');
      if (reseller.tier !== 'STANDARD') {
        throw new ApiError('unprocessable', 'Only Standard resellers have Customer Charges', {
          resellerId: 'Not a Standard reseller',
        });
      }
      const target = { distributorId: tenant.distributorId, resellerId: ctx.body.resellerId };
      const runId = await claimManualRun(ctx.db, target, reseller.timeZone);
      if (!runId)
        throw new ApiError('conflict', 'A manual sync of this reseller is running; try again when it ends');
      await ctx.withTenant((tx) =>
        writeAudit(tx, {
          actor: ctx.session,
          action: 'customer-charges.sync-run',
          entityType: 'job-run',
          entityId: runId,
          new: { resellerId: target.resellerId },
          requestId: ctx.requestId,
          owner: {
            distributorId: target.distributorId,
            resellerId: target.resellerId,
            orgId: target.resellerId,
          },
        }),
      );
      await runSync(ctx.db, target, runId).catch(() => undefined);
      const [run] = await ctx.db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.distributorId, target.distributorId), eq(jobRuns.id, runId)));
      if (!run) throw new Error(`job run ${runId} vanished`);
      return {
        id: run.id,
        jobName: run.jobName,
        scheduledLocalDate: run.scheduledLocalDate,
        status: run.status,
        attempts: run.attempts,
        startedAt: new Date(run.startedAt).toISOString(),
        finishedAt: isoOf(run.finishedAt),
        rows: run.rows,
        error: run.error,
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/v1/customer-charges/schedule',
    summary: "The Customer Charges sync schedule of the distributor's Standard resellers",
    description:
      'Per reseller: its time zone, local time now, the last run (any kind) with its rows or error, and the next run (07:00 local; now when one is due: a first run, a missed day, or rows lost in a crash to read again).',
    tags: TAG,
    auth: { orgKinds: ['DISTRIBUTOR'] },
    request: { query: pageQuery() },
    response: pageOf(
      z
        .object({
          resellerId: z.string(),
          name: z.string(),
          timeZone: z.string(),
          timeZoneKnown: z.boolean().describe('False: the zone is unknown and UTC is used.'),
          localNow: z.string().describe('YYYY-MM-DDTHH:MM in the reseller zone.'),
          lastRun: runSchema.nullable(),
          nextRunAt: z.string(),
        })
        .meta({ id: 'CustomerChargeSchedule' }),
    ),
    async handler(ctx) {
      const now = new Date();
      const all = await resellerSchedules(ctx.db, ctx.session.tenant.distributorId);
      const { offset, limit } = pageWindow(ctx.query);
      const rows = all.slice(offset, offset + limit).map((s) => {
        const zone = zoneOf(s.timeZone);
        const local = localDateTime(now, zone);
        const hh = String(Math.floor(local.minutes / 60)).padStart(2, '0');
        const mm = String(local.minutes % 60).padStart(2, '0');
        const last = s.lastRun;
        return {
          resellerId: s.resellerId,
          name: s.name,
          timeZone: s.timeZone,
          timeZoneKnown: zone === s.timeZone,
          localNow: `${local.date}T${hh}:${mm}`,
          lastRun: last
            ? {
                ...last,
                startedAt: new Date(last.startedAt).toISOString(),
                finishedAt: isoOf(last.finishedAt),
              }
            : null,
          nextRunAt: nextRunAt(s, now).toISOString(),
        };
      });
      return { rows, lastRow: all.length };
    },
  }),
];
