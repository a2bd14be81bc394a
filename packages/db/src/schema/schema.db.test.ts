import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase, queryRows } from '../client';
import { type Tenant, withSystem, withTenant } from '../tenancy';
import { createTestDatabase, type TestDatabase } from '../testing';
import {
  accounts,
  billingProfileOptions,
  cashDesks,
  invoiceItems,
  invoiceNumberSequences,
  invoices,
  ledgerEntries,
  organizations,
  payments,
  products,
  subscriptionLines,
  subscriptions,
} from './index';

let t: TestDatabase;

/** How many migrations are committed (drizzle/meta/_journal.json). */
async function journalLength(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const journal = JSON.parse(await readFile(join(await migrationsFolder(), 'meta', '_journal.json'), 'utf8'));
  return (journal as { entries: unknown[] }).entries.length;
}
const r: Tenant = { orgId: 'r', distributorId: 'd', orgKind: 'RESELLER' };

/** Drizzle wraps driver errors in "Failed query: ..."; the database's message is the cause. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause;
    return cause?.message ?? (e as Error).message;
  }
  throw new Error('expected the database to refuse');
}

const invoice = (over: Partial<typeof invoices.$inferInsert> = {}): typeof invoices.$inferInsert => ({
  distributorId: 'd',
  resellerId: 'r',
  orgId: 'r',
  id: crypto.randomUUID(),
  issuerOrgId: 'd',
  accountId: 'acc-r',
  stage: 'ISSUED',
  type: 'DEBIT',
  status: 'UNPAID',
  number: `N-${crypto.randomUUID()}`,
  invoiceDate: '2026-01-01',
  currency: 'EUR',
  subtotal: '100.00',
  taxTotal: '21.00',
  total: '121.00',
  amountDue: '121.00',
  channel: 'BSS',
  source: 'MANUAL',
  ...over,
});

beforeAll(async () => {
  t = await createTestDatabase();
  await withSystem(t.db, async (tx) => {
    await tx.insert(organizations).values([
      { id: 'd', distributorId: 'd', kind: 'DISTRIBUTOR', name: 'D' },
      {
        id: 'r',
        distributorId: 'd',
        resellerId: 'r',
        parentId: 'd',
        kind: 'RESELLER',
        resellerTier: 'STANDARD',
        name: 'R',
      },
      { id: 'c', distributorId: 'd', resellerId: 'r', parentId: 'r', kind: 'CUSTOMER', name: 'C' },
    ]);
    await tx.insert(billingProfileOptions).values({ distributorId: 'd', orgId: 'd' });
    await tx.insert(accounts).values([
      {
        distributorId: 'd',
        resellerId: 'r',
        orgId: 'r',
        id: 'acc-r',
        issuerOrgId: 'd',
        name: 'R at D',
        currency: 'EUR',
      },
      {
        distributorId: 'd',
        resellerId: 'r',
        orgId: 'c',
        id: 'acc-c',
        issuerOrgId: 'r',
        name: 'C at R',
        currency: 'EUR',
      },
    ]);
    await tx
      .insert(cashDesks)
      .values({ distributorId: 'd', orgId: 'd', id: 'bank', name: 'Bank', kind: 'BANK' });
    await tx.insert(products).values({
      distributorId: 'd',
      orgId: 'd',
      id: 'p1',
      sku: 'P1',
      type: 'Microsoft 365',
      name: 'Business Basic',
      unit: 'Month',
      term: 'MONTH',
      currency: 'EUR',
      sellPrice: '5.60',
      srp: '6.00',
    });
  });
});
afterAll(async () => {
  await t?.drop();
});

describe('billing profile options', () => {
  it('take the defaults of SPEC §8 and refuse values outside their domain', async () => {
    const [row] = await t.db
      .select()
      .from(billingProfileOptions)
      .where(eq(billingProfileOptions.distributorId, 'd'));
    expect(row).toMatchObject({
      accountTransferDisconnectionCreditRule: 'NO_DISCONNECTION_CREDIT',
      monthDefinition: 'CALDAYS',
      invoiceGenerationRule: 'BILLING_PERIOD_WISE',
      revenueRecognitionInterval: 'MONTH',
      exactDisconnectionCreditOnAdHocPriceChange: true,
      regenerateCancelledInvoice: true,
      prorataInclusive: false,
      minimumVacationDays: 1,
      maximumVacationDays: 365,
    });
    expect(
      await failure(
        t.db
          .update(billingProfileOptions)
          .set({ minimumVacationDays: 400 })
          .where(eq(billingProfileOptions.distributorId, 'd')),
      ),
    ).toMatch(/billing_profile_options_vacation/);
    expect(
      await failure(t.db.execute(sql`update billing_profile_options set month_definition = '31_DAYS'`)),
    ).toMatch(/billing_profile_options_month_definition/);
  });
});

describe('invoices', () => {
  it('have a unique number per issuer', async () => {
    await t.db.insert(invoices).values(invoice({ number: 'INV-000001' }));
    expect(await failure(t.db.insert(invoices).values(invoice({ number: 'INV-000001' })))).toMatch(
      /invoices_number_key/,
    );
    // Another issuer may use the same number.
    await t.db
      .insert(invoices)
      .values(invoice({ number: 'INV-000001', issuerOrgId: 'r', orgId: 'c', accountId: 'acc-c' }));
    const rows = await t.db
      .select({ issuer: invoices.issuerOrgId })
      .from(invoices)
      .where(eq(invoices.number, 'INV-000001'));
    expect(rows.map((x) => x.issuer).sort()).toEqual(['d', 'r']);
  });

  it('number only issued invoices and keep drafts unpaid, without a number', async () => {
    expect(await failure(t.db.insert(invoices).values(invoice({ number: null })))).toMatch(
      /invoices_number_when_issued/,
    );
    expect(await failure(t.db.insert(invoices).values(invoice({ stage: 'PROFORMA' })))).toMatch(
      /invoices_number_when_issued/,
    );
    expect(
      await failure(
        t.db
          .insert(invoices)
          .values(invoice({ stage: 'PENDING', number: null, status: 'PAID', amountDue: '0' })),
      ),
    ).toMatch(/invoices_draft_unpaid/);
    await t.db.insert(invoices).values(invoice({ id: 'draft', stage: 'PROFORMA', number: null }));
    const [draft] = await t.db.select().from(invoices).where(eq(invoices.id, 'draft'));
    expect([draft?.stage, draft?.number, draft?.status]).toEqual(['PROFORMA', null, 'UNPAID']);
  });

  it('refuse inconsistent amounts and signs', async () => {
    expect(await failure(t.db.insert(invoices).values(invoice({ total: '120.00' })))).toMatch(
      /invoices_amounts/,
    );
    expect(
      await failure(
        t.db.insert(invoices).values(invoice({ subtotal: '-1', taxTotal: '0', total: '-1', amountDue: '0' })),
      ),
    ).toMatch(/invoices_amounts/);
    expect(await failure(t.db.insert(invoices).values(invoice({ status: 'PAID' })))).toMatch(
      /invoices_paid_nothing_due/,
    );
    expect(await failure(t.db.insert(invoices).values(invoice({ creditedInvoiceId: 'draft' })))).toMatch(
      /invoices_credit_link/,
    );
  });

  it('items refuse a negative quantity', async () => {
    const id = crypto.randomUUID();
    await t.db.insert(invoices).values(invoice({ id }));
    const item = {
      distributorId: 'd',
      resellerId: 'r',
      orgId: 'r',
      invoiceId: id,
      productType: 'Microsoft 365',
      productName: 'Business Basic',
      description: 'Business Basic',
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      unit: 'Month',
      unitPrice: '5.60',
      amount: '100.00',
    };
    await t.db
      .insert(invoiceItems)
      .values({ ...item, id: crypto.randomUUID(), lineNo: 1, quantity: '17.8571' });
    expect(
      await failure(
        t.db.insert(invoiceItems).values({ ...item, id: crypto.randomUUID(), lineNo: 2, quantity: '-1' }),
      ),
    ).toMatch(/invoice_items_quantity/);
  });

  it('number gaplessly through the sequence row, a rollback giving the number back', async () => {
    await t.db.insert(invoiceNumberSequences).values({ distributorId: 'd', orgId: 'd' });
    const next = (tx: Parameters<Parameters<typeof t.db.transaction>[0]>[0]) =>
      tx
        .update(invoiceNumberSequences)
        .set({ lastNumber: sql`${invoiceNumberSequences.lastNumber} + 1` })
        .where(eq(invoiceNumberSequences.orgId, 'd'))
        .returning({ n: invoiceNumberSequences.lastNumber });
    expect(await t.db.transaction(next)).toEqual([{ n: 1 }]);
    await expect(
      t.db.transaction(async (tx) => {
        await next(tx);
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    expect(await t.db.transaction(next)).toEqual([{ n: 2 }]);
  });
});

describe('subscriptions', () => {
  it('accept the billing frequencies 1, 3, 6, 12 only', async () => {
    await t.db.insert(subscriptions).values({
      distributorId: 'd',
      resellerId: 'r',
      orgId: 'c',
      id: 's1',
      accountId: 'acc-c',
      name: 'Head office',
      channel: 'RESELLER_STOREFRONT',
      orderDate: '2026-01-01',
      startDate: '2026-01-01',
    });
    const line = {
      distributorId: 'd',
      resellerId: 'r',
      orgId: 'c',
      subscriptionId: 's1',
      productId: 'p1',
      quantity: '3',
      term: 'MONTH' as const,
      startDate: '2026-01-01',
    };
    await t.db.insert(subscriptionLines).values({ ...line, id: 'l1', billingFrequencyMonths: 3 });
    expect(
      await failure(t.db.insert(subscriptionLines).values({ ...line, id: 'l2', billingFrequencyMonths: 2 })),
    ).toMatch(/subscription_lines_frequency/);
  });
});

describe('append-only documents', () => {
  it('grant cascade_app only SELECT and INSERT on documents and entries', async () => {
    const tables = [
      'payments',
      'allocations',
      'refunds',
      'transfers',
      'write_offs',
      'ledger_entries',
      'audit_log',
    ];
    const rows = await queryRows<{ t: string; s: boolean; i: boolean; u: boolean; d: boolean }>(
      t.db,
      sql`select x.t, has_table_privilege('cascade_app', x.t, 'SELECT') s, has_table_privilege('cascade_app', x.t, 'INSERT') i,
        has_table_privilege('cascade_app', x.t, 'UPDATE') u, has_table_privilege('cascade_app', x.t, 'DELETE') d
        from unnest(${sql.raw(`array[${tables.map((x) => `'${x}'`).join(',')}]`)}::text[]) as x(t)`,
    );
    expect(rows).toEqual(tables.map((x) => ({ t: x, s: true, i: true, u: false, d: false })));
    const [mutable] = await queryRows<{ u: boolean }>(
      t.db,
      sql`select has_table_privilege('cascade_app', 'invoices', 'UPDATE') u`,
    );
    expect(mutable?.u).toBe(true);
  });

  it('refuse UPDATE and DELETE of a payment and a ledger entry under cascade_app', async () => {
    await withTenant(t.db, r, async (tx) => {
      await tx.insert(payments).values({
        distributorId: 'd',
        resellerId: 'r',
        orgId: 'r',
        id: 'pay-1',
        accountId: 'acc-r',
        cashDeskId: 'bank',
        method: 'BANK_TRANSFER',
        paymentDate: '2026-01-05',
        amount: '50.00',
        currency: 'EUR',
      });
      await tx.insert(ledgerEntries).values({
        distributorId: 'd',
        resellerId: 'r',
        orgId: 'r',
        accountId: 'acc-r',
        currency: 'EUR',
        amount: '50.00',
        entryDate: '2026-01-05',
        documentType: 'PAYMENT',
        documentId: 'pay-1',
      });
    });
    expect(await failure(withTenant(t.db, r, (tx) => tx.update(payments).set({ amount: '5.00' })))).toMatch(
      /permission denied/,
    );
    expect(await failure(withTenant(t.db, r, (tx) => tx.delete(payments)))).toMatch(/permission denied/);
    expect(
      await failure(withTenant(t.db, r, (tx) => tx.update(ledgerEntries).set({ amount: '5.00' }))),
    ).toMatch(/permission denied/);
    expect(await failure(withTenant(t.db, r, (tx) => tx.delete(ledgerEntries)))).toMatch(/permission denied/);
    const [p] = await t.db.select().from(payments).where(eq(payments.id, 'pay-1'));
    expect(p?.amount).toBe('50.0000');
  });

  it('refuse a zero payment', async () => {
    expect(
      await failure(
        t.db.insert(payments).values({
          distributorId: 'd',
          resellerId: 'r',
          orgId: 'r',
          id: 'pay-0',
          accountId: 'acc-r',
          cashDeskId: 'bank',
          method: 'CASH',
          paymentDate: '2026-01-05',
          amount: '0',
          currency: 'EUR',
        }),
      ),
    ).toMatch(/payments_positive/);
  });
});

describe('catalogue tables', () => {
  it('are readable by the whole marketplace but written by the distributor only', async () => {
    const seen = await withTenant(t.db, r, (tx) => tx.select({ id: products.id }).from(products));
    expect(seen).toEqual([{ id: 'p1' }]);
    expect(
      await failure(
        withTenant(t.db, r, (tx) =>
          tx.insert(products).values({
            distributorId: 'd',
            orgId: 'd',
            id: 'p2',
            sku: 'P2',
            type: 'X',
            name: 'X',
            unit: 'Month',
            term: 'MONTH',
            currency: 'EUR',
            sellPrice: '1',
          }),
        ),
      ),
    ).toMatch(/row-level security/);
    const updated = await withTenant(t.db, r, (tx) =>
      tx.update(products).set({ name: 'hijacked' }).where(eq(products.id, 'p1')).returning(),
    );
    expect(updated).toEqual([]);
  });
});

describe('opening', () => {
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))(
    'migrates safely when several instances start at once',
    async () => {
      const admin = await openDatabase({ url: process.env.TEST_DATABASE_URL, migrate: false, max: 1 });
      const name = `cascade_t_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
      await admin.db.execute(sql.raw(`create database ${name}`));
      try {
        const url = new URL(process.env.TEST_DATABASE_URL as string);
        url.pathname = `/${name}`;
        const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url: url.toString(), max: 1 })));
        const [applied] = await queryRows<{ n: number }>(
          handles[0]!.db,
          sql`select count(*)::int n from drizzle.__drizzle_migrations`,
        );
        expect(applied?.n).toBe(await journalLength());
        await Promise.all(handles.map((h) => h.close()));
      } finally {
        await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
        await admin.close();
      }
    },
  );

  it.runIf(!process.env.TEST_DATABASE_URL)(
    'keeps PGlite data in its data folder across restarts',
    async () => {
      const { mkdtemp, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = await mkdtemp(join(tmpdir(), 'cascade-pglite-'));
      try {
        const first = await openDatabase({ dataDir: dir });
        expect(first.kind).toBe('pglite');
        await first.db
          .insert(organizations)
          .values({ id: 'kept', distributorId: 'kept', kind: 'DISTRIBUTOR', name: 'Kept' });
        await first.close();
        const second = await openDatabase({ dataDir: dir });
        const rows = await second.db.select({ id: organizations.id }).from(organizations);
        const [applied] = await queryRows<{ n: number }>(
          second.db,
          sql`select count(*)::int n from drizzle.__drizzle_migrations`,
        );
        await second.close();
        expect(rows).toEqual([{ id: 'kept' }]);
        expect(applied?.n).toBe(await journalLength());
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
