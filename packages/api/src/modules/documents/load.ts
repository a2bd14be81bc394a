/**
 * The data of each document, read the way the detail routes read it: the invoice through the
 * caller's tenant scope (so exactly who may read `GET /invoices/{id}` may print it), the statement
 * through the ledger's account check and billing-core's `statementOfAccount`; the parties as the
 * invoice routes name them (`readParties`: the caller's scope and the organizations that bill it).
 */
import { Decimal, formatAmount } from '@cascade/billing-core';
import {
  accounts,
  billingProfiles,
  invoiceItems,
  invoices,
  invoiceTaxes,
  type Tenant,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { and, asc, desc, eq } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';
import type { Session } from '../../platform/tenancy';
import { readInvoiceDetail } from '../invoices';
import { readParties } from '../invoices/parties';
import { readStatement } from '../ledger/statement-view';
import { loadBillingOptions } from '../profile-options';
import { type Address, addressLines } from './format';
import type { InvoiceDocument, Party, StatementDocument } from './layout';
import { statementFigures } from './statement';

/** The two parties' names and addresses, as the invoice list and detail name them. */
async function partiesOf(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
): Promise<Map<string, Party & { address: Address }>> {
  const rows = await readParties(tx, tenant, ids);
  return new Map(
    [...rows].map(([id, r]) => [id, { name: r.name, lines: addressLines(r, [r.email]), address: r }]),
  );
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
    const parties = await partiesOf(tx, tenant, [row.issuerOrgId, row.orgId]);
    return {
      row,
      items,
      taxes,
      account,
      profile,
      credited,
      parties,
      folder: options.options.invoicePdfFilePath,
    };
  });
  const { row, items, taxes, account, profile, credited, parties } = found;
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
  withTenant: <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>,
  tenant: Tenant,
  accountId: string,
  from: string,
  to: string,
  today: string,
): Promise<LoadedStatement> {
  const found = await withTenant(async (tx) => {
    // The route's own reading (`GET /accounts/{id}/statement`): the same figures and names.
    const { account, history, statement, names } = await readStatement(tx, tenant, accountId, from, to);
    const profile = await billingAddress(tx, account.distributorId, account.id);
    const options = await loadBillingOptions(tx, account.distributorId);
    const figures = statementFigures(statement, history.documents, names, account.currency);
    const parties = await partiesOf(tx, tenant, [account.issuerOrgId, account.orgId]);
    return { account, figures, profile, parties, folder: options.options.soaFilePath };
  });
  const { account, figures, profile, parties } = found;
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
