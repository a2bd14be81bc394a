/**
 * Subscription changes in the middle of a paid period (issue 9, SPEC §8–§9), over HTTP:
 * disconnections, account transfers, change orders and vacations. Each asks billing-core's
 * lifecycle rules what to credit and charge, issues the credit invoices (linked to the debit
 * invoice that billed the credited days) and new charges through the ledger, writes the change
 * onto the subscription, records the event, and audits it — in one transaction under the
 * request's Idempotency-Key. Billing runs then follow: a disconnected or transferred
 * subscription is billed to its new end or account, a changed line with its new configuration
 * from the next period, and vacation days are never charged (see `run-effects.ts`).
 */
import {
  accountTransferCredit,
  activeRanges,
  addDays,
  BillingCoreError,
  changeOrder,
  chargeFor,
  Decimal,
  disconnectionCredit,
  formatAmount,
  isValidIsoDate,
  overlap,
  type RatableLine,
  roundAmount,
  type TaxDefinition,
  vacationCredit,
  validateVacation,
} from '@cascade/billing-core';
import {
  queryRows,
  subscriptionEvents,
  subscriptionLines,
  subscriptions,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { pageOf, pageQuery, pageWindow, toPage } from '../../platform/pagination';
import { defineRoute } from '../../platform/routes';
import type { Session } from '../../platform/tenancy';
import { taxProviderFrom } from '../billing-runs/external-tax';
import { idInput, today } from '../ledger/command';
import { type AccountRow, readAccounts, readInvoices } from '../ledger/store';
import { loadBillingOptions } from '../profile-options';
import { priceInput, quantityInput } from '../subscriptions';
import { type DocContext, type DocItem, type DocOut, issueCharge, issueCredit } from './documents';
import {
  type BilledItem,
  creditedWithin,
  type LineRow,
  loadBilledItems,
  loadLines,
  loadProduct,
  loadProductTaxes,
  lockSubscription,
  pickLines,
  ratableOf,
  remainingOf,
  type SubscriptionRow,
  taxShareOf,
} from './model';

const MONEY_ROLES = ['ADMIN', 'BILLING_MANAGER'] as const;
const writers = { roles: MONEY_ROLES, orgKinds: ['DISTRIBUTOR', 'RESELLER'] as const };

const dateField = z.string().refine((v) => isValidIsoDate(v), { error: 'Must be a date as YYYY-MM-DD' });
const params = z.object({ id: idInput });

const disconnectionBody = z
  .strictObject({
    date: dateField.describe('The disconnection day; it is still used (charged).'),
    lineId: idInput.optional().describe('Disconnect this line only; omitted: the whole subscription.'),
  })
  .meta({ id: 'DisconnectionRequest' });

const transferBody = z
  .strictObject({
    toAccountId: idInput.describe('Another account of the same client, same seller and currency.'),
    date: dateField.describe('First day of service on the new account (the old one keeps the days before).'),
  })
  .meta({ id: 'SubscriptionTransferRequest' });

const changeOrderBody = z
  .strictObject({
    lineId: idInput,
    date: dateField.describe('First day of the new configuration.'),
    quantity: quantityInput
      .refine((v) => new Decimal(v).greaterThan(0), { error: 'Must be more than 0' })
      .optional(),
    unitPrice: priceInput.optional(),
    productId: idInput.optional().describe('A plan change: the new product (same term).'),
  })
  .refine((b) => b.quantity !== undefined || b.unitPrice !== undefined || b.productId !== undefined, {
    error: 'Change at least one of quantity, unitPrice, productId',
    path: ['quantity'],
  })
  .meta({ id: 'ChangeOrderRequest' });

const vacationBody = z
  .strictObject({
    start: dateField,
    end: dateField.describe('The last vacation day.'),
    lineId: idInput.optional().describe('Suspend this line only; omitted: the whole subscription.'),
  })
  .meta({ id: 'VacationRequest' });

const documentSchema = z
  .object({
    id: z.string(),
    type: z.enum(['DEBIT', 'CREDIT']),
    stage: z.enum(['ISSUED', 'PENDING']),
    number: z.string().nullable(),
    accountId: z.string(),
    creditedInvoiceId: z.string().nullable(),
    total: z.string(),
    pendingError: z.string().nullable(),
  })
  .meta({ id: 'SubscriptionChangeDocument' });

const eventSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['DISCONNECTION', 'TRANSFER', 'CHANGE_ORDER', 'VACATION']),
    subscriptionId: z.string(),
    subscriptionLineId: z.string().nullable(),
    eventDate: z.string(),
    endDate: z.string().nullable(),
    fromAccountId: z.string().nullable(),
    toAccountId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    documentIds: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'SubscriptionEvent' });

const outcomeSchema = z
  .object({ event: eventSchema, documents: z.array(documentSchema) })
  .meta({ id: 'SubscriptionChangeOutcome' });

type EventKind = z.infer<typeof eventSchema>['kind'];
type EventRow = typeof subscriptionEvents.$inferSelect;

const eventView = (r: EventRow) => ({
  id: r.id,
  kind: r.kind,
  subscriptionId: r.subscriptionId,
  subscriptionLineId: r.subscriptionLineId,
  eventDate: r.eventDate,
  endDate: r.endDate,
  fromAccountId: r.fromAccountId,
  toAccountId: r.toAccountId,
  details: (r.details ?? {}) as Record<string, unknown>,
  documentIds: r.documentIds ?? [],
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

const unprocessable = (message: string, field: string, why = message) =>
  new ApiError('unprocessable', message, { [field]: why });

/** A billing-core refusal of the request's input (a date outside the period, …) as a 422. */
function rule<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof BillingCoreError) throw unprocessable(error.message, field);
    throw error;
  }
}

interface Prepared {
  sub: SubscriptionRow;
  account: AccountRow;
  lines: LineRow[];
  items: BilledItem[];
  ctx: DocContext;
}

/** Everything every change needs, with the subscription locked and the caller checked. */
async function prepare(
  tx: Transaction,
  args: {
    session: Session;
    requestId: string;
    id: string;
    taxServiceConfig: Parameters<typeof taxProviderFrom>[0];
  },
): Promise<Prepared> {
  const { session } = args;
  const sub = await lockSubscription(tx, session.tenant, args.id);
  const account = (await readAccounts(tx, session.tenant, [sub.accountId])).get(sub.accountId)!;
  // The seller who issues this subscription's invoices (or the marketplace's distributor) acts.
  if (session.tenant.orgKind !== 'DISTRIBUTOR' && account.issuerOrgId !== session.tenant.orgId) {
    throw ApiError.forbidden(`Only the seller of subscription ${sub.id} (or the distributor) may change it`);
  }
  const stored = await loadBillingOptions(tx, sub.distributorId);
  const lines = await loadLines(tx, sub);
  const items = await loadBilledItems(tx, sub, account.issuerOrgId);
  return {
    sub,
    account,
    lines,
    items,
    ctx: {
      tx,
      session,
      requestId: args.requestId,
      stored,
      date: today(),
      taxProvider: taxProviderFrom(args.taxServiceConfig),
    },
  };
}

const itemsOf = (items: BilledItem[], lineId: string) => items.filter((i) => i.subscriptionLineId === lineId);

/** A credit item for part of a debit item: its range, its amount, its tax share. */
function creditItem(
  item: BilledItem,
  subscriptionId: string,
  amount: Decimal,
  range: { start: string; end: string },
  currency: string,
  what: string,
): DocItem {
  // Days an earlier event already credited are not credited again; never more than remains.
  const fresh = Decimal.max(amount.minus(creditedWithin(item, range, currency)), 0);
  const capped = Decimal.min(fresh, remainingOf(item));
  return {
    subscriptionId,
    subscriptionLineId: item.subscriptionLineId,
    productId: item.productId,
    productType: item.productType,
    productName: item.productName,
    description: `Credit of ${item.invoiceNumber ?? item.invoiceId}: ${item.description} (${what})`,
    periodStart: range.start,
    periodEnd: range.end,
    quantity: item.quantity,
    unit: item.unit,
    unitPrice: item.unitPrice,
    amount: capped,
    tax: taxShareOf(item, capped, currency, roundAmount),
    endCustomerOrgId: item.endCustomerOrgId,
    unitCost: item.unitCost,
    pricingStrategy: item.pricingStrategy,
    markupPercent: item.markupPercent,
    srp: item.srp,
  };
}

/** One credit invoice per debit invoice credited. */
async function issueCredits(
  p: Prepared,
  credits: { item: BilledItem; doc: DocItem }[],
  action: string,
): Promise<DocOut[]> {
  const byInvoice = new Map<string, { item: BilledItem; doc: DocItem }[]>();
  for (const c of credits) {
    if (c.doc.amount.plus(c.doc.tax).isZero()) continue;
    const list = byInvoice.get(c.item.invoiceId);
    if (list) list.push(c);
    else byInvoice.set(c.item.invoiceId, [c]);
  }
  const out: DocOut[] = [];
  const debits = await readInvoices(p.ctx.tx, p.ctx.session.tenant, [...byInvoice.keys()]);
  for (const [invoiceId, list] of byInvoice) {
    const doc = await issueCredit(p.ctx, {
      debit: debits.get(invoiceId)!,
      channel: list[0]!.item.channel,
      items: list.map((c) => c.doc),
      action,
    });
    if (doc) out.push(doc);
  }
  return out;
}

/**
 * The paid period of a line that contains `date`: the latest billed item, which must contain it
 * (`allowDayAfter`: or end the day before). 422 otherwise — a later period already billed, or
 * nothing billed up to that date.
 */
function paidPeriodOf(
  line: LineRow,
  items: BilledItem[],
  date: string,
  field: string,
  allowDayAfter = false,
): BilledItem {
  const own = itemsOf(items, line.id);
  const latest = own.reduce<BilledItem | null>((m, i) => (!m || i.periodStart > m.periodStart ? i : m), null);
  if (!latest) {
    throw unprocessable(
      `Line ${line.id} has no paid period yet: bill it first`,
      field,
      'The date is outside the paid period',
    );
  }
  const end = allowDayAfter ? addDays(latest.periodEnd, 1) : latest.periodEnd;
  if (date < latest.periodStart || date > end) {
    throw unprocessable(
      `The date is outside the paid period of line ${line.id} (${latest.periodStart} – ${latest.periodEnd})`,
      field,
      `Must be within ${latest.periodStart} – ${end}`,
    );
  }
  return latest;
}

async function recordEvent(
  tx: Transaction,
  p: Prepared,
  args: {
    kind: EventKind;
    lineId: string | null;
    eventDate: string;
    endDate?: string | null;
    fromAccountId?: string | null;
    toAccountId?: string | null;
    details: Record<string, unknown>;
    documents: DocOut[];
  },
) {
  const { sub, ctx } = p;
  const [row] = await tx
    .insert(subscriptionEvents)
    .values({
      distributorId: sub.distributorId,
      resellerId: sub.resellerId,
      orgId: sub.orgId,
      id: crypto.randomUUID(),
      subscriptionId: sub.id,
      subscriptionLineId: args.lineId,
      kind: args.kind,
      eventDate: args.eventDate,
      endDate: args.endDate ?? null,
      fromAccountId: args.fromAccountId ?? null,
      toAccountId: args.toAccountId ?? null,
      details: args.details,
      documentIds: args.documents.map((d) => d.id),
      createdBy: ctx.session.userId,
      requestId: ctx.requestId,
    })
    .returning();
  const event = eventView(row!);
  await writeAudit(tx, {
    actor: ctx.session,
    action: `subscription.${args.kind.toLowerCase().replace('_', '-')}`,
    entityType: 'subscription',
    entityId: sub.id,
    new: event,
    requestId: ctx.requestId,
    owner: { distributorId: sub.distributorId, resellerId: sub.resellerId, orgId: sub.orgId },
  });
  return { event, documents: args.documents };
}

const fmt = (v: Decimal, currency: string) => formatAmount(v, currency);

function listRoute(kind: EventKind, suffix: string, summary: string) {
  return defineRoute({
    method: 'GET',
    path: `/api/v1/subscriptions/:id/${suffix}`,
    summary,
    tags: ['subscription-changes'],
    auth: {},
    request: { params, query: pageQuery() },
    response: pageOf(eventSchema),
    async handler({ session, params: p, query, withTenant }) {
      const { offset, limit } = pageWindow(query);
      return withTenant(async (tx) => {
        const [sub] = await tx
          .select({ id: subscriptions.id })
          .from(subscriptions)
          .where(and(tenantScope(subscriptions, session.tenant), eq(subscriptions.id, p.id)))
          .limit(1);
        if (!sub)
          throw new ApiError('not_found', `Subscription ${p.id} not found`, { id: 'No such subscription' });
        const where = and(
          tenantScope(subscriptionEvents, session.tenant),
          eq(subscriptionEvents.subscriptionId, p.id),
          eq(subscriptionEvents.kind, kind),
        );
        const rows = await tx
          .select()
          .from(subscriptionEvents)
          .where(where)
          .orderBy(
            asc(subscriptionEvents.eventDate),
            asc(subscriptionEvents.createdAt),
            asc(subscriptionEvents.id),
          )
          .limit(limit)
          .offset(offset);
        const [total] = await tx.select({ n: count() }).from(subscriptionEvents).where(where);
        return toPage(rows.map(eventView), total?.n);
      });
    },
  });
}

/**
 * A change to one subscription (SPEC §5): POST /api/v1/subscriptions/:id/<suffix>, for the money
 * roles, answering 201 with the event and the documents it issued. `run` gets the subscription,
 * its account, lines and billed items (`prepare`) inside the request's tenant transaction.
 */
function eventRoute<B extends z.ZodType>(spec: {
  suffix: string;
  summary: string;
  description: string;
  body: B;
  run(
    tx: Transaction,
    prep: Prepared,
    body: z.output<B>,
    session: Session,
  ): Promise<z.input<typeof outcomeSchema>>;
}) {
  return defineRoute({
    method: 'POST',
    path: `/api/v1/subscriptions/:id/${spec.suffix}`,
    summary: spec.summary,
    description: spec.description,
    tags: ['subscription-changes'],
    auth: writers,
    moneyMoving: true,
    status: 201,
    request: { params, body: spec.body },
    response: outcomeSchema,
    async handler({ session, params: p, body, withTenant, requestId, config }) {
      return withTenant(async (tx) => {
        const prep = await prepare(tx, { session, requestId, id: p.id, taxServiceConfig: config });
        return spec.run(tx, prep, body as z.output<B>, session);
      });
    },
  });
}

export const subscriptionChangeRoutes = [
  eventRoute({
    suffix: 'disconnection',
    summary: 'Disconnect a subscription (or one line) on a date, crediting the unused rest',
    description:
      "The disconnection day is still used. The credit for the paid days after it follows each line's credit rule (EXACT / NODC) and prorata rule (DAILY / FULL_MONTH) with the options Generate Full Month Charge Even After Disconnection of NODC and Exact Disconnection Credit on Ad Hoc Price Change; it is a credit invoice linked to the invoice that billed those days. Billing runs bill nothing after the disconnection day. A date before a later period that is already billed is refused (422).",
    body: disconnectionBody,
    async run(tx, prep, body) {
      const { sub, account, ctx } = prep;
      const options = ctx.stored.options;
      if (sub.state === 'DISCONNECTED')
        throw unprocessable(`Subscription ${sub.id} is already disconnected`, 'id', 'Already disconnected');
      if (body.date < sub.startDate)
        throw unprocessable(
          'The disconnection date is before the subscription starts',
          'date',
          `On or after ${sub.startDate}`,
        );
      const lines = pickLines(prep.lines, body.lineId).filter((l) => l.startDate <= body.date);
      if (body.lineId && lines.length === 0)
        throw unprocessable('The disconnection date is before the line starts', 'date');
      const credits: { item: BilledItem; doc: DocItem }[] = [];
      const details: Record<string, unknown>[] = [];
      for (const line of lines) {
        const own = itemsOf(prep.items, line.id);
        const covering = own.filter((i) => i.periodStart <= body.date && body.date <= i.periodEnd);
        const later = own.filter((i) => i.periodStart > body.date);
        if (later.length > 0) {
          // A charge from a change made after this date, inside the same paid period.
          const changed = later.find((i) => covering.some((c) => i.periodEnd <= c.periodEnd));
          throw unprocessable(
            changed
              ? `Line ${line.id} was changed on ${changed.periodStart}, after this date: disconnect on or after it`
              : `Line ${line.id} is already billed for a later period (${later[0]!.periodStart} – ${later[0]!.periodEnd})`,
            'date',
            `The date is outside the paid period: on or after ${later[later.length - 1]!.periodStart}`,
          );
        }
        if (covering.length === 0) details.push({ lineId: line.id, billed: null, credit: '0' });
        // Every item billing the disconnection day: the period's charge, and a change order's.
        for (const item of covering) {
          const r = rule('date', () =>
            disconnectionCredit({
              line: ratableOf(item, line),
              creditRule: line.creditRule,
              billedPeriod: { start: item.periodStart, end: item.periodEnd },
              billedAmount: item.amount,
              disconnectionDate: body.date,
              currency: account.currency,
              options,
            }),
          );
          const doc = r.creditedRange
            ? creditItem(
                item,
                sub.id,
                r.credit,
                r.creditedRange,
                account.currency,
                `disconnected on ${body.date}`,
              )
            : null;
          details.push({
            lineId: line.id,
            creditRule: line.creditRule,
            prorataRule: line.prorataRule,
            invoiceId: item.invoiceId,
            billed: fmt(new Decimal(item.amount), account.currency),
            kept: fmt(r.kept, account.currency),
            credit: fmt(doc ? doc.amount : new Decimal(0), account.currency),
            creditedRange: r.creditedRange,
          });
          if (doc?.amount.greaterThan(0)) credits.push({ item, doc });
        }
      }
      const documents = await issueCredits(prep, credits, 'subscription.disconnection.credit');
      const d = sub.distributorId;
      for (const line of lines) {
        await tx
          .update(subscriptionLines)
          .set({ state: 'DISCONNECTED', disconnectionDate: body.date })
          .where(and(eq(subscriptionLines.distributorId, d), eq(subscriptionLines.id, line.id)));
      }
      if (!body.lineId) {
        await tx
          .update(subscriptions)
          .set({ state: 'DISCONNECTED', disconnectionDate: body.date })
          .where(and(eq(subscriptions.distributorId, d), eq(subscriptions.id, sub.id)));
      }
      return recordEvent(tx, prep, {
        kind: 'DISCONNECTION',
        lineId: body.lineId ?? null,
        eventDate: body.date,
        details: {
          lines: details,
          generateFullMonthChargeEvenAfterDisconnectionOfNodc:
            options.generateFullMonthChargeEvenAfterDisconnectionOfNodc,
          exactDisconnectionCreditOnAdHocPriceChange: options.exactDisconnectionCreditOnAdHocPriceChange,
        },
        documents,
      });
    },
  }),
  eventRoute({
    suffix: 'transfer',
    summary: 'Move a subscription to another account of the same client from a date',
    description:
      'The old account keeps the days before the date and gets the credit that Account Transfer – Disconnection Credit Rule says (none, the exact unused amount, or the custom percentage of it); the new account is charged from the date to the end of the paid period at once, and billing runs bill it from then on. The date must fall in the paid period (or be the day after it).',
    body: transferBody,
    async run(tx, prep, body, session) {
      const { sub, account, ctx } = prep;
      const options = ctx.stored.options;
      if (sub.state === 'DISCONNECTED')
        throw unprocessable(`Subscription ${sub.id} is disconnected`, 'id', 'Disconnected');
      if (body.toAccountId === account.id)
        throw unprocessable('The subscription is already on this account', 'toAccountId', 'Same account');
      const target = (await readAccounts(tx, session.tenant, [body.toAccountId], 'toAccountId')).get(
        body.toAccountId,
      )!;
      if (target.orgId !== account.orgId)
        throw unprocessable(
          'A subscription moves only to another account of the same organization',
          'toAccountId',
          `Not an account of ${account.orgId}`,
        );
      if (target.currency !== account.currency)
        throw unprocessable(
          `The new account is in ${target.currency}, not ${account.currency}`,
          'toAccountId',
          'Another currency',
        );
      if (target.issuerOrgId !== account.issuerOrgId)
        throw unprocessable(
          'The new account must be billed by the same seller',
          'toAccountId',
          `Not billed by ${account.issuerOrgId}`,
        );
      if (body.date <= sub.startDate)
        throw unprocessable(
          'The transfer date must be after the subscription starts',
          'date',
          `After ${sub.startDate}`,
        );
      const lines = pickLines(prep.lines, undefined).filter((l) => l.startDate < body.date);
      const credits: { item: BilledItem; doc: DocItem }[] = [];
      const charges: (DocItem & { taxes: readonly TaxDefinition[] })[] = [];
      const details: Record<string, unknown>[] = [];
      const taxes = await loadProductTaxes(
        tx,
        sub.distributorId,
        lines.map((l) => l.productId),
      );
      const vacations = await queryRows<{
        subscription_line_id: string | null;
        start: string;
        end: string;
      }>(
        tx,
        sql`select subscription_line_id, event_date::text as start, end_date::text as "end" from subscription_events
          where distributor_id = ${sub.distributorId} and subscription_id = ${sub.id} and kind = 'VACATION'`,
      );

      for (const line of lines) {
        const item = paidPeriodOf(line, prep.items, body.date, 'date', true);
        if (item.periodStart >= body.date)
          throw unprocessable('The transfer date must be after the start of the paid period', 'date');
        const ratable = ratableOf(item, line);
        const r = rule('date', () =>
          accountTransferCredit({
            line: ratable,
            billedPeriod: { start: item.periodStart, end: item.periodEnd },
            billedAmount: item.amount,
            transferDate: body.date,
            currency: account.currency,
            options,
          }),
        );
        details.push({
          lineId: line.id,
          invoiceId: item.invoiceId,
          billed: fmt(new Decimal(item.amount), account.currency),
          kept: fmt(r.kept, account.currency),
          credit: fmt(r.credit, account.currency),
          oldAccountEndDate: r.oldAccountEndDate,
          newAccountStartDate: r.newAccountStartDate,
        });
        if (r.creditedRange && r.credit.greaterThan(0)) {
          credits.push({
            item,
            doc: creditItem(
              item,
              sub.id,
              r.credit,
              r.creditedRange,
              account.currency,
              `moved to ${target.id} on ${body.date}`,
            ),
          });
        }
        if (body.date <= item.periodEnd) {
          const range = { start: body.date, end: item.periodEnd };
          // Vacation days stay uncharged on the new account too.
          const own = vacations
            .filter((v) => v.subscription_line_id === null || v.subscription_line_id === line.id)
            .map((v) => ({ start: v.start, end: v.end }));
          const parts = activeRanges(range, own);
          // The flat discount applies once: only when the range is charged in one piece.
          const priced = parts.length === 1 ? ratable : { ...ratable, flatDiscount: null };
          const amount = parts.reduce(
            (sum, part) => sum.plus(chargeFor(priced, part, account.currency, options)),
            new Decimal(0),
          );
          charges.push({
            ...creditItem(item, sub.id, amount, range, account.currency, ''),
            description: item.description,
            amount,
            tax: new Decimal(0),
            taxes: taxes.get(line.productId) ?? [],
          });
        }
      }
      const documents = await issueCredits(prep, credits, 'subscription.transfer.credit');
      const charge = await issueCharge(ctx, {
        account: target,
        channel: sub.channel,
        items: charges,
        orderDate: sub.orderDate,
        action: 'subscription.transfer.charge',
      });
      if (charge) documents.push(charge);
      // One default subscription per account: a moved default stays default only if the new account has none.
      const [other] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from subscriptions where distributor_id = ${sub.distributorId}
          and account_id = ${target.id} and is_default`,
      );
      await tx
        .update(subscriptions)
        .set({ accountId: target.id, isDefault: sub.isDefault && Number(other?.n ?? 0) === 0 })
        .where(and(eq(subscriptions.distributorId, sub.distributorId), eq(subscriptions.id, sub.id)));
      return recordEvent(tx, prep, {
        kind: 'TRANSFER',
        lineId: null,
        eventDate: body.date,
        fromAccountId: account.id,
        toAccountId: target.id,
        details: {
          rule: options.accountTransferDisconnectionCreditRule,
          customPercent: options.accountTransferCustomCreditPercent,
          lines: details,
        },
        documents,
      });
    },
  }),
  eventRoute({
    suffix: 'change-orders',
    summary: 'Change the quantity, price or plan of a line from a date in its paid period',
    description:
      'With Bill Till End of Current Payterm for Change Order = Yes, the old configuration is credited and the new one charged from the date to the end of the paid period at once; with No, nothing is issued now and billing runs bill the new configuration from the next period.',
    body: changeOrderBody,
    async run(tx, prep, body) {
      const { sub, account, ctx } = prep;
      const options = ctx.stored.options;
      const [line] = pickLines(prep.lines, body.lineId);
      const item = paidPeriodOf(line!, prep.items, body.date, 'date');
      let product = null;
      if (body.productId !== undefined) {
        product = await loadProduct(tx, sub.distributorId, body.productId);
        if (!product)
          throw unprocessable(`Product ${body.productId} not found`, 'productId', 'No such product');
        if (product.term !== line!.term)
          throw unprocessable(
            `A plan change keeps the term (${line!.term})`,
            'productId',
            `Not a ${line!.term} product`,
          );
      }
      const before = ratableOf(item, line!);
      const newPrice = body.unitPrice ?? (product ? product.sellPrice : item.unitPrice);
      const after: RatableLine = {
        ...before,
        unitPrice: newPrice,
        adHocPrice: null,
        quantity: body.quantity ?? item.quantity,
      };
      const r = rule('date', () =>
        changeOrder({
          before,
          after,
          changeDate: body.date,
          currentPeriod: { start: item.periodStart, end: item.periodEnd },
          billedAmount: item.amount,
          currency: account.currency,
          options,
        }),
      );
      const documents: DocOut[] = [];
      let figures: Record<string, unknown> = { mode: r.mode };
      if (r.mode === 'NOW') {
        figures = {
          mode: r.mode,
          range: r.range,
          credit: fmt(r.credit, account.currency),
          charge: fmt(r.charge, account.currency),
        };
        documents.push(
          ...(await issueCredits(
            prep,
            [
              {
                item,
                doc: creditItem(item, sub.id, r.credit, r.range, account.currency, `changed on ${body.date}`),
              },
            ],
            'subscription.change-order.credit',
          )),
        );
        const productId = product?.id ?? line!.productId;
        const taxes = await loadProductTaxes(tx, sub.distributorId, [productId]);
        const charge = await issueCharge(ctx, {
          account,
          channel: sub.channel,
          orderDate: sub.orderDate,
          action: 'subscription.change-order.charge',
          items: [
            {
              ...creditItem(item, sub.id, r.charge, r.range, account.currency, ''),
              productId,
              productType: product?.type ?? item.productType,
              productName: product?.name ?? item.productName,
              description: product?.name ?? item.description,
              quantity: new Decimal(after.quantity).toFixed(),
              unitPrice: new Decimal(newPrice).toFixed(),
              amount: r.charge,
              tax: new Decimal(0),
              taxes: taxes.get(productId) ?? [],
            },
          ],
        });
        if (charge) documents.push(charge);
      } else {
        figures = { mode: r.mode, effectiveFrom: r.effectiveFrom };
      }
      await tx
        .update(subscriptionLines)
        .set({
          ...(body.quantity !== undefined ? { quantity: body.quantity } : {}),
          ...(body.unitPrice !== undefined ? { unitPrice: body.unitPrice, adHocPrice: null } : {}),
          ...(product ? { productId: product.id } : {}),
        })
        .where(
          and(eq(subscriptionLines.distributorId, sub.distributorId), eq(subscriptionLines.id, line!.id)),
        );
      return recordEvent(tx, prep, {
        kind: 'CHANGE_ORDER',
        lineId: line!.id,
        eventDate: body.date,
        details: {
          ...figures,
          billTillEndOfCurrentPaytermForChangeOrder: options.billTillEndOfCurrentPaytermForChangeOrder,
          before: { productId: line!.productId, quantity: line!.quantity, unitPrice: item.unitPrice },
          after: {
            productId: product?.id ?? line!.productId,
            quantity: new Decimal(after.quantity).toFixed(),
            unitPrice: new Decimal(newPrice).toFixed(),
          },
        },
        documents,
      });
    },
  }),
  eventRoute({
    suffix: 'vacations',
    summary: 'Suspend a subscription (or a line) for a vacation: its days are not charged',
    description:
      'The vacation must last between Minimum and Maximum Vacation Days (422 otherwise) and may not overlap another vacation. Days already billed are credited (never more than was billed); days not yet billed are left out by billing runs.',
    body: vacationBody,
    async run(tx, prep, body) {
      const { sub, account, ctx } = prep;
      const options = ctx.stored.options;
      const vacation = { start: body.start, end: body.end };
      const check = validateVacation(vacation, options);
      if (!check.ok) {
        const field =
          check.field === 'vacation.end' ? 'end' : check.field === 'vacation.start' ? 'start' : 'end';
        throw unprocessable(check.message, field);
      }
      if (sub.state === 'DISCONNECTED')
        throw unprocessable(`Subscription ${sub.id} is disconnected`, 'id', 'Disconnected');
      if (body.start < sub.startDate)
        throw unprocessable(
          'The vacation starts before the subscription',
          'start',
          `On or after ${sub.startDate}`,
        );
      const lastDay = [sub.endDate, sub.disconnectionDate].filter((d): d is string => !!d).sort()[0];
      if (lastDay && body.end > lastDay)
        throw unprocessable('The vacation ends after the subscription', 'end', `On or before ${lastDay}`);
      const lines = pickLines(prep.lines, body.lineId);
      const existing = await queryRows<{
        event_date: string;
        end_date: string;
        subscription_line_id: string | null;
      }>(
        tx,
        sql`select event_date::text as event_date, end_date::text as end_date, subscription_line_id
          from subscription_events where distributor_id = ${sub.distributorId} and subscription_id = ${sub.id}
            and kind = 'VACATION' and event_date <= ${body.end} and end_date >= ${body.start}`,
      );
      const clash = existing.find(
        (e) => !body.lineId || e.subscription_line_id === null || e.subscription_line_id === body.lineId,
      );
      if (clash)
        throw unprocessable(
          `The vacation overlaps another one (${clash.event_date} – ${clash.end_date})`,
          'start',
          'Overlaps another vacation',
        );
      const credits: { item: BilledItem; doc: DocItem }[] = [];
      const details: Record<string, unknown>[] = [];
      for (const line of lines) {
        for (const item of itemsOf(prep.items, line.id)) {
          const range = { start: item.periodStart, end: item.periodEnd };
          if (!overlap(range, vacation)) continue;
          const r = vacationCredit({
            line: ratableOf(item, line),
            billedPeriod: range,
            billedAmount: item.amount,
            vacation,
            currency: account.currency,
            options,
          });
          details.push({
            lineId: line.id,
            invoiceId: item.invoiceId,
            billed: fmt(new Decimal(item.amount), account.currency),
            credit: fmt(r.credit, account.currency),
            creditedRange: r.creditedRange,
          });
          if (r.creditedRange && r.credit.greaterThan(0))
            credits.push({
              item,
              doc: creditItem(
                item,
                sub.id,
                r.credit,
                r.creditedRange,
                account.currency,
                `vacation ${body.start} – ${body.end}`,
              ),
            });
        }
      }
      const documents = await issueCredits(prep, credits, 'subscription.vacation.credit');
      return recordEvent(tx, prep, {
        kind: 'VACATION',
        lineId: body.lineId ?? null,
        eventDate: body.start,
        endDate: body.end,
        details: {
          days: check.days,
          minimumVacationDays: options.minimumVacationDays,
          maximumVacationDays: options.maximumVacationDays,
          credited: details,
        },
        documents,
      });
    },
  }),
  listRoute('DISCONNECTION', 'disconnection', "A subscription's disconnections"),
  listRoute('TRANSFER', 'transfer', "A subscription's account transfers"),
  listRoute('CHANGE_ORDER', 'change-orders', "A subscription's change orders"),
  listRoute('VACATION', 'vacations', "A subscription's vacations"),
];
