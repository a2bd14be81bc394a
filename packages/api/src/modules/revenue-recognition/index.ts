/**
 * Revenue recognition (issue 9, SPEC §8 Revenue Recognition Interval): every issued invoice item
 * of the caller's organization (as the seller) is spread over its service range per calendar
 * month, per day or per the distributor's accounting periods (billing-core's
 * `recognitionSchedule`, parts summing exactly to the item's net amount; credit invoices count
 * negative). The report for [from, to] gives, per currency, the revenue recognized in each period
 * (a part is recognized in the period where it ends), what was recognized before `from`, and what
 * is deferred after `to`: before + recognized + deferred = invoiced, to the cent.
 *
 * Schedules are computed from the invoice items rather than stored: items never change, so the
 * report always follows the current interval and accounting calendar with nothing to backfill.
 */
import {
  BillingCoreError,
  Decimal,
  daysInRange,
  endOfMonth,
  formatAmount,
  isValidIsoDate,
  type RecognitionPart,
  recognitionSchedule,
  startOfMonth,
  toDayNumber,
} from '@cascade/billing-core';
import { accountingPeriods, queryRows, type Transaction } from '@cascade/db';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import { loadBillingOptions } from '../profile-options';

const dateField = z.string().refine((v) => isValidIsoDate(v), { error: 'Must be a date as YYYY-MM-DD' });
const MAX_DAYS = 366 * 5;
const MAX_DAY_ROWS = 366;

const periodSchema = z
  .object({ startDate: z.string(), endDate: z.string(), name: z.string() })
  .meta({ id: 'AccountingPeriod' });

const reportSchema = z
  .object({
    interval: z.enum(['MONTH', 'DAY', 'ACCOUNTING_PERIOD']),
    from: z.string(),
    to: z.string(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        invoiced: z.string().describe('Net amount of the items counted (credits negative).'),
        recognizedBefore: z.string().describe('Of those, recognized in periods ending before `from`.'),
        recognized: z.string().describe('Recognized in the periods of the report.'),
        deferred: z.string().describe('Recognized after `to`.'),
        periods: z.array(z.object({ start: z.string(), end: z.string(), recognized: z.string() })),
      }),
    ),
  })
  .meta({ id: 'RevenueRecognitionReport' });

interface Slice {
  start: string;
  end: string;
}

async function loadPeriods(tx: Transaction, distributorId: string): Promise<Slice[]> {
  const rows = await tx
    .select({ start: accountingPeriods.startDate, end: accountingPeriods.endDate })
    .from(accountingPeriods)
    .where(eq(accountingPeriods.distributorId, distributorId))
    .orderBy(asc(accountingPeriods.startDate));
  return rows;
}

/** The report period a part is recognized in: the interval's slice containing its last day. */
function sliceOf(interval: string, date: string, periods: Slice[]): Slice {
  if (interval === 'DAY') return { start: date, end: date };
  if (interval === 'MONTH') return { start: startOfMonth(date), end: endOfMonth(date) };
  return periods.find((p) => p.start <= date && date <= p.end) ?? { start: date, end: date };
}

export const revenueRecognitionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/revenue-recognition',
    summary: 'Recognized and deferred revenue per period (per Revenue Recognition Interval)',
    description:
      "Revenue of the invoices the caller's organization issued (debit items positive, credit items negative), each item spread over its service range per calendar month, day or the distributor's accounting periods. Items of invoices dated after `to`, or whose service ended before `from`, are not counted. A DAY report spans at most 366 days.",
    tags: ['revenue-recognition'],
    auth: { roles: ['ADMIN', 'BILLING_MANAGER'], orgKinds: ['DISTRIBUTOR', 'RESELLER'] },
    request: {
      query: z
        .object({ from: dateField, to: dateField })
        .refine((q) => q.from <= q.to, { error: 'from must not be after to', path: ['from'] })
        .refine(
          (q) =>
            !isValidIsoDate(q.from) ||
            !isValidIsoDate(q.to) ||
            daysInRange({ start: q.from, end: q.to }) <= MAX_DAYS,
          {
            error: `At most ${MAX_DAYS} days`,
            path: ['to'],
          },
        ),
    },
    response: reportSchema,
    async handler({ session, query, withTenant }) {
      const t = session.tenant;
      return withTenant(async (tx) => {
        const { options } = await loadBillingOptions(tx, t.distributorId);
        const interval = options.revenueRecognitionInterval;
        if (interval === 'DAY' && daysInRange({ start: query.from, end: query.to }) > MAX_DAY_ROWS) {
          throw new ApiError('validation_failed', `A daily report spans at most ${MAX_DAY_ROWS} days`, {
            to: `At most ${MAX_DAY_ROWS} days after from`,
          });
        }
        const periods = interval === 'ACCOUNTING_PERIOD' ? await loadPeriods(tx, t.distributorId) : [];
        const items = await queryRows<{
          currency: string;
          type: 'DEBIT' | 'CREDIT';
          period_start: string;
          period_end: string;
          amount: string;
        }>(
          tx,
          sql`select i.currency, i.type, it.period_start::text as period_start, it.period_end::text as period_end,
              it.amount::text as amount
            from invoices i join invoice_items it on it.distributor_id = i.distributor_id and it.invoice_id = i.id
            where i.distributor_id = ${t.distributorId} and i.issuer_org_id = ${t.orgId} and i.stage = 'ISSUED'
              and i.status <> 'CANCELED' and i.invoice_date <= ${query.to} and it.period_end >= ${query.from}`,
        );
        interface Acc {
          invoiced: Decimal;
          before: Decimal;
          recognized: Decimal;
          deferred: Decimal;
          periods: Map<string, { start: string; end: string; amount: Decimal }>;
        }
        const byCurrency = new Map<string, Acc>();
        for (const item of items) {
          let schedule: RecognitionPart[];
          try {
            schedule = recognitionSchedule({
              amount: item.amount,
              currency: item.currency,
              range: { start: item.period_start, end: item.period_end },
              interval,
              accountingPeriods: periods,
            });
          } catch (error) {
            if (error instanceof BillingCoreError && error.code === 'ACCOUNTING_PERIODS_GAP') {
              throw new ApiError(
                'unprocessable',
                `The accounting periods do not cover ${item.period_start} – ${item.period_end}: add them first (PUT /api/v1/accounting-periods)`,
                { from: 'Accounting periods missing' },
              );
            }
            throw error;
          }
          const sign = item.type === 'CREDIT' ? -1 : 1;
          let acc = byCurrency.get(item.currency);
          if (!acc) {
            acc = {
              invoiced: new Decimal(0),
              before: new Decimal(0),
              recognized: new Decimal(0),
              deferred: new Decimal(0),
              periods: new Map(),
            };
            byCurrency.set(item.currency, acc);
          }
          acc.invoiced = acc.invoiced.plus(new Decimal(item.amount).times(sign));
          for (const part of schedule) {
            const amount = part.amount.times(sign);
            if (part.end < query.from) acc.before = acc.before.plus(amount);
            else if (part.end > query.to) acc.deferred = acc.deferred.plus(amount);
            else {
              acc.recognized = acc.recognized.plus(amount);
              const slice = sliceOf(interval, part.end, periods);
              const row = acc.periods.get(slice.start) ?? { ...slice, amount: new Decimal(0) };
              row.amount = row.amount.plus(amount);
              acc.periods.set(slice.start, row);
            }
          }
        }
        return {
          interval,
          from: query.from,
          to: query.to,
          currencies: [...byCurrency.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([currency, acc]) => ({
              currency,
              invoiced: formatAmount(acc.invoiced, currency),
              recognizedBefore: formatAmount(acc.before, currency),
              recognized: formatAmount(acc.recognized, currency),
              deferred: formatAmount(acc.deferred, currency),
              periods: [...acc.periods.values()]
                .sort((a, b) => (a.start < b.start ? -1 : 1))
                .map((p) => ({ start: p.start, end: p.end, recognized: formatAmount(p.amount, currency) })),
            })),
        };
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/accounting-periods',
    summary: "The distributor's accounting periods (Revenue Recognition Interval ACCOUNTING_PERIOD)",
    tags: ['revenue-recognition'],
    auth: {},
    response: z.object({ periods: z.array(periodSchema) }),
    async handler({ session, withTenant }) {
      return withTenant(async (tx) => {
        const rows = await tx
          .select({
            startDate: accountingPeriods.startDate,
            endDate: accountingPeriods.endDate,
            name: accountingPeriods.name,
          })
          .from(accountingPeriods)
          .where(eq(accountingPeriods.distributorId, session.tenant.distributorId))
          .orderBy(asc(accountingPeriods.startDate));
        return { periods: rows };
      });
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/api/v1/accounting-periods',
    summary: "Replace the distributor's accounting periods",
    description: 'Consecutive periods: each starts the day after the previous one ends (no gap, no overlap).',
    tags: ['revenue-recognition'],
    auth: { roles: ['ADMIN'], orgKinds: ['DISTRIBUTOR'] },
    request: {
      body: z
        .strictObject({
          periods: z
            .array(
              z
                .strictObject({
                  startDate: dateField,
                  endDate: dateField,
                  name: z.string().trim().min(1).max(100),
                })
                .refine((p) => p.startDate <= p.endDate, {
                  error: 'endDate is before startDate',
                  path: ['endDate'],
                }),
            )
            .max(1000),
        })
        .superRefine((b, ctx) => {
          const sorted = [...b.periods].sort((x, y) => (x.startDate < y.startDate ? -1 : 1));
          for (let i = 1; i < sorted.length; i++) {
            const prev = sorted[i - 1]!;
            const cur = sorted[i]!;
            if (!isValidIsoDate(prev.endDate) || !isValidIsoDate(cur.startDate)) continue;
            // By day number: the day after 9999-12-31 is no date to compare with.
            if (toDayNumber(prev.endDate) + 1 !== toDayNumber(cur.startDate)) {
              ctx.addIssue({
                code: 'custom',
                message: `Period starting ${cur.startDate} must start the day after ${prev.endDate}`,
                path: ['periods', b.periods.indexOf(cur), 'startDate'],
              });
            }
          }
        }),
    },
    response: z.object({ periods: z.array(periodSchema) }),
    async handler({ session, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const d = session.tenant.distributorId;
        const old = await tx
          .select({
            startDate: accountingPeriods.startDate,
            endDate: accountingPeriods.endDate,
            name: accountingPeriods.name,
          })
          .from(accountingPeriods)
          .where(and(eq(accountingPeriods.distributorId, d)));
        await tx.delete(accountingPeriods).where(eq(accountingPeriods.distributorId, d));
        const periods = [...body.periods].sort((x, y) => (x.startDate < y.startDate ? -1 : 1));
        if (periods.length > 0)
          await tx
            .insert(accountingPeriods)
            .values(periods.map((p) => ({ distributorId: d, resellerId: null, orgId: d, ...p })));
        await writeAudit(tx, {
          actor: session,
          action: 'accounting-periods.replace',
          entityType: 'accounting-periods',
          entityId: d,
          old,
          new: periods,
          requestId,
        });
        return { periods };
      });
    },
  }),
];
