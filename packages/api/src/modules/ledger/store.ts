/**
 * The ledger's database side: lock accounts, load the plain state a rule needs, and write what the
 * rule decided. Rows ↔ billing-core's `LedgerDocument`s:
 *
 * | rule document   | rows                                                                        |
 * |-----------------|-----------------------------------------------------------------------------|
 * | PAYMENT         | payments + ledger entry PAYMENT (+)                                         |
 * | DEBIT_INVOICE   | invoices (DEBIT, ISSUED); no entry: it owes, it holds nothing               |
 * | CREDIT_INVOICE  | invoices (CREDIT, ISSUED, PAID, nothing due) + ledger entry CREDIT_INVOICE (+) |
 * | LINK            | allocations (BALANCE / PAYMENT / CREDIT_INVOICE) + entry ALLOCATION (−); the |
 * |                 | invoice's amount_due and status follow                                      |
 * | REFUND          | refunds + entry (−)                                                         |
 * | TRANSFER        | transfers + two entries (− giver, + receiver)                               |
 * | WRITE_OFF       | write_offs + entry (−); with an invoice, its amount_due and status follow   |
 * | CANCELLATION    | the invoice CANCELED (id `<invoice>/cancel`), reversal allocations, and the  |
 * |                 | money applied to it back as one entry INVOICE `<invoice>/cancel` (+)        |
 *
 * A rule gets a *compact* state: the stored balance as one entry, the open invoices settlement can
 * reach, and the invoices and sources the command names with what already covers or draws on them
 * as synthetic documents (ids starting with `~`). The rules only read balances, open invoices and
 * the named documents, so this answers exactly as the full history would (the model-based test
 * checks it against the full history), and a request costs the same on an account with a million
 * documents as on a new one.
 */
import {
  Decimal,
  type LedgerDocument,
  type LedgerEntry,
  type LedgerResult,
  type LedgerState,
} from '@cascade/billing-core';
import {
  accounts,
  compilePart,
  compileStatement,
  invoices,
  part,
  queryRows,
  type StatementPart,
  type Tenant,
  type Transaction,
  tenantScope,
} from '@cascade/db';
import { type SQL, sql } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';
import { rowsOf, writeTogether } from '../../platform/idempotency';

export interface AccountRow {
  id: string;
  distributorId: string;
  resellerId: string | null;
  orgId: string;
  issuerOrgId: string;
  parentAccountId: string | null;
  name: string;
  currency: string;
  balance: string;
}

export interface InvoiceRow {
  id: string;
  distributorId: string;
  accountId: string;
  issuerOrgId: string;
  orgId: string;
  resellerId: string | null;
  type: 'DEBIT' | 'CREDIT';
  stage: string;
  status: 'UNPAID' | 'PAID' | 'CANCELED';
  number: string | null;
  invoiceDate: string;
  currency: string;
  total: string;
  amountDue: string;
  creditedInvoiceId: string | null;
  canceledDate: string | null;
}

/** Reads accounts the tenant can see (no lock): 404 for any it cannot. */
export async function readAccounts(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  field = 'accountId',
): Promise<Map<string, AccountRow>> {
  return fetchAccounts(tx, tenant, ids, field, false);
}

/**
 * Locks the accounts (`SELECT … FOR UPDATE`, in id order (bytewise, as JavaScript sorts them) so
 * that two transfers in opposite directions, or a billing run settling accounts one by one,
 * cannot deadlock with each other): every request that moves an account's money runs one at a time on
 * it, on any number of API instances. PGlite has one connection and serializes anyway.
 */
export async function lockAccounts(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  field = 'accountId',
): Promise<Map<string, AccountRow>> {
  return fetchAccounts(tx, tenant, ids, field, true);
}

/** A cash desk as a command checks it against the locked account (its seller, open or closed). */
export interface CashDeskRow {
  orgId: string;
  active: boolean;
}

/**
 * `lockAccounts`, and the cash desk the command names, if any, read by the same statement (one
 * statement fewer per payment or refund): undefined when the tenant cannot see it.
 */
export async function lockAccountsWithCashDesk(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  field: string,
  cashDeskId: string | undefined,
): Promise<{ accounts: Map<string, AccountRow>; cashDesk: CashDeskRow | undefined }> {
  const rows = await fetchAccounts<
    AccountRow & { cashDeskOrgId: string | null; cashDeskActive: boolean | null }
  >(tx, tenant, ids, field, true, cashDeskId);
  const first = rows.values().next().value;
  const cashDesk =
    first?.cashDeskOrgId != null
      ? { orgId: first.cashDeskOrgId, active: first.cashDeskActive === true }
      : undefined;
  return { accounts: rows, cashDesk };
}

async function fetchAccounts<Row extends AccountRow = AccountRow>(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  field: string,
  lock: boolean,
  cashDeskId?: string,
): Promise<Map<string, Row>> {
  const unique = [...new Set(ids)].sort();
  const values: Record<string, unknown> = {
    distributorId: tenant.distributorId,
    orgId: tenant.orgId,
    cashDeskId,
  };
  unique.forEach((id, i) => {
    values[`id${i}`] = id;
  });
  const statement = accountsStatement(
    tenant.orgKind,
    unique.length,
    lock,
    cashDeskId === undefined ? 'none' : 'one',
  );
  const rows = rowsOf<Row>(await statement(tx, values));
  const map = new Map(rows.map((r) => [r.id, r]));
  for (const id of unique) {
    if (!map.has(id)) throw accountNotFound(id, field);
  }
  return map;
}

export function accountNotFound(id: string, field: string): ApiError {
  return new ApiError('not_found', `Account ${id} not found`, { [field]: 'No such account' });
}

/**
 * Locks the accounts the tenant can see among `ids` (in id order, as `lockAccounts`) that no other
 * transaction holds (SKIP LOCKED), and answers them with the cash desk named for each account in
 * `cashDeskOf` (read by the same statement, undefined when the tenant cannot see it). Accounts
 * left out are held elsewhere or not the tenant's: the caller runs their commands alone.
 */
export async function lockFoundAccounts(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  cashDeskOf: Readonly<Record<string, string>>,
): Promise<{ accounts: Map<string, AccountRow>; cashDesks: Map<string, CashDeskRow> }> {
  const unique = [...new Set(ids)].sort();
  const values: Record<string, unknown> = {
    distributorId: tenant.distributorId,
    orgId: tenant.orgId,
    cashDesks: JSON.stringify(cashDeskOf),
  };
  unique.forEach((id, i) => {
    values[`id${i}`] = id;
  });
  const rows = rowsOf<AccountRow & { cashDeskOrgId: string | null; cashDeskActive: boolean | null }>(
    await accountsStatement(tenant.orgKind, unique.length, true, 'each')(tx, values),
  );
  const cashDesks = new Map<string, CashDeskRow>();
  for (const r of rows) {
    if (r.cashDeskOrgId != null)
      cashDesks.set(r.id, { orgId: r.cashDeskOrgId, active: r.cashDeskActive === true });
  }
  return { accounts: new Map(rows.map((r) => [r.id, r])), cashDesks };
}

/**
 * The accounts statement compiled once per (tenant kind, number of ids, lock, which cash desks),
 * with the tenant's visibility rule (`tenantScope`) over placeholders; run prepared (one message,
 * which the statements sent after it may follow without waiting). The cash desk comes by a left
 * join, so that a missing one reads as nulls; only the accounts are locked.
 */
const accountStatements = new Map<string, ReturnType<typeof compileStatement>>();
function accountsStatement(
  orgKind: Tenant['orgKind'],
  count: number,
  lock: boolean,
  cashDesks: 'none' | 'one' | 'each',
) {
  const cacheKey = `${orgKind}:${count}:${lock}:${cashDesks}`;
  let statement = accountStatements.get(cacheKey);
  if (!statement) {
    const scope = tenantScope(accounts, {
      distributorId: sql.placeholder('distributorId'),
      orgId: sql.placeholder('orgId'),
      orgKind,
    } as unknown as Tenant);
    const ids = sql.join(
      Array.from({ length: count }, (_, i) => sql`${sql.placeholder(`id${i}`)}`),
      sql`, `,
    );
    // One cash desk for all, or each account's own (a JSON object: account id → desk id).
    const deskId =
      cashDesks === 'one'
        ? sql`${sql.placeholder('cashDeskId')}`
        : sql`(${sql.placeholder('cashDesks')}::jsonb ->> accounts.id)`;
    const cashDesk =
      cashDesks === 'none'
        ? { columns: sql``, join: sql`` }
        : {
            columns: sql`, d.org_id as "cashDeskOrgId", d.active as "cashDeskActive"`,
            join: sql` left join cash_desks d on d.distributor_id = accounts.distributor_id and d.id = ${deskId}`,
          };
    statement = compileStatement(
      sql`select accounts.id, accounts.distributor_id as "distributorId", accounts.reseller_id as "resellerId",
          accounts.org_id as "orgId", accounts.issuer_org_id as "issuerOrgId",
          accounts.parent_account_id as "parentAccountId", accounts.name, accounts.currency,
          accounts.balance::text as balance${cashDesk.columns}
        from accounts${cashDesk.join} where ${scope} and accounts.id in (${ids})
        order by accounts.id collate "C"${lock ? sql` for update of accounts` : sql``}${
          lock && cashDesks === 'each' ? sql` skip locked` : sql``
        }`,
    );
    accountStatements.set(cacheKey, statement);
  }
  return statement;
}

/** Money may be moved on an account by its seller (the issuer) or by the marketplace's distributor. */
export function assertMayMoveMoney(tenant: Tenant, account: AccountRow): void {
  if (tenant.orgKind === 'DISTRIBUTOR' || account.issuerOrgId === tenant.orgId) return;
  throw ApiError.forbidden(
    `Only the seller of account ${account.id} (or the distributor) may record money movements on it`,
  );
}

const invoiceSelect = sql`select id, distributor_id as "distributorId", account_id as "accountId", issuer_org_id as "issuerOrgId", org_id as "orgId",
  reseller_id as "resellerId", type, stage, status, number, invoice_date::text as "invoiceDate", currency,
  total::text as total, amount_due::text as "amountDue", credited_invoice_id as "creditedInvoiceId",
  to_char(canceled_at at time zone 'UTC', 'YYYY-MM-DD') as "canceledDate" from invoices`;

/** Invoices by id that the tenant can see (RLS); 404 naming `field` for any other. */
export async function readInvoices(
  tx: Transaction,
  tenant: Tenant,
  ids: readonly string[],
  field = 'invoiceId',
): Promise<Map<string, InvoiceRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await queryRows<InvoiceRow & Record<string, unknown>>(
    tx,
    sql`${invoiceSelect} where ${tenantScope(invoices, tenant)}
      and id in (${sql.join(
        unique.map((id) => sql`${id}`),
        sql`, `,
      )})`,
  );
  const map = new Map(rows.map((r) => [r.id, r as InvoiceRow]));
  for (const id of unique) {
    if (!map.has(id))
      throw new ApiError('not_found', `Invoice ${id} not found`, { [field]: 'No such invoice' });
  }
  return map;
}

export type SourceKind = 'PAYMENT' | 'CREDIT_INVOICE';

/**
 * Open invoices read per settlement page: a payment usually closes one or two, so the first page
 * (sent with the account lock) is small; the next ones, for a balance that reaches further, larger.
 */
const SETTLE_FIRST_PAGE = 4;
const SETTLE_PAGE = 32;

/** Where a settlement page ends: the next starts after it (in the rule's order). */
export interface SettleCursor {
  invoiceDate: string;
  id: string;
}

export interface StateNeeds {
  /** Per account: how much money settlement may have to place (balance + what the command brings). */
  settle?: ReadonlyMap<string, Decimal>;
  /** Invoices the command names (already read with `readInvoices`). */
  invoices?: readonly InvoiceRow[];
  /** A payment or credit invoice the command links. */
  sourceId?: string;
  /** Per account: its first `settlePage` already sent (read after the lock was taken). */
  firstPages?: ReadonlyMap<string, Promise<InvoiceRow[]>>;
}

/**
 * The open debit invoices settlement reaches first, a page at a time (the rule's order: date, then
 * id in code point order = collation "C"): the first page, or the one after `after`. `runCommand`
 * sends the first right behind the account lock (pipelined on the transaction's connection, so
 * the server runs it once the lock is held).
 */
export function settlePage(
  tx: Transaction,
  distributorId: string,
  accountId: string,
  after?: SettleCursor,
): Promise<InvoiceRow[]> {
  const page = after
    ? settleNextPageStatement(tx, {
        distributorId,
        accountId,
        afterDate: after.invoiceDate,
        afterId: after.id,
      })
    : settleFirstPageStatement(tx, { distributorId, accountId });
  return page.then((rows) => rowsOf<InvoiceRow>(rows));
}

// Compiled once, run prepared (no query building per request); the partial index
// invoices_account_open_idx answers both in order, the next pages by seeking past the previous
// one's last invoice (an OFFSET would walk every invoice before it again, page after page).
/** An account's open debit invoices in the rule's order, a page of `limit` (after a cursor or not). */
const openInvoicesPage = (accountId: SQL, limit: number, after: boolean) =>
  sql`select id, distributor_id as "distributorId", account_id as "accountId", issuer_org_id as "issuerOrgId",
      org_id as "orgId", reseller_id as "resellerId", type, stage, status, number,
      invoice_date::text as "invoiceDate", currency, total::text as total, amount_due::text as "amountDue",
      credited_invoice_id as "creditedInvoiceId", null as "canceledDate"
    from invoices
    where distributor_id = ${sql.placeholder('distributorId')} and account_id = ${accountId}
      and type = 'DEBIT' and stage = 'ISSUED' and status = 'UNPAID'${
        after
          ? sql` and (invoice_date, id collate "C") > (${sql.placeholder('afterDate')}::date, ${sql.placeholder('afterId')}::text)`
          : sql``
      }
    order by invoice_date, id collate "C" limit ${sql.raw(String(limit))}`;
const settleStatement = (limit: number, after: boolean) =>
  compileStatement(openInvoicesPage(sql`${sql.placeholder('accountId')}`, limit, after));
const settleFirstPageStatement = settleStatement(SETTLE_FIRST_PAGE, false);
const settleNextPageStatement = settleStatement(SETTLE_PAGE, true);

/**
 * The first settlement page of each account, in one statement (commands decided together): per
 * account, the same rows as `settlePage` without a cursor.
 */
export function settleFirstPages(
  tx: Transaction,
  distributorId: string,
  accountIds: readonly string[],
): Promise<Map<string, InvoiceRow[]>> {
  return settleFirstPagesStatement(tx, { distributorId, accountIds: JSON.stringify(accountIds) }).then(
    (result) => {
      const pages = new Map<string, InvoiceRow[]>(accountIds.map((id) => [id, []]));
      for (const row of rowsOf<InvoiceRow>(result)) pages.get(row.accountId)?.push(row);
      return pages;
    },
  );
}
const settleFirstPagesStatement = compileStatement(
  sql`select p.* from jsonb_array_elements_text(${sql.placeholder('accountIds')}::jsonb) as a(id)
    cross join lateral (${openInvoicesPage(sql.raw('a.id'), SETTLE_FIRST_PAGE, false)}) as p`,
);

export interface LoadedState {
  state: LedgerState;
  /** The kind of every source the rule may name in a LINK. */
  sourceKinds: Map<string, SourceKind>;
}

const toDecimal = (v: string | number) => new Decimal(v);

/** The compact state of the locked accounts (see the header comment). */
export async function loadState(
  tx: Transaction,
  locked: ReadonlyMap<string, AccountRow>,
  needs: StateNeeds,
): Promise<LoadedState> {
  const stateAccounts: LedgerState['accounts'] = Object.fromEntries(
    [...locked.values()].map((a) => [
      a.id,
      { id: a.id, currency: a.currency, parentAccountId: a.parentAccountId },
    ]),
  );
  const documents: LedgerDocument[] = [];
  const entries: LedgerEntry[] = [];
  const sourceKinds = new Map<string, SourceKind>();
  for (const a of locked.values()) {
    if (!toDecimal(a.balance).isZero())
      entries.push({ documentId: `~balance:${a.id}`, accountId: a.id, amount: a.balance });
  }
  const seen = new Set<string>();
  const addInvoice = async (inv: InvoiceRow, credited?: Decimal) => {
    if (seen.has(inv.id)) return;
    seen.add(inv.id);
    if (inv.type === 'CREDIT') {
      documents.push({
        kind: 'CREDIT_INVOICE',
        id: inv.id,
        accountId: inv.accountId,
        date: inv.invoiceDate,
        total: inv.total,
        againstInvoiceId: null,
      });
      return;
    }
    documents.push({
      kind: 'DEBIT_INVOICE',
      id: inv.id,
      accountId: inv.accountId,
      date: inv.invoiceDate,
      total: inv.total,
    });
    if (inv.status === 'CANCELED') {
      documents.push({
        kind: 'CANCELLATION',
        id: `~canceled:${inv.id}`,
        accountId: inv.accountId,
        date: inv.canceledDate ?? inv.invoiceDate,
        invoiceId: inv.id,
      });
      return;
    }
    const covered = toDecimal(inv.total).minus(inv.amountDue);
    if (covered.greaterThan(0)) {
      documents.push({
        kind: 'LINK',
        id: `~covered:${inv.id}`,
        accountId: inv.accountId,
        date: inv.invoiceDate,
        invoiceId: inv.id,
        sourceId: null,
        amount: covered.toFixed(),
      });
    }
    if (credited?.greaterThan(0)) {
      documents.push({
        kind: 'CREDIT_INVOICE',
        id: `~credited:${inv.id}`,
        accountId: inv.accountId,
        date: inv.invoiceDate,
        total: credited.toFixed(),
        againstInvoiceId: inv.id,
      });
    }
  };

  // Named invoices first (with what credit invoices already took from what is creditable).
  const named = needs.invoices ?? [];
  const debitIds = named.filter((i) => i.type === 'DEBIT').map((i) => i.id);
  const credited = new Map<string, Decimal>();
  if (debitIds.length > 0) {
    const rows = await queryRows<{ id: string; credited: string }>(
      tx,
      sql`select credited_invoice_id as id, sum(total)::text as credited from invoices
        where distributor_id = ${firstDistributor(locked)}
          and credited_invoice_id in (${sql.join(
            debitIds.map((id) => sql`${id}`),
            sql`, `,
          )}) and type = 'CREDIT' and status <> 'CANCELED' group by credited_invoice_id`,
    );
    for (const r of rows) credited.set(r.id, toDecimal(r.credited));
  }
  for (const inv of named) await addInvoice(inv, credited.get(inv.id));

  // The open invoices settlement can reach: oldest first (the rule's order: date, then id in code
  // point order = collation "C"), every one whose predecessors leave money for it, plus the first
  // it stops at. Read a page at a time: a payment usually needs one.
  const distributorId = firstDistributor(locked);
  for (const [accountId, available] of needs.settle ?? []) {
    let before = new Decimal(0);
    for (let after: SettleCursor | undefined; ; ) {
      const prefetched = after === undefined ? needs.firstPages?.get(accountId) : undefined;
      const rows = await (prefetched ?? settlePage(tx, distributorId, accountId, after));
      let reachable = true;
      for (const r of rows) {
        if (before.greaterThan(available)) {
          reachable = false;
          break;
        }
        await addInvoice(r);
        before = before.plus(r.amountDue);
      }
      const size = after === undefined ? SETTLE_FIRST_PAGE : SETTLE_PAGE;
      const last = rows.at(-1);
      if (!reachable || !last || rows.length < size || before.greaterThan(available)) break;
      after = { invoiceDate: last.invoiceDate, id: last.id };
    }
  }

  if (needs.sourceId) {
    const id = needs.sourceId;
    const [payment] = await queryRows<{ accountId: string; date: string; amount: string; linked: string }>(
      tx,
      sql`select p.account_id as "accountId", p.payment_date::text as date, p.amount::text as amount,
          (select coalesce(sum(a.amount), 0)::text from allocations a
            where a.distributor_id = p.distributor_id and a.payment_id = p.id) as linked
        from payments p where p.distributor_id = ${distributorId} and p.id = ${id}`,
    );
    if (payment) {
      sourceKinds.set(id, 'PAYMENT');
      documents.push({
        kind: 'PAYMENT',
        id,
        accountId: payment.accountId,
        date: payment.date,
        amount: payment.amount,
        cashDeskId: null,
        method: null,
        reference: null,
      });
      pushLinked(documents, id, payment.accountId, payment.date, payment.linked);
    } else {
      const [credit] = await queryRows<{ accountId: string; date: string; total: string; linked: string }>(
        tx,
        sql`select i.account_id as "accountId", i.invoice_date::text as date, i.total::text as total,
            (select coalesce(sum(a.amount), 0)::text from allocations a
              where a.distributor_id = i.distributor_id and a.credit_invoice_id = i.id) as linked
          from invoices i where i.distributor_id = ${distributorId} and i.id = ${id}
            and i.type = 'CREDIT' and i.stage = 'ISSUED' and i.status <> 'CANCELED'`,
      );
      if (credit) {
        sourceKinds.set(id, 'CREDIT_INVOICE');
        if (!seen.has(id)) {
          seen.add(id);
          documents.push({
            kind: 'CREDIT_INVOICE',
            id,
            accountId: credit.accountId,
            date: credit.date,
            total: credit.total,
            againstInvoiceId: null,
          });
        }
        pushLinked(documents, id, credit.accountId, credit.date, credit.linked);
      }
    }
  }
  return { state: { accounts: stateAccounts, documents, entries }, sourceKinds };
}

function pushLinked(
  docs: LedgerDocument[],
  sourceId: string,
  accountId: string,
  date: string,
  linked: string,
) {
  if (!toDecimal(linked).greaterThan(0)) return;
  docs.push({
    kind: 'LINK',
    id: `~linked:${sourceId}`,
    accountId,
    date,
    invoiceId: '~elsewhere',
    sourceId,
    amount: linked,
  });
}

function firstDistributor(locked: ReadonlyMap<string, AccountRow>): string {
  const first = locked.values().next().value;
  if (!first) throw new Error('no account locked');
  return first.distributorId;
}

/** A credit invoice the rule issued, written by the caller before `writeResult` (it has items). */
export type BeforeWrite = (tx: Transaction) => Promise<void>;

export interface WriteArgs {
  tx: Transaction;
  accounts: ReadonlyMap<string, AccountRow>;
  result: Extract<LedgerResult, { ok: true }>;
  sourceKinds: ReadonlyMap<string, SourceKind>;
  createdBy: string;
  /** Test hook: runs after the first rows are written, before the rest (the crash test waits here). */
  afterFirstWrite?: () => Promise<void>;
}

const ENTRY_TYPE: Record<LedgerDocument['kind'], string> = {
  PAYMENT: 'PAYMENT',
  DEBIT_INVOICE: 'INVOICE',
  CREDIT_INVOICE: 'CREDIT_INVOICE',
  LINK: 'ALLOCATION',
  REFUND: 'REFUND',
  TRANSFER: 'TRANSFER',
  WRITE_OFF: 'WRITE_OFF',
  CANCELLATION: 'INVOICE',
};

// The write statements' parts, compiled once (values as placeholders): see `resultWrites`.
const CANCEL_INVOICE = compilePart(
  sql`update invoices set status = 'CANCELED', amount_due = 0, canceled_at = now()
      where distributor_id = ${sql.placeholder('distributorId')} and id = ${sql.placeholder('invoiceId')} and status = 'UNPAID'`,
);
const REVERSE_ALLOCATIONS = compilePart(
  sql`insert into allocations (distributor_id, reseller_id, org_id, id, account_id,
        debit_invoice_id, source, payment_id, credit_invoice_id, reverses_allocation_id, amount, currency)
      select a.distributor_id, a.reseller_id, a.org_id, ${sql.placeholder('cancellationId')} || '/reverses/' || a.id, a.account_id,
        a.debit_invoice_id, a.source, a.payment_id, a.credit_invoice_id, a.id, -a.amount, a.currency
      from allocations a where a.distributor_id = ${sql.placeholder('distributorId')} and a.debit_invoice_id = ${sql.placeholder('invoiceId')}
        and a.reverses_allocation_id is null`,
);
const INSERT_PAYMENTS = compilePart(
  sql`insert into payments (distributor_id, reseller_id, org_id, id, account_id, cash_desk_id,
        method, reference, payment_date, amount, currency, created_by)
      select distributor_id, reseller_id, org_id, id, account_id, cash_desk_id, method, reference, payment_date,
        amount, currency, created_by
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text, id text,
        account_id text, cash_desk_id text, method text, reference text, payment_date date, amount numeric,
        currency text, created_by text)`,
);
const INSERT_REFUNDS = compilePart(
  sql`insert into refunds (distributor_id, reseller_id, org_id, id, account_id, cash_desk_id,
        refund_date, amount, currency, created_by)
      select distributor_id, reseller_id, org_id, id, account_id, cash_desk_id, refund_date, amount, currency,
        created_by
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text, id text,
        account_id text, cash_desk_id text, refund_date date, amount numeric, currency text, created_by text)`,
);
const INSERT_TRANSFERS = compilePart(
  sql`insert into transfers (distributor_id, reseller_id, org_id, id, from_account_id,
        to_account_id, to_org_id, transfer_date, amount, currency, created_by)
      select distributor_id, reseller_id, org_id, id, from_account_id, to_account_id, to_org_id, transfer_date,
        amount, currency, created_by
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text, id text,
        from_account_id text, to_account_id text, to_org_id text, transfer_date date, amount numeric,
        currency text, created_by text)`,
);
const INSERT_WRITE_OFFS = compilePart(
  sql`insert into write_offs (distributor_id, reseller_id, org_id, id, account_id, invoice_id,
        write_off_date, amount, currency, reason, created_by)
      select distributor_id, reseller_id, org_id, id, account_id, invoice_id, write_off_date, amount, currency,
        reason, created_by
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text, id text,
        account_id text, invoice_id text, write_off_date date, amount numeric, currency text, reason text,
        created_by text)`,
);
const INSERT_LINKS = compilePart(
  sql`insert into allocations (distributor_id, reseller_id, org_id, id, account_id,
        debit_invoice_id, source, payment_id, credit_invoice_id, amount, currency)
      select distributor_id, reseller_id, org_id, id, account_id, debit_invoice_id, source, payment_id,
        credit_invoice_id, amount, currency
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text,
        id text, account_id text, debit_invoice_id text, source text, payment_id text, credit_invoice_id text,
        amount numeric, currency text)`,
);
const UPDATE_INVOICES_DUE = compilePart(
  sql`update invoices i set amount_due = i.amount_due - c.amount,
        status = case when i.amount_due - c.amount = 0 then 'PAID' else i.status end
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as c(id text, amount numeric)
      where i.distributor_id = ${sql.placeholder('distributorId')} and i.id = c.id`,
);
const INSERT_LEDGER_ENTRIES = compilePart(
  sql`insert into ledger_entries (distributor_id, reseller_id, org_id, account_id, currency,
        amount, entry_date, document_type, document_id)
      select distributor_id, reseller_id, org_id, account_id, currency, amount, entry_date, document_type,
        document_id
      from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text, org_id text,
        account_id text, currency text, amount numeric, entry_date date, document_type text, document_id text)
`,
);
const ADD_TO_BALANCES = compilePart(
  sql`update accounts a set balance = a.balance + c.amount
        from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as c(id text, amount numeric)
        where a.distributor_id = ${sql.placeholder('distributorId')} and a.id = c.id`,
);

/**
 * Appends the rule's documents and entries, then brings the stored figures along: account balances
 * (+ the sum of their new entries), invoices' amount_due and status. Rows travel as one JSON
 * parameter per table: a handful of round trips whatever the number of links.
 */
export async function writeResult(args: WriteArgs): Promise<void> {
  await writeTogether(args.tx, resultWrites(args));
  if (args.afterFirstWrite) await args.afterFirstWrite();
}

/** The statements of `writeResult`, for a caller that sends them with others (`writeTogether`). */
export function resultWrites(args: Omit<WriteArgs, 'afterFirstWrite'>): StatementPart[] {
  const { result } = args;
  const owner = (accountId: string) => {
    const a = args.accounts.get(accountId);
    if (!a) throw new Error(`account ${accountId} not locked`);
    return a;
  };
  const distributorId = firstDistributor(args.accounts);
  const dateOf = new Map(result.documents.map((d) => [d.id, d.date]));
  const kindOf = new Map(result.documents.map((d) => [d.id, d.kind]));
  const sourceKinds = new Map(args.sourceKinds);
  for (const d of result.documents) {
    if (d.kind === 'PAYMENT') sourceKinds.set(d.id, 'PAYMENT');
    if (d.kind === 'CREDIT_INVOICE') sourceKinds.set(d.id, 'CREDIT_INVOICE');
  }

  const payments: unknown[] = [];
  const allocations: unknown[] = [];
  const refunds: unknown[] = [];
  const transfers: unknown[] = [];
  const writeOffs: unknown[] = [];
  const dueChanges = new Map<string, Decimal>();
  const cancellations: { id: string; invoiceId: string }[] = [];
  for (const d of result.documents) {
    const a = owner(d.accountId);
    const base = { distributor_id: a.distributorId, reseller_id: a.resellerId, org_id: a.orgId, id: d.id };
    switch (d.kind) {
      case 'PAYMENT':
        payments.push({
          ...base,
          account_id: a.id,
          cash_desk_id: d.cashDeskId,
          method: d.method,
          reference: d.reference,
          payment_date: d.date,
          amount: d.amount,
          currency: a.currency,
          created_by: args.createdBy,
        });
        break;
      case 'LINK': {
        const kind = d.sourceId ? sourceKinds.get(d.sourceId) : undefined;
        if (d.sourceId && !kind) throw new Error(`unknown source ${d.sourceId}`);
        allocations.push({
          ...base,
          account_id: a.id,
          debit_invoice_id: d.invoiceId,
          source: kind ?? 'BALANCE',
          payment_id: kind === 'PAYMENT' ? d.sourceId : null,
          credit_invoice_id: kind === 'CREDIT_INVOICE' ? d.sourceId : null,
          amount: d.amount,
          currency: a.currency,
        });
        dueChanges.set(d.invoiceId, (dueChanges.get(d.invoiceId) ?? new Decimal(0)).plus(d.amount));
        break;
      }
      case 'REFUND':
        refunds.push({
          ...base,
          account_id: a.id,
          cash_desk_id: d.cashDeskId,
          refund_date: d.date,
          amount: d.amount,
          currency: a.currency,
          created_by: args.createdBy,
        });
        break;
      case 'TRANSFER': {
        const to = owner(d.toAccountId);
        transfers.push({
          ...base,
          from_account_id: a.id,
          to_account_id: to.id,
          to_org_id: to.orgId,
          transfer_date: d.date,
          amount: d.amount,
          currency: a.currency,
          created_by: args.createdBy,
        });
        break;
      }
      case 'WRITE_OFF':
        writeOffs.push({
          ...base,
          account_id: a.id,
          invoice_id: d.invoiceId,
          write_off_date: d.date,
          amount: d.amount,
          currency: a.currency,
          reason: d.reason,
          created_by: args.createdBy,
        });
        if (d.invoiceId)
          dueChanges.set(d.invoiceId, (dueChanges.get(d.invoiceId) ?? new Decimal(0)).plus(d.amount));
        break;
      case 'CANCELLATION':
        cancellations.push({ id: d.id, invoiceId: d.invoiceId });
        break;
      case 'CREDIT_INVOICE':
      case 'DEBIT_INVOICE':
        // Written by the caller (they have items, taxes and a number).
        break;
    }
  }

  // Sent as one statement (data-modifying CTEs, `writeTogether`): one round trip whatever the
  // command. Foreign keys are checked at its end, so rows may refer to each other; every CTE reads
  // the snapshot from before the statement, so a cancellation's reversals never reverse the links
  // this command creates.
  const parts: StatementPart[] = [];
  for (const c of cancellations) {
    parts.push(part(CANCEL_INVOICE, { distributorId, invoiceId: c.invoiceId }));
    parts.push(part(REVERSE_ALLOCATIONS, { cancellationId: c.id, distributorId, invoiceId: c.invoiceId }));
  }
  if (payments.length > 0) parts.push(part(INSERT_PAYMENTS, { rows: JSON.stringify(payments) }));
  if (refunds.length > 0) parts.push(part(INSERT_REFUNDS, { rows: JSON.stringify(refunds) }));
  if (transfers.length > 0) parts.push(part(INSERT_TRANSFERS, { rows: JSON.stringify(transfers) }));
  if (writeOffs.length > 0) parts.push(part(INSERT_WRITE_OFFS, { rows: JSON.stringify(writeOffs) }));
  if (allocations.length > 0) parts.push(part(INSERT_LINKS, { rows: JSON.stringify(allocations) }));
  if (dueChanges.size > 0) {
    const changes = [...dueChanges].map(([id, amount]) => ({ id, amount: amount.toFixed() }));
    parts.push(part(UPDATE_INVOICES_DUE, { rows: JSON.stringify(changes), distributorId }));
  }
  if (result.entries.length > 0) {
    const rows = result.entries.map((e) => {
      const a = owner(e.accountId);
      const kind = kindOf.get(e.documentId);
      if (!kind) throw new Error(`entry for unknown document ${e.documentId}`);
      return {
        distributor_id: a.distributorId,
        reseller_id: a.resellerId,
        org_id: a.orgId,
        account_id: a.id,
        currency: a.currency,
        amount: e.amount,
        entry_date: dateOf.get(e.documentId),
        document_type: ENTRY_TYPE[kind],
        document_id: e.documentId,
      };
    });
    parts.push(part(INSERT_LEDGER_ENTRIES, { rows: JSON.stringify(rows) }));
    const byAccount = new Map<string, Decimal>();
    for (const e of result.entries)
      byAccount.set(e.accountId, (byAccount.get(e.accountId) ?? new Decimal(0)).plus(e.amount));
    const changes = [...byAccount]
      .filter(([, v]) => !v.isZero())
      .map(([id, amount]) => ({ id, amount: amount.toFixed() }));
    if (changes.length > 0)
      parts.push(part(ADD_TO_BALANCES, { rows: JSON.stringify(changes), distributorId }));
  }
  return parts;
}
