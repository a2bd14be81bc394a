/**
 * Test data for Customer Charges on top of the API test fixture (packages/api/src/testing):
 * products, an account, pricing of reseller A (d1-ra, Standard since 2026-02-01, Europe/Berlin),
 * and a way to add distributor → reseller invoices with their items.
 */
import {
  accounts,
  type Database,
  type InvoiceSource,
  invoiceItems,
  invoices,
  organizations,
  products,
  resellerPricingStrategies,
  specialPrices,
  withSystem,
} from '@cascade/db';
import { eq } from 'drizzle-orm';
import { FIXTURE } from '../../testing';

export const D = FIXTURE.distributor;
export const RA = FIXTURE.resellerA;
export const STANDARD_SINCE = '2026-02-01';
export const INVOICE_URL_TEMPLATE = 'https://shop.example/invoices/{invoiceId}';
export const PRODUCTS = [
  { id: 'p-m365', type: 'Microsoft 365', name: 'M365 Business', unit: 'Month' },
  { id: 'p-azure', type: 'Azure', name: 'Azure VM', unit: 'Hour' },
  { id: 'p-teams', type: 'Microsoft 365', name: 'Teams Essentials', unit: 'Month' },
] as const;
/** Extra end customers of reseller A, beside d1-ra-c1. */
export const CUSTOMERS = ['d1-ra-c1', 'd1-ra-c2', 'd1-ra-c3'] as const;
/** Reseller A's special price: customer c1, M365, 9.5 EUR. */
export const SPECIAL = { customer: 'd1-ra-c1', product: 'p-m365', price: '9.500000' };

const owner = (org: string, reseller: string | null) => ({
  distributorId: D,
  resellerId: reseller,
  orgId: org,
});

export async function seedChargesFixture(db: Database): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx
      .update(organizations)
      .set({ invoicePageUrlTemplate: INVOICE_URL_TEMPLATE })
      .where(eq(organizations.id, D));
    await tx
      .update(organizations)
      .set({ standardSince: STANDARD_SINCE, timeZone: 'Europe/Berlin' })
      .where(eq(organizations.id, RA));
    await tx.insert(organizations).values(
      CUSTOMERS.slice(1).map((id, i) => ({
        distributorId: D,
        id,
        kind: 'CUSTOMER' as const,
        name: `Zeta ${i + 2} Customer`,
        parentId: RA,
        resellerId: RA,
      })),
    );
    await tx.insert(products).values(
      PRODUCTS.map((p) => ({
        ...owner(D, null),
        id: p.id,
        sku: p.id,
        type: p.type,
        name: p.name,
        unit: p.unit,
        term: 'MONTH' as const,
        currency: 'EUR',
        sellPrice: '10',
        srp: '12',
      })),
    );
    for (const r of [RA, FIXTURE.resellerB]) {
      await tx.insert(accounts).values({
        ...owner(r, r),
        id: `acc-${r}`,
        issuerOrgId: D,
        name: `Account of ${r}`,
        currency: 'EUR',
      });
    }
    await tx.insert(resellerPricingStrategies).values({
      ...owner(RA, RA),
      id: 'rps-default',
      productId: null,
      strategy: 'MARKUP',
      markupPercent: '25',
    });
    await tx.insert(specialPrices).values({
      ...owner(SPECIAL.customer, RA),
      productId: SPECIAL.product,
      price: SPECIAL.price,
      currency: 'EUR',
    });
  });
}

export interface ItemInput {
  product?: (typeof PRODUCTS)[number]['id'];
  customer?: string | null;
  description?: string;
  installmentNumber?: number | null;
  periodStart?: string;
  periodEnd?: string;
  quantity?: string;
  unitCost?: string | null;
  pricingStrategy?: 'SPECIAL_PRICE' | 'MARKUP' | 'SRP' | null;
  markupPercent?: string | null;
  srp?: string | null;
}

export interface InvoiceInput {
  id: string;
  reseller?: string;
  stage?: 'PROFORMA' | 'PENDING' | 'ISSUED';
  type?: 'DEBIT' | 'CREDIT';
  status?: 'UNPAID' | 'CANCELED';
  number?: string;
  invoiceDate?: string;
  currency?: string;
  channel?: 'RESELLER_STOREFRONT' | 'DISTRIBUTOR_STOREFRONT' | 'BSS' | 'PERSONAL_USE';
  source?: InvoiceSource;
  issuedAt?: string;
  items: ItemInput[];
}

/** Adds a distributor → reseller invoice (ISSUED, DEBIT, EUR, dated 2026-03-01 unless said). */
export async function addInvoice(db: Database, inv: InvoiceInput): Promise<string[]> {
  const reseller = inv.reseller ?? RA;
  const stage = inv.stage ?? 'ISSUED';
  const date = inv.invoiceDate ?? '2026-03-01';
  const ids = inv.items.map((_, i) => `${inv.id}-${i + 1}`);
  await withSystem(db, async (tx) => {
    await tx.insert(invoices).values({
      ...owner(reseller, reseller),
      id: inv.id,
      issuerOrgId: D,
      accountId: `acc-${reseller}`,
      stage,
      type: inv.type ?? 'DEBIT',
      status: inv.status ?? 'UNPAID',
      number: stage === 'ISSUED' ? (inv.number ?? `INV-${inv.id}`) : null,
      invoiceDate: date,
      currency: inv.currency ?? 'EUR',
      subtotal: '0',
      taxTotal: '0',
      total: '0',
      amountDue: '0',
      channel: inv.channel ?? 'RESELLER_STOREFRONT',
      source: inv.source ?? 'BILLING_SERVICE',
      issuedAt: stage === 'ISSUED' ? (inv.issuedAt ?? `${date}T06:00:00Z`) : null,
      canceledAt: inv.status === 'CANCELED' ? `${date}T08:00:00Z` : null,
    });
    await tx.insert(invoiceItems).values(
      inv.items.map((it, i) => {
        const product = PRODUCTS.find((p) => p.id === (it.product ?? 'p-m365')) ?? PRODUCTS[0];
        const strategy = it.pricingStrategy === undefined ? 'MARKUP' : it.pricingStrategy;
        return {
          ...owner(reseller, reseller),
          id: ids[i] as string,
          invoiceId: inv.id,
          lineNo: i + 1,
          productId: product.id,
          productType: product.type,
          productName: product.name,
          description: it.description ?? product.name,
          installmentNumber: it.installmentNumber ?? null,
          periodStart: it.periodStart ?? date,
          periodEnd: it.periodEnd ?? date,
          quantity: it.quantity ?? '1',
          unit: product.unit,
          unitPrice: it.unitCost ?? '8',
          amount: '0',
          endCustomerOrgId: it.customer === undefined ? 'd1-ra-c2' : it.customer,
          unitCost: it.unitCost === undefined ? '8' : it.unitCost,
          pricingStrategy: strategy,
          markupPercent:
            it.markupPercent === undefined ? (strategy === 'MARKUP' ? '10' : null) : it.markupPercent,
          srp: it.srp === undefined ? '12' : it.srp,
        };
      }),
    );
  });
  return ids;
}
