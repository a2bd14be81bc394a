/**
 * The data of each document, read the way the detail routes read it: the invoice through the
 * caller's tenant scope (so exactly who may read `GET /invoices/{id}` may print it), the statement
 * through the ledger's account check and billing-core's `statementOfAccount`.
 */
import { Decimal, formatAmount, statementOfAccount } from '@cascade/billing-core';
import {
  accounts,
  billingProfiles,
  type Database,
  invoiceItems,
  invoices,
  invoiceTaxes,
  organizations,
  type Tenant,
  type Transaction,
  tenantScope,
  withSystem,
} from '@cascade/db';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';
import type { Session } from '../../platform/tenancy';
import { readInvoiceDetail } from '../invoices';
import { loadHistory } from '../ledger/history';
import { readAccounts } from '../ledger/store';
import { loadBillingOptions } from '../profile-options';
import { type Address, addressLines } from './format';
import type { InvoiceDocument, Party, StatementDocument } from './layout';
import { statementFigures } from './statement';

const orgColumns = {
  id: organizations.id,
  name: organizations.name,
  addressLine1: organizations.addressLine1,
  addressLine2: organizations.addressLine2,
  city: organizations.city,
  postalCode: organizations.postalCode,
  region: organizations.region,
  country: organizations.country,
  email: organizations.email,
};

/**
 * The two parties' names and addresses. Read as the system: a client may not list its seller's
 * organization (RLS), but its name and address belong on the document it was allowed to read.
 */
async function partiesOf(
  db: Database,
  distributorId: string,
  ids: readonly string[],
): Promise<Map<string, Party & { address: Address }>> {
  const rows = await withSystem(db, (tx) =>
    tx
      .select(orgColumns)
      .from(organizations)
      .where(and(eq(organizations.distributorId, distributorId), inArray(organizations.id, [...ids]))),
  );
  return new Map(rows.map((r) => [r.id, { name: r.name, lines: addressLines(r, [r.email]), address: r }]));
}

/** The client's billing address: the account's default billing profile, else its first. */
async function billingAddress(tx: Transaction, distributorId: string, accountId: string) {
  const [profile] = await tx
    .select()
    .from(billingProfiles)
    .where(and(eq(billingProfiles.distributorId, distributorId), eq(billingProfiles.accountId, accountId)))
    .orderBy(desc(billingProfiles.isDefault), asc(billingProfiles.createdAt), asc(billingProfiles.id))
    .limit(1);
  return profile;
}

export interface LoadedInvoice {
  document: InvoiceDocument;
  invoiceId: string;
  issuerOrgId: string;
  /** The Invoice PDF File Path option of the marketplace. */
  folder: string;
}

export async function loadInvoiceDocument(
  db: Database,
  withTenant: <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>,
  session: Session,
  id: string,
): Promise<LoadedInvoice> {
  const tenant = session.tenant;
  const found = await withTenant(async (tx) => {
    // Exactly who may read the invoice may print it: the detail route's own check (404 otherwise).
    await readInvoiceDetail(tx, session, id);
    const [row] = await tx
      .select()
      .from(invoices)
      .where(and(tenantScope(invoices, tenant), eq(invoices.id, id)))
      .limit(1);
    if (!row) throw ApiError.notFound('Invoice');
    const d = row.distributorId;
    const items = await tx
      .select()
      .from(invoiceItems)
      .where(and(eq(invoiceItems.distributorId, d), eq(invoiceItems.invoiceId, row.id)))
      .orderBy(asc(invoiceItems.lineNo));
    const taxes = await tx
      .select()
      .from(invoiceTaxes)
      .where(and(eq(invoiceTaxes.distributorId, d), eq(invoiceTaxes.invoiceId, row.id)))
      .orderBy(asc(invoiceTaxes.lineNo));
    const [account] = await tx
      .select({ name: accounts.name })
      .from(accounts)
      .where(and(eq(accounts.distributorId, d), eq(accounts.id, row.accountId)))
      .limit(1);
    const profile = await billingAddress(tx, d, row.accountId);
    const [credited] = row.creditedInvoiceId
      ? await tx
          .select({ number: invoices.number })
          .from(invoices)
          .where(and(eq(invoices.distributorId, d), eq(invoices.id, row.creditedInvoiceId)))
          .limit(1)
      : [];
    const options = await loadBillingOptions(tx, d);
    return { row, items, taxes, account, profile, credited, folder: options.options.invoicePdfFilePath };
  });
  const { row, items, taxes, account, profile, credited } = found;
  const parties = await partiesOf(db, row.distributorId, [row.issuerOrgId, row.orgId]);
  const issuer = parties.get(row.issuerOrgId);
  const client = parties.get(row.orgId);
  const money = (v: string | Decimal) => formatAmount(v, row.currency);
  // Money applied to a canceled invoice went back to the balance: nothing of it stays paid.
  const paid = row.status === 'CANCELED' ? new Decimal(0) : new Decimal(row.total).minus(row.amountDue);
  const document: InvoiceDocument = {
    issuer: { name: issuer?.name ?? row.issuerOrgId, lines: issuer?.lines ?? [] },
    client: {
      name: client?.name ?? row.orgId,
      lines: profile
        ? addressLines(profile, [profile.contactName, profile.contactEmail])
        : (client?.lines ?? []),
    },
    number: row.number,
    stage: row.stage,
    type: row.type,
    status: row.status,
    invoiceDate: row.invoiceDate,
    dueDate: null,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    accountName: account?.name ?? row.accountId,
    currency: row.currency,
    creditedInvoiceNumber: credited?.number ?? null,
    items: items.map((i) => ({
      lineNo: i.lineNo,
      description: i.description,
      periodStart: i.periodStart,
      periodEnd: i.periodEnd,
      quantity: i.quantity,
      unit: i.unit,
      unitPrice: i.unitPrice,
      discount: money(i.discount),
      amount: money(i.amount),
    })),
    taxes: taxes.map((t) => ({
      code: t.code,
      type: t.type,
      percent: t.percent,
      base: money(t.base),
      amount: money(t.amount),
    })),
    subtotal: money(row.subtotal),
    taxTotal: money(row.taxTotal),
    total: money(row.total),
    amountPaid: money(paid),
    amountDue: money(row.amountDue),
  };
  return { document, invoiceId: row.id, issuerOrgId: row.issuerOrgId, folder: found.folder };
}

export interface LoadedStatement {
  document: StatementDocument;
  issuerOrgId: string;
  /** The SOA File Path option of the marketplace. */
  folder: string;
}

export async function loadStatementDocument(
  db: Database,
  withTenant: <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>,
  tenant: Tenant,
  accountId: string,
  from: string,
  to: string,
  today: string,
): Promise<LoadedStatement> {
  const found = await withTenant(async (tx) => {
    const account = (await readAccounts(tx, tenant, [accountId])).get(accountId)!;
    const history = await loadHistory(tx, account.distributorId, [account.id]);
    const statement = statementOfAccount(history, account.id, from, to);
    const invoiceIds = new Set<string>();
    const accountIds = new Set<string>();
    for (const doc of history.documents) {
      if (doc.kind === 'DEBIT_INVOICE' || doc.kind === 'CREDIT_INVOICE') invoiceIds.add(doc.id);
      if (doc.kind === 'CREDIT_INVOICE' && doc.againstInvoiceId) invoiceIds.add(doc.againstInvoiceId);
      if (doc.kind === 'LINK' || doc.kind === 'CANCELLATION') invoiceIds.add(doc.invoiceId);
      if (doc.kind === 'WRITE_OFF' && doc.invoiceId) invoiceIds.add(doc.invoiceId);
      if (doc.kind === 'TRANSFER')
        accountIds.add(doc.accountId === account.id ? doc.toAccountId : doc.accountId);
    }
    const numbers = invoiceIds.size
      ? await tx
          .select({ id: invoices.id, number: invoices.number })
          .from(invoices)
          .where(and(tenantScope(invoices, tenant), inArray(invoices.id, [...invoiceIds])))
      : [];
    // The other side of a transfer, where the caller may see it (RLS and scope); else unnamed.
    const others = accountIds.size
      ? await tx
          .select({ id: accounts.id, name: accounts.name })
          .from(accounts)
          .where(and(tenantScope(accounts, tenant), inArray(accounts.id, [...accountIds])))
      : [];
    const profile = await billingAddress(tx, account.distributorId, account.id);
    const options = await loadBillingOptions(tx, account.distributorId);
    const figures = statementFigures(
      statement,
      history.documents,
      {
        invoiceNumbers: new Map(numbers.filter((n) => n.number).map((n) => [n.id, n.number!])),
        accountNames: new Map(others.map((a) => [a.id, a.name])),
      },
      account.currency,
    );
    return { account, figures, profile, folder: options.options.soaFilePath };
  });
  const { account, figures, profile } = found;
  const parties = await partiesOf(db, account.distributorId, [account.issuerOrgId, account.orgId]);
  const issuer = parties.get(account.issuerOrgId);
  const client = parties.get(account.orgId);
  return {
    document: {
      issuer: { name: issuer?.name ?? account.issuerOrgId, lines: issuer?.lines ?? [] },
      client: {
        name: client?.name ?? account.orgId,
        lines: profile
          ? addressLines(profile, [profile.contactName, profile.contactEmail])
          : (client?.lines ?? []),
      },
      accountId: account.id,
      accountName: account.name,
      currency: account.currency,
      from,
      to,
      issuedOn: today,
      ...figures,
    },
    issuerOrgId: account.issuerOrgId,
    folder: found.folder,
  };
}
