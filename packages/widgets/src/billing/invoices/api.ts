// The invoices API as the Billing module calls it: the list (one page per AG Grid block, sort and
// filters on the server), one invoice, and the commands (draft, issue, cancel, link, credit note).
// Money-moving commands carry an Idempotency-Key: a retried click can never apply twice.
import type { ApiClient, Page, Role, SessionUser } from '@cascade/ui';

export type InvoiceDirection = 'RECEIVED' | 'ISSUED' | 'OTHER';

export interface InvoiceRow {
  id: string;
  number: string | null;
  type: 'DEBIT' | 'CREDIT';
  stage: 'PROFORMA' | 'PENDING' | 'ISSUED';
  status: 'UNPAID' | 'PAID' | 'CANCELED';
  invoiceDate: string;
  periodStart: string | null;
  periodEnd: string | null;
  issuerOrgId: string;
  clientOrgId: string;
  accountId: string;
  currency: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  amountDue: string;
  creditedInvoiceId: string | null;
  /** The credited invoice's number (credit notes), null when the caller may not see it. */
  creditedInvoiceNumber: string | null;
  direction: InvoiceDirection;
  /** Null when the caller may not see that organization (a customer sees its own sellers). */
  issuerName: string | null;
  clientName: string | null;
}

export interface InvoiceItem {
  lineNo: number;
  productType: string;
  productName: string;
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
  taxAmount: string;
  creditableQuantity: string;
}

export interface InvoiceDetail extends InvoiceRow {
  /** Null when the caller may not see the account. */
  accountName: string | null;
  items: InvoiceItem[];
  taxes: { code: string; type: string; percent: string; base: string; amount: string }[];
  links: {
    id: string;
    source: string;
    sourceId: string | null;
    debitInvoiceId: string;
    /** The other document by number (invoice, credit note) or payment reference. */
    documentNumber: string | null;
    amount: string;
    reversesId: string | null;
  }[];
  creditNotes: { id: string; number: string | null; total: string; status: string }[];
  creditable: string;
  source: string;
  pendingError: string | null;
}

export interface InvoiceFilters {
  direction: 'received' | 'issued' | 'all';
  type?: 'DEBIT' | 'CREDIT';
  status?: InvoiceRow['status'];
  stage?: InvoiceRow['stage'];
  number?: string;
  dateFrom?: string;
  dateTo?: string;
}

/** The columns the API sorts by (its `sort` parameter: `key:asc|desc`). */
export const SORTABLE = [
  'number',
  'invoiceDate',
  'total',
  'amountDue',
  'status',
  'type',
  'clientOrgId',
  'issuerOrgId',
] as const;
export type SortKey = (typeof SORTABLE)[number];

/** AG Grid's sort model → the API's `sort`; the first sortable column wins, newest first by default. */
export function sortParam(sortModel: readonly { colId: string; sort: 'asc' | 'desc' }[]): string {
  for (const s of sortModel) {
    const key = s.colId === 'subtotal' || s.colId === 'taxTotal' ? 'total' : s.colId;
    if ((SORTABLE as readonly string[]).includes(key)) return `${key}:${s.sort}`;
  }
  return 'invoiceDate:desc';
}

/** The list query for a block: filters with empty values left out. */
export function listQuery(
  filters: InvoiceFilters,
  block: { startRow: number; endRow: number; sortModel: readonly { colId: string; sort: 'asc' | 'desc' }[] },
): Record<string, string | number> {
  const query: Record<string, string | number> = {
    startRow: block.startRow,
    endRow: block.endRow,
    sort: sortParam(block.sortModel),
    direction: filters.direction,
  };
  for (const key of ['type', 'status', 'stage', 'dateFrom', 'dateTo'] as const) {
    const value = filters[key];
    if (value) query[key] = value;
  }
  const number = filters.number?.trim();
  if (number) query.number = number;
  return query;
}

export function listInvoices(
  client: ApiClient,
  query: Record<string, string | number>,
  signal?: AbortSignal,
): Promise<Page<InvoiceRow>> {
  return client.get<Page<InvoiceRow>>('/v1/invoices', { query, signal });
}

export function getInvoice(client: ApiClient, id: string, signal?: AbortSignal): Promise<InvoiceDetail> {
  return client.get<InvoiceDetail>(`/v1/invoices/${encodeURIComponent(id)}`, { signal });
}

const idempotent = () => ({ headers: { 'Idempotency-Key': crypto.randomUUID() } });

export interface LedgerOutcome {
  id: string;
  kind: string;
  amount: string | null;
  links: { id: string; invoiceId: string; sourceId: string | null; amount: string }[];
  balances: Record<string, string>;
}

export function cancelInvoice(client: ApiClient, id: string): Promise<LedgerOutcome> {
  return client.post<LedgerOutcome>(`/v1/invoices/${encodeURIComponent(id)}/cancel`, {}, idempotent());
}

export interface LinkSource {
  id: string;
  kind: 'PAYMENT' | 'CREDIT_INVOICE';
  label: string;
  date: string;
  amount: string;
  remaining: string;
  usable: string;
}

export function linkSources(
  client: ApiClient,
  id: string,
): Promise<{ balance: string; currency: string; rows: LinkSource[] }> {
  return client.get(`/v1/invoices/${encodeURIComponent(id)}/link-sources`);
}

export function linkToInvoice(
  client: ApiClient,
  id: string,
  body: { sourceId: string; amount?: string },
): Promise<LedgerOutcome> {
  return client.post<LedgerOutcome>(`/v1/invoices/${encodeURIComponent(id)}/links`, body, idempotent());
}

export interface CreditNoteRequest {
  reason?: string;
  amount?: string;
  items?: { lineNo: number; quantity?: string }[];
}

export function issueCreditNote(
  client: ApiClient,
  id: string,
  body: CreditNoteRequest,
): Promise<LedgerOutcome> {
  return client.post<LedgerOutcome>(
    `/v1/invoices/${encodeURIComponent(id)}/credit-notes`,
    body,
    idempotent(),
  );
}

export interface ManualLine {
  description: string;
  quantity: string;
  unit?: string;
  unitPrice: string;
  taxIds?: string[];
}

export interface ManualInvoiceRequest {
  accountId: string;
  invoiceDate?: string;
  lines: ManualLine[];
}

export function draftInvoice(client: ApiClient, body: ManualInvoiceRequest): Promise<InvoiceDetail> {
  return client.post<InvoiceDetail>('/v1/invoices', body);
}

export function issueInvoice(client: ApiClient, id: string): Promise<InvoiceDetail> {
  return client.post<InvoiceDetail>(`/v1/invoices/${encodeURIComponent(id)}/issue`, {}, idempotent());
}

export interface TaxOption {
  id: string;
  code: string;
  name: string;
  type: string;
  chargeComponent: string;
  percent: string | null;
}

export async function taxOptions(client: ApiClient): Promise<TaxOption[]> {
  return (await client.get<{ rows: TaxOption[] }>('/v1/invoices/taxes')).rows;
}

export interface ClientAccount {
  id: string;
  name: string;
  clientOrgId: string;
  issuerOrgId: string;
  currency: string;
  balance: string;
}

/** The accounts of the caller's own clients (the ones it may invoice). */
export async function clientAccounts(client: ApiClient, issuerOrgId: string): Promise<ClientAccount[]> {
  const page = await client.get<Page<ClientAccount>>('/v1/accounts', {
    query: { issuerOrgId, startRow: 0, endRow: 1000 },
  });
  return page.rows;
}

// ---- who may do what (the API refuses the same) ----------------------------------------------

const MONEY_ROLES: readonly Role[] = ['ADMIN', 'BILLING_MANAGER'];

/** A decimal string that is zero ("0", "0.00"): the UI compares, it never computes money. */
export function isZero(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
}

/** A seller's ADMIN or BILLING_MANAGER: may draft, issue, cancel, link and credit. */
export function canManageInvoices(user: SessionUser): boolean {
  return (
    (user.orgKind === 'DISTRIBUTOR' || user.orgKind === 'RESELLER') &&
    user.roles.some((r) => MONEY_ROLES.includes(r))
  );
}

/** Whether the user sells (and so has issued invoices to look at). */
export function isSeller(user: SessionUser): boolean {
  return user.orgKind === 'DISTRIBUTOR' || user.orgKind === 'RESELLER';
}

export interface InvoiceActions {
  issue: boolean;
  cancel: boolean;
  link: boolean;
  credit: boolean;
  /** Why Cancel is not offered on an invoice the user could otherwise cancel. */
  cancelRefusal: string | null;
}

/** Credit invoices stand against it (the API refuses to cancel it then). */
const credited = (invoice: InvoiceDetail) => invoice.creditNotes.some((c) => c.status !== 'CANCELED');

/** The actions offered on one invoice: only what the API would accept from this user now. */
export function invoiceActions(user: SessionUser, invoice: InvoiceDetail): InvoiceActions {
  const seller = canManageInvoices(user) && invoice.direction !== 'RECEIVED';
  const issued = invoice.stage === 'ISSUED';
  const openDebit = issued && invoice.type === 'DEBIT' && invoice.status !== 'CANCELED';
  let cancelRefusal: string | null = null;
  if (seller && issued && invoice.type === 'DEBIT') {
    if (invoice.status === 'PAID')
      cancelRefusal = 'A paid invoice cannot be canceled: issue a credit note instead.';
    else if (invoice.status === 'CANCELED') cancelRefusal = 'This invoice is already canceled.';
    else if (credited(invoice))
      cancelRefusal = 'This invoice has credit notes: correct the rest with another credit note.';
  }
  return {
    issue: seller && invoice.direction === 'ISSUED' && !issued && !invoice.pendingError,
    cancel: seller && openDebit && invoice.status === 'UNPAID' && !credited(invoice),
    link: seller && openDebit && invoice.status === 'UNPAID',
    credit: seller && openDebit && !isZero(invoice.creditable),
    cancelRefusal,
  };
}
