// The balance and statement of account of the organization's client accounts (SPEC §4), as the
// ledger API answers them: one account per seller and currency.
import { type ApiClient, type Page, rowsOf } from '@cascade/ui';

export interface AccountSummary {
  id: string;
  name: string;
  clientOrgId: string;
  issuerOrgId: string;
  parentAccountId: string | null;
  currency: string;
  balance: string;
  due: string;
  net: string;
  openInvoices: number;
}

export interface Position {
  balance: string;
  due: string;
  net: string;
}

export interface Statement {
  accountId: string;
  currency: string;
  from: string;
  to: string;
  opening: Position;
  rows: {
    documentId: string;
    kind: string;
    /** Invoice or credit note number, payment reference; null when the document has none. */
    number: string | null;
    /** What the document is, e.g. "Invoice", "Payment (bank transfer)". */
    label: string;
    date: string;
    balanceChange: string;
    dueChange: string;
  }[];
  closing: Position;
}

/** The organization's own client accounts (it is their client), each with its summary. */
export async function loadOwnAccounts(
  client: ApiClient,
  orgId: string,
  signal?: AbortSignal,
): Promise<AccountSummary[]> {
  const page = await client.get<Page<{ id: string }>>('/v1/accounts', {
    query: { clientOrgId: orgId, startRow: 0, endRow: 100 },
    signal,
  });
  return Promise.all(
    rowsOf<{ id: string }>(page).map((a) =>
      client.get<AccountSummary>(`/v1/accounts/${encodeURIComponent(a.id)}/summary`, { signal }),
    ),
  );
}

/** One account's balance, what is due and the net position. */
export function loadSummary(
  client: ApiClient,
  accountId: string,
  signal?: AbortSignal,
): Promise<AccountSummary> {
  return client.get<AccountSummary>(`/v1/accounts/${encodeURIComponent(accountId)}/summary`, { signal });
}

/** The accounts of the seller's own clients (it issues their invoices). */
export async function loadClientAccounts(
  client: ApiClient,
  issuerOrgId: string,
  signal?: AbortSignal,
): Promise<{ id: string; name: string; clientOrgId: string; currency: string }[]> {
  const page = await client.get<Page<{ id: string; name: string; clientOrgId: string; currency: string }>>(
    '/v1/accounts',
    { query: { issuerOrgId, startRow: 0, endRow: 1000 }, signal },
  );
  return rowsOf(page);
}

export function loadStatement(
  client: ApiClient,
  accountId: string,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<Statement> {
  return client.get<Statement>(`/v1/accounts/${encodeURIComponent(accountId)}/statement`, {
    query: { from, to },
    signal,
  });
}

/** The first day of the month of an ISO date, and that date: the default statement period. */
export function monthToDate(today: string): { from: string; to: string } {
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

/** Today as an ISO date in the browser's calendar. */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
