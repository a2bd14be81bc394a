/**
 * `POST /api/v1/invoices/{id}/retry-taxes`: a PENDING invoice waiting for the external tax service
 * asks it again. Answered: the taxes are stored, the invoice is numbered from the issuer's gapless
 * counter, ISSUED, and settled from the balance like a run's invoice. Not answered: it stays
 * PENDING with the new error. The invoice row is locked, so two retries cannot both issue it, and
 * a retry of an issued invoice is refused (409); the Idempotency-Key replays the first answer.
 */
import { allocate, Decimal, formatAmount, type TaxLine } from '@cascade/billing-core';
import { queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import { takeInvoiceNumber } from '../invoices/numbering';
import { settleAccounts } from '../ledger';
import { loadBillingOptions } from '../profile-options';
import { loadProductTaxes } from '../subscription-changes/model';
import { quoteOrPending, taxProviderFrom } from './external-tax';

const retrySchema = z
  .object({
    id: z.string(),
    stage: z.enum(['ISSUED', 'PENDING']),
    number: z.string().nullable(),
    pendingError: z.string().nullable(),
    subtotal: z.string(),
    taxTotal: z.string(),
    total: z.string(),
    amountDue: z.string(),
  })
  .meta({ id: 'TaxRetryOutcome' });

interface PendingInvoice {
  distributor_id: string;
  reseller_id: string | null;
  org_id: string;
  id: string;
  issuer_org_id: string;
  account_id: string;
  stage: string;
  type: string;
  currency: string;
  invoice_date: string;
  subtotal: string;
  total: string;
  generation_key: string | null;
}

interface ItemRow {
  line_no: number;
  subscription_id: string | null;
  subscription_line_id: string | null;
  product_id: string | null;
  period_start: string;
  amount: string;
}

async function issue(
  tx: Transaction,
  inv: PendingInvoice,
  items: ItemRow[],
  taxes: TaxLine[],
  ids: string[],
  template: { requiresCustomBillNumber: boolean; template: string | null },
) {
  const d = inv.distributor_id;
  const money = (v: Decimal) => formatAmount(v, inv.currency);
  const share = items.map(() => new Decimal(0));
  const index = new Map(ids.map((id, n) => [id, n]));
  for (const t of taxes) {
    const ns = t.chargeIds.map((c) => index.get(c)!);
    const weights = ns.map((n) => new Decimal(items[n]!.amount));
    const parts = allocate(
      { amount: t.amount, currency: inv.currency },
      weights.some((w) => !w.isZero()) ? weights : weights.map(() => new Decimal(1)),
    );
    ns.forEach((n, k) => {
      share[n] = share[n]!.plus(parts[k]!.amount);
    });
  }
  for (const [n, item] of items.entries()) {
    await tx.execute(sql`update invoice_items set tax_amount = ${money(share[n]!)}
      where distributor_id = ${d} and invoice_id = ${inv.id} and line_no = ${item.line_no}`);
  }
  const grouped = new Map<string, { t: TaxLine; base: Decimal; amount: Decimal }>();
  for (const t of taxes) {
    const key = JSON.stringify([t.code, t.type, t.chargeComponent, t.percent.toFixed()]);
    const g = grouped.get(key);
    if (g) {
      g.base = g.base.plus(t.base);
      g.amount = g.amount.plus(t.amount);
    } else grouped.set(key, { t, base: t.base, amount: t.amount });
  }
  await tx.execute(sql`delete from invoice_taxes where distributor_id = ${d} and invoice_id = ${inv.id}`);
  const rows = [...grouped.values()].map((g, n) => ({
    distributor_id: d,
    reseller_id: inv.reseller_id,
    org_id: inv.org_id,
    invoice_id: inv.id,
    line_no: n + 1,
    code: g.t.code,
    type: g.t.type,
    charge_component: g.t.chargeComponent,
    percent: g.t.percent.toFixed(),
    base: money(g.base),
    amount: money(g.amount),
  }));
  if (rows.length > 0)
    await tx.execute(sql`insert into invoice_taxes select * from jsonb_populate_recordset(null::invoice_taxes,
      ${JSON.stringify(rows)}::jsonb)`);
  const taxTotal = [...grouped.values()].reduce((s, g) => s.plus(g.amount), new Decimal(0));
  const total = new Decimal(inv.subtotal).plus(taxTotal);
  const { number } = await takeInvoiceNumber(tx, {
    distributorId: d,
    issuerOrgId: inv.issuer_org_id,
    invoiceDate: inv.invoice_date,
    rule: template,
  });
  await tx.execute(sql`update invoices set stage = 'ISSUED', number = ${number}, pending_error = null,
      tax_total = ${money(taxTotal)}, total = ${money(total)}, amount_due = ${money(total)}, issued_at = now()
    where distributor_id = ${d} and id = ${inv.id}`);
  return number;
}

export const retryTaxRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/invoices/:id/retry-taxes',
    summary: 'Ask the external tax service again for a pending invoice; issue it when answered',
    description:
      'For invoices left PENDING by External Tax Integration Required. The tax service gets `POST <TAX_SERVICE_URL>` with `{invoiceKey, currency, invoiceDate, lines:[{id, amount, taxes:[{code, type, chargeComponent}]}]}` and must answer 200 `{taxes:[{lineIds, code, type, chargeComponent, percent, base, amount}]}` within TAX_SERVICE_TIMEOUT_MS. Answered: the invoice is numbered and ISSUED (once; a second retry gets 409). Otherwise it stays PENDING and `pendingError` says why (send a new Idempotency-Key to try again).',
    tags: ['invoices'],
    auth: { roles: ['ADMIN', 'BILLING_MANAGER'], orgKinds: ['DISTRIBUTOR', 'RESELLER'] },
    moneyMoving: true,
    request: { params: z.object({ id: z.string().min(1).max(200) }) },
    response: retrySchema,
    async handler({ session, params, withTenant, requestId, config }) {
      return withTenant(async (tx) => {
        const t = session.tenant;
        const [inv] = await queryRows<PendingInvoice & Record<string, unknown>>(
          tx,
          sql`select distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, stage, type, currency,
              invoice_date::text as invoice_date, subtotal::text as subtotal, total::text as total, generation_key
            from invoices where distributor_id = ${t.distributorId} and id = ${params.id}
              and (issuer_org_id = ${t.orgId} or ${t.orgKind} = 'DISTRIBUTOR')
            for update`,
        );
        if (!inv)
          throw new ApiError('not_found', `Invoice ${params.id} not found`, { id: 'No such invoice' });
        if (inv.stage !== 'PENDING')
          throw new ApiError('conflict', `Invoice ${inv.id} is ${inv.stage.toLowerCase()}, not pending`, {
            id: 'Not pending',
          });
        const items = await queryRows<ItemRow & Record<string, unknown>>(
          tx,
          sql`select line_no, subscription_id, subscription_line_id, product_id, period_start::text as period_start,
              amount::text as amount
            from invoice_items where distributor_id = ${inv.distributor_id} and invoice_id = ${inv.id} order by line_no`,
        );
        const productTaxes = await loadProductTaxes(
          tx,
          inv.distributor_id,
          items.flatMap((i) => (i.product_id ? [i.product_id] : [])),
        );
        // The same line ids as the run's request (subscription/line/start), so the service sees one invoice.
        const ids = items.map((i) =>
          i.subscription_id && i.subscription_line_id
            ? `${i.subscription_id}/${i.subscription_line_id}/${i.period_start}`
            : `line-${i.line_no}`,
        );
        const outcome = await quoteOrPending(taxProviderFrom(config), {
          invoiceKey: inv.generation_key ?? inv.id,
          currency: inv.currency,
          invoiceDate: inv.invoice_date,
          lines: items.map((i, n) => ({
            id: ids[n]!,
            amount: formatAmount(i.amount, inv.currency),
            taxes: (i.product_id ? (productTaxes.get(i.product_id) ?? []) : []).map((x) => ({
              code: x.code,
              type: x.type,
              chargeComponent: x.chargeComponent,
            })),
          })),
        });
        const owner = { distributorId: inv.distributor_id, resellerId: inv.reseller_id, orgId: inv.org_id };
        if (outcome.status === 'PENDING') {
          await tx.execute(sql`update invoices set pending_error = ${outcome.error.message.slice(0, 2000)}
            where distributor_id = ${inv.distributor_id} and id = ${inv.id}`);
          await writeAudit(tx, {
            actor: session,
            owner,
            action: 'invoice.retry-taxes',
            entityType: 'invoice',
            entityId: inv.id,
            new: { stage: 'PENDING', error: outcome.error },
            requestId,
          });
          return {
            id: inv.id,
            stage: 'PENDING' as const,
            number: null,
            pendingError: outcome.error.message.slice(0, 2000),
            subtotal: formatAmount(inv.subtotal, inv.currency),
            taxTotal: formatAmount(0, inv.currency),
            total: formatAmount(inv.subtotal, inv.currency),
            amountDue: formatAmount(inv.subtotal, inv.currency),
          };
        }
        const stored = await loadBillingOptions(tx, inv.distributor_id);
        const number = await issue(tx, inv, items, outcome.taxes, ids, {
          requiresCustomBillNumber: stored.options.requiresCustomBillNumber,
          template: stored.customBillNumberTemplate,
        });
        await writeAudit(tx, {
          actor: session,
          owner,
          action: 'invoice.issue',
          entityType: 'invoice',
          entityId: inv.id,
          new: { stage: 'ISSUED', number, taxes: outcome.taxes.length },
          requestId,
        });
        // SPEC §4: money the client already holds closes the newly issued invoice at once.
        await settleAccounts(tx, session, [inv.account_id], inv.invoice_date, requestId);
        const [after] = await queryRows<{
          subtotal: string;
          tax_total: string;
          total: string;
          amount_due: string;
        }>(
          tx,
          sql`select subtotal::text as subtotal, tax_total::text as tax_total, total::text as total,
              amount_due::text as amount_due from invoices where distributor_id = ${inv.distributor_id} and id = ${inv.id}`,
        );
        return {
          id: inv.id,
          stage: 'ISSUED' as const,
          number,
          pendingError: null,
          subtotal: formatAmount(after!.subtotal, inv.currency),
          taxTotal: formatAmount(after!.tax_total, inv.currency),
          total: formatAmount(after!.total, inv.currency),
          amountDue: formatAmount(after!.amount_due, inv.currency),
        };
      });
    },
  }),
];
