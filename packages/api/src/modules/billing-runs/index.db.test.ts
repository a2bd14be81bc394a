import { checkLedger } from '@cascade/billing-core';
import {
  accounts,
  auditLog,
  billingRuns,
  type Database,
  invoiceItems,
  invoiceNumberSequences,
  invoices,
  invoiceTaxes,
  priceListAssignments,
  priceListEntries,
  priceLists,
  products,
  productTaxes,
  resellerPricingStrategies,
  specialPrices,
  subscriptionLines,
  subscriptions,
  taxDefinitions,
  taxRates,
  withSystem,
  withTenant,
} from '@cascade/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { loadHistory } from '../ledger/history';
import { createCashDesk } from '../ledger/testing';
import { billingRunSettled, createOrResumeRun, resumeInterruptedBillingRuns, runBillingRun } from './run';

const D1 = { distributorId: 'd1', resellerId: null, orgId: 'd1' };
const own = (orgId: string, resellerId: string | null) => ({ distributorId: 'd1', resellerId, orgId });

/**
 * d1 sells a monthly product (sell 10.00, cost 8.00, SRP 12.00) and a yearly one (120.00) with
 * VAT 21 %. Reseller A has a price list (10 % off the monthly product: unit cost 9.00) and a
 * 15 % markup; reseller B has no price list and sells at SRP.
 */
/** A subscription row of the fixture. */
const sub = (
  id: string,
  org: string,
  reseller: string | null,
  accountId: string,
  channel: 'RESELLER_STOREFRONT' | 'DISTRIBUTOR_STOREFRONT' | 'BSS',
  start: string,
) => ({ ...own(org, reseller), id, accountId, name: id, channel, orderDate: start, startDate: start });
/** A subscription line row of the fixture. */
const line = (
  id: string,
  subscriptionId: string,
  org: string,
  reseller: string | null,
  productId: string,
  quantity: string,
  term: 'MONTH' | 'YEAR',
  frequency: number,
  start: string,
) => ({
  ...own(org, reseller),
  id,
  subscriptionId,
  productId,
  quantity,
  term,
  billingFrequencyMonths: frequency,
  startDate: start,
});

async function seedBilling(db: Database) {
  await withSystem(db, async (tx) => {
    await tx.insert(products).values([
      {
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
      },
      {
        ...D1,
        id: 'p-year',
        sku: 'P-YEAR',
        type: 'Microsoft 365',
        name: 'E3 annual',
        unit: 'Year',
        term: 'YEAR',
        currency: 'EUR',
        sellPrice: '120.00',
        costPrice: '100.00',
        srp: '150.00',
      },
      {
        ...D1,
        id: 'p-usage',
        sku: 'P-USAGE',
        type: 'Azure',
        name: 'VM hours',
        unit: 'Hour',
        term: 'USAGE',
        currency: 'EUR',
        sellPrice: '0.10',
      },
    ]);
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
      { ...D1, productId: 'p-year', taxDefinitionId: 'vat' },
    ]);
    await tx.insert(priceLists).values({ ...D1, id: 'pl', name: 'Partners', currency: 'EUR' });
    await tx.insert(priceListEntries).values({
      ...D1,
      priceListId: 'pl',
      productId: 'p-month',
      strategy: 'DISCOUNT_ON_SELL_PRICE',
      percent: '10',
    });
    await tx
      .insert(priceListAssignments)
      .values({ ...own('d1-ra', 'd1-ra'), priceListId: 'pl', validFrom: '2020-01-01' });
    await tx.insert(resellerPricingStrategies).values([
      { ...own('d1-ra', 'd1-ra'), id: 'st-ra', productId: null, strategy: 'MARKUP', markupPercent: '15' },
      { ...own('d1-rb', 'd1-rb'), id: 'st-rb', productId: null, strategy: 'SRP' },
    ]);
    const account = (id: string, org: string, reseller: string | null, issuer: string) => ({
      ...own(org, reseller),
      id,
      issuerOrgId: issuer,
      name: id,
      currency: 'EUR',
    });
    await tx
      .insert(accounts)
      .values([
        account('acc-ra', 'd1-ra', 'd1-ra', 'd1'),
        account('acc-rb', 'd1-rb', 'd1-rb', 'd1'),
        account('acc-c1', 'd1-c1', null, 'd1'),
        account('acc-ra-c1', 'd1-ra-c1', 'd1-ra', 'd1-ra'),
        account('acc-rb-c1', 'd1-rb-c1', 'd1-rb', 'd1-rb'),
      ]);
    await tx
      .insert(subscriptions)
      .values([
        sub('s-ra', 'd1-ra-c1', 'd1-ra', 'acc-ra-c1', 'RESELLER_STOREFRONT', '2026-06-01'),
        sub('s-rb', 'd1-rb-c1', 'd1-rb', 'acc-rb-c1', 'DISTRIBUTOR_STOREFRONT', '2026-06-16'),
        sub('s-c1', 'd1-c1', null, 'acc-c1', 'BSS', '2026-07-01'),
      ]);
    await tx
      .insert(subscriptionLines)
      .values([
        line('s-ra-1', 's-ra', 'd1-ra-c1', 'd1-ra', 'p-month', '10', 'MONTH', 1, '2026-06-01'),
        line('s-ra-2', 's-ra', 'd1-ra-c1', 'd1-ra', 'p-usage', '1', 'MONTH', 1, '2026-06-01'),
        line('s-rb-1', 's-rb', 'd1-rb-c1', 'd1-rb', 'p-month', '3', 'MONTH', 1, '2026-06-16'),
        line('s-c1-1', 's-c1', 'd1-c1', null, 'p-year', '1', 'YEAR', 12, '2026-07-01'),
      ]);
  });
}

type Run = {
  id: string;
  status: string;
  progressDone: number;
  progressTotal: number;
  invoicesCreated: number;
  error: string | null;
  issued?: { count: number; totals: { total: string }[] };
};

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await createTestApi();
  await seedBilling(api.db.db);
  admin = await api.token(FIXTURE.distributor, ['ADMIN']);
});
afterAll(() => api.close());

let keyNo = 0;
async function startRun(invoiceDate: string, token = admin, key = `test-key-${++keyNo}`) {
  return api.call('POST', '/api/v1/billing-runs', {
    token,
    body: { invoiceDate },
    headers: { 'Idempotency-Key': key },
  }) as Promise<{ status: number; body: Run; headers: Headers }>;
}
async function finished(id: string): Promise<Run> {
  for (let i = 0; i < 400; i++) {
    await billingRunSettled(id);
    const res = await api.call('GET', `/api/v1/billing-runs/${id}`, { token: admin });
    const run = res.body as Run;
    if (run.status === 'COMPLETED' || run.status === 'FAILED') return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('run did not finish');
}
/** The distributor's invoices to its clients (resellers and direct customers). */
const allInvoices = () => invoicesOf('d1');
const invoicesOf = (issuer: string) =>
  withSystem(api.db.db, (tx) =>
    tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.distributorId, 'd1'), eq(invoices.issuerOrgId, issuer)))
      .orderBy(asc(invoices.number)),
  );
const numbersOf = (rows: { number: string | null }[]) =>
  rows.map((r) => Number(r.number)).sort((a, b) => a - b);

describe('billing runs', () => {
  it('preview: the engine on the real subscriptions, nothing stored', async () => {
    const res = await api.call('POST', '/api/v1/billing-runs/preview', {
      token: await api.token(FIXTURE.distributor, ['BILLING_MANAGER']),
      body: { invoiceDate: '2026-07-01' },
    });
    expect(res.status).toBe(200);
    // The distributor's 4 invoices (345.00 + 72.45 tax) and its resellers' 3 to their customers
    // (261.00 + 54.82 tax, see the next test).
    expect(res.body).toMatchObject({
      invoiceCount: 7,
      totals: [{ currency: 'EUR', count: 7, subtotal: '606.00', taxTotal: '127.27', total: '733.27' }],
      truncated: false,
    });
    const issuers = (res.body as { invoices: { issuerOrgId: string }[] }).invoices.map((i) => i.issuerOrgId);
    expect(issuers.sort()).toEqual(['d1', 'd1', 'd1', 'd1', 'd1-ra', 'd1-ra', 'd1-rb']);
    expect(await allInvoices()).toHaveLength(0);
  });

  it('issues every due invoice with exact totals, numbered 1…n, UNPAID, with the pricing snapshot', async () => {
    const res = await startRun('2026-07-01');
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('QUEUED');
    const run = await finished(res.body.id);
    expect(run).toMatchObject({
      status: 'COMPLETED',
      progressDone: 3,
      progressTotal: 3,
      invoicesCreated: 7,
      error: null,
    });
    expect(run.issued).toEqual({
      count: 7,
      totals: [{ currency: 'EUR', count: 7, subtotal: '606.00', taxTotal: '127.27', total: '733.27' }],
    });
    const rows = await allInvoices();
    expect(numbersOf(rows)).toEqual([1, 2, 3, 4]);
    const summary = rows
      .map((r) => [
        r.accountId,
        r.periodStart,
        r.periodEnd,
        r.channel,
        Number(r.subtotal),
        Number(r.taxTotal),
        Number(r.total),
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
    expect(summary).toEqual([
      ['acc-c1', '2026-07-01', '2027-06-30', 'BSS', 120, 25.2, 145.2],
      ['acc-ra', '2026-06-01', '2026-06-30', 'RESELLER_STOREFRONT', 90, 18.9, 108.9],
      ['acc-ra', '2026-07-01', '2026-07-31', 'RESELLER_STOREFRONT', 90, 18.9, 108.9],
      // 16-30 June is half of June, then July in full: 3 × 10.00 × 1.5.
      ['acc-rb', '2026-06-16', '2026-07-31', 'DISTRIBUTOR_STOREFRONT', 45, 9.45, 54.45],
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({
        stage: 'ISSUED',
        type: 'DEBIT',
        status: 'UNPAID',
        issuerOrgId: 'd1',
        source: 'BILLING_SERVICE',
        billingRunId: run.id,
      });
      expect(r.amountDue).toBe(r.total);
    }
    const allItems = await withSystem(api.db.db, (tx) =>
      tx
        .select()
        .from(invoiceItems)
        .orderBy(asc(invoiceItems.subscriptionLineId), asc(invoiceItems.periodStart)),
    );
    const clients = ['d1-c1', 'd1-ra', 'd1-rb'];
    const items = allItems.filter((i) => clients.includes(i.orgId));
    expect(
      items.map((i) => [
        i.subscriptionLineId,
        i.orgId,
        i.endCustomerOrgId,
        i.productName,
        Number(i.unitPrice),
        Number(i.amount),
        Number(i.taxAmount),
        i.unitCost && Number(i.unitCost),
        i.pricingStrategy,
        i.markupPercent && Number(i.markupPercent),
        i.srp && Number(i.srp),
      ]),
    ).toEqual([
      ['s-c1-1', 'd1-c1', 'd1-c1', 'E3 annual', 120, 120, 25.2, null, null, null, null],
      ['s-ra-1', 'd1-ra', 'd1-ra-c1', 'Business Basic', 9, 90, 18.9, 9, 'MARKUP', 15, 12],
      ['s-ra-1', 'd1-ra', 'd1-ra-c1', 'Business Basic', 9, 90, 18.9, 9, 'MARKUP', 15, 12],
      ['s-rb-1', 'd1-rb', 'd1-rb-c1', 'Business Basic', 10, 45, 9.45, 10, 'SRP', null, 12],
    ]);
    const taxes = await withSystem(api.db.db, (tx) => tx.select().from(invoiceTaxes));
    expect(taxes).toHaveLength(7);

    // SPEC §1, §6: each reseller bills its end customer, numbered from its own sequence, at its
    // unit sell price: reseller A marks its cost 9.00 up 15 % (10.35), reseller B sells at SRP 12.
    const fromResellers = [...(await invoicesOf('d1-ra')), ...(await invoicesOf('d1-rb'))];
    expect(
      fromResellers.map((r) => [
        r.issuerOrgId,
        r.number,
        r.accountId,
        r.orgId,
        r.periodStart,
        r.channel,
        r.subtotal,
        r.taxTotal,
        r.total,
        r.stage,
        r.status,
        r.billingRunId === run.id,
      ]),
    ).toEqual([
      [
        'd1-ra',
        '1',
        'acc-ra-c1',
        'd1-ra-c1',
        '2026-06-01',
        'RESELLER_STOREFRONT',
        '103.5000',
        '21.7400',
        '125.2400',
        'ISSUED',
        'UNPAID',
        true,
      ],
      [
        'd1-ra',
        '2',
        'acc-ra-c1',
        'd1-ra-c1',
        '2026-07-01',
        'RESELLER_STOREFRONT',
        '103.5000',
        '21.7400',
        '125.2400',
        'ISSUED',
        'UNPAID',
        true,
      ],
      [
        'd1-rb',
        '1',
        'acc-rb-c1',
        'd1-rb-c1',
        '2026-06-16',
        'DISTRIBUTOR_STOREFRONT',
        '54.0000',
        '11.3400',
        '65.3400',
        'ISSUED',
        'UNPAID',
        true,
      ],
    ]);
    expect(
      allItems
        .filter((i) => !clients.includes(i.orgId))
        .map((i) => [
          i.subscriptionLineId,
          i.orgId,
          Number(i.unitPrice),
          Number(i.amount),
          i.unitCost && Number(i.unitCost),
          i.pricingStrategy,
        ]),
    ).toEqual([
      ['s-ra-1', 'd1-ra-c1', 10.35, 103.5, 9, 'MARKUP'],
      ['s-ra-1', 'd1-ra-c1', 10.35, 103.5, 9, 'MARKUP'],
      ['s-rb-1', 'd1-rb-c1', 12, 54, 10, 'SRP'],
    ]);
    const resellerSeq = await withSystem(api.db.db, (tx) =>
      tx.select().from(invoiceNumberSequences).where(eq(invoiceNumberSequences.orgId, 'd1-ra')),
    );
    expect(resellerSeq.map((r) => [r.resellerId, r.lastNumber])).toEqual([['d1-ra', 2]]);
    const [seq] = await withSystem(api.db.db, (tx) =>
      tx.select().from(invoiceNumberSequences).where(eq(invoiceNumberSequences.orgId, 'd1')),
    );
    expect(seq?.lastNumber).toBe(4);
    const audit = await withSystem(api.db.db, (tx) =>
      tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, 'billing-run'), eq(auditLog.entityId, run.id))),
    );
    expect(audit.map((a) => a.action).sort()).toEqual(['billing-run.complete', 'billing-run.start']);
    const page = await api.call('GET', `/api/v1/billing-runs/${run.id}/invoices?startRow=0&endRow=2`, {
      token: admin,
    });
    expect(page.body).toMatchObject({ lastRow: 7, rows: [{}, {}] });
  });

  it('re-running the same date creates nothing new; an Idempotency-Key replay answers the same run', async () => {
    const first = await startRun('2026-07-01', admin, 'same-key-123');
    const again = await startRun('2026-07-01', admin, 'same-key-123');
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const run = await finished(first.body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', invoicesCreated: 0, progressDone: 3 });
    expect(await allInvoices()).toHaveLength(4);
    const list = await api.call('GET', '/api/v1/billing-runs', { token: admin });
    expect(list.body).toMatchObject({ lastRow: 2 });
  });

  it('regenerates a canceled period when Regenerate Cancelled Invoice is Yes, and skips it when No', async () => {
    const cancel = (id: string) =>
      withSystem(api.db.db, (tx) =>
        tx
          .update(invoices)
          .set({ status: 'CANCELED', canceledAt: new Date().toISOString() })
          .where(and(eq(invoices.distributorId, 'd1'), eq(invoices.id, id))),
      );
    const july = (await allInvoices()).find(
      (r) => r.accountId === 'acc-ra' && r.periodStart === '2026-07-01',
    );
    await cancel(july!.id);
    const yes = await finished((await startRun('2026-07-01')).body.id);
    expect(yes.invoicesCreated).toBe(1);
    const after = await allInvoices();
    const replacement = after.find(
      (r) => r.accountId === 'acc-ra' && r.periodStart === '2026-07-01' && r.status === 'UNPAID',
    );
    expect(replacement).toMatchObject({ number: '5', total: july!.total });

    await cancel(replacement!.id);
    const off = await api.call('PATCH', '/api/v1/profile-options', {
      token: admin,
      body: { regenerateCancelledInvoice: false },
    });
    expect(off.status).toBe(200);
    const no = await finished((await startRun('2026-07-01')).body.id);
    expect(no.invoicesCreated).toBe(0);
    expect(await allInvoices()).toHaveLength(5);
    // Left at No: later runs would otherwise regenerate that July period too.
  });

  it('keeps the tenant walls: resellers, customers and other roles get 403, another marketplace 404', async () => {
    const [run] = await withSystem(api.db.db, (tx) => tx.select().from(billingRuns).limit(1));
    for (const [org, roles] of [
      [FIXTURE.resellerA, ['ADMIN']],
      [FIXTURE.customerA, ['ADMIN']],
    ] as const) {
      const token = await api.token(org, [...roles]);
      expect((await startRun('2026-08-01', token)).status, org).toBe(403);
      expect((await api.call('GET', '/api/v1/billing-runs', { token })).status).toBe(403);
      expect((await api.call('GET', `/api/v1/billing-runs/${run!.id}`, { token })).status).toBe(403);
      const preview = await api.call('POST', '/api/v1/billing-runs/preview', {
        token,
        body: { invoiceDate: '2026-08-01' },
      });
      expect(preview.status).toBe(403);
    }
    expect(
      (await startRun('2026-08-01', await api.token(FIXTURE.distributor, ['BILLING_MANAGER']))).status,
    ).toBe(403);
    const other = await api.token(FIXTURE.otherDistributor, ['ADMIN']);
    expect((await api.call('GET', `/api/v1/billing-runs/${run!.id}`, { token: other })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/billing-runs', { token: other })).body).toMatchObject({
      lastRow: 0,
    });
  });

  it('validates the date and requires an Idempotency-Key', async () => {
    const bad = await startRun('2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { fields: { invoiceDate: expect.any(String) } } });
    // Years ahead (a typo) would issue years of invoices at once; the calendar's last month would
    // have failed the run. Both refused, as is the preview; nothing is stored.
    const runsBefore = await api.call('GET', '/api/v1/billing-runs', { token: admin });
    const inTwoYears = `${Number(new Date().toISOString().slice(0, 4)) + 2}-01-01`;
    for (const date of [inTwoYears, '9999-12-01']) {
      const ahead = await startRun(date);
      expect(ahead.status).toBe(400);
      expect(ahead.body).toMatchObject({
        error: { fields: { invoiceDate: expect.stringMatching(/a year/) } },
      });
      const preview = await api.call('POST', '/api/v1/billing-runs/preview', {
        token: admin,
        body: { invoiceDate: date },
      });
      expect(preview.status).toBe(400);
    }
    expect((await api.call('GET', '/api/v1/billing-runs', { token: admin })).body).toEqual(runsBefore.body);
    const noKey = await api.call('POST', '/api/v1/billing-runs', {
      token: admin,
      body: { invoiceDate: '2026-08-01' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ error: { code: 'idempotency_key_required' } });
  });

  it('a run interrupted half-way and started again resumes: no duplicate, no gap', async () => {
    const tenant = { orgId: 'd1', distributorId: 'd1', orgKind: 'DISTRIBUTOR' as const };
    const { run } = await withTenant(api.db.db, tenant, (tx) =>
      createOrResumeRun(tx, tenant, '2026-08-01', 'd1-admin'),
    );
    await runBillingRun(api.db.db, tenant, run.id, {
      batchSize: 1,
      // One batch at a time, so the crash comes after a known one.
      concurrency: 1,
      // Batches of one client each, in client order: d1-c1 (nothing due), d1-ra (issues), d1-rb.
      afterBatch: (i) => {
        if (i === 1) throw new Error('killed after a batch that issued an invoice');
      },
    });
    const failed = await finished(run.id);
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'killed after a batch that issued an invoice',
      progressDone: 2,
    });
    const partial = (await allInvoices()).filter((r) => r.invoiceDate === '2026-08-01');
    expect(partial.map((r) => r.accountId)).toEqual(['acc-ra']);

    const again = await startRun('2026-08-01');
    expect(again.body.id).toBe(run.id);
    const done = await finished(run.id);
    expect(done).toMatchObject({ status: 'COMPLETED', progressDone: 3, error: null });
    const august = (await allInvoices()).filter((r) => r.invoiceDate === '2026-08-01');
    // August for reseller A and reseller B (the yearly line is not due again).
    expect(august.map((r) => [r.accountId, r.periodStart, r.total]).sort()).toEqual([
      ['acc-ra', '2026-08-01', '108.9000'],
      ['acc-rb', '2026-08-01', '36.3000'],
    ]);
    // With reseller A's and B's invoices to their customers (one before the crash, one after).
    expect(done.invoicesCreated).toBe(4);
    const all = await allInvoices();
    expect(numbersOf(all)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const items = await withSystem(api.db.db, (tx) =>
      tx
        .select({
          line: invoiceItems.subscriptionLineId,
          start: invoiceItems.periodStart,
          status: invoices.status,
          issuer: invoices.issuerOrgId,
        })
        .from(invoiceItems)
        .innerJoin(
          invoices,
          and(
            eq(invoices.distributorId, invoiceItems.distributorId),
            eq(invoices.id, invoiceItems.invoiceId),
          ),
        ),
    );
    // Each line and period billed once per issuer (the distributor, and the reseller to its customer).
    const live = items.filter((i) => i.status !== 'CANCELED').map((i) => `${i.issuer}:${i.line}@${i.start}`);
    expect(new Set(live).size).toBe(live.length);
  });

  it('numbers from the custom template when Requires Custom Bill Number is on, continuing the sequence', async () => {
    const on = await api.call('PATCH', '/api/v1/profile-options', {
      token: admin,
      body: { requiresCustomBillNumber: true, customBillNumberTemplate: '{ORG}-{YYYY}{MM}-{SEQ:6}' },
    });
    expect(on.status).toBe(200);
    const run = await finished((await startRun('2026-09-01')).body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', invoicesCreated: 4 });
    const september = (await allInvoices()).filter((r) => r.invoiceDate === '2026-09-01');
    expect(september.map((r) => r.number).sort()).toEqual(['D1-202609-000008', 'D1-202609-000009']);
  });

  it('a process starting up resumes the runs a dead process left running', async () => {
    const tenant = { orgId: 'd1', distributorId: 'd1', orgKind: 'DISTRIBUTOR' as const };
    const { run } = await withTenant(api.db.db, tenant, (tx) =>
      createOrResumeRun(tx, tenant, '2026-10-01', 'd1-admin'),
    );
    await withSystem(api.db.db, (tx) =>
      tx.update(billingRuns).set({ status: 'RUNNING' }).where(eq(billingRuns.id, run.id)),
    );
    expect(await resumeInterruptedBillingRuns(api.db.db)).toEqual([run.id]);
    expect(await finished(run.id)).toMatchObject({ status: 'COMPLETED', invoicesCreated: 4 });
  });

  it('settles the new invoices from balances the clients already hold, oldest first (SPEC §4)', async () => {
    await createCashDesk(api.db.db, 'd1', 'd1', 'desk-d1');
    const summary = async (acc: string) =>
      (await api.call('GET', `/api/v1/accounts/${acc}/summary`, { token: admin })).body as {
        balance: string;
        due: string;
      };
    // Each pays off what it owes, plus 40.00 for reseller B (covers November's 36.30) and 50.00
    // for reseller A (short of November's 108.90).
    const pay = async (acc: string, extra: string) => {
      const amount = (Number((await summary(acc)).due) + Number(extra)).toFixed(2);
      const res = await api.call('POST', `/api/v1/accounts/${acc}/payments`, {
        token: admin,
        body: { amount, currency: 'EUR', cashDeskId: 'desk-d1', method: 'BANK_TRANSFER', date: '2026-10-31' },
        headers: { 'Idempotency-Key': `pay-${acc}` },
      });
      expect(res.status).toBe(201);
      expect(await summary(acc)).toMatchObject({ balance: `${extra}`, due: '0.00' });
    };
    await pay('acc-rb', '40.00');
    await pay('acc-ra', '50.00');

    const run = await finished((await startRun('2026-11-01')).body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', invoicesCreated: 4 });
    const november = (await allInvoices()).filter((r) => r.invoiceDate === '2026-11-01');
    expect(november.map((r) => [r.accountId, r.total, r.status, r.amountDue]).sort()).toEqual([
      ['acc-ra', '108.9000', 'UNPAID', '108.9000'],
      ['acc-rb', '36.3000', 'PAID', '0.0000'],
    ]);
    expect(await summary('acc-rb')).toMatchObject({ balance: '3.70', due: '0.00' });
    expect(await summary('acc-ra')).toMatchObject({ balance: '50.00', due: '108.90' });
    const state = await withSystem(api.db.db, (tx) => loadHistory(tx, 'd1', ['acc-ra', 'acc-rb']));
    expect(checkLedger(state, state.stored)).toEqual([]);
  });

  it('Consolidated Priceline: one item per subscription and period in runs, taxes per service; re-runs add nothing', async () => {
    const on = await api.call('PATCH', '/api/v1/profile-options', {
      token: admin,
      body: { enableConsolidatedPriceline: true },
    });
    expect(on.status).toBe(200);
    // A second service on reseller A's customer's subscription from December.
    await withSystem(api.db.db, (tx) =>
      tx.insert(subscriptionLines).values({
        ...own('d1-ra-c1', 'd1-ra'),
        id: 's-ra-3',
        subscriptionId: 's-ra',
        productId: 'p-month',
        quantity: '5',
        term: 'MONTH',
        billingFrequencyMonths: 1,
        startDate: '2026-12-01',
      }),
    );
    const itemsOfSubscription = async (issuer: string, start: string) =>
      (
        await withSystem(api.db.db, (tx) =>
          tx
            .select({ item: invoiceItems, issuer: invoices.issuerOrgId, taxTotal: invoices.taxTotal })
            .from(invoiceItems)
            .innerJoin(
              invoices,
              and(
                eq(invoices.distributorId, invoiceItems.distributorId),
                eq(invoices.id, invoiceItems.invoiceId),
              ),
            )
            .where(and(eq(invoiceItems.subscriptionId, 's-ra'), eq(invoiceItems.periodStart, start))),
        )
      ).filter((r) => r.issuer === issuer);

    const december = await finished((await startRun('2026-12-01')).body.id);
    expect(december).toMatchObject({ status: 'COMPLETED', error: null });
    const [fromDistributor, ...more] = await itemsOfSubscription('d1', '2026-12-01');
    expect(more).toEqual([]);
    // 10 × 9.00 + 5 × 9.00 on one priceline; VAT per service: 18.90 + 9.45.
    expect(fromDistributor?.item).toMatchObject({
      subscriptionLineId: null,
      productId: 'p-month',
      productName: 'Business Basic',
      description: 's-ra',
      periodEnd: '2026-12-31',
      quantity: '1.0000',
      amount: '135.0000',
      taxAmount: '28.3500',
      unitCost: '135.000000',
      pricingStrategy: 'MARKUP',
      endCustomerOrgId: 'd1-ra-c1',
    });
    expect(fromDistributor?.taxTotal).toBe('28.3500');
    // The reseller's invoice to its customer: 15 × 10.35, one priceline as well.
    const fromReseller = await itemsOfSubscription('d1-ra', '2026-12-01');
    expect(fromReseller.map((r) => [r.item.subscriptionLineId, r.item.amount])).toEqual([[null, '155.2500']]);

    const again = await finished((await startRun('2026-12-01')).body.id);
    expect(again).toMatchObject({ status: 'COMPLETED', invoicesCreated: 0 });
    const january = await finished((await startRun('2027-01-01')).body.id);
    expect(january.status).toBe('COMPLETED');
    expect(await itemsOfSubscription('d1', '2026-12-01')).toHaveLength(1);
    expect((await itemsOfSubscription('d1', '2027-01-01')).map((r) => r.item.amount)).toEqual(['135.0000']);
    await api.call('PATCH', '/api/v1/profile-options', {
      token: admin,
      body: { enableConsolidatedPriceline: false },
    });
  });

  it("a special price for an end customer is the reseller's unit sell price on its invoice (SPEC §6)", async () => {
    await withSystem(api.db.db, (tx) =>
      tx
        .insert(specialPrices)
        .values({ ...own('d1-ra-c1', 'd1-ra'), productId: 'p-month', price: '11.00', currency: 'EUR' }),
    );
    const run = await finished((await startRun('2027-02-01')).body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', error: null });
    const february = await withSystem(api.db.db, (tx) =>
      tx
        .select({ item: invoiceItems, issuer: invoices.issuerOrgId })
        .from(invoiceItems)
        .innerJoin(
          invoices,
          and(
            eq(invoices.distributorId, invoiceItems.distributorId),
            eq(invoices.id, invoiceItems.invoiceId),
          ),
        )
        .where(and(eq(invoiceItems.subscriptionId, 's-ra'), eq(invoiceItems.periodStart, '2027-02-01')))
        .orderBy(asc(invoices.issuerOrgId), asc(invoiceItems.subscriptionLineId)),
    );
    // The distributor still charges reseller A its unit cost (9.00); reseller A charges its
    // customer the special price (11.00). Both items say the sell price came from a special price.
    expect(
      february.map((r) => [
        r.issuer,
        r.item.subscriptionLineId,
        r.item.unitPrice,
        r.item.amount,
        r.item.pricingStrategy,
      ]),
    ).toEqual([
      ['d1', 's-ra-1', '9.000000', '90.0000', 'SPECIAL_PRICE'],
      ['d1', 's-ra-3', '9.000000', '45.0000', 'SPECIAL_PRICE'],
      ['d1-ra', 's-ra-1', '11.000000', '110.0000', 'SPECIAL_PRICE'],
      ['d1-ra', 's-ra-3', '11.000000', '55.0000', 'SPECIAL_PRICE'],
    ]);
  });
});

describe('billing runs: an invoice too large to store', () => {
  it('leaves its subscription out, named among those not billed; the rest is issued, on its account too', async () => {
    await withSystem(api.db.db, async (tx) => {
      await tx.insert(products).values({
        ...D1,
        id: 'p-huge',
        sku: 'P-HUGE',
        type: 'Azure',
        name: 'Everything',
        unit: 'Month',
        term: 'MONTH',
        currency: 'EUR',
        sellPrice: '99999999999999',
      });
      await tx
        .insert(subscriptions)
        .values([
          sub('s-huge', 'd1-c1', null, 'acc-c1', 'BSS', '2027-06-01'),
          sub('s-small', 'd1-c1', null, 'acc-c1', 'BSS', '2027-06-01'),
        ]);
      // Each figure valid alone (a quantity below 10^12, a price below 10^14); their product is not.
      await tx
        .insert(subscriptionLines)
        .values([
          line('s-huge-1', 's-huge', 'd1-c1', null, 'p-huge', '999999999999', 'MONTH', 1, '2027-06-01'),
          line('s-small-1', 's-small', 'd1-c1', null, 'p-month', '2', 'MONTH', 1, '2027-06-01'),
        ]);
    });
    const before = (await allInvoices()).length;
    const started = await startRun('2027-06-05');
    const run = await finished(started.body.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.error).toMatch(/^1 subscription\(s\) not billed: s-huge: its charges are too large to store/);
    const after = await allInvoices();
    expect(after.length).toBeGreaterThan(before); // the others' June invoices
    const itemsOf = (subscriptionId: string) =>
      withSystem(api.db.db, (tx) =>
        tx.select().from(invoiceItems).where(eq(invoiceItems.subscriptionId, subscriptionId)),
      );
    expect(await itemsOf('s-huge')).toEqual([]);
    // The other subscription on the same account (on the same invoice, but for s-huge) is billed.
    expect((await itemsOf('s-small')).map((i) => [i.periodStart, i.amount])).toEqual([
      ['2027-06-01', '20.0000'],
    ]);
  });
});
