/**
 * The one shape of every money-moving request: lock the accounts, load their plain state, ask the
 * pure rule, write what it decided and the audit record, all in the request's tenant transaction
 * (which also stores the Idempotency-Key's response, so a crash or a retry can never apply twice).
 */
import {
  Decimal,
  formatAmount,
  isKnownCurrency,
  isValidIsoDate,
  type LedgerContext,
  type LedgerDocument,
  type LedgerResult,
  type LedgerState,
  settleAccount,
} from '@cascade/billing-core';
import { billingProfileOptions, type StatementPart, type Transaction } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditInsert } from '../../platform/audit';
import { ApiError, domainRefusal } from '../../platform/errors';
import { deferredWrites, writeTogether } from '../../platform/idempotency';
import type { Session } from '../../platform/tenancy';
import {
  type AccountRow,
  assertMayMoveMoney,
  type CashDeskRow,
  type InvoiceRow,
  loadState,
  lockAccounts,
  lockAccountsWithCashDesk,
  lockFoundAccounts,
  readInvoices,
  resultWrites,
  type SourceKind,
  settleFirstPages,
  settlePage,
} from './store';

/** Test hooks (the crash test pauses a settlement half-written); never set in production. */
export const ledgerTestHooks: { afterFirstWrite?: () => Promise<void> } = {};

// ---- edge validation -------------------------------------------------------------------------

/** A positive decimal string; the currency's decimals are checked once the account is known. */
export const amountInput = z
  .string()
  .max(40)
  .regex(/^(0|[1-9][0-9]{0,15})(\.[0-9]+)?$/, {
    error: 'Must be a positive decimal string such as "125.50" (no sign, exponent or spaces)',
  });
export const currencyInput = z
  .string()
  .refine((v) => isKnownCurrency(v), { error: 'Must be an ISO 4217 currency code such as "EUR"' });
export const dateInput = z
  .string()
  .refine((v) => isValidIsoDate(v), { error: 'Must be a date as YYYY-MM-DD' })
  .describe('YYYY-MM-DD; default today (UTC).');
export const idInput = z.string().min(1).max(200);

export const today = (): string => new Date().toISOString().slice(0, 10);

// ---- responses -------------------------------------------------------------------------------

export const linkSchema = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    sourceId: z.string().nullable().describe('The payment or credit invoice; null: automatic settlement.'),
    amount: z.string(),
  })
  .meta({ id: 'Link' });

export const ledgerOutcomeSchema = z
  .object({
    id: z.string().describe('The document this request created.'),
    kind: z.string(),
    accountId: z.string(),
    currency: z.string(),
    date: z.string(),
    amount: z.string().nullable(),
    links: z.array(linkSchema).describe('Money applied to debit invoices by this request, in order.'),
    balances: z.record(z.string(), z.string()).describe('The balance of each account concerned, after.'),
  })
  .meta({ id: 'LedgerOutcome' });
export type LedgerOutcome = z.infer<typeof ledgerOutcomeSchema>;

// ---- the shell -------------------------------------------------------------------------------

/** Per account, the money settlement may have to place; `accountIds`: the accounts it settles. */
export type Settle = ((accounts: ReadonlyMap<string, AccountRow>) => Map<string, Decimal>) & {
  accountIds?: readonly string[];
};

export interface CommandSpec {
  session: Session;
  requestId: string;
  /** Accounts to lock; the first is the one the command is about. */
  accountIds: string[];
  accountField?: string;
  /**
   * The request's name for a field the rule names otherwise, for its refusals: a credit note's
   * `total` is the `amount` (or the `items`) it was asked for; a path's `:id` is the `invoiceId`.
   */
  fields?: Readonly<Record<string, string>>;
  /** Invoices the command names: read once the accounts are locked (so never stale). */
  invoices?: { ids: string[]; field: string };
  sourceId?: string;
  /** Money settlement may have to place, per account, given the locked rows. */
  settle?: Settle;
  /** A cash desk the command names: read by the account lock's statement, handed to `check`. */
  cashDeskId?: string;
  /** Checks beyond the rule's (same organization, cash desk, …), with the accounts locked. */
  check?: (
    accounts: ReadonlyMap<string, AccountRow>,
    cashDesk: CashDeskRow | undefined,
  ) => Promise<void> | void;
  /** Reads that must see the locked state (what a credit note's lines may still credit). */
  prepare?: (invoices: ReadonlyMap<string, InvoiceRow>) => Promise<void>;
  rule: (
    state: LedgerState,
    context: LedgerContext,
    accounts: ReadonlyMap<string, AccountRow>,
  ) => LedgerResult;
  /** Writes rows the generic writer does not (a credit invoice with its items), before the rest. */
  beforeWrite?: (
    tx: Transaction,
    result: Extract<LedgerResult, { ok: true }>,
    accounts: ReadonlyMap<string, AccountRow>,
  ) => Promise<void>;
  audit: { action: string; entityType: string };
  /**
   * Hand the writes to the idempotency layer, which sends them with the key's row in one statement
   * before commit. Only when nothing after `runCommand` in the request reads what it wrote.
   */
  deferWrites?: boolean;
}

export async function runCommand(tx: Transaction, spec: CommandSpec): Promise<LedgerOutcome> {
  const tenant = spec.session.tenant;
  const locking = lockAccountsWithCashDesk(
    tx,
    tenant,
    spec.accountIds,
    spec.accountField ?? 'accountId',
    spec.cashDeskId,
  );
  const firstPages = sendFirstPages(tx, spec);
  const { accounts: locked, cashDesk } = await locking;
  const { outcome, writes } = await decideLocked(tx, spec, locked, cashDesk, firstPages);
  const hook = ledgerTestHooks.afterFirstWrite;
  const deferred = spec.deferWrites ? deferredWrites(tx) : undefined;
  if (deferred) {
    deferred.parts.push(...writes);
    if (hook) deferred.after.push(hook);
  } else {
    await writeTogether(tx, writes);
    if (hook) await hook();
  }
  return outcome;
}

/**
 * Commands on disjoint accounts decided together in one transaction (payments sharing one, see
 * `Batchable`): one statement locks every account (in id order, as `lockAccounts`, skipping those
 * another transaction holds: their commands run alone, so that one busy account holds up no
 * other) and reads the cash desks they name, one reads every command's first settlement page
 * behind it, then each is decided as `runCommand` decides it. Answers per command, in order: its
 * outcome and writes (unwritten), its refusal, or that it must run alone. A database error fails
 * the transaction, and with it the batch.
 */
export async function decideCommands(
  tx: Transaction,
  specs: readonly CommandSpec[],
): Promise<
  (
    | { ok: true; outcome: LedgerOutcome; writes: StatementPart[] }
    | { ok: false; error: unknown }
    | { ok: false; alone: true }
  )[]
> {
  const tenant = specs[0]!.session.tenant;
  const accountIds = specs.flatMap((s) => [...new Set(s.accountIds)]);
  // Disjoint accounts: no row is then written by two commands (their writes are merged).
  if (new Set(accountIds).size !== accountIds.length)
    throw new Error('decideCommands: commands decided together must not share an account');
  for (const spec of specs) {
    if (spec.beforeWrite) throw new Error('decideCommands: a command with beforeWrite runs alone');
    const t = spec.session.tenant;
    if (t.distributorId !== tenant.distributorId || t.orgId !== tenant.orgId || t.orgKind !== tenant.orgKind)
      throw new Error('decideCommands: one tenant per batch');
  }
  // Each command's cash desk, read with the account it is about (accounts are disjoint).
  const cashDeskOf = Object.fromEntries(
    specs.flatMap((s) => (s.cashDeskId === undefined ? [] : [[s.accountIds[0]!, s.cashDeskId] as const])),
  );
  const locking = lockFoundAccounts(tx, tenant, accountIds, cashDeskOf);
  // Every command's first settlement page, in one statement behind the lock.
  const settled = specs.map((spec) =>
    spec.settle ? [...new Set(spec.settle.accountIds ?? spec.accountIds)] : [],
  );
  const pages = settleFirstPages(tx, tenant.distributorId, settled.flat());
  pages.catch(() => {}); // unused when the lock fails (the transaction reports that error)
  const firstPages = settled.map(
    (ids) =>
      new Map(
        ids.map((id) => {
          const page = pages.then((all) => all.get(id) ?? []);
          page.catch(() => {}); // as `pages`
          return [id, page] as const;
        }),
      ),
  );
  const { accounts: found, cashDesks } = await locking;
  return Promise.all(
    specs.map(async (spec, i) => {
      const locked = new Map<string, AccountRow>();
      for (const id of [...new Set(spec.accountIds)].sort()) {
        const account = found.get(id);
        // Held by another transaction (skipped) or not the tenant's: alone, it waits or says 404.
        if (!account) return { ok: false as const, alone: true as const };
        locked.set(id, account);
      }
      const cashDesk = spec.cashDeskId === undefined ? undefined : cashDesks.get(spec.accountIds[0]!);
      try {
        return { ok: true as const, ...(await decideLocked(tx, spec, locked, cashDesk, firstPages[i]!)) };
      } catch (error) {
        // A refusal is this command's answer; a database error fails the batch (all run alone).
        if (error instanceof ApiError) return { ok: false as const, error };
        throw error;
      }
    }),
  );
}

/**
 * Settlement's first page travels with the lock, in one round trip: the connection sends it after
 * the lock statement, so the server runs it, with its own snapshot, once the lock is held.
 */
function sendFirstPages(tx: Transaction, spec: CommandSpec): Map<string, Promise<InvoiceRow[]>> {
  const firstPages = new Map<string, Promise<InvoiceRow[]>>();
  if (spec.settle) {
    for (const id of new Set(spec.settle.accountIds ?? spec.accountIds)) {
      const page = settlePage(tx, spec.session.tenant.distributorId, id);
      page.catch(() => {}); // unused when the lock fails (the transaction reports that error)
      firstPages.set(id, page);
    }
  }
  return firstPages;
}

/** A command once its accounts are locked: checks, state, rule, and what to write. */
async function decideLocked(
  tx: Transaction,
  spec: CommandSpec,
  locked: ReadonlyMap<string, AccountRow>,
  cashDesk: CashDeskRow | undefined,
  firstPages: ReadonlyMap<string, Promise<InvoiceRow[]>>,
): Promise<{ outcome: LedgerOutcome; writes: StatementPart[] }> {
  const tenant = spec.session.tenant;
  const main = locked.get(spec.accountIds[0]!)!;
  for (const a of locked.values()) assertMayMoveMoney(tenant, a);
  await spec.check?.(locked, cashDesk);
  const named = spec.invoices
    ? await readInvoices(tx, tenant, spec.invoices.ids, spec.invoices.field)
    : new Map<string, InvoiceRow>();
  await spec.prepare?.(named);
  const context: LedgerContext = {};
  if ([...locked.values()].some((a) => a.parentAccountId !== null)) {
    const [options] = await tx
      .select({ allow: billingProfileOptions.allowPaymentsAndAdjustmentsTowardsChildAccount })
      .from(billingProfileOptions)
      .where(eq(billingProfileOptions.distributorId, tenant.distributorId))
      .limit(1);
    context.allowPaymentsAndAdjustmentsTowardsChildAccount = options?.allow ?? false;
  }
  const { state, sourceKinds } = await loadState(tx, locked, {
    settle: spec.settle?.(locked),
    invoices: [...named.values()],
    sourceId: spec.sourceId,
    firstPages,
  });
  const result = spec.rule(state, context, locked);
  if (!result.ok) throw domainRefusal(result.rejection, spec.fields);
  await spec.beforeWrite?.(tx, result, locked);
  const outcome = describe(result.documents, result.entries, locked, main);
  const writes = [
    ...resultWrites({
      tx,
      accounts: locked,
      result,
      sourceKinds: sourceKinds as ReadonlyMap<string, SourceKind>,
      createdBy: spec.session.userId,
    }),
    auditInsert(tx, {
      actor: spec.session,
      action: spec.audit.action,
      entityType: spec.audit.entityType,
      entityId: outcome.id,
      new: outcome,
      requestId: spec.requestId,
      owner: { distributorId: main.distributorId, resellerId: main.resellerId, orgId: main.orgId },
    }),
  ];
  return { outcome, writes };
}

/**
 * Settles accounts now: for writers of debit invoices outside this module (billing runs) to call in
 * their own transaction after issuing, so that money already on the balance closes the new invoices
 * at once (oldest first), as billing-core's `issueDebitInvoice` does. Returns the links created.
 */
export async function settleAccounts(
  tx: Transaction,
  session: Session,
  accountIds: readonly string[],
  date: string,
  requestId = 'settle',
): Promise<LedgerDocument[]> {
  const created: LedgerDocument[] = [];
  for (const accountId of [...new Set(accountIds)].sort()) {
    const locked = await lockAccounts(tx, session.tenant, [accountId]);
    const account = locked.get(accountId)!;
    if (new Decimal(account.balance).isZero()) continue;
    const { state } = await loadState(tx, locked, {
      settle: new Map([[accountId, new Decimal(account.balance)]]),
    });
    const result = settleAccount(state, { id: `settle-${crypto.randomUUID()}`, accountId, date });
    if (!result.ok) throw domainRefusal(result.rejection);
    if (result.documents.length === 0) continue;
    await writeTogether(tx, [
      ...resultWrites({ tx, accounts: locked, result, sourceKinds: new Map(), createdBy: session.userId }),
      auditInsert(tx, {
        actor: session,
        action: 'account.settle',
        entityType: 'account',
        entityId: accountId,
        new: { links: result.documents },
        requestId,
        owner: { distributorId: account.distributorId, resellerId: account.resellerId, orgId: account.orgId },
      }),
    ]);
    created.push(...result.documents);
  }
  return created;
}

function describe(
  documents: LedgerDocument[],
  entries: { accountId: string; amount: string }[],
  locked: ReadonlyMap<string, AccountRow>,
  main: AccountRow,
): LedgerOutcome {
  const primary = documents[0]!;
  const balances: Record<string, Decimal> = {};
  for (const a of locked.values()) balances[a.id] = new Decimal(a.balance);
  for (const e of entries) balances[e.accountId] = (balances[e.accountId] ?? new Decimal(0)).plus(e.amount);
  const amount = 'amount' in primary ? primary.amount : 'total' in primary ? primary.total : null;
  return {
    id: primary.id,
    kind: primary.kind,
    accountId: primary.accountId,
    currency: main.currency,
    date: primary.date,
    amount,
    links: documents.flatMap((d) =>
      d.kind === 'LINK' ? [{ id: d.id, invoiceId: d.invoiceId, sourceId: d.sourceId, amount: d.amount }] : [],
    ),
    balances: Object.fromEntries(
      Object.entries(balances).map(([id, v]) => [
        id,
        formatAmount(v, locked.get(id)?.currency ?? main.currency),
      ]),
    ),
  };
}

/** Balance plus what the command brings: the most settlement could place. */
export function withIncoming(accountId: string, amount: string | undefined): Settle {
  const settle = (accounts: ReadonlyMap<string, AccountRow>) => {
    const a = accounts.get(accountId);
    const incoming = amount && /^[0-9.]+$/.test(amount) ? new Decimal(amount) : new Decimal(0);
    return new Map([[accountId, new Decimal(a?.balance ?? 0).plus(incoming)]]);
  };
  return Object.assign(settle, { accountIds: [accountId] });
}
