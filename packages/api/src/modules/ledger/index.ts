/**
 * Ledger (SPEC §4, issue 4): payments with automatic settlement, refunds, transfers, write-offs, and
 * the account's summary and statement. Thin shells over billing-core's ledger rules (see
 * `command.ts`); invoices' cancel and link are in `invoices/`, credit invoices in `credit-notes/`.
 */
import { Decimal, formatAmount, recordPayment, refund, transfer, writeOff } from '@cascade/billing-core';
import { accounts, queryRows, tenantScope } from '@cascade/db';
import { and, asc, count, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import type { Session } from '../../platform/tenancy';
import {
  amountInput,
  type CommandSpec,
  currencyInput,
  dateInput,
  decideCommands,
  idInput,
  ledgerOutcomeSchema,
  ledgerTestHooks,
  runCommand,
  today,
  withIncoming,
} from './command';
import { readStatement, statementResponse, statementRowSchema } from './statement-view';
import { type AccountRow, type CashDeskRow, readAccounts } from './store';

export { ledgerTestHooks, settleAccounts } from './command';

const MONEY_ROLES = ['ADMIN', 'BILLING_MANAGER'] as const;
const moneyGuard = { roles: MONEY_ROLES, orgKinds: ['DISTRIBUTOR', 'RESELLER'] as const };
const accountParam = z.object({ accountId: idInput });
const newId = () => crypto.randomUUID();

const paymentBody = z
  .strictObject({
    amount: amountInput,
    currency: currencyInput,
    date: dateInput.optional(),
    cashDeskId: idInput.describe("The seller's cash desk that received the money."),
    method: z.string().trim().min(1).max(50).describe('BANK_TRANSFER, CASH, CARD, …'),
    reference: z.string().max(200).optional(),
    linkTo: z
      .strictObject({
        invoiceId: idInput,
        amount: amountInput.optional().describe('In part; omitted: as much as the payment covers.'),
      })
      .optional()
      .describe('Apply the payment to this debit invoice first; the rest settles oldest first.'),
  })
  .meta({ id: 'PaymentRequest' });

const refundBody = z
  .strictObject({
    amount: amountInput,
    currency: currencyInput,
    date: dateInput.optional(),
    cashDeskId: idInput.optional().describe('The cash desk that pays the money out.'),
  })
  .meta({ id: 'RefundRequest' });

const transferBody = z
  .strictObject({
    toAccountId: idInput,
    amount: amountInput,
    currency: currencyInput,
    date: dateInput.optional(),
  })
  .meta({ id: 'TransferRequest' });

const writeOffBody = z
  .strictObject({
    amount: amountInput,
    currency: currencyInput,
    date: dateInput.optional(),
    reason: z.string().trim().min(1, { error: 'A write-off needs a reason' }).max(500),
    invoiceId: idInput
      .optional()
      .describe('Apply it to this debit invoice (closing it when it covers what is due).'),
  })
  .meta({ id: 'WriteOffRequest' });

const accountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    clientOrgId: z.string(),
    issuerOrgId: z.string(),
    parentAccountId: z.string().nullable(),
    currency: z.string(),
    balance: z.string(),
  })
  .meta({ id: 'Account' });

const positionSchema = z.object({
  balance: z.string().describe('Money held.'),
  due: z.string().describe('Due on open debit invoices.'),
  net: z.string().describe('balance − due: positive in the client’s favour.'),
});

const summarySchema = accountSchema
  .extend({
    due: z.string(),
    net: z.string(),
    openInvoices: z.number().int(),
  })
  .meta({ id: 'AccountSummary' });

const statementSchema = z
  .object({
    accountId: z.string(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    opening: positionSchema,
    rows: z.array(statementRowSchema),
    closing: positionSchema,
  })
  .meta({ id: 'StatementOfAccount' });

function assertCashDeskOfSeller(
  desk: CashDeskRow | undefined,
  account: AccountRow,
  cashDeskId: string,
): void {
  if (!desk || desk.orgId !== account.issuerOrgId) {
    throw new ApiError('unprocessable', `Cash desk ${cashDeskId} is not one of the seller's cash desks`, {
      cashDeskId: `Not a cash desk of ${account.issuerOrgId}`,
    });
  }
  if (!desk.active)
    throw new ApiError('unprocessable', `Cash desk ${cashDeskId} is closed`, { cashDeskId: 'Closed' });
}

const accountOut = (a: AccountRow) => ({
  id: a.id,
  name: a.name,
  clientOrgId: a.orgId,
  issuerOrgId: a.issuerOrgId,
  parentAccountId: a.parentAccountId,
  currency: a.currency,
  balance: formatAmount(a.balance, a.currency),
});

/** A payment as a ledger command: its settlement, its cash desk's check and the rule. */
function paymentCommand({
  session,
  params,
  body,
  requestId,
}: {
  session: Session;
  params: z.output<typeof accountParam>;
  body: z.output<typeof paymentBody>;
  requestId: string;
}): CommandSpec {
  return {
    session,
    requestId,
    accountIds: [params.accountId],
    invoices: body.linkTo ? { ids: [body.linkTo.invoiceId], field: 'linkTo.invoiceId' } : undefined,
    settle: withIncoming(params.accountId, body.amount),
    cashDeskId: body.cashDeskId,
    check: (locked, desk) => assertCashDeskOfSeller(desk, locked.get(params.accountId)!, body.cashDeskId),
    rule: (state, context) =>
      recordPayment(
        state,
        {
          id: newId(),
          accountId: params.accountId,
          date: body.date ?? today(),
          amount: body.amount,
          currency: body.currency,
          cashDeskId: body.cashDeskId,
          method: body.method,
          reference: body.reference ?? null,
          linkTo: body.linkTo ?? null,
        },
        context,
      ),
    audit: { action: 'payment.create', entityType: 'payment' },
    deferWrites: true,
  };
}

export const ledgerRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/accounts/:accountId/payments',
    summary: 'Record a payment (settles open invoices oldest first)',
    description:
      'The balance grows by the amount; with `linkTo` the payment is applied to that invoice first; then open debit invoices are closed from the balance, oldest first, each in full, stopping at the first it cannot cover.',
    tags: ['ledger'],
    auth: moneyGuard,
    moneyMoving: true,
    writesOnlyDeferred: true,
    status: 201,
    request: { params: accountParam, body: paymentBody },
    response: ledgerOutcomeSchema,
    batch: {
      exclusive: ({ params }) => params.accountId,
      async decide(tx, requests) {
        const decided = await decideCommands(tx, requests.map(paymentCommand));
        const after = ledgerTestHooks.afterFirstWrite;
        return decided.map((d) => (d.ok ? { ok: true, out: d.outcome, writes: d.writes, after } : d));
      },
    },
    handler: (request) => request.withTenant((tx) => runCommand(tx, paymentCommand(request))),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/accounts/:accountId/refunds',
    summary: 'Refund money from the balance (never more than it holds)',
    tags: ['ledger'],
    auth: moneyGuard,
    moneyMoving: true,
    writesOnlyDeferred: true,
    status: 201,
    request: { params: accountParam, body: refundBody },
    response: ledgerOutcomeSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant((tx) => {
        const cashDeskId = body.cashDeskId;
        return runCommand(tx, {
          session,
          requestId,
          accountIds: [params.accountId],
          cashDeskId,
          check: cashDeskId
            ? (locked, desk) => assertCashDeskOfSeller(desk, locked.get(params.accountId)!, cashDeskId)
            : undefined,
          rule: (state) =>
            refund(state, {
              id: newId(),
              accountId: params.accountId,
              date: body.date ?? today(),
              amount: body.amount,
              currency: body.currency,
              cashDeskId: body.cashDeskId ?? null,
            }),
          audit: { action: 'refund.create', entityType: 'refund' },
          deferWrites: true,
        });
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/accounts/:accountId/transfers',
    summary: 'Transfer balance to another client of the same seller, same currency',
    description: 'The receiving account then settles its open invoices oldest first.',
    tags: ['ledger'],
    auth: moneyGuard,
    moneyMoving: true,
    writesOnlyDeferred: true,
    status: 201,
    request: { params: accountParam, body: transferBody },
    response: ledgerOutcomeSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      if (body.toAccountId === params.accountId) {
        throw new ApiError('unprocessable', 'A transfer needs two different accounts', {
          toAccountId: 'Same as the giving account',
        });
      }
      return withTenant((tx) =>
        runCommand(tx, {
          session,
          requestId,
          accountIds: [params.accountId, body.toAccountId],
          accountField: 'toAccountId',
          settle: withIncoming(body.toAccountId, body.amount),
          check: (locked) => {
            const from = locked.get(params.accountId)!;
            const to = locked.get(body.toAccountId)!;
            if (from.issuerOrgId !== to.issuerOrgId) {
              throw new ApiError(
                'unprocessable',
                'A transfer moves balance between clients of the same organization only',
                { toAccountId: `Not an account of ${from.issuerOrgId}` },
              );
            }
          },
          rule: (state) =>
            transfer(state, {
              id: newId(),
              accountId: params.accountId,
              toAccountId: body.toAccountId,
              date: body.date ?? today(),
              amount: body.amount,
              currency: body.currency,
            }),
          audit: { action: 'transfer.create', entityType: 'transfer' },
          deferWrites: true,
        }),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/accounts/:accountId/write-offs',
    summary: 'Write off from the balance for a consumed service, with a reason',
    tags: ['ledger'],
    auth: moneyGuard,
    moneyMoving: true,
    writesOnlyDeferred: true,
    status: 201,
    request: { params: accountParam, body: writeOffBody },
    response: ledgerOutcomeSchema,
    async handler({ session, params, body, withTenant, requestId }) {
      return withTenant(async (tx) => {
        const invoices = body.invoiceId ? { ids: [body.invoiceId], field: 'invoiceId' } : undefined;
        return runCommand(tx, {
          session,
          requestId,
          accountIds: [params.accountId],
          invoices,
          rule: (state) =>
            writeOff(state, {
              id: newId(),
              accountId: params.accountId,
              date: body.date ?? today(),
              amount: body.amount,
              currency: body.currency,
              reason: body.reason,
              invoiceId: body.invoiceId ?? null,
            }),
          audit: { action: 'write-off.create', entityType: 'write-off' },
          deferWrites: true,
        });
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/accounts',
    summary: 'Client accounts the caller may see',
    tags: ['ledger'],
    auth: {},
    request: {
      query: pageQuery({
        clientOrgId: idInput.optional(),
        issuerOrgId: idInput.optional(),
        currency: currencyInput.optional(),
      }),
    },
    response: pageOf(accountSchema),
    async handler({ session, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      const where: SQL[] = [tenantScope(accounts, session.tenant)];
      if (query.clientOrgId) where.push(eq(accounts.orgId, query.clientOrgId));
      if (query.issuerOrgId) where.push(eq(accounts.issuerOrgId, query.issuerOrgId));
      if (query.currency) where.push(eq(accounts.currency, query.currency));
      return withTenant(async (tx) => {
        const rows = await tx
          .select()
          .from(accounts)
          .where(and(...where))
          .orderBy(asc(accounts.name), asc(accounts.id))
          .limit(limit)
          .offset(offset);
        const [total] = await tx
          .select({ n: count() })
          .from(accounts)
          .where(and(...where));
        return toPage(rows.map(accountOut), total?.n);
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/accounts/:accountId/summary',
    summary: "An account's balance, what is due on its open invoices, and the net position",
    tags: ['ledger'],
    auth: {},
    request: { params: accountParam },
    response: summarySchema,
    async handler({ session, params, withTenant }) {
      return withTenant(async (tx) => {
        const account = (await readAccounts(tx, session.tenant, [params.accountId])).get(params.accountId)!;
        const [open] = await queryRows<{ due: string; n: number }>(
          tx,
          sql`select coalesce(sum(amount_due), 0)::text as due, count(*)::int as n from invoices
            where distributor_id = ${account.distributorId} and account_id = ${account.id}
              and type = 'DEBIT' and stage = 'ISSUED' and status = 'UNPAID'`,
        );
        const due = open?.due ?? '0';
        return {
          ...accountOut(account),
          due: formatAmount(due, account.currency),
          net: formatAmount(new Decimal(account.balance).minus(due), account.currency),
          openInvoices: Number(open?.n ?? 0),
        };
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/accounts/:accountId/statement',
    summary: 'Statement of account for a period: opening position, every document, closing position',
    tags: ['ledger'],
    auth: {},
    request: {
      params: accountParam,
      query: z
        .object({ from: dateInput, to: dateInput })
        .refine((q) => q.from <= q.to, { error: 'from must not be after to', path: ['from'] }),
    },
    response: statementSchema,
    async handler({ session, params, query, withTenant }) {
      return withTenant(async (tx) => {
        // Each row named by its document's number and a label (ledger/statement-view.ts, as the PDF).
        return statementResponse(
          await readStatement(tx, session.tenant, params.accountId, query.from, query.to),
        );
      });
    },
  }),
];
