/**
 * Test fixtures for subscription changes: d1 sells a monthly product at 10.00 with VAT 21 %; its
 * direct customer d1-c1 has two EUR accounts (acc-c1, acc-c1-b) and a USD one; subscriptions
 * are added per test. Helpers run billing through the API and read what was issued.
 */
import {
  accounts,
  type Database,
  invoiceItems,
  invoices,
  products,
  productTaxes,
  subscriptionLines,
  subscriptions,
  taxDefinitions,
  taxRates,
  withSystem,
} from '@cascade/db';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { TestApi } from '../../testing';
import { billingRunSettled } from '../billing-runs';

const D1 = { distributorId: 'd1', resellerId: null, orgId: 'd1' };
const C1 = { distributorId: 'd1', resellerId: null, orgId: 'd1-c1' };

export async function seedChanges(db: Database): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.insert(products).values({
      ...D1,
      id: 'p-month',
      sku: 'P-MONTH',
      type: 'Microsoft 365',
      name: 'Business Basic',
      unit: 'Month',
      term: 'MONTH',
      currency: 'EUR',
      sellPrice: '10.00',
      costPrice: '8.00',
      srp: '12.00',
    });
    await tx.insert(products).values({
      ...D1,
      id: 'p-premium',
      sku: 'P-PREMIUM',
      type: 'Microsoft 365',
      name: 'Business Premium',
      unit: 'Month',
      term: 'MONTH',
      currency: 'EUR',
      sellPrice: '20.00',
    });
    await tx.insert(taxDefinitions).values({
      ...D1,
      id: 'vat',
      code: 'VAT21',
      name: 'VAT',
      type: 'VAT',
      chargeComponent: 'RECURRING',
    });
    await tx
      .insert(taxRates)
      .values({ ...D1, taxDefinitionId: 'vat', validFrom: '2000-01-01', percent: '21' });
    await tx.insert(productTaxes).values([
      { ...D1, productId: 'p-month', taxDefinitionId: 'vat' },
      { ...D1, productId: 'p-premium', taxDefinitionId: 'vat' },
    ]);
    const account = (id: string, org: string, reseller: string | null, currency = 'EUR') => ({
      distributorId: 'd1',
      resellerId: reseller,
      orgId: org,
      id,
      issuerOrgId: 'd1',
      name: id,
      currency,
    });
    await tx
      .insert(accounts)
      .values([
        account('acc-c1', 'd1-c1', null),
        account('acc-c1-usd', 'd1-c1', null, 'USD'),
        account('acc-ra', 'd1-ra', 'd1-ra'),
      ]);
    // The client's second EUR account is a child account (one top account per client and currency).
    await tx.insert(accounts).values({ ...account('acc-c1-b', 'd1-c1', null), parentAccountId: 'acc-c1' });
  });
}

/** A subscription of d1-c1 on acc-c1 with one monthly line (p-month × quantity), from `start`. */
export async function addSubscription(
  db: Database,
  id: string,
  start: string,
  opts: {
    quantity?: string;
    prorataRule?: 'DAILY' | 'FULL_MONTH';
    creditRule?: 'EXACT' | 'NODC';
    adHocPrice?: string | null;
    frequency?: number;
  } = {},
): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.insert(subscriptions).values({
      ...C1,
      id,
      accountId: 'acc-c1',
      name: id,
      channel: 'BSS',
      orderDate: start,
      startDate: start,
    });
    await tx.insert(subscriptionLines).values({
      ...C1,
      id: `${id}-1`,
      subscriptionId: id,
      productId: 'p-month',
      quantity: opts.quantity ?? '31',
      adHocPrice: opts.adHocPrice ?? null,
      term: 'MONTH',
      billingFrequencyMonths: opts.frequency ?? 1,
      prorataRule: opts.prorataRule ?? 'DAILY',
      creditRule: opts.creditRule ?? 'EXACT',
      startDate: start,
    });
  });
}

/** Sets billing profile options of d1 (the rest keep their defaults). */
export async function setOptions(db: Database, values: Record<string, unknown>): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.execute(sql`insert into billing_profile_options (distributor_id, reseller_id, org_id)
      values ('d1', null, 'd1') on conflict do nothing`);
    const cols = Object.entries(values).map(
      ([k, v]) => sql`${sql.raw(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))} = ${v}`,
    );
    await tx.execute(
      sql`update billing_profile_options set ${sql.join(cols, sql`, `)} where distributor_id = 'd1'`,
    );
  });
}

let runKey = 0;
/** A billing run of d1 for `invoiceDate` through the API, waited for. */
export async function bill(api: TestApi, token: string, invoiceDate: string) {
  const res = await api.call('POST', '/api/v1/billing-runs', {
    token,
    body: { invoiceDate },
    headers: { 'Idempotency-Key': `run-${invoiceDate}-${++runKey}` },
  });
  if (res.status !== 202) throw new Error(`run not started: ${JSON.stringify(res.body)}`);
  const id = (res.body as { id: string }).id;
  for (let i = 0; i < 400; i++) {
    await billingRunSettled(id);
    const r = await api.call('GET', `/api/v1/billing-runs/${id}`, { token });
    const run = r.body as { status: string; error: string | null };
    if (run.status === 'COMPLETED') return run;
    if (run.status === 'FAILED') throw new Error(`run failed: ${run.error}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('run did not finish');
}

export interface ItemView {
  invoiceId: string;
  number: string | null;
  type: string;
  stage: string;
  accountId: string;
  creditedInvoiceId: string | null;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  amount: string;
  taxAmount: string;
  invoiceTotal: string;
}

/** Every invoice item of a subscription, in order of period and type. */
export async function itemsOf(db: Database, subscriptionId: string): Promise<ItemView[]> {
  return withSystem(db, (tx) =>
    tx
      .select({
        invoiceId: invoices.id,
        number: invoices.number,
        type: invoices.type,
        stage: invoices.stage,
        accountId: invoices.accountId,
        creditedInvoiceId: invoices.creditedInvoiceId,
        periodStart: invoiceItems.periodStart,
        periodEnd: invoiceItems.periodEnd,
        quantity: invoiceItems.quantity,
        amount: invoiceItems.amount,
        taxAmount: invoiceItems.taxAmount,
        invoiceTotal: invoices.total,
      })
      .from(invoiceItems)
      .innerJoin(
        invoices,
        and(eq(invoices.distributorId, invoiceItems.distributorId), eq(invoices.id, invoiceItems.invoiceId)),
      )
      .where(and(eq(invoiceItems.distributorId, 'd1'), eq(invoiceItems.subscriptionId, subscriptionId)))
      .orderBy(asc(invoiceItems.periodStart), asc(invoices.type), asc(invoices.createdAt)),
  );
}

/** Row counts of the tables a change writes: a refused request must change none of them. */
export async function fingerprint(db: Database): Promise<string> {
  return withSystem(db, async (tx) => {
    const rows = await tx.execute(sql`select
      (select count(*) from invoices) as i, (select count(*) from invoice_items) as it,
      (select count(*) from subscription_events) as e, (select count(*) from ledger_entries) as l,
      (select count(*) from audit_log) as a,
      (select string_agg(id || coalesce(disconnection_date::text, '') || account_id, ',' order by id) from subscriptions) as s,
      (select string_agg(id || quantity::text || state, ',' order by id) from subscription_lines) as sl`);
    return JSON.stringify((rows as unknown as { rows?: unknown[] }).rows ?? rows);
  });
}
