/**
 * Cash desks (SPEC §4): where a seller receives payments and pays refunds (bank, office till,
 * payment system). Create, list, and the daily report of what each received and paid out.
 */
import { formatAmount } from '@cascade/billing-core';
import { CASH_DESK_KINDS, cashDesks, queryRows, tenantScope } from '@cascade/db';
import { and, asc, count, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import { ownColumns } from '../../platform/tenancy';
import { dateInput, idInput } from '../ledger/command';

export const cashDeskSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    kind: z.enum(CASH_DESK_KINDS),
    active: z.boolean(),
  })
  .meta({ id: 'CashDesk' });

const reportRow = z
  .object({
    cashDeskId: z.string(),
    cashDeskName: z.string(),
    date: z.string(),
    currency: z.string(),
    received: z.string(),
    paidOut: z.string(),
    documents: z.number().int(),
  })
  .meta({ id: 'CashDeskDay' });

const columns = {
  id: cashDesks.id,
  orgId: cashDesks.orgId,
  name: cashDesks.name,
  kind: cashDesks.kind,
  active: cashDesks.active,
};

export const cashDeskRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/cash-desks',
    summary: "Open a cash desk of the caller's organization",
    tags: ['cash-desks'],
    auth: { roles: ['ADMIN', 'BILLING_MANAGER'], orgKinds: ['DISTRIBUTOR', 'RESELLER'] },
    status: 201,
    request: {
      body: z.strictObject({
        name: z.string().trim().min(1).max(200),
        kind: z.enum(CASH_DESK_KINDS),
      }),
    },
    response: cashDeskSchema,
    async handler({ session, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const owner = await ownColumns(tx, session.tenant);
        const [row] = await tx
          .insert(cashDesks)
          .values({ ...owner, id: crypto.randomUUID(), name: body.name, kind: body.kind })
          .returning(columns);
        await writeAudit(tx, {
          actor: session,
          action: 'cash-desk.create',
          entityType: 'cash-desk',
          entityId: row!.id,
          new: row,
          requestId,
        });
        return row!;
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/cash-desks',
    summary: 'Cash desks the caller may see',
    tags: ['cash-desks'],
    auth: {},
    request: { query: pageQuery({ orgId: idInput.optional() }) },
    response: pageOf(cashDeskSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(cashDesks, session.tenant)];
      if (query.orgId) where.push(eq(cashDesks.orgId, query.orgId));
      return withTenant(async (tx) => {
        const rows = await tx
          .select(columns)
          .from(cashDesks)
          .where(and(...where))
          .orderBy(asc(cashDesks.name), asc(cashDesks.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx
          .select({ n: count() })
          .from(cashDesks)
          .where(and(...where));
        return toPage(rows, total?.n);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/cash-desks/report',
    summary: 'What each cash desk received (payments) and paid out (refunds), per day and currency',
    tags: ['cash-desks'],
    auth: {},
    request: {
      query: pageQuery({
        from: dateInput,
        to: dateInput,
        cashDeskId: idInput.optional(),
      }).refine((q) => q.from <= q.to, { error: 'from must not be after to', path: ['from'] }),
    },
    response: pageOf(reportRow),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const desk = query.cashDeskId ? sql`and cash_desk_id = ${query.cashDeskId}` : sql``;
      return withTenant(async (tx) => {
        const scope = tenantScope(cashDesks, session.tenant);
        const rows = await queryRows<{
          cash_desk_id: string;
          name: string;
          date: string;
          currency: string;
          received: string;
          paid_out: string;
          documents: number;
          total_rows: number;
        }>(
          tx,
          sql`with moves as (
              select cash_desk_id, payment_date as date, currency, amount as received, 0::numeric as paid_out
                from payments where distributor_id = ${session.tenant.distributorId}
                  and payment_date between ${query.from} and ${query.to} ${desk}
              union all
              select cash_desk_id, refund_date, currency, 0, amount
                from refunds where distributor_id = ${session.tenant.distributorId} and cash_desk_id is not null
                  and refund_date between ${query.from} and ${query.to} ${desk}
            )
            select m.cash_desk_id, cash_desks.name, m.date::text as date, m.currency,
              sum(m.received)::text as received, sum(m.paid_out)::text as paid_out, count(*)::int as documents,
              count(*) over ()::int as total_rows
            from moves m join cash_desks on cash_desks.distributor_id = ${session.tenant.distributorId}
              and cash_desks.id = m.cash_desk_id
            where ${scope}
            group by m.cash_desk_id, cash_desks.name, m.date, m.currency
            order by m.cash_desk_id collate "C", m.date, m.currency
            limit ${limit} offset ${offset}`,
        );
        return toPage(
          rows.map((r) => ({
            cashDeskId: r.cash_desk_id,
            cashDeskName: r.name,
            date: r.date,
            currency: r.currency,
            received: formatAmount(r.received, r.currency),
            paidOut: formatAmount(r.paid_out, r.currency),
            documents: Number(r.documents),
          })),
          rows[0] ? Number(rows[0].total_rows) : offset === 0 ? 0 : undefined,
        );
      });
    },
  }),
];
