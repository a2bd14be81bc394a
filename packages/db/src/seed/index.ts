import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../client';
import {
  accounts,
  allocations,
  billingProfileOptions,
  billingProfiles,
  cashDesks,
  invoiceItems,
  invoiceNumberSequences,
  invoiceStatuses,
  invoices,
  invoiceTaxes,
  invoiceTypes,
  ledgerEntries,
  organizations,
  paymentMethods,
  payments,
  priceListAssignments,
  priceListEntries,
  priceLists,
  products,
  productTaxes,
  refunds,
  resellerPricingStrategies,
  specialPrices,
  subscriptionLines,
  subscriptions,
  taxDefinitions,
  taxRates,
  users,
} from '../schema';
import { withSystem } from '../tenancy';
import { seedBulkInvoiceLines } from './bulk';
import {
  CURRENCY,
  DEMO_INVOICE_NUMBER_TEMPLATE,
  DISTRIBUTOR,
  ORGS,
  orgById,
  PRICE_LIST,
  PRODUCTS,
  productById,
  RESELLER_STRATEGIES,
  SPECIAL_PRICES,
  SUBSCRIPTIONS,
  USERS,
  VAT_PERCENT,
} from './catalog';
import { accountIdOf, buildDemoLedger, issuerOf } from './demo';
import { type DemoEmbedKeyOptions, seedDemoEmbedKey } from './embed';

export { seedBulkInvoiceLines } from './bulk';
export * from './catalog';
export * from './embed';

export interface SeedOptions {
  /** Also make sure reseller-standard has this many bulk invoice lines (for benchmarks). */
  invoiceLines?: number;
  /** The demo portal's API key (seed/embed.ts): its pepper and origins; false leaves it out. */
  embedKey?: DemoEmbedKeyOptions | false;
}

export interface SeedResult {
  /** False when the demo distributor already existed (nothing was written). */
  created: boolean;
  bulkLinesAdded: number;
}

const tenancy = (orgId: string) => ({
  distributorId: DISTRIBUTOR,
  resellerId: orgById(orgId).resellerId,
  orgId,
});

async function insertAll<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
}

/**
 * Loads the demo marketplace (README: packages/db/README.md) in one transaction. Deterministic,
 * and idempotent: does nothing when the organization `distributor` exists.
 */
export async function seedDemo(db: Database, opts: SeedOptions = {}): Promise<SeedResult> {
  const created = await withSystem(db, async (tx) => {
    // One seeder at a time (several instances starting at once).
    await tx.execute(sql`select pg_advisory_xact_lock(7264113902)`);
    const existing = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, DISTRIBUTOR));
    if (existing.length > 0) return false;
    await insertDemo(tx);
    return true;
  });
  if (opts.embedKey !== false) await seedDemoEmbedKey(db, opts.embedKey);
  const bulkLinesAdded = opts.invoiceLines ? await seedBulkInvoiceLines(db, opts.invoiceLines) : 0;
  return { created, bulkLinesAdded };
}

async function insertDemo(tx: Transaction): Promise<void> {
  await tx.insert(organizations).values(
    ORGS.map((o) => ({
      distributorId: DISTRIBUTOR,
      id: o.id,
      resellerId: o.resellerId,
      parentId: o.parentId,
      kind: o.kind,
      name: o.name,
      resellerTier: o.tier ?? null,
      standardSince: o.standardSince ?? null,
      timeZone: o.timeZone,
      defaultCurrency: CURRENCY,
      addressLine1: `${1 + Math.floor(o.name.length * 3.7)} Main Street`,
      city: o.city,
      postalCode: String(10000 + o.name.length * 137),
      country: o.country,
      email: `billing@${o.id}.example`,
      invoicePageUrlTemplate:
        o.kind === 'DISTRIBUTOR' ? '/storefront/?org=distributor#/billing/invoices/{invoiceId}' : null,
      invoiceCode: o.numberPrefix ?? null,
    })),
  );
  await tx.insert(users).values(
    USERS.map((u) => ({
      ...tenancy(u.orgId),
      id: u.id,
      name: u.name,
      email: `${u.id}@demo.cascade.test`,
      roles: u.roles,
    })),
  );
  await tx.insert(invoiceTypes).values(
    ORGS.flatMap((o) => [
      {
        ...tenancy(o.id),
        code: 'DEBIT' as const,
        description: 'Debit invoice: increases what the client owes',
      },
      {
        ...tenancy(o.id),
        code: 'CREDIT' as const,
        description: 'Credit invoice: discount, refund or correction',
      },
    ]),
  );
  await tx.insert(invoiceStatuses).values(
    ORGS.flatMap((o) => [
      { ...tenancy(o.id), code: 'UNPAID' as const, description: 'Unpaid' },
      { ...tenancy(o.id), code: 'PAID' as const, description: 'Paid' },
      { ...tenancy(o.id), code: 'CANCELED' as const, description: 'Canceled' },
    ]),
  );
  await tx
    .insert(billingProfileOptions)
    // The demo numbers invoices as its history does (`DST-000131`): Requires Custom Bill Number on.
    .values({
      ...tenancy(DISTRIBUTOR),
      requiresCustomBillNumber: true,
      customBillNumberTemplate: DEMO_INVOICE_NUMBER_TEMPLATE,
      updatedAt: '2025-11-01T00:00:00.000Z',
    });
  await tx.insert(taxDefinitions).values([
    {
      ...tenancy(DISTRIBUTOR),
      id: 'vat-recurring',
      code: 'VAT21',
      name: 'VAT 21 % (services)',
      type: 'VAT',
      chargeComponent: 'RECURRING' as const,
      country: 'NL',
    },
    {
      ...tenancy(DISTRIBUTOR),
      id: 'vat-usage',
      code: 'VAT21',
      name: 'VAT 21 % (usage)',
      type: 'VAT',
      chargeComponent: 'USAGE' as const,
      country: 'NL',
    },
  ]);
  await tx.insert(taxRates).values([
    {
      ...tenancy(DISTRIBUTOR),
      taxDefinitionId: 'vat-recurring',
      validFrom: '2012-10-01',
      percent: VAT_PERCENT,
    },
    { ...tenancy(DISTRIBUTOR), taxDefinitionId: 'vat-usage', validFrom: '2012-10-01', percent: VAT_PERCENT },
  ]);
  await tx.insert(products).values(
    PRODUCTS.map((p) => ({
      ...tenancy(DISTRIBUTOR),
      id: p.id,
      sku: p.id.toUpperCase(),
      type: p.type,
      name: p.name,
      unit: p.unit,
      term: p.term,
      currency: CURRENCY,
      sellPrice: p.sellPrice,
      costPrice: p.costPrice,
      srp: p.srp,
    })),
  );
  await tx
    .insert(productTaxes)
    .values(PRODUCTS.map((p) => ({ ...tenancy(DISTRIBUTOR), productId: p.id, taxDefinitionId: p.tax })));
  await tx
    .insert(priceLists)
    .values({ ...tenancy(DISTRIBUTOR), id: PRICE_LIST.id, name: PRICE_LIST.name, currency: CURRENCY });
  await tx.insert(priceListEntries).values(
    PRICE_LIST.entries.map((e) => ({
      ...tenancy(DISTRIBUTOR),
      priceListId: PRICE_LIST.id,
      productId: e.productId,
      strategy: e.strategy,
      percent: e.percent ?? null,
      price: e.price ?? null,
    })),
  );
  await tx.insert(priceListAssignments).values(
    PRICE_LIST.assignedTo.map((r) => ({
      ...tenancy(r),
      priceListId: PRICE_LIST.id,
      validFrom: PRICE_LIST.validFrom,
    })),
  );
  await tx.insert(resellerPricingStrategies).values(
    RESELLER_STRATEGIES.map((s) => ({
      ...tenancy(s.resellerId),
      id: `strategy-${s.resellerId}-${s.productId ?? 'default'}`,
      productId: s.productId,
      strategy: s.strategy,
      markupPercent: s.markupPercent ?? null,
    })),
  );
  await tx.insert(specialPrices).values(
    SPECIAL_PRICES.map((s) => ({
      ...tenancy(s.customerId),
      productId: s.productId,
      price: s.price,
      currency: CURRENCY,
    })),
  );
  await tx.insert(cashDesks).values(
    ORGS.filter((o) => o.kind !== 'CUSTOMER').flatMap((o) => [
      { ...tenancy(o.id), id: `${o.id}-bank`, name: `${o.name} bank account`, kind: 'BANK' as const },
      {
        ...tenancy(o.id),
        id: `${o.id}-card`,
        name: `${o.name} card payments`,
        kind: 'PAYMENT_SYSTEM' as const,
      },
    ]),
  );

  const ledger = buildDemoLedger();
  const clients = ORGS.filter((o) => o.kind !== 'DISTRIBUTOR');
  await tx.insert(accounts).values(
    clients.map((o) => ({
      ...tenancy(o.id),
      id: accountIdOf(o.id),
      issuerOrgId: issuerOf(o.id),
      name: `${o.name} (${CURRENCY})`,
      currency: CURRENCY,
      balance: ledger.balances.get(accountIdOf(o.id)) ?? '0',
    })),
  );
  // A child account (SPEC §8: payments towards child accounts).
  await tx.insert(accounts).values({
    ...tenancy('customer-acme'),
    id: 'acc-customer-acme-projects',
    issuerOrgId: 'reseller-standard',
    parentAccountId: accountIdOf('customer-acme'),
    name: 'Acme Corporation projects (EUR)',
    currency: CURRENCY,
  });
  await tx.insert(paymentMethods).values(
    clients.map((o, i) => ({
      ...tenancy(o.id),
      id: `pm-${o.id}`,
      accountId: accountIdOf(o.id),
      kind: i % 2 === 0 ? ('CARD' as const) : ('BANK_ACCOUNT' as const),
      reference: `tok_demo_${o.id}`,
      maskedDetails:
        i % 2 === 0 ? `VISA **** ${String(4242 + i * 11).slice(-4)}` : `IBAN ****${String(1000 + i * 7)}`,
      holderName: o.name,
      expires: i % 2 === 0 ? '08/28' : null,
      // The account's only method is its default (one per account, as the API keeps it).
      isDefault: true,
    })),
  );
  await tx.insert(billingProfiles).values(
    clients.map((o) => ({
      ...tenancy(o.id),
      id: `bp-${o.id}`,
      accountId: accountIdOf(o.id),
      name: `${o.name} billing`,
      isDefault: true,
      paymentMethodId: `pm-${o.id}`,
      addressLine1: 'Main Street 1',
      city: o.city,
      country: o.country,
      contactName: `${o.name} accounts payable`,
      contactEmail: `ap@${o.id}.example`,
    })),
  );
  await tx.insert(subscriptions).values(
    SUBSCRIPTIONS.map((s) => {
      const starts = s.lines.map((l) => l.startDate).sort();
      return {
        ...tenancy(s.orgId),
        id: s.id,
        accountId: accountIdOf(s.orgId),
        billingProfileId: `bp-${s.orgId}`,
        name: s.name,
        region: orgById(s.orgId).country,
        isDefault: true,
        channel: s.channel,
        orderDate: starts[0] as string,
        startDate: starts[0] as string,
      };
    }),
  );
  await tx.insert(subscriptionLines).values(
    SUBSCRIPTIONS.flatMap((s) =>
      s.lines.map((l, i) => {
        const p = productById(l.productId);
        return {
          ...tenancy(s.orgId),
          id: `${s.id}-${i + 1}`,
          subscriptionId: s.id,
          productId: l.productId,
          quantity: l.quantity,
          term: p.term === 'YEAR' ? ('YEAR' as const) : ('MONTH' as const),
          billingFrequencyMonths: p.term === 'YEAR' && !l.installments ? 12 : 1,
          installments: l.installments ?? null,
          startDate: l.startDate,
        };
      }),
    ),
  );
  await insertAll(ledger.invoices, (c) => tx.insert(invoices).values(c));
  await insertAll(ledger.items, (c) => tx.insert(invoiceItems).values(c));
  await insertAll(ledger.taxes, (c) => tx.insert(invoiceTaxes).values(c));
  await tx.insert(invoiceNumberSequences).values(
    ORGS.filter((o) => o.kind !== 'CUSTOMER').map((o) => ({
      ...tenancy(o.id),
      lastNumber: ledger.lastNumbers.get(o.id) ?? 0,
    })),
  );
  await insertAll(ledger.payments, (c) => tx.insert(payments).values(c));
  await insertAll(ledger.allocations, (c) => tx.insert(allocations).values(c));
  await insertAll(ledger.refunds, (c) => tx.insert(refunds).values(c));
  await insertAll(ledger.ledger, (c) => tx.insert(ledgerEntries).values(c));
}
