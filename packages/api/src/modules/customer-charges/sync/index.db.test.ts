import {
  Decimal,
  negateMoney,
  priceTotals,
  type ResellerStrategy,
  roundUnitPrice,
  unitSellPrice,
} from '@cascade/billing-core';
import {
  connectionsBeside,
  customerChargeRows,
  jobRuns,
  openDatabase,
  queryRows,
  type Tenant,
  withSystem,
  withTenant,
} from '@cascade/db';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../../testing';
import { addInvoice, D, type InvoiceInput, RA, SPECIAL, seedChargesFixture } from '../testing';
import { runSync, SYNC_JOB_MANUAL, type SyncOptions } from './index';
import { claimManualRun } from './scheduler';

let api: TestApi;
const db = () => api.db.db;
const target = { distributorId: D, resellerId: RA };

beforeAll(async () => {
  api = await createTestApi();
  await seedChargesFixture(db());
});
afterAll(() => api.close());

/** The partitions of customer_charge_rows (one per synced reseller). */
async function partitions(
  q: Parameters<typeof queryRows>[0] = db(),
): Promise<{ name: string; oid: number }[]> {
  return queryRows(
    q,
    sql`select c.relname as name, c.oid::int as oid from pg_inherits h join pg_class c on c.oid = h.inhrelid
      where h.inhparent = 'customer_charge_rows'::regclass order by 1`,
  );
}

/** No rows, no partitions: every test's first sync is a reseller's first sync. */
async function clear() {
  await withSystem(db(), async (tx) => {
    for (const p of await partitions(tx)) await tx.execute(sql`drop table ${sql.identifier(p.name)}`);
    await tx.execute(sql`delete from job_runs`);
    await tx.execute(sql`delete from customer_charge_sync_marks`);
    await tx.execute(sql`delete from invoice_items`);
    await tx.execute(sql`delete from invoices`);
  });
}

let day = 0;
/** A manual run (one per local day per reseller: each sync here claims the next day). */
async function sync(t: { distributorId: string; resellerId: string } = target, options: SyncOptions = {}) {
  day++;
  const id = await claimManualRun(db(), t, 'UTC', new Date(Date.UTC(2030, 0, day)));
  if (!id) throw new Error('not claimed');
  return runSync(db(), t, id, options);
}

type Row = typeof customerChargeRows.$inferSelect;
async function rows(): Promise<Row[]> {
  return db().select().from(customerChargeRows).orderBy(customerChargeRows.invoiceItemId);
}

describe('the sync: which invoice items appear (SPEC §7)', () => {
  beforeEach(clear);

  it('copies an issued distributor → reseller item with its customer, prices and totals', async () => {
    await addInvoice(db(), {
      id: 'ok',
      number: 'DST-1',
      items: [
        {
          quantity: '3',
          unitCost: '8',
          markupPercent: '10',
          periodStart: '2026-03-01',
          periodEnd: '2026-03-31',
        },
      ],
    });
    const result = await sync();
    expect(result.rows).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({
      distributorId: D,
      resellerId: RA,
      orgId: RA,
      invoiceItemId: 'ok-1',
      invoiceId: 'ok',
      invoiceNumber: 'DST-1',
      invoiceDate: '2026-03-01',
      invoiceType: 'DEBIT',
      customerOrgId: 'd1-ra-c2',
      customerName: 'Zeta 2 Customer',
      description: 'M365 Business',
      startDate: '2026-03-01',
      endDate: '2026-03-31',
      unit: 'Month',
      currency: 'EUR',
      productType: 'Microsoft 365',
      productName: 'M365 Business',
      pricingStrategy: 'MARKUP',
      quantityE4: 30_000,
    });
    expect(new Decimal(row!.unitCostPrice).toFixed()).toBe('8');
    expect(new Decimal(row!.unitSellPrice).toFixed()).toBe('8.8');
    expect(new Decimal(row!.totalCostPrice).toFixed()).toBe('24');
    expect(new Decimal(row!.totalSellPrice).toFixed()).toBe('26.4');
  });

  it('takes every channel and every source', async () => {
    const channels = ['RESELLER_STOREFRONT', 'DISTRIBUTOR_STOREFRONT', 'BSS', 'PERSONAL_USE'] as const;
    const sources = ['BILLING_SERVICE', 'MANUAL', 'RENEWAL', 'API'] as const;
    for (const [i, channel] of channels.entries()) {
      await addInvoice(db(), { id: `ch${i}`, channel, source: sources[i], items: [{}] });
    }
    expect((await sync()).rows).toBe(4);
  });

  it.each([
    ['a pending invoice', { stage: 'PENDING' as const }],
    ['a proforma invoice', { stage: 'PROFORMA' as const }],
    ['an invoice dated before the reseller became Standard', { invoiceDate: '2026-01-31' }],
    ['a canceled invoice', { status: 'CANCELED' as const }],
    ["a Light reseller's invoice", { reseller: FIXTURE.resellerB }],
  ] as [string, Partial<InvoiceInput>][])('leaves out %s', async (_, inv) => {
    await addInvoice(db(), { id: 'in', items: [{}] });
    await addInvoice(db(), { id: 'out', ...inv, items: [{ customer: null }] });
    expect((await sync()).rows).toBe(1);
    if (inv.reseller) expect((await sync({ distributorId: D, resellerId: inv.reseller })).rows).toBe(0);
    expect((await rows()).map((r) => r.invoiceId)).toEqual(['in']);
  });

  it('includes an invoice dated on the day the reseller became Standard', async () => {
    await addInvoice(db(), { id: 'first-day', invoiceDate: '2026-02-01', items: [{}] });
    expect((await sync()).rows).toBe(1);
  });

  it('leaves out items without the pricing snapshot (issued before the feature)', async () => {
    await addInvoice(db(), {
      id: 'mixed',
      items: [{}, { unitCost: null, pricingStrategy: null, markupPercent: null, srp: null }],
    });
    expect((await sync()).rows).toBe(1);
    expect((await rows()).map((r) => r.invoiceItemId)).toEqual(['mixed-1']);
  });

  it("leaves out the reseller's invoices to its own customers (only the distributor's to it)", async () => {
    await withSystem(db(), (tx) =>
      tx.execute(sql`insert into accounts (distributor_id, reseller_id, org_id, id, issuer_org_id, name, currency)
        values (${D}, ${RA}, 'd1-ra-c1', 'acc-c1', ${RA}, 'c1', 'EUR')`),
    );
    await withSystem(db(), (tx) =>
      tx.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id, stage, type,
          number, invoice_date, currency, subtotal, tax_total, total, amount_due, channel, source, issued_at)
        values (${D}, ${RA}, 'd1-ra-c1', 'downstream', ${RA}, 'acc-c1', 'ISSUED', 'DEBIT', 'RA-1', '2026-03-01', 'EUR',
          0, 0, 0, 0, 'RESELLER_STOREFRONT', 'BILLING_SERVICE', now())`),
    );
    expect((await sync()).rows).toBe(0);
  });

  it('names the reseller itself as customer of its own purchases (no end customer)', async () => {
    await addInvoice(db(), { id: 'own', channel: 'PERSONAL_USE', items: [{ customer: null }] });
    await sync();
    expect((await rows())[0]).toMatchObject({ customerOrgId: RA, customerName: 'Reseller A' });
  });

  it('syncs the largest quantity an item may have; a larger one is never stored', async () => {
    // quantity_e4, the quantity in ten-thousandths, is a bigint: the item's bound keeps it in range.
    await addInvoice(db(), { id: 'big', items: [{ quantity: '99999999999999.9999' }] });
    expect((await sync()).rows).toBe(1);
    const stored = await queryRows<{ quantity: string; e4: string }>(
      db(),
      sql`select quantity::text as quantity, quantity_e4::text as e4 from customer_charge_rows`,
    );
    expect(stored).toEqual([{ quantity: '99999999999999.9999', e4: '999999999999999999' }]);
    await expect(
      addInvoice(db(), { id: 'huge', number: 'H', items: [{ quantity: '100000000000000' }] }),
    ).rejects.toThrow();
  });

  it('adds the installment number to the description when the item has it', async () => {
    await addInvoice(db(), {
      id: 'inst',
      items: [
        { installmentNumber: 3 },
        { installmentNumber: 4, description: 'M365 Business (installment 4 of 12)' },
      ],
    });
    await sync();
    expect((await rows()).map((r) => r.description)).toEqual([
      'M365 Business (installment 3)',
      'M365 Business (installment 4 of 12)',
    ]);
  });
});

describe('the sync: unit sell prices and totals', () => {
  beforeEach(clear);

  it('special price, else the snapshot markup, else the SRP; a vanished special price falls back to the reseller strategy', async () => {
    await addInvoice(db(), {
      id: 'px',
      items: [
        {
          customer: SPECIAL.customer,
          product: 'p-m365',
          pricingStrategy: 'SPECIAL_PRICE',
          markupPercent: null,
        },
        { customer: SPECIAL.customer, product: 'p-azure', unitCost: '2', markupPercent: '12.5' },
        { customer: 'd1-ra-c2', pricingStrategy: 'SRP', markupPercent: null, srp: '11.25' },
        // Snapshot says special price, but c2 has none: the reseller's default (MARKUP 25 %).
        { customer: 'd1-ra-c2', pricingStrategy: 'SPECIAL_PRICE', markupPercent: null, unitCost: '4' },
      ],
    });
    await sync();
    const got = (await rows()).map((r) => [new Decimal(r.unitSellPrice).toFixed(), r.pricingStrategy]);
    expect(got).toEqual([
      ['9.5', 'SPECIAL_PRICE'],
      ['2.25', 'MARKUP'],
      ['11.25', 'SRP'],
      ['5', 'MARKUP'],
    ]);
  });

  it('gives credit invoices negative totals, rounded half away from zero like their debit', async () => {
    const item = { unitCost: '0.125', markupPercent: '0', quantity: '1' };
    await addInvoice(db(), { id: 'deb', items: [item] });
    await addInvoice(db(), { id: 'cred', type: 'CREDIT', items: [item] });
    await sync();
    const [credit, debit] = await rows();
    expect([debit!.totalCostPrice, credit!.totalCostPrice].map((v) => new Decimal(v).toFixed())).toEqual([
      '0.13',
      '-0.13',
    ]);
    expect(new Decimal(credit!.unitSellPrice).toFixed()).toBe('0.125');
    expect(credit!.invoiceType).toBe('CREDIT');
  });

  it('rounds totals to the currency (JPY 0, KWD 3 decimals)', async () => {
    await addInvoice(db(), {
      id: 'jpy',
      currency: 'JPY',
      items: [{ unitCost: '100.5', quantity: '1', markupPercent: '0' }],
    });
    await addInvoice(db(), {
      id: 'kwd',
      currency: 'KWD',
      items: [{ unitCost: '1.2345', quantity: '1', markupPercent: '0' }],
    });
    await sync();
    const [jpy, kwd] = await rows();
    expect(new Decimal(jpy!.totalCostPrice).toFixed()).toBe('101');
    expect(new Decimal(kwd!.totalCostPrice).toFixed()).toBe('1.235');
  });

  it("equals billing-core's pricing on random items", async () => {
    const decimal = (max: number, places: number) =>
      fc.integer({ min: 0, max: max * 10 ** places }).map((n) => new Decimal(n).div(10 ** places).toFixed());
    const itemArb = fc.record({
      customer: fc.constantFrom('d1-ra-c1', 'd1-ra-c2', 'd1-ra-c3', null),
      product: fc.constantFrom('p-m365', 'p-azure', 'p-teams' as const),
      unitCost: decimal(5000, 6),
      markup: decimal(300, 6),
      srp: decimal(9000, 6),
      quantity: decimal(1000, 4),
      strategy: fc.constantFrom('MARKUP', 'SRP', 'SPECIAL_PRICE' as const),
      currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
      credit: fc.boolean(),
    });
    const items = fc.sample(itemArb, { numRuns: 150, seed: 20261122 });
    for (const [n, it] of items.entries()) {
      await addInvoice(db(), {
        id: `r${String(n).padStart(3, '0')}`,
        currency: it.currency,
        type: it.credit ? 'CREDIT' : 'DEBIT',
        items: [
          {
            customer: it.customer,
            product: it.product as 'p-m365',
            unitCost: it.unitCost,
            quantity: it.quantity,
            pricingStrategy: it.strategy as 'MARKUP',
            markupPercent: it.strategy === 'MARKUP' ? it.markup : null,
            srp: it.srp,
          },
        ],
      });
    }
    expect((await sync()).rows).toBe(items.length);
    const got = await rows();
    for (const [n, it] of items.entries()) {
      const row = got.find((r) => r.invoiceId === `r${String(n).padStart(3, '0')}`)!;
      const special =
        it.customer === SPECIAL.customer && it.product === SPECIAL.product && it.currency === 'EUR'
          ? SPECIAL.price
          : null;
      // The snapshot's strategy; SPECIAL_PRICE without one: the reseller's default, MARKUP 25 %.
      const strategy: ResellerStrategy =
        it.strategy === 'SRP'
          ? { kind: 'SRP' }
          : { kind: 'MARKUP', percent: it.strategy === 'MARKUP' ? it.markup : '25' };
      const sell = unitSellPrice({ unitCost: it.unitCost, specialPrice: special, strategy, srp: it.srp });
      const totals = priceTotals(it.unitCost, sell.unitSell, it.quantity, it.currency);
      const sign = (m: typeof totals.totalCost) => (it.credit ? negateMoney(m) : m).amount;
      const context = JSON.stringify(it);
      expect(new Decimal(row.unitSellPrice).eq(sell.unitSell), context).toBe(true);
      expect(new Decimal(row.unitCostPrice).eq(roundUnitPrice(it.unitCost)), context).toBe(true);
      expect(new Decimal(row.totalCostPrice).eq(sign(totals.totalCost)), context).toBe(true);
      expect(new Decimal(row.totalSellPrice).eq(sign(totals.totalSell)), context).toBe(true);
      expect(row.pricingStrategy, context).toBe(sell.strategy);
      expect(row.quantityE4, context).toBe(new Decimal(it.quantity).mul(10_000).toNumber());
    }
  });
});

describe('the sync: idempotent and catching up', () => {
  beforeEach(clear);

  it('adds nothing when run twice, and records each run', async () => {
    await addInvoice(db(), { id: 'a', items: [{}, {}] });
    expect((await sync()).rows).toBe(2);
    expect((await sync()).rows).toBe(0);
    expect(await db().$count(customerChargeRows)).toBe(2);
    const runs = await db()
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.jobName, SYNC_JOB_MANUAL))
      .orderBy(jobRuns.startedAt);
    expect(runs.map((r) => [r.status, r.rows])).toEqual([
      ['SUCCEEDED', 2],
      ['SUCCEEDED', 0],
    ]);
    expect(runs.every((r) => r.finishedAt !== null && r.error === null)).toBe(true);
  });

  it('covers everything since the last successful run: a missed day is caught by the next', async () => {
    await addInvoice(db(), { id: 'day1', issuedAt: '2026-03-01T06:00:00Z', items: [{}] });
    const first = await sync();
    expect(first).toMatchObject({ rows: 1, since: null });
    // Issued after that run, over two days with no run between.
    const later = (h: number) => new Date(Date.parse(first.upTo) + h * 3_600_000).toISOString();
    await addInvoice(db(), { id: 'day2', number: 'N2', issuedAt: later(24), items: [{}] });
    await addInvoice(db(), { id: 'day3', number: 'N3', issuedAt: later(48), items: [{}] });
    const next = await sync();
    expect(next.rows).toBe(2);
    expect(next.since).toBe(
      (await queryRows<{ t: string }>(db(), sql`select ${first.upTo}::timestamptz::text as t`))[0]!.t,
    );
  });

  it('reads only invoices issued since the last run (a day of overlap), not the whole history', async () => {
    await addInvoice(db(), { id: 'old', issuedAt: '2026-03-01T06:00:00Z', items: [{}, {}] });
    await sync();
    await withSystem(db(), (tx) =>
      tx.execute(sql`delete from customer_charge_rows where invoice_item_id = 'old-1'`),
    );
    // The old invoice lies before the cursor: the next run does not read it again.
    expect((await sync()).rows).toBe(0);
  });

  it('reads everything again when the rows are gone (a crash empties the unlogged partition)', async () => {
    await addInvoice(db(), { id: 'old', issuedAt: '2026-03-01T06:00:00Z', items: [{}, {}] });
    await sync();
    const [part] = await partitions();
    // What crash recovery does to unlogged tables: empty, still there (the partition still attached).
    await withSystem(db(), (tx) =>
      tx.execute(sql`truncate ${sql.identifier(part!.name)}, customer_charge_sync_marks`),
    );
    expect(await rows()).toEqual([]);
    expect(await sync()).toMatchObject({ rows: 2, since: null });
    expect((await rows()).map((r) => r.invoiceItemId)).toEqual(['old-1', 'old-2']);
    // Back to reading from the cursor.
    expect((await sync()).since).not.toBeNull();
  });
});

describe('the sync: one partition per reseller, built in bulk', () => {
  beforeEach(clear);

  /** Each index of customer_charge_rows has its partition's index attached, and nothing else is there. */
  async function indexesOf(partition: string) {
    return queryRows<{ parent: string; child: string | null; valid: boolean | null }>(
      db(),
      sql`select p.relname as parent, c.relname as child, ci.indisvalid as valid
        from pg_index pi join pg_class p on p.oid = pi.indexrelid
        left join (pg_inherits h join pg_class c on c.oid = h.inhrelid join pg_index ci on ci.indexrelid = c.oid
          join pg_class t on t.oid = ci.indrelid and t.relname = ${partition}) on h.inhparent = pi.indexrelid
        where pi.indrelid = 'customer_charge_rows'::regclass order by 1`,
    );
  }
  async function partitionIndexCount(partition: string) {
    const [row] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from pg_index where indrelid = ${partition}::regclass`,
    );
    return row?.n;
  }

  it("builds the reseller's partition on its first sync, with every index and row-level security", async () => {
    await addInvoice(db(), { id: 'a', items: [{}, {}] });
    expect(await partitions()).toEqual([]);
    expect((await sync()).rows).toBe(2);
    const [part, ...more] = await partitions();
    expect(more).toEqual([]);
    const [named] = await queryRows<{ name: string }>(
      db(),
      sql`select customer_charge_rows_partition(${RA}) as name`,
    );
    expect(part?.name).toBe(named?.name);
    const indexes = await indexesOf(part!.name);
    expect(indexes.length).toBeGreaterThanOrEqual(10);
    for (const i of indexes) expect([i.parent, i.valid]).toEqual([i.parent, true]);
    expect(await partitionIndexCount(part!.name)).toBe(indexes.length);
    const [security] = await queryRows<{ rls: boolean; forced: boolean; app: boolean }>(
      db(),
      sql`select relrowsecurity as rls, relforcerowsecurity as forced,
          has_table_privilege('cascade_app', oid, 'SELECT, INSERT, UPDATE, DELETE') as app
        from pg_class where relname = ${part!.name}`,
    );
    expect(security).toEqual({ rls: true, forced: true, app: false });
    // Derived rows, not written to the WAL (see createBuildTable); the parent itself holds none.
    const [persistence] = await queryRows<{ p: string }>(
      db(),
      sql`select relpersistence as p from pg_class where relname = ${part!.name}`,
    );
    expect(persistence?.p).toBe('u');
  });

  it('lets the app read the rows through the table only, under its policy, never a partition directly', async () => {
    await addInvoice(db(), { id: 'a', items: [{}] });
    await sync();
    const [part] = await partitions();
    const reseller = { distributorId: D, orgId: RA, orgKind: 'RESELLER' as const };
    const other = { distributorId: D, orgId: FIXTURE.resellerB, orgKind: 'RESELLER' as const };
    const seen = (tenant: Tenant) => withTenant(db(), tenant, (tx) => tx.select().from(customerChargeRows));
    expect((await seen(reseller)).map((r) => r.invoiceItemId)).toEqual(['a-1']);
    expect(await seen(other)).toEqual([]);
    const readDirectly = () =>
      withTenant(db(), reseller, (tx) => tx.execute(sql`select * from ${sql.identifier(part!.name)}`)).then(
        () => 'read',
        (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message),
      );
    expect(await readDirectly()).toMatch(/permission denied/);
    // Granting every table again (a later migration) still leaves partitions out.
    await withSystem(db(), (tx) => tx.execute(sql`select cascade_secure_tables()`));
    expect(await readDirectly()).toMatch(/permission denied/);
  });

  it('inserts a small run into the partition, keeping it', async () => {
    await addInvoice(db(), { id: 'a', items: [{}, {}, {}] });
    await sync();
    const [before] = await partitions();
    await addInvoice(db(), { id: 'b', number: 'N2', issuedAt: new Date().toISOString(), items: [{}] });
    expect((await sync()).rows).toBe(1);
    expect(await partitions()).toEqual([before]);
    expect((await rows()).map((r) => r.invoiceItemId)).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
  });

  it('rebuilds the partition when a run adds more rows than it holds, keeping the rows it had', async () => {
    await addInvoice(db(), { id: 'a', items: [{}] });
    await sync();
    const [before] = await partitions();
    const [kept] = await rows();
    await addInvoice(db(), {
      id: 'b',
      number: 'N2',
      issuedAt: new Date().toISOString(),
      items: [{}, {}, {}],
    });
    expect((await sync(target, { rebuildMinRows: 2 })).rows).toBe(3);
    const after = await partitions();
    expect(after.map((p) => p.name)).toEqual([before!.name]);
    expect(after[0]!.oid).not.toBe(before!.oid);
    const got = await rows();
    expect(got.map((r) => r.invoiceItemId)).toEqual(['a-1', 'b-1', 'b-2', 'b-3']);
    expect(got[0]).toEqual(kept);
    const indexes = await indexesOf(before!.name);
    for (const i of indexes) expect([i.parent, i.valid]).toEqual([i.parent, true]);
    expect(await partitionIndexCount(before!.name)).toBe(indexes.length);
    // Idempotent still, whichever way the run goes.
    expect((await sync(target, { rebuildMinRows: 0 })).rows).toBe(0);
    expect(await db().$count(customerChargeRows)).toBe(4);
  });

  it("keeps another distributor's rows in a swapped partition (reseller ids are unique per distributor only)", async () => {
    await addInvoice(db(), { id: 'a', items: [{}] });
    await sync();
    // The same reseller id under another distributor shares the partition (LIST on org_id).
    await withSystem(db(), async (tx) => {
      const [cols] = await queryRows<{ list: string }>(
        tx,
        sql`select string_agg(quote_ident(attname), ', ' order by attnum) as list from pg_attribute
          where attrelid = 'customer_charge_rows'::regclass and attnum > 0 and not attisdropped
            and attgenerated = '' and attname <> 'distributor_id'`,
      );
      const list = sql.raw(cols!.list);
      await tx.execute(sql`insert into customer_charge_rows (distributor_id, ${list})
        select 'another-distributor', ${list} from customer_charge_rows`);
    });
    await addInvoice(db(), {
      id: 'b',
      number: 'N2',
      issuedAt: new Date().toISOString(),
      items: [{}, {}, {}],
    });
    expect((await sync(target, { rebuildMinRows: 2 })).rows).toBe(3);
    const held = await db()
      .select({ distributorId: customerChargeRows.distributorId, id: customerChargeRows.invoiceItemId })
      .from(customerChargeRows)
      .orderBy(customerChargeRows.distributorId, customerChargeRows.invoiceItemId);
    expect(held).toEqual([
      { distributorId: 'another-distributor', id: 'a-1' },
      ...['a-1', 'b-1', 'b-2', 'b-3'].map((id) => ({ distributorId: D, id })),
    ]);
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(process.env.TEST_DATABASE_URL)(
    'inserts into the partition instead when the swap would wait for a reader',
    async () => {
      await addInvoice(db(), { id: 'a', items: [{}] });
      await sync();
      const [before] = await partitions();
      await addInvoice(db(), { id: 'b', number: 'N2', issuedAt: new Date().toISOString(), items: [{}, {}] });
      // A long read of the table (an export, say) holds it while the run wants to swap.
      const result = await db().transaction(async (reader) => {
        await reader.execute(sql`select count(*) from customer_charge_rows`);
        return sync(target, { rebuildMinRows: 2, swapLockTimeout: '50ms' });
      });
      expect(result.rows).toBe(2);
      expect(await partitions()).toEqual([before]);
      expect((await rows()).map((r) => r.invoiceItemId)).toEqual(['a-1', 'b-1', 'b-2']);
    },
  );

  /** Tables left beside the partitions: a load's table that no run renamed into place. */
  async function buildTables() {
    return queryRows<{ name: string }>(
      db(),
      sql`select relname as name from pg_class where relname like 'customer_charge_rows%' and relkind = 'r'
        and not relispartition`,
    );
  }
  /** The rows as the sync computed them (not when or by which run). */
  async function computed() {
    return (await rows()).map(({ syncedAt: _, jobRunId: __, ...row }) => row);
  }

  // Sessions side by side: PostgreSQL only (PGlite has one connection and always builds in the run).
  it.runIf(process.env.TEST_DATABASE_URL)(
    'builds a first sync in sessions side by side: the same rows and indexes as a build in the run itself',
    async () => {
      const invoices = async () => {
        for (let n = 1; n <= 12; n++)
          await addInvoice(db(), { id: `s${n}`, number: `S-${n}`, items: [{}, { quantity: String(n) }] });
      };
      await invoices();
      expect((await sync(target, { buildSessions: 1 })).rows).toBe(24);
      const inRun = await computed();
      await clear();
      await invoices();
      expect((await sync(target, { buildSessions: 3 })).rows).toBe(24);
      expect(await computed()).toEqual(inRun);
      const [part] = await partitions();
      const indexes = await indexesOf(part!.name);
      for (const i of indexes) expect([i.parent, i.valid]).toEqual([i.parent, true]);
      expect(await partitionIndexCount(part!.name)).toBe(indexes.length);
      expect(await buildTables()).toEqual([]);
      expect((await sync()).rows).toBe(0);
    },
  );

  it.runIf(process.env.TEST_DATABASE_URL)(
    'builds a first sync in its own transaction on a pool of one connection (the edge), without waiting for more',
    async () => {
      await addInvoice(db(), { id: 'a', items: [{}, {}] });
      const [current] = await queryRows<{ name: string }>(db(), sql`select current_database() as name`);
      const url = new URL(process.env.TEST_DATABASE_URL as string);
      url.pathname = `/${current!.name}`;
      const one = await openDatabase({ url: url.toString(), max: 1, migrate: false });
      try {
        expect(connectionsBeside(one.db)).toBe(0);
        expect(connectionsBeside(db())).toBeGreaterThan(0);
        day++;
        const id = await claimManualRun(one.db, target, 'UTC', new Date(Date.UTC(2030, 0, day)));
        expect((await runSync(one.db, target, id!)).rows).toBe(2);
      } finally {
        await one.close();
      }
      expect((await partitions()).length).toBe(1);
      expect(await buildTables()).toEqual([]);
    },
  );

  /**
   * The error message of `fn` (undefined if none) while DDL commands of `tag` fail: all of them, or
   * only on tables other than the one being built (`*_next`), i.e. in the run's own transaction.
   */
  async function whileDdlFails(tag: string, onlyOutsideTheBuild: boolean, fn: () => Promise<unknown>) {
    const condition = onlyOutsideTheBuild
      ? sql.raw(
          `exists (select 1 from pg_event_trigger_ddl_commands() c where c.object_identity not like '%\\_next')`,
        )
      : sql.raw('true');
    await withSystem(db(), async (tx) => {
      await tx.execute(sql`create function cascade_test_fail() returns event_trigger language plpgsql as $$
        begin if ${condition} then raise exception 'no DDL today'; end if; end $$`);
      await tx.execute(sql`create event trigger cascade_test_fail on ddl_command_end
        when tag in (${sql.raw(`'${tag}'`)}) execute function cascade_test_fail()`);
    });
    try {
      return await fn().then(
        () => undefined,
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message), // drizzle wraps it
      );
    } finally {
      await withSystem(db(), async (tx) => {
        await tx.execute(sql`drop event trigger cascade_test_fail`);
        await tx.execute(sql`drop function cascade_test_fail()`);
      });
    }
  }

  it.runIf(process.env.TEST_DATABASE_URL)(
    'leaves no built table behind when an index build in a session fails, or the run after the build',
    async () => {
      await addInvoice(db(), { id: 'a', items: [{}, {}] });
      const run = () => sync(target, { buildSessions: 2 });
      expect(await whileDdlFails('CREATE INDEX', false, run)).toMatch(/no DDL today/);
      expect(await buildTables()).toEqual([]);
      // The run's transaction fails on the table renamed into place, after the sessions committed it.
      expect(await whileDdlFails('ALTER TABLE', true, run)).toMatch(/no DDL today/);
      expect(await partitions()).toEqual([]);
      expect(await buildTables()).toEqual([]);
      expect((await sync()).rows).toBe(2);
    },
  );

  it('drops the table a build in sessions left when its run died, and syncs', async () => {
    await addInvoice(db(), { id: 'a', items: [{}, {}] });
    const [names] = await queryRows<{ building: string }>(
      db(),
      sql`select customer_charge_rows_partition(${RA}) || '_next' as building`,
    );
    const left = sql.identifier(names!.building);
    await withSystem(db(), (tx) => tx.execute(sql`create table ${left} (like customer_charge_rows)`));
    expect((await sync()).rows).toBe(2);
    expect((await rows()).map((r) => r.invoiceItemId)).toEqual(['a-1', 'a-2']);
    expect(await buildTables()).toEqual([]);
  });

  it('leaves a failed run without a trace: no partition, no rows, the run FAILED', async () => {
    await addInvoice(db(), { id: 'a', items: [{}] });
    day++;
    const id = await claimManualRun(db(), target, 'UTC', new Date(Date.UTC(2030, 0, day)));
    // The select fails after the partition's table was created, in the same transaction.
    await withSystem(db(), (tx) => tx.execute(sql`alter table special_prices rename to special_prices_gone`));
    try {
      await expect(runSync(db(), target, id!)).rejects.toThrow(/special_prices/);
    } finally {
      await withSystem(db(), (tx) =>
        tx.execute(sql`alter table special_prices_gone rename to special_prices`),
      );
    }
    expect(await partitions()).toEqual([]);
    expect(await buildTables()).toEqual([]);
    const [run] = await db().select().from(jobRuns).where(eq(jobRuns.id, id!));
    expect(run?.status).toBe('FAILED');
    expect((await sync()).rows).toBe(1);
  });
});
