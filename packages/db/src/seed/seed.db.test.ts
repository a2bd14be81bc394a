import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../client';
import { invoiceItems, invoices, organizations, users } from '../schema';
import { createTestDatabase, type TestDatabase } from '../testing';
import { countBulkInvoiceLines, seedBulkInvoiceLines } from './bulk';
import { seedDemo } from './index';

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

/** A digest of everything money-related, in a stable order, ignoring generated timestamps and identities. */
async function fingerprint(db: Database) {
  const [row] = await queryRows<{ invoices: string; items: string; money: string; ledger: string }>(
    db,
    sql`select
      (select md5(string_agg(concat_ws('|', id, number, stage, type, status, invoice_date, total, amount_due,
         credited_invoice_id, channel, source), ',' order by id)) from invoices) as invoices,
      (select md5(string_agg(concat_ws('|', id, description, quantity, unit_price, amount, tax_amount, unit_cost,
         pricing_strategy, markup_percent, srp, end_customer_org_id), ',' order by id)) from invoice_items) as items,
      (select md5(string_agg(concat_ws('|', id, account_id, amount, payment_date), ',' order by id)) from payments)
        || (select md5(string_agg(concat_ws('|', id, debit_invoice_id, amount), ',' order by id)) from allocations) as money,
      (select md5(string_agg(concat_ws('|', account_id, amount, entry_date, document_type, document_id), ','
         order by account_id, entry_date, document_id)) from ledger_entries) as ledger`,
  );
  return row;
}

const count = async (db: Database, table: string) =>
  (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n;

describe('seedDemo', () => {
  it('loads the demo marketplace with its fixed ids', async () => {
    expect(await seedDemo(a.db)).toEqual({ created: true, bulkLinesAdded: 0 });
    const orgs = await a.db.select().from(organizations).orderBy(organizations.id);
    expect(orgs.map((o) => o.id)).toEqual([
      'customer-acme',
      'customer-direct',
      'customer-globex',
      'customer-initech',
      'customer-stark',
      'customer-umbrella',
      'customer-wayne',
      'distributor',
      'reseller-light',
      'reseller-standard',
      'reseller-upgraded',
    ]);
    const upgraded = orgs.find((o) => o.id === 'reseller-upgraded');
    expect([upgraded?.resellerTier, upgraded?.standardSince]).toEqual(['STANDARD', '2026-03-01']);
    expect(orgs.find((o) => o.id === 'reseller-light')?.resellerTier).toBe('LIGHT');
    expect(orgs.find((o) => o.id === 'customer-direct')?.resellerId).toBeNull();
    const ids = (await a.db.select({ id: users.id, roles: users.roles }).from(users)).map(
      (u) => `${u.id}:${u.roles}`,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        'distributor-admin:ADMIN',
        'distributor-billing:BILLING_MANAGER',
        'reseller-standard-admin:ADMIN',
        'reseller-standard-marketplace:MARKETPLACE_MANAGER',
        'reseller-standard-billing:BILLING_MANAGER',
        'reseller-standard-user:USER',
        'reseller-light-admin:ADMIN',
        'reseller-upgraded-admin:ADMIN',
        'customer-acme-admin:ADMIN',
      ]),
    );
    expect(ids).toHaveLength(44);
  });

  it('issues a year of invoices: credits, one canceled, drafts, numbers per issuer', async () => {
    const rows = await queryRows<{ stage: string; type: string; status: string; n: number }>(
      a.db,
      sql`select stage, type, status, count(*)::int as n from invoices group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(rows).toEqual([
      { stage: 'ISSUED', type: 'CREDIT', status: 'PAID', n: 3 },
      { stage: 'ISSUED', type: 'DEBIT', status: 'CANCELED', n: 1 },
      { stage: 'ISSUED', type: 'DEBIT', status: 'PAID', n: 194 },
      { stage: 'ISSUED', type: 'DEBIT', status: 'UNPAID', n: 37 },
      { stage: 'PENDING', type: 'DEBIT', status: 'UNPAID', n: 2 },
      { stage: 'PROFORMA', type: 'DEBIT', status: 'UNPAID', n: 2 },
    ]);
    const [range] = await queryRows<{ first: string; last: string }>(
      a.db,
      sql`select min(invoice_date)::text as first, max(invoice_date)::text as last from invoices where stage = 'ISSUED'`,
    );
    expect(range).toEqual({ first: '2025-12-01', last: '2026-11-10' });
    const [numbers] = await queryRows<{ issuers: number; gapless: boolean }>(
      a.db,
      sql`select count(distinct issuer_org_id)::int as issuers,
        bool_and(n = max_n and n = cnt) as gapless from (
          select issuer_org_id, max(substring(number from '[0-9]+$')::int) as max_n, count(*) as cnt,
            (select last_number from invoice_number_sequences s where s.org_id = v.issuer_org_id) as n
          from invoices v where number is not null group by issuer_org_id) x`,
    );
    expect(numbers).toEqual({ issuers: 4, gapless: true });
  });

  it('prices items along the chain, rounding each amount half away from zero', async () => {
    // Initech's Teams Essentials from 15 April: 15 × 3.515 (3.70 less 5 %) × 16/30 days.
    const [cost] = await a.db
      .select()
      .from(invoiceItems)
      .where(
        and(
          eq(invoiceItems.orgId, 'reseller-standard'),
          eq(invoiceItems.endCustomerOrgId, 'customer-initech'),
          eq(invoiceItems.productId, 'teams-essentials'),
          eq(invoiceItems.periodStart, '2026-04-15'),
        ),
      );
    expect(cost).toMatchObject({
      unitPrice: '3.515000',
      quantity: '15.0000',
      amount: '28.1200',
      taxAmount: '5.9100',
      unitCost: '3.515000',
      pricingStrategy: 'MARKUP',
      markupPercent: '15.000000',
      srp: '4.000000',
    });
    // The same line billed by the reseller to Initech at cost + 15 % = 4.04225: 15 × 4.04225 × 16/30 = 32.338.
    const [sell] = await a.db
      .select()
      .from(invoiceItems)
      .where(
        and(
          eq(invoiceItems.orgId, 'customer-initech'),
          eq(invoiceItems.productId, 'teams-essentials'),
          eq(invoiceItems.periodStart, '2026-04-15'),
        ),
      );
    expect([sell?.unitPrice, sell?.amount, sell?.taxAmount]).toEqual(['4.042250', '32.3400', '6.7900']);
    // Installments: the description carries the installment number.
    const installments = await a.db
      .select({ d: invoiceItems.description })
      .from(invoiceItems)
      .where(and(eq(invoiceItems.orgId, 'customer-stark'), eq(invoiceItems.periodStart, '2026-03-01')));
    expect(installments.map((i) => i.d)).toEqual([
      'Microsoft 365 Business Premium (annual) (installment 3 of 12)',
    ]);
    // December 2025 items to reseller-standard predate the pricing snapshot.
    const [dec] = await queryRows<{ without: number; with: number }>(
      a.db,
      sql`select count(*) filter (where i.pricing_strategy is null)::int as without,
        count(*) filter (where i.pricing_strategy is not null)::int as with
        from invoice_items i join invoices v on v.distributor_id = i.distributor_id and v.id = i.invoice_id
        where v.org_id = 'reseller-standard' and v.issuer_org_id = 'distributor' and v.invoice_date < '2026-01-01'`,
    );
    expect(dec?.without).toBeGreaterThan(0);
    expect(dec?.with).toBe(0);
  });

  it('keeps balances, allocations and statuses consistent with the ledger', async () => {
    const [check] = await queryRows<{ balances: number; totals: number; allocations: number; paid: number }>(
      a.db,
      sql`select
        (select count(*)::int from accounts c where c.balance <> coalesce((select sum(amount) from ledger_entries l
           where l.distributor_id = c.distributor_id and l.account_id = c.id), 0)) as balances,
        (select count(*)::int from invoices v where v.subtotal <> (select sum(amount) from invoice_items i
           where i.distributor_id = v.distributor_id and i.invoice_id = v.id)
           or v.tax_total <> (select sum(tax_amount) from invoice_items i
           where i.distributor_id = v.distributor_id and i.invoice_id = v.id)) as totals,
        (select count(*)::int from invoices v where v.type = 'DEBIT' and v.stage = 'ISSUED' and v.status <> 'CANCELED'
           and v.total - v.amount_due <> coalesce((select sum(amount) from allocations a
           where a.distributor_id = v.distributor_id and a.debit_invoice_id = v.id), 0)) as allocations,
        (select count(*)::int from invoices v where (v.status = 'PAID') <> (v.amount_due = 0 and v.status <> 'CANCELED'
           and v.stage = 'ISSUED')) as paid`,
    );
    expect(check).toEqual({ balances: 0, totals: 0, allocations: 0, paid: 0 });
    const balances = await queryRows<{ id: string; balance: string }>(
      a.db,
      sql`select id, balance::text from accounts where id in ('acc-customer-acme', 'acc-reseller-standard') order by id`,
    );
    expect(balances.every((x) => Number(x.balance) >= 0)).toBe(true);
    expect(await count(a.db, 'refunds')).toBe(1);
  });

  it('is deterministic and idempotent', async () => {
    const before = await fingerprint(a.db);
    const counts = await Promise.all(
      ['invoices', 'invoice_items', 'payments', 'ledger_entries'].map((t) => count(a.db, t)),
    );
    expect(await seedDemo(a.db)).toEqual({ created: false, bulkLinesAdded: 0 });
    expect(
      await Promise.all(
        ['invoices', 'invoice_items', 'payments', 'ledger_entries'].map((t) => count(a.db, t)),
      ),
    ).toEqual(counts);
    expect(counts).toEqual([239, 327, expect.any(Number), expect.any(Number)]);
    await seedDemo(b.db);
    expect(await fingerprint(b.db)).toEqual(before);
    expect(before?.items).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('bulk invoice lines', () => {
  it('inserts N lines set-based, tops up idempotently, with consistent totals and numbers', async () => {
    expect(await seedBulkInvoiceLines(a.db, 1234)).toBe(1234);
    expect(await countBulkInvoiceLines(a.db)).toBe(1234);
    expect(await seedBulkInvoiceLines(a.db, 1234)).toBe(0);
    expect(await seedDemo(a.db, { invoiceLines: 1500 })).toEqual({ created: false, bulkLinesAdded: 266 });
    expect(await countBulkInvoiceLines(a.db)).toBe(1500);
    const [check] = await queryRows<{ invoices: number; wrong: number; numbers: number; last: number }>(
      a.db,
      sql`select count(*)::int as invoices,
        count(*) filter (where v.total <> (select sum(amount + tax_amount) from invoice_items i
          where i.distributor_id = v.distributor_id and i.invoice_id = v.id))::int as wrong,
        count(distinct number)::int as numbers,
        (select last_number::int from invoice_number_sequences where org_id = 'distributor') as last
        from invoices v where generation_key like 'bulk:%'`,
    );
    // 1234 lines → 5 invoices of up to 250; 266 more → 2 more invoices.
    expect(check).toEqual({ invoices: 7, wrong: 0, numbers: 7, last: 130 + 7 });
    const [taxes] = await queryRows<{ n: number; wrong: number }>(
      a.db,
      sql`select count(*)::int as n, count(*) filter (where t.base <> v.subtotal or t.amount <> v.tax_total)::int as wrong
        from invoice_taxes t join invoices v on v.distributor_id = t.distributor_id and v.id = t.invoice_id
        where v.generation_key like 'bulk:%'`,
    );
    expect(taxes).toEqual({ n: 7, wrong: 0 });
    const [line] = await a.db.select().from(invoiceItems).where(eq(invoiceItems.id, 'bulk-inv-1-1'));
    expect(line).toMatchObject({ invoiceId: 'bulk-inv-1', orgId: 'reseller-standard', lineNo: 1 });
    expect(Number(line?.amount)).toBeCloseTo(Number(line?.unitPrice) * Number(line?.quantity), 2);
    const [inv] = await a.db.select().from(invoices).where(eq(invoices.id, 'bulk-inv-1'));
    expect(inv?.number).toBe('DST-000131');
  });
});
