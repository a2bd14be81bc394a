/**
 * Ledger rules (SPEC §3–§4, issue 4) as pure functions: plain state in, new documents and balance
 * entries (or a typed rejection) out. The API loads the state of the accounts concerned, calls one
 * command, appends what it returns in the same transaction, and maps a rejection to a 422.
 *
 * The model:
 * - An account's balance is the money it holds (never below zero) and always equals the sum of its
 *   entries. Payments and credit invoices add to it; links (money applied to a debit invoice),
 *   refunds, write-offs and outgoing transfers take from it; a cancellation gives back what was
 *   applied to the canceled invoice.
 * - A debit invoice is covered by links (explicit, or automatic settlement) and write-offs aimed at
 *   it; it is PAID exactly when what covers it equals its total, UNPAID until then, and CANCELED
 *   counts nowhere. A credit invoice owes nothing.
 * - Automatic settlement: oldest open debit invoice first (date, then id), each taken in full from
 *   the balance, stopping at the first the balance cannot cover.
 * - Documents are append-only; ids are supplied by the caller (derived ids `<id>/settle/<n>` for
 *   the links a command creates), so a retried command is recognized (`DUPLICATE_DOCUMENT`).
 */
import type { IsoDate } from '../calendar';
import { parseIsoDate } from '../calendar';
import { BillingCoreError } from '../errors';
import { type CurrencyCode, currencyDecimals, Decimal, formatAmount, parseMoney } from '../money';

export interface LedgerAccount {
  id: string;
  currency: CurrencyCode;
  parentAccountId: string | null;
}

interface DocBase {
  id: string;
  accountId: string;
  date: IsoDate;
}

export type LedgerDocument =
  | (DocBase & {
      kind: 'PAYMENT';
      amount: string;
      cashDeskId: string | null;
      method: string | null;
      reference: string | null;
    })
  | (DocBase & { kind: 'DEBIT_INVOICE'; total: string })
  | (DocBase & { kind: 'CREDIT_INVOICE'; total: string; againstInvoiceId: string | null })
  /** Money applied from the balance to a debit invoice; `sourceId` is the payment or credit invoice named, null for automatic settlement. */
  | (DocBase & { kind: 'LINK'; invoiceId: string; sourceId: string | null; amount: string })
  | (DocBase & { kind: 'REFUND'; amount: string; cashDeskId: string | null })
  | (DocBase & { kind: 'TRANSFER'; toAccountId: string; amount: string })
  | (DocBase & { kind: 'WRITE_OFF'; amount: string; reason: string; invoiceId: string | null })
  | (DocBase & { kind: 'CANCELLATION'; invoiceId: string });

export type LedgerDocumentKind = LedgerDocument['kind'];

/** A movement of an account's balance. */
export interface LedgerEntry {
  documentId: string;
  accountId: string;
  /** Signed decimal string in the account's currency. */
  amount: string;
}

export interface LedgerState {
  accounts: Readonly<Record<string, LedgerAccount>>;
  documents: readonly LedgerDocument[];
  entries: readonly LedgerEntry[];
}

export interface Rejection {
  code: string;
  message: string;
  field?: string;
}

export type LedgerResult =
  | { ok: true; documents: LedgerDocument[]; entries: LedgerEntry[] }
  | { ok: false; rejection: Rejection };

export interface LedgerContext {
  /** Allow Payments and Adjustments towards Child Account (SPEC §8). */
  allowPaymentsAndAdjustmentsTowardsChildAccount?: boolean;
}

export type InvoiceStatus = 'UNPAID' | 'PAID' | 'CANCELED';

export interface InvoiceView {
  id: string;
  kind: 'DEBIT_INVOICE' | 'CREDIT_INVOICE';
  accountId: string;
  date: IsoDate;
  total: Decimal;
  /** Debit: linked + written off. Credit: what of it was linked to invoices. */
  covered: Decimal;
  /** Debit: total − covered (0 when canceled). */
  due: Decimal;
  /** Debit: total − credit invoices against it. */
  creditable: Decimal;
  status: InvoiceStatus;
}

export interface LedgerSummary {
  balances: Map<string, Decimal>;
  invoices: Map<string, InvoiceView>;
  /** Payments and credit invoices: what is not yet linked explicitly. */
  sourceRemaining: Map<string, Decimal>;
  documentIds: Set<string>;
}

const ZERO = new Decimal(0);

function add(map: Map<string, Decimal>, key: string, value: Decimal): void {
  map.set(key, (map.get(key) ?? ZERO).plus(value));
}

/** Derive balances, invoice states and sources from the documents and entries. */
export function summarize(state: LedgerState): LedgerSummary {
  const balances = new Map<string, Decimal>();
  for (const id of Object.keys(state.accounts)) balances.set(id, ZERO);
  for (const entry of state.entries) add(balances, entry.accountId, new Decimal(entry.amount));
  const invoices = new Map<string, InvoiceView>();
  const sourceRemaining = new Map<string, Decimal>();
  const documentIds = new Set<string>();
  const canceled = new Set<string>();
  for (const doc of state.documents) {
    documentIds.add(doc.id);
    if (doc.kind === 'DEBIT_INVOICE' || doc.kind === 'CREDIT_INVOICE') {
      const total = new Decimal(doc.total);
      invoices.set(doc.id, {
        id: doc.id,
        kind: doc.kind,
        accountId: doc.accountId,
        date: doc.date,
        total,
        covered: ZERO,
        due: doc.kind === 'DEBIT_INVOICE' ? total : ZERO,
        creditable: doc.kind === 'DEBIT_INVOICE' ? total : ZERO,
        status: doc.kind === 'DEBIT_INVOICE' ? 'UNPAID' : 'PAID',
      });
      if (doc.kind === 'CREDIT_INVOICE') sourceRemaining.set(doc.id, total);
    } else if (doc.kind === 'PAYMENT') {
      sourceRemaining.set(doc.id, new Decimal(doc.amount));
    } else if (doc.kind === 'CANCELLATION') {
      canceled.add(doc.invoiceId);
    }
  }
  for (const doc of state.documents) {
    if (doc.kind === 'LINK' || (doc.kind === 'WRITE_OFF' && doc.invoiceId)) {
      const invoice = invoices.get(doc.invoiceId!);
      if (invoice) invoice.covered = invoice.covered.plus(doc.amount);
      // Money applied to an invoice that was later canceled is free to be linked again.
      if (doc.kind === 'LINK' && doc.sourceId && !canceled.has(doc.invoiceId)) {
        add(sourceRemaining, doc.sourceId, new Decimal(doc.amount).negated());
      }
    } else if (doc.kind === 'CREDIT_INVOICE' && doc.againstInvoiceId && !canceled.has(doc.id)) {
      const invoice = invoices.get(doc.againstInvoiceId);
      if (invoice) invoice.creditable = invoice.creditable.minus(doc.total);
    }
  }
  for (const invoice of invoices.values()) {
    if (invoice.kind === 'CREDIT_INVOICE') {
      invoice.covered = invoice.total.minus(sourceRemaining.get(invoice.id) ?? ZERO);
      continue;
    }
    if (canceled.has(invoice.id)) {
      invoice.status = 'CANCELED';
      invoice.due = ZERO;
    } else {
      invoice.due = invoice.total.minus(invoice.covered);
      invoice.status = invoice.due.isZero() ? 'PAID' : 'UNPAID';
    }
  }
  return { balances, invoices, sourceRemaining, documentIds };
}

export function accountBalance(state: LedgerState, accountId: string): Decimal {
  let balance = ZERO;
  for (const entry of state.entries) if (entry.accountId === accountId) balance = balance.plus(entry.amount);
  return balance;
}

/** Open debit invoices of an account, oldest first (date, then id). */
export function openInvoices(summary: LedgerSummary, accountId: string): InvoiceView[] {
  return [...summary.invoices.values()]
    .filter((i) => i.kind === 'DEBIT_INVOICE' && i.accountId === accountId && i.status === 'UNPAID')
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---- helpers ---------------------------------------------------------------------------------

class Reject extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

function reject(code: string, message: string, field?: string): never {
  throw new Reject(field ? { code, message, field } : { code, message });
}

function run(body: () => { documents: LedgerDocument[]; entries: LedgerEntry[] }): LedgerResult {
  try {
    return { ok: true, ...body() };
  } catch (error) {
    if (error instanceof Reject) return { ok: false, rejection: error.rejection };
    if (error instanceof BillingCoreError) {
      return {
        ok: false,
        rejection: error.field
          ? { code: error.code, message: error.message, field: error.field }
          : { code: error.code, message: error.message },
      };
    }
    throw error;
  }
}

function accountOf(state: LedgerState, accountId: string, field = 'accountId'): LedgerAccount {
  const account = state.accounts[accountId];
  if (!account) reject('UNKNOWN_ACCOUNT', `Account ${accountId} does not exist`, field);
  return account;
}

function positiveAmount(text: string, currency: CurrencyCode, field = 'amount'): Decimal {
  const { amount } = parseMoney(text, currency, { field });
  if (amount.isZero()) reject('INVALID_AMOUNT', 'The amount must be greater than zero', field);
  return amount;
}

/**
 * The most an account's balance may reach, exclusive: it is stored as numeric(20,4). An amount has
 * at most 14 integer digits, so a hundred of the largest payments fit; a command that would
 * take a balance this far is refused (a refund or a transfer makes room), where the database would
 * refuse its write.
 */
export const MAX_ACCOUNT_BALANCE: Decimal = new Decimal(10).pow(16);

/** Refuses the command when it leaves the account's balance (after settlement) at the limit or above. */
function balanceWithinLimit(summary: LedgerSummary, account: LedgerAccount, field: string): void {
  const balance = summary.balances.get(account.id) ?? ZERO;
  if (balance.lessThan(MAX_ACCOUNT_BALANCE)) return;
  reject(
    'BALANCE_LIMIT',
    `The account's balance would reach ${fmt(balance, account.currency)}; it must stay below ${fmt(MAX_ACCOUNT_BALANCE, account.currency)} (refund or transfer part of it first)`,
    field,
  );
}

function checkDate(date: IsoDate): void {
  parseIsoDate(date, 'date');
}

function freshId(summary: LedgerSummary, id: string): void {
  if (typeof id !== 'string' || id.length === 0) reject('INVALID_ID', 'A document id is required', 'id');
  if (summary.documentIds.has(id)) reject('DUPLICATE_DOCUMENT', `Document ${id} already exists`, 'id');
}

function childAllowed(account: LedgerAccount, context: LedgerContext): void {
  if (account.parentAccountId && !context.allowPaymentsAndAdjustmentsTowardsChildAccount) {
    reject(
      'CHILD_ACCOUNT_NOT_ALLOWED',
      'Payments and adjustments towards a child account are not allowed (Allow Payments and Adjustments towards Child Account is No)',
      'accountId',
    );
  }
}

function openDebitInvoice(
  summary: LedgerSummary,
  invoiceId: string,
  accountId: string,
  field = 'invoiceId',
): InvoiceView {
  const invoice = summary.invoices.get(invoiceId);
  if (invoice?.kind !== 'DEBIT_INVOICE') reject('UNKNOWN_INVOICE', `No debit invoice ${invoiceId}`, field);
  if (invoice.accountId !== accountId)
    reject('WRONG_ACCOUNT', `Invoice ${invoiceId} belongs to another account`, field);
  if (invoice.status === 'CANCELED') reject('INVOICE_CANCELED', `Invoice ${invoiceId} is canceled`, field);
  return invoice;
}

const fmt = (value: Decimal, currency: CurrencyCode) => formatAmount(value, currency);

/**
 * Automatic settlement of one account from `balance`: oldest open invoice first, each in full,
 * stopping at the first one the balance cannot cover. Mutates `summary` to keep it current.
 */
function settle(
  summary: LedgerSummary,
  account: LedgerAccount,
  date: IsoDate,
  idPrefix: string,
): { documents: LedgerDocument[]; entries: LedgerEntry[] } {
  const documents: LedgerDocument[] = [];
  const entries: LedgerEntry[] = [];
  let balance = summary.balances.get(account.id) ?? ZERO;
  for (const invoice of openInvoices(summary, account.id)) {
    if (balance.lessThan(invoice.due)) break;
    const id = `${idPrefix}/settle/${documents.length + 1}`;
    const amount = fmt(invoice.due, account.currency);
    documents.push({
      kind: 'LINK',
      id,
      accountId: account.id,
      date,
      invoiceId: invoice.id,
      sourceId: null,
      amount,
    });
    entries.push({
      documentId: id,
      accountId: account.id,
      amount: fmt(invoice.due.negated(), account.currency),
    });
    balance = balance.minus(invoice.due);
    invoice.covered = invoice.total;
    invoice.due = ZERO;
    invoice.status = 'PAID';
  }
  summary.balances.set(account.id, balance);
  return { documents, entries };
}

/** Settle an account now (e.g. after loading it), creating the links the rule asks for. */
export function settleAccount(
  state: LedgerState,
  input: { id: string; accountId: string; date: IsoDate },
): LedgerResult {
  return run(() => {
    checkDate(input.date);
    const account = accountOf(state, input.accountId);
    return settle(summarize(state), account, input.date, input.id);
  });
}

// ---- commands --------------------------------------------------------------------------------

export interface PaymentCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  amount: string;
  currency: CurrencyCode;
  cashDeskId?: string | null;
  method?: string | null;
  reference?: string | null;
  /** Apply the payment to this invoice first (in part with `amount`, else as much as it covers). */
  linkTo?: { invoiceId: string; amount?: string } | null;
}

function assertCurrency(account: LedgerAccount, currency: CurrencyCode): void {
  currencyDecimals(currency, 'currency');
  if (account.currency !== currency) {
    reject(
      'CURRENCY_MISMATCH',
      `Account ${account.id} is in ${account.currency}, not ${currency}`,
      'currency',
    );
  }
}

function explicitLink(
  summary: LedgerSummary,
  account: LedgerAccount,
  date: IsoDate,
  id: string,
  sourceId: string,
  invoiceId: string,
  requested: string | undefined,
  field: string,
): { documents: LedgerDocument[]; entries: LedgerEntry[] } {
  const invoice = openDebitInvoice(summary, invoiceId, account.id, `${field}.invoiceId`);
  if (invoice.status === 'PAID')
    reject('INVOICE_PAID', `Invoice ${invoiceId} is already paid`, `${field}.invoiceId`);
  const balance = summary.balances.get(account.id) ?? ZERO;
  const remaining = summary.sourceRemaining.get(sourceId) ?? ZERO;
  let amount: Decimal;
  if (requested !== undefined) {
    amount = positiveAmount(requested, account.currency, `${field}.amount`);
    if (amount.greaterThan(invoice.due)) {
      reject(
        'LINK_EXCEEDS_DUE',
        `Only ${fmt(invoice.due, account.currency)} is due on ${invoiceId}`,
        `${field}.amount`,
      );
    }
    if (amount.greaterThan(remaining)) {
      reject(
        'LINK_EXCEEDS_SOURCE',
        `Only ${fmt(remaining, account.currency)} of ${sourceId} is left to link`,
        `${field}.amount`,
      );
    }
    if (amount.greaterThan(balance)) {
      reject(
        'INSUFFICIENT_BALANCE',
        `The balance holds only ${fmt(balance, account.currency)}`,
        `${field}.amount`,
      );
    }
  } else {
    amount = Decimal.min(invoice.due, remaining, balance);
    if (amount.isZero()) reject('INSUFFICIENT_BALANCE', 'Nothing is left to link', field);
  }
  invoice.covered = invoice.covered.plus(amount);
  invoice.due = invoice.due.minus(amount);
  invoice.status = invoice.due.isZero() ? 'PAID' : 'UNPAID';
  summary.balances.set(account.id, balance.minus(amount));
  summary.sourceRemaining.set(sourceId, remaining.minus(amount));
  const text = fmt(amount, account.currency);
  return {
    documents: [{ kind: 'LINK', id, accountId: account.id, date, invoiceId, sourceId, amount: text }],
    entries: [{ documentId: id, accountId: account.id, amount: `-${text}` }],
  };
}

export function recordPayment(
  state: LedgerState,
  command: PaymentCommand,
  context: LedgerContext = {},
): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    assertCurrency(account, command.currency);
    childAllowed(account, context);
    const amount = positiveAmount(command.amount, account.currency);
    const summary = summarize(state);
    freshId(summary, command.id);
    const text = fmt(amount, account.currency);
    const documents: LedgerDocument[] = [
      {
        kind: 'PAYMENT',
        id: command.id,
        accountId: account.id,
        date: command.date,
        amount: text,
        cashDeskId: command.cashDeskId ?? null,
        method: command.method ?? null,
        reference: command.reference ?? null,
      },
    ];
    const entries: LedgerEntry[] = [{ documentId: command.id, accountId: account.id, amount: text }];
    summary.balances.set(account.id, (summary.balances.get(account.id) ?? ZERO).plus(amount));
    summary.sourceRemaining.set(command.id, amount);
    if (command.linkTo) {
      const link = explicitLink(
        summary,
        account,
        command.date,
        `${command.id}/link`,
        command.id,
        command.linkTo.invoiceId,
        command.linkTo.amount,
        'linkTo',
      );
      documents.push(...link.documents);
      entries.push(...link.entries);
    }
    const settled = settle(summary, account, command.date, command.id);
    balanceWithinLimit(summary, account, 'amount');
    return { documents: [...documents, ...settled.documents], entries: [...entries, ...settled.entries] };
  });
}

export interface DebitInvoiceCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  total: string;
  currency: CurrencyCode;
}

/** Issue a debit invoice (numbered elsewhere); the balance settles it at once if it can. */
export function issueDebitInvoice(state: LedgerState, command: DebitInvoiceCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    assertCurrency(account, command.currency);
    const total = positiveAmount(command.total, account.currency, 'total');
    const summary = summarize(state);
    freshId(summary, command.id);
    const doc: LedgerDocument = {
      kind: 'DEBIT_INVOICE',
      id: command.id,
      accountId: account.id,
      date: command.date,
      total: fmt(total, account.currency),
    };
    summary.invoices.set(command.id, {
      id: command.id,
      kind: 'DEBIT_INVOICE',
      accountId: account.id,
      date: command.date,
      total,
      covered: ZERO,
      due: total,
      creditable: total,
      status: 'UNPAID',
    });
    const settled = settle(summary, account, command.date, command.id);
    return { documents: [doc, ...settled.documents], entries: settled.entries };
  });
}

export interface CreditInvoiceCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  total: string;
  currency: CurrencyCode;
  /** The debit invoice it corrects: never more than what remains creditable on it. */
  againstInvoiceId?: string | null;
}

/**
 * Issue a credit invoice: its amount goes to the balance; against a debit invoice it is first
 * applied to what is still due there (a full credit of an unpaid invoice nets it to zero).
 */
export function issueCreditInvoice(
  state: LedgerState,
  command: CreditInvoiceCommand,
  context: LedgerContext = {},
): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    assertCurrency(account, command.currency);
    childAllowed(account, context);
    const total = positiveAmount(command.total, account.currency, 'total');
    const summary = summarize(state);
    freshId(summary, command.id);
    const text = fmt(total, account.currency);
    const documents: LedgerDocument[] = [
      {
        kind: 'CREDIT_INVOICE',
        id: command.id,
        accountId: account.id,
        date: command.date,
        total: text,
        againstInvoiceId: command.againstInvoiceId ?? null,
      },
    ];
    const entries: LedgerEntry[] = [{ documentId: command.id, accountId: account.id, amount: text }];
    summary.balances.set(account.id, (summary.balances.get(account.id) ?? ZERO).plus(total));
    summary.sourceRemaining.set(command.id, total);
    if (command.againstInvoiceId) {
      const invoice = openDebitInvoice(summary, command.againstInvoiceId, account.id, 'againstInvoiceId');
      if (total.greaterThan(invoice.creditable)) {
        reject(
          'CREDIT_EXCEEDS_CREDITABLE',
          `Only ${fmt(invoice.creditable, account.currency)} of ${invoice.id} remains creditable`,
          'total',
        );
      }
      invoice.creditable = invoice.creditable.minus(total);
      if (invoice.due.greaterThan(0)) {
        const amount = Decimal.min(invoice.due, total);
        const link = explicitLink(
          summary,
          account,
          command.date,
          `${command.id}/link`,
          command.id,
          invoice.id,
          fmt(amount, account.currency),
          'againstInvoiceId',
        );
        documents.push(...link.documents);
        entries.push(...link.entries);
      }
    }
    const settled = settle(summary, account, command.date, command.id);
    balanceWithinLimit(summary, account, 'total');
    return { documents: [...documents, ...settled.documents], entries: [...entries, ...settled.entries] };
  });
}

export interface LinkCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  /** The payment or credit invoice whose money is applied. */
  sourceId: string;
  invoiceId: string;
  /** In part; omitted: as much as the source, the balance and the amount due allow. */
  amount?: string;
}

export function linkToInvoice(state: LedgerState, command: LinkCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    const summary = summarize(state);
    freshId(summary, command.id);
    const source = state.documents.find((d) => d.id === command.sourceId);
    if (!source || (source.kind !== 'PAYMENT' && source.kind !== 'CREDIT_INVOICE')) {
      reject('UNKNOWN_SOURCE', `No payment or credit invoice ${command.sourceId}`, 'sourceId');
    }
    if (source.accountId !== account.id)
      reject('WRONG_ACCOUNT', `${command.sourceId} belongs to another account`, 'sourceId');
    const link = explicitLink(
      summary,
      account,
      command.date,
      command.id,
      command.sourceId,
      command.invoiceId,
      command.amount,
      'link',
    );
    // A partial link may leave money that now covers an older invoice.
    const settled = settle(summary, account, command.date, command.id);
    return {
      documents: [...link.documents, ...settled.documents],
      entries: [...link.entries, ...settled.entries],
    };
  });
}

export interface CancelCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  invoiceId: string;
}

/**
 * Cancel a debit invoice that is not paid: it leaves the balance and the amount due, and whatever
 * was applied to it returns to the balance (then settles other invoices). A paid invoice is
 * corrected by a credit invoice instead.
 */
export function cancelInvoice(state: LedgerState, command: CancelCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    const summary = summarize(state);
    freshId(summary, command.id);
    const existing = summary.invoices.get(command.invoiceId);
    if (existing?.kind === 'CREDIT_INVOICE') {
      reject('NOT_CANCELABLE', 'A credit invoice is corrected by a new document, not canceled', 'invoiceId');
    }
    const invoice = openDebitInvoice(summary, command.invoiceId, account.id);
    if (invoice.status === 'PAID') {
      reject('INVOICE_PAID', 'A paid invoice is corrected by a credit invoice, not canceled', 'invoiceId');
    }
    // Canceled, its credit would come back to the balance as money the client never paid.
    if (invoice.creditable.lessThan(invoice.total)) {
      reject(
        'INVOICE_CREDITED',
        `Invoice ${invoice.id} has credit invoices against it: correct the rest with another credit invoice, not by canceling`,
        'invoiceId',
      );
    }
    const returned = invoice.covered;
    const documents: LedgerDocument[] = [
      {
        kind: 'CANCELLATION',
        id: command.id,
        accountId: account.id,
        date: command.date,
        invoiceId: invoice.id,
      },
    ];
    const entries: LedgerEntry[] = returned.isZero()
      ? []
      : [{ documentId: command.id, accountId: account.id, amount: fmt(returned, account.currency) }];
    summary.balances.set(account.id, (summary.balances.get(account.id) ?? ZERO).plus(returned));
    invoice.status = 'CANCELED';
    invoice.due = ZERO;
    const settled = settle(summary, account, command.date, command.id);
    balanceWithinLimit(summary, account, 'invoiceId');
    return { documents: [...documents, ...settled.documents], entries: [...entries, ...settled.entries] };
  });
}

export interface RefundCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  amount: string;
  currency: CurrencyCode;
  /** The cash desk that pays the money out. */
  cashDeskId?: string | null;
}

export function refund(state: LedgerState, command: RefundCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    assertCurrency(account, command.currency);
    const amount = positiveAmount(command.amount, account.currency);
    const summary = summarize(state);
    freshId(summary, command.id);
    const balance = summary.balances.get(account.id) ?? ZERO;
    if (amount.greaterThan(balance)) {
      reject('INSUFFICIENT_BALANCE', `The balance holds only ${fmt(balance, account.currency)}`, 'amount');
    }
    const text = fmt(amount, account.currency);
    return {
      documents: [
        {
          kind: 'REFUND',
          id: command.id,
          accountId: account.id,
          date: command.date,
          amount: text,
          cashDeskId: command.cashDeskId ?? null,
        },
      ],
      entries: [{ documentId: command.id, accountId: account.id, amount: `-${text}` }],
    };
  });
}

export interface TransferCommand {
  id: string;
  accountId: string;
  toAccountId: string;
  date: IsoDate;
  amount: string;
  currency: CurrencyCode;
}

/** Move balance to another account in the same currency (same organization: checked by the API). */
export function transfer(state: LedgerState, command: TransferCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const from = accountOf(state, command.accountId);
    const to = accountOf(state, command.toAccountId, 'toAccountId');
    assertCurrency(from, command.currency);
    if (to.currency !== from.currency)
      reject('CURRENCY_MISMATCH', 'Both accounts must use the same currency', 'toAccountId');
    if (to.id === from.id) reject('SAME_ACCOUNT', 'A transfer needs two different accounts', 'toAccountId');
    const amount = positiveAmount(command.amount, from.currency);
    const summary = summarize(state);
    freshId(summary, command.id);
    const balance = summary.balances.get(from.id) ?? ZERO;
    if (amount.greaterThan(balance)) {
      reject('INSUFFICIENT_BALANCE', `The balance holds only ${fmt(balance, from.currency)}`, 'amount');
    }
    const text = fmt(amount, from.currency);
    summary.balances.set(from.id, balance.minus(amount));
    summary.balances.set(to.id, (summary.balances.get(to.id) ?? ZERO).plus(amount));
    const settled = settle(summary, to, command.date, command.id);
    balanceWithinLimit(summary, to, 'amount');
    return {
      documents: [
        {
          kind: 'TRANSFER',
          id: command.id,
          accountId: from.id,
          toAccountId: to.id,
          date: command.date,
          amount: text,
        },
        ...settled.documents,
      ],
      entries: [
        { documentId: command.id, accountId: from.id, amount: `-${text}` },
        { documentId: command.id, accountId: to.id, amount: text },
        ...settled.entries,
      ],
    };
  });
}

export interface WriteOffCommand {
  id: string;
  accountId: string;
  date: IsoDate;
  amount: string;
  currency: CurrencyCode;
  reason: string;
  /** Apply the written-off amount to this invoice (closing it when it covers what is due). */
  invoiceId?: string | null;
}

export function writeOff(state: LedgerState, command: WriteOffCommand): LedgerResult {
  return run(() => {
    checkDate(command.date);
    const account = accountOf(state, command.accountId);
    assertCurrency(account, command.currency);
    const amount = positiveAmount(command.amount, account.currency);
    if (typeof command.reason !== 'string' || command.reason.trim() === '') {
      reject('REASON_REQUIRED', 'A write-off needs a reason', 'reason');
    }
    const summary = summarize(state);
    freshId(summary, command.id);
    const balance = summary.balances.get(account.id) ?? ZERO;
    if (amount.greaterThan(balance)) {
      reject('INSUFFICIENT_BALANCE', `The balance holds only ${fmt(balance, account.currency)}`, 'amount');
    }
    if (command.invoiceId) {
      const invoice = openDebitInvoice(summary, command.invoiceId, account.id);
      if (amount.greaterThan(invoice.due)) {
        reject(
          'LINK_EXCEEDS_DUE',
          `Only ${fmt(invoice.due, account.currency)} is due on ${invoice.id}`,
          'amount',
        );
      }
    }
    const text = fmt(amount, account.currency);
    return {
      documents: [
        {
          kind: 'WRITE_OFF',
          id: command.id,
          accountId: account.id,
          date: command.date,
          amount: text,
          reason: command.reason,
          invoiceId: command.invoiceId ?? null,
        },
      ],
      entries: [{ documentId: command.id, accountId: account.id, amount: `-${text}` }],
    };
  });
}

/** Append a command's result to the state (what the API does in its transaction). */
export function applyResult(state: LedgerState, result: LedgerResult): LedgerState {
  if (!result.ok) return state;
  return {
    accounts: state.accounts,
    documents: [...state.documents, ...result.documents],
    entries: [...state.entries, ...result.entries],
  };
}

// ---- invariants ------------------------------------------------------------------------------

/**
 * Every rule the ledger must keep; returns the violations (empty when sound). `storedBalances`, if
 * given, are the balances the database keeps beside the entries.
 */
export function checkLedger(state: LedgerState, storedBalances?: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const summary = summarize(state);
  const inflow = new Map<string, Decimal>(); // per currency
  const held = new Map<string, Decimal>();
  const currencyOf = (accountId: string) => state.accounts[accountId]?.currency ?? '?';
  const ids = new Set<string>();
  for (const doc of state.documents) {
    if (ids.has(doc.id)) problems.push(`document ${doc.id} appears twice`);
    ids.add(doc.id);
    if (!state.accounts[doc.accountId])
      problems.push(`document ${doc.id} names unknown account ${doc.accountId}`);
    const c = currencyOf(doc.accountId);
    const amountText = 'amount' in doc ? doc.amount : 'total' in doc ? doc.total : null;
    if (amountText !== null) {
      const value = new Decimal(amountText);
      if (!value.greaterThan(0)) problems.push(`document ${doc.id} has a non-positive amount`);
      if (c !== '?' && value.decimalPlaces() > currencyDecimals(c))
        problems.push(`document ${doc.id} has too many decimals`);
    }
    if (doc.kind === 'PAYMENT') add(inflow, c, new Decimal(doc.amount));
    if (doc.kind === 'CREDIT_INVOICE') add(inflow, c, new Decimal(doc.total));
    if (doc.kind === 'REFUND') add(held, c, new Decimal(doc.amount));
    if (doc.kind === 'WRITE_OFF' && !doc.invoiceId) add(held, c, new Decimal(doc.amount));
  }
  for (const [accountId, balance] of summary.balances) {
    if (balance.isNegative())
      problems.push(`account ${accountId} has a negative balance ${balance.toFixed()}`);
    add(held, currencyOf(accountId), balance);
    const stored = storedBalances?.[accountId];
    if (stored !== undefined && !balance.equals(stored)) {
      problems.push(`account ${accountId}: stored balance ${stored} ≠ sum of entries ${balance.toFixed()}`);
    }
  }
  for (const invoice of summary.invoices.values()) {
    if (invoice.kind !== 'DEBIT_INVOICE') {
      if (invoice.covered.greaterThan(invoice.total))
        problems.push(`credit ${invoice.id} is linked beyond its total`);
      continue;
    }
    if (invoice.covered.greaterThan(invoice.total))
      problems.push(`invoice ${invoice.id} is covered beyond its total`);
    if (invoice.creditable.isNegative()) problems.push(`invoice ${invoice.id} is credited beyond its total`);
    if (invoice.status === 'PAID' && !invoice.covered.equals(invoice.total))
      problems.push(`invoice ${invoice.id} PAID but not covered`);
    if (invoice.status !== 'CANCELED') add(held, currencyOf(invoice.accountId), invoice.covered);
  }
  for (const [source, remaining] of summary.sourceRemaining) {
    if (remaining.isNegative()) problems.push(`${source} is linked beyond its amount`);
  }
  for (const currency of new Set([...inflow.keys(), ...held.keys()])) {
    const a = inflow.get(currency) ?? ZERO;
    const b = held.get(currency) ?? ZERO;
    if (!a.equals(b))
      problems.push(`${currency}: money in ${a.toFixed()} ≠ money accounted for ${b.toFixed()}`);
  }
  return problems;
}

// ---- statements and reports ------------------------------------------------------------------

export interface Position {
  /** Money held (the balance). */
  balance: Decimal;
  /** What is due on open debit invoices. */
  due: Decimal;
  /** balance − due: positive in the client's favour. */
  net: Decimal;
}

export interface StatementRow {
  documentId: string;
  kind: LedgerDocumentKind;
  /** When it took effect: its own date, or its invoice's when that is later. */
  date: IsoDate;
  balanceChange: Decimal;
  dueChange: Decimal;
}

export interface Statement {
  accountId: string;
  from: IsoDate;
  to: IsoDate;
  opening: Position;
  rows: StatementRow[];
  closing: Position;
}

/**
 * Statement of account for a period (both ends count): the opening position, every document of the
 * period with its effect on the balance and on what is due, and the closing position. One pass in
 * date order (documents of one day in the order they were recorded); the closing figures equal the
 * opening plus the rows, and equal the position computed from scratch (`summarize`).
 */
export function statementOfAccount(
  state: LedgerState,
  accountId: string,
  from: IsoDate,
  to: IsoDate,
): Statement {
  parseIsoDate(from, 'from');
  parseIsoDate(to, 'to');
  if (from > to) throw new BillingCoreError('INVALID_RANGE', 'from is after to', 'from');
  const balanceEffect = new Map<string, Decimal>();
  for (const entry of state.entries) {
    if (entry.accountId === accountId) add(balanceEffect, entry.documentId, new Decimal(entry.amount));
  }
  // A link, write-off or cancellation dated before its invoice (a payment dated earlier settles
  // it) takes effect on the invoice's date: only then is anything due to close.
  const invoiceDates = new Map<string, IsoDate>();
  for (const doc of state.documents) if (doc.kind === 'DEBIT_INVOICE') invoiceDates.set(doc.id, doc.date);
  const effectiveDate = (doc: LedgerDocument): IsoDate => {
    const invoiceId =
      doc.kind === 'LINK' || doc.kind === 'WRITE_OFF' || doc.kind === 'CANCELLATION' ? doc.invoiceId : null;
    const invoiceDate = invoiceId ? invoiceDates.get(invoiceId) : undefined;
    return invoiceDate && invoiceDate > doc.date ? invoiceDate : doc.date;
  };
  const documents = state.documents
    .map((doc, index) => ({ doc, index, date: effectiveDate(doc) }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index));
  const totals = new Map<string, Decimal>();
  const covered = new Map<string, Decimal>();
  const canceled = new Set<string>();
  let balance = ZERO;
  let due = ZERO;
  let opening: Position | null = null;
  const rows: StatementRow[] = [];
  for (const { doc, date } of documents) {
    if (date > to) break;
    if (date >= from && opening === null) opening = { balance, due, net: balance.minus(due) };
    const balanceChange = balanceEffect.get(doc.id) ?? ZERO;
    let dueChange = ZERO;
    if (doc.kind === 'DEBIT_INVOICE' && doc.accountId === accountId) {
      totals.set(doc.id, new Decimal(doc.total));
      covered.set(doc.id, ZERO);
      dueChange = new Decimal(doc.total);
    } else if (
      (doc.kind === 'LINK' || doc.kind === 'WRITE_OFF') &&
      doc.invoiceId &&
      totals.has(doc.invoiceId)
    ) {
      covered.set(doc.invoiceId, covered.get(doc.invoiceId)!.plus(doc.amount));
      if (!canceled.has(doc.invoiceId)) dueChange = new Decimal(doc.amount).negated();
    } else if (doc.kind === 'CANCELLATION' && totals.has(doc.invoiceId) && !canceled.has(doc.invoiceId)) {
      canceled.add(doc.invoiceId);
      dueChange = covered.get(doc.invoiceId)!.minus(totals.get(doc.invoiceId)!);
    }
    balance = balance.plus(balanceChange);
    due = due.plus(dueChange);
    const concerns =
      doc.accountId === accountId ||
      (doc.kind === 'TRANSFER' && doc.toAccountId === accountId) ||
      !balanceChange.isZero();
    if (date >= from && concerns) {
      rows.push({ documentId: doc.id, kind: doc.kind, date, balanceChange, dueChange });
    }
  }
  const closing = { balance, due, net: balance.minus(due) };
  return { accountId, from, to, opening: opening ?? closing, rows, closing };
}

export interface CashDeskDay {
  cashDeskId: string;
  date: IsoDate;
  currency: CurrencyCode;
  received: Decimal;
  paidOut: Decimal;
  documents: number;
}

/** What each cash desk received (payments) and paid out (refunds) per day and currency. */
export function cashDeskReport(state: LedgerState): CashDeskDay[] {
  const days = new Map<string, CashDeskDay>();
  for (const doc of state.documents) {
    if ((doc.kind !== 'PAYMENT' && doc.kind !== 'REFUND') || !doc.cashDeskId) continue;
    const currency = state.accounts[doc.accountId]?.currency ?? '?';
    const key = JSON.stringify([doc.cashDeskId, doc.date, currency]);
    let day = days.get(key);
    if (!day) {
      day = {
        cashDeskId: doc.cashDeskId,
        date: doc.date,
        currency,
        received: ZERO,
        paidOut: ZERO,
        documents: 0,
      };
      days.set(key, day);
    }
    if (doc.kind === 'PAYMENT') day.received = day.received.plus(doc.amount);
    else day.paidOut = day.paidOut.plus(doc.amount);
    day.documents += 1;
  }
  return [...days.values()].sort((a, b) =>
    a.cashDeskId < b.cashDeskId
      ? -1
      : a.cashDeskId > b.cashDeskId
        ? 1
        : a.date < b.date
          ? -1
          : a.date > b.date
            ? 1
            : a.currency < b.currency
              ? -1
              : 1,
  );
}
