/**
 * A billing run: the engine over the database. Its state lives in `billing_runs` (status,
 * done/total, error), so any process can read it, and a run that died is resumed by starting it
 * again for the same date.
 *
 * Each batch (whole clients, see `planBatches`) is one transaction: load set-based, ask
 * billing-core's `generateInvoices` what is due given what is already billed, write invoices,
 * items and taxes with numbers from the issuer's counter, and add to the run's progress. The
 * engine emits only the difference, so a batch done twice issues nothing the second time: a
 * restarted run rescans from the start and leaves no duplicate, and since numbers are taken in
 * the batch's own transaction, a failed batch gives its numbers back (no gap).
 */
import {
  BillingCoreError,
  type BillingOptions,
  Decimal,
  type DecimalValue,
  type GeneratedInvoice,
  generateInvoices,
  MAX_DOCUMENT_TOTAL,
  MAX_UNIT_FIGURE,
  type TaxProvider,
} from '@cascade/billing-core';
import {
  billingRuns,
  type Database,
  queryRows,
  type Tenant,
  type Transaction,
  withSystem,
  withTenant,
} from '@cascade/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { writeAudit } from '../../platform/audit';
import type { Session } from '../../platform/tenancy';
import { settleAccounts } from '../ledger';
import { loadBillingOptions } from '../profile-options';
import { applyVacations } from '../subscription-changes/run-effects';
import { quoteBatchTaxes } from './external-tax';
import { type Batch, type BatchInput, type Catalog, loadBatch, loadCatalog, planBatches } from './load';
import { type NumberingRule, type ToWrite, writeInvoices } from './write';

export type BillingRunRow = typeof billingRuns.$inferSelect;

export interface RunHooks {
  /** Subscriptions per batch (default 2000). */
  batchSize?: number;
  /**
   * Batches in flight at once (default 2): one is loaded and rated while another writes. They
   * are whole clients, so they share only the issuers' number counters, taken in commit order.
   */
  concurrency?: number;
  /** Called after each committed batch (tests simulate a crash by throwing). */
  afterBatch?: (index: number) => void | Promise<void>;
  /** The external tax service (External Tax Integration Required); null: none configured. */
  taxProvider?: TaxProvider | null;
}

const DEFAULT_BATCH = 2000;
const DEFAULT_CONCURRENCY = 2;

/** Where a run's time goes, summed over its batches (milliseconds), for the benchmark. */
export const runProfile = { load: 0, rate: 0, write: 0, settle: 0, batches: 0 };

/** Runs active in this process (a run's promise, so tests and shutdown can wait for it). */
const active = new Map<string, Promise<void>>();

export function isActive(runId: string): boolean {
  return active.has(runId);
}

/** Resolves when the run, if active in this process, has stopped. */
export async function billingRunSettled(runId: string): Promise<void> {
  await active.get(runId);
}

/**
 * The run for `invoiceDate`: an unfinished one (queued, failed, or running in a process that
 * died) is resumed under its own id; otherwise a new one is queued. Inside the caller's transaction.
 */
export async function createOrResumeRun(
  tx: Transaction,
  tenant: Tenant,
  invoiceDate: string,
  userId: string,
  requestId?: string,
): Promise<{ run: BillingRunRow; resumed: boolean }> {
  const d = tenant.distributorId;
  const unfinished = await tx
    .select()
    .from(billingRuns)
    .where(
      and(
        eq(billingRuns.distributorId, d),
        eq(billingRuns.orgId, tenant.orgId),
        eq(billingRuns.runDate, invoiceDate),
        inArray(billingRuns.status, ['QUEUED', 'RUNNING', 'FAILED']),
      ),
    )
    .orderBy(sql`${billingRuns.createdAt} desc`)
    .limit(1)
    .for('update');
  const owner = { distributorId: d, resellerId: null, orgId: tenant.orgId };
  const actor = { userId, tenant };
  const existing = unfinished[0];
  if (existing && isActive(existing.id)) return { run: existing, resumed: false };
  if (existing) {
    const [run] = await tx
      .update(billingRuns)
      .set({ status: 'QUEUED', error: null, finishedAt: null })
      .where(and(eq(billingRuns.distributorId, d), eq(billingRuns.id, existing.id)))
      .returning();
    await writeAudit(tx, {
      actor,
      owner,
      action: 'billing-run.resume',
      entityType: 'billing-run',
      entityId: existing.id,
      old: { status: existing.status, progressDone: existing.progressDone, error: existing.error },
      new: { status: 'QUEUED' },
      requestId,
    });
    return { run: run ?? existing, resumed: true };
  }
  const [run] = await tx
    .insert(billingRuns)
    .values({
      ...owner,
      id: crypto.randomUUID(),
      runDate: invoiceDate,
      status: 'QUEUED',
      requestedBy: userId,
    })
    .returning();
  if (!run) throw new Error('billing run not created');
  await writeAudit(tx, {
    actor,
    owner,
    action: 'billing-run.start',
    entityType: 'billing-run',
    entityId: run.id,
    new: { runDate: invoiceDate, status: 'QUEUED' },
    requestId,
  });
  return { run, resumed: false };
}

/**
 * Processes a queued run in the background of this process. The run row may belong to a
 * transaction that has not committed yet (the request's): the claim waits for it to appear.
 */
export function launchBillingRun(db: Database, tenant: Tenant, runId: string, hooks: RunHooks = {}): void {
  if (active.has(runId)) return;
  const job = (async () => {
    for (let attempt = 0; attempt < 400; attempt++) {
      const claimed = await runBillingRun(db, tenant, runId, hooks).catch(() => true);
      if (claimed) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  active.set(runId, job);
  void job.finally(() => active.delete(runId));
}

/**
 * For a process starting up: runs left QUEUED or RUNNING by a process that died are queued again
 * and processed here (they rescan from the start, so nothing is issued twice). Returns their ids.
 */
export async function resumeInterruptedBillingRuns(db: Database, hooks: RunHooks = {}): Promise<string[]> {
  const stale = await withSystem(db, (tx) =>
    tx
      .select({ id: billingRuns.id, distributorId: billingRuns.distributorId, orgId: billingRuns.orgId })
      .from(billingRuns)
      .where(inArray(billingRuns.status, ['QUEUED', 'RUNNING'])),
  );
  const resumed: string[] = [];
  for (const run of stale) {
    if (isActive(run.id)) continue;
    const tenant: Tenant = { orgId: run.orgId, distributorId: run.distributorId, orgKind: 'DISTRIBUTOR' };
    await withTenant(db, tenant, (tx) =>
      tx
        .update(billingRuns)
        .set({ status: 'QUEUED' })
        .where(and(eq(billingRuns.distributorId, run.distributorId), eq(billingRuns.id, run.id))),
    );
    launchBillingRun(db, tenant, run.id, hooks);
    resumed.push(run.id);
  }
  return resumed;
}

async function claim(db: Database, tenant: Tenant, runId: string): Promise<BillingRunRow | undefined> {
  return withTenant(db, tenant, async (tx) => {
    const [run] = await tx
      .update(billingRuns)
      .set({
        status: 'RUNNING',
        startedAt: sql`coalesce(${billingRuns.startedAt}, now())`,
        progressDone: 0,
        progressTotal: 0,
        error: null,
      })
      .where(
        and(
          eq(billingRuns.distributorId, tenant.distributorId),
          eq(billingRuns.id, runId),
          eq(billingRuns.status, 'QUEUED'),
        ),
      )
      .returning();
    return run;
  });
}

/**
 * The batch's lookups are all by index from a few thousand keys. Statistics of tables that grew
 * since their last ANALYZE (the run's own invoices) can make a sequential scan look cheap inside a
 * per-key loop; for this transaction only, tell the planner not to.
 */
export async function preferIndexes(tx: Transaction): Promise<void> {
  await tx.execute(sql`set local enable_seqscan = off`);
}

/** A unique violation (another run issued it first) or a deadlock: the batch is worth retrying. */
const isRetryable = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505' || e.code === '40P01') return true;
  }
  return false;
};

/**
 * Engine output for one batch, one call per (issuer, currency, channel) so an invoice has one
 * issuer and one channel; each issuer's earlier invoices tell the engine what it already billed.
 */
export function generateBatch(batch: BatchInput, invoiceDate: string, options: BillingOptions): ToWrite[] {
  const out: ToWrite[] = [];
  for (const group of batch.groups.values()) {
    if (group.subscriptions.length === 0) continue;
    const invoices: GeneratedInvoice[] = generateInvoices({
      currency: group.currency,
      invoiceDate,
      options,
      subscriptions: group.subscriptions,
      existingInvoices: batch.existing.get(group.issuer) ?? [],
    });
    for (const invoice of invoices) out.push({ invoice, channel: group.channel, issuer: group.issuer });
  }
  return out;
}

/**
 * The subscriptions whose charges on `invoice` the database could not store (a quantity of
 * billions at a price of billions, say): those of the lines with a figure out of range, or all of
 * the invoice's when only its sums are. Bundles (Consolidated Priceline) store their services'
 * unit costs and SRPs times quantities: checked for every line, whether bundled or not.
 */
export function unstorable(invoice: GeneratedInvoice): string[] {
  const big = (v: DecimalValue | null | undefined, max: Decimal) =>
    v !== null && v !== undefined && new Decimal(v).abs().greaterThanOrEqualTo(max);
  const unit = (v: DecimalValue | null | undefined) => big(v, MAX_UNIT_FIGURE);
  const sum = (v: DecimalValue | null | undefined) => big(v, MAX_DOCUMENT_TOTAL);
  const culprits = new Set<string>();
  for (const line of invoice.lines) {
    let costs = new Decimal(0);
    let srps = new Decimal(0);
    for (const c of line.charges) {
      costs = costs.plus(new Decimal(c.pricingSnapshot?.unitCost ?? 0).times(c.quantity));
      srps = srps.plus(new Decimal(c.pricingSnapshot?.srp ?? 0).times(c.quantity));
    }
    const tooLarge =
      unit(line.quantity) ||
      unit(line.unitPrice) ||
      sum(line.amount) ||
      sum(line.discount) ||
      unit(costs) ||
      unit(srps) ||
      line.charges.some(
        (c) =>
          unit(c.quantity) ||
          unit(c.unitPrice) ||
          sum(c.gross) ||
          sum(c.amount) ||
          unit(c.pricingSnapshot?.unitCost) ||
          unit(c.pricingSnapshot?.srp),
      );
    if (tooLarge) culprits.add(line.subscriptionId);
  }
  const sums = [invoice.subtotal, invoice.taxTotal, invoice.total, ...invoice.taxes.map((t) => t.amount)];
  if (culprits.size === 0 && sums.some(sum)) for (const l of invoice.lines) culprits.add(l.subscriptionId);
  return [...culprits];
}

const tooLargeToStore = (subscriptionId: string) =>
  `${subscriptionId}: its charges are too large to store (an invoice holds less than ${MAX_DOCUMENT_TOTAL.toFixed()})`;

/**
 * generateBatch, without the subscriptions whose charges could not be stored (unstorable), each
 * noted in `skipped`: one such subscription must not fail its distributor's whole run, nor keep
 * the others on its account from their invoice. The next run computes it again, and skips it again.
 */
export function generateStorable(
  batch: BatchInput,
  invoiceDate: string,
  options: BillingOptions,
  skipped: string[],
): ToWrite[] {
  let groups = batch.groups;
  for (;;) {
    const out = generateBatch({ ...batch, groups }, invoiceDate, options);
    const culprits = new Set(out.flatMap((w) => unstorable(w.invoice)));
    if (culprits.size === 0) return out;
    for (const id of [...culprits].sort()) skipped.push(tooLargeToStore(id));
    // Each pass removes at least one of the batch's subscriptions: it ends.
    groups = new Map(
      [...groups].map(([k, g]) => [
        k,
        { ...g, subscriptions: g.subscriptions.filter((x) => !culprits.has(x.id)) },
      ]),
    );
  }
}

/** After the tax service's quotes: an invoice its taxes made too large is left out whole. */
function withoutUnstorable(generated: ToWrite[], skipped: string[]): ToWrite[] {
  return generated.filter(({ invoice }) => {
    const culprits = unstorable(invoice);
    for (const id of culprits) skipped.push(tooLargeToStore(id));
    return culprits.length === 0;
  });
}

/**
 * Claims and processes a queued run to the end; false when there was nothing to claim (not yet
 * committed, or not queued). Failures mark the run FAILED with the error and are not rethrown,
 * except the ones `afterBatch` throws (tests), which are also recorded.
 */
export async function runBillingRun(
  db: Database,
  tenant: Tenant,
  runId: string,
  hooks: RunHooks = {},
): Promise<boolean> {
  const run = await claim(db, tenant, runId);
  if (!run) return false;
  const d = tenant.distributorId;
  const owner = { distributorId: d, resellerId: null, orgId: tenant.orgId };
  const actor = { userId: run.requestedBy ?? 'system', tenant };
  const invoiceDate = run.runDate;
  const where = and(eq(billingRuns.distributorId, d), eq(billingRuns.id, runId));
  try {
    const setup = await withTenant(db, tenant, async (tx) => {
      const { batches, total } = await planBatches(tx, d, hooks.batchSize ?? DEFAULT_BATCH);
      const stored = await loadBillingOptions(tx, d);
      const catalog = await loadCatalog(tx, d, invoiceDate);
      await tx.update(billingRuns).set({ progressTotal: total }).where(where);
      return { batches, stored, catalog };
    });
    const numbering: NumberingRule = {
      requiresCustomBillNumber: setup.stored.options.requiresCustomBillNumber,
      template: setup.stored.customBillNumberTemplate,
    };
    const skipped: string[] = [];
    let issued = 0;
    // A few workers take the batches in order; after a failure none starts another (the ones in
    // flight finish or roll back), and the run fails with the first error.
    let next = 0;
    let failure: { error: unknown } | null = null;
    const worker = async () => {
      while (failure === null && next < setup.batches.length) {
        const index = next++;
        try {
          const result = await processBatch(db, tenant, {
            runId,
            batch: setup.batches[index]!,
            catalog: setup.catalog,
            options: setup.stored.options,
            numbering,
            invoiceDate,
            userId: actor.userId,
            taxProvider: hooks.taxProvider ?? null,
          });
          skipped.push(...result.skipped);
          issued += result.issued;
          await hooks.afterBatch?.(index);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    const workers = Math.max(1, Math.min(hooks.concurrency ?? DEFAULT_CONCURRENCY, setup.batches.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure !== null) throw (failure as { error: unknown }).error;
    await withTenant(db, tenant, async (tx) => {
      const error =
        skipped.length > 0
          ? `${skipped.length} subscription(s) not billed: ${skipped.slice(0, 5).join('; ')}${skipped.length > 5 ? '; …' : ''}`
          : null;
      await tx.update(billingRuns).set({ status: 'COMPLETED', finishedAt: sql`now()`, error }).where(where);
      await writeAudit(tx, {
        actor,
        owner,
        action: 'billing-run.complete',
        entityType: 'billing-run',
        entityId: runId,
        new: { status: 'COMPLETED', invoicesIssued: issued, skipped: skipped.length },
      });
    });
  } catch (err) {
    const message =
      err instanceof BillingCoreError
        ? `${err.code}: ${err.message}${err.field ? ` (${err.field})` : ''}`
        : err instanceof Error
          ? err.message
          : String(err);
    await withTenant(db, tenant, async (tx) => {
      await tx
        .update(billingRuns)
        .set({ status: 'FAILED', finishedAt: sql`now()`, error: message.slice(0, 2000) })
        .where(where);
      await writeAudit(tx, {
        actor,
        owner,
        action: 'billing-run.fail',
        entityType: 'billing-run',
        entityId: runId,
        new: { status: 'FAILED', error: message.slice(0, 500) },
      });
    });
  }
  return true;
}

/**
 * Of the accounts just invoiced, those whose balance is not zero, in one query: settlement locks
 * and reads each account it is given, and most clients hold no money, so asking it about every
 * account cost a round trip per invoice. (Settlement itself skips a zero balance the same way.)
 */
async function accountsHoldingMoney(tx: Transaction, d: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`with ids as materialized (select jsonb_array_elements_text(${JSON.stringify([...new Set(ids)])}::jsonb) as id)
        select a.id from ids cross join lateral (
          select a.id from accounts a where a.distributor_id = ${d} and a.id = ids.id and a.balance <> 0 offset 0) a`,
  );
  return rows.map((r) => r.id);
}

/** The run acts for the distributor: settlement's links and audit records name who requested it. */
function runSession(tenant: Tenant, userId: string): Session {
  return {
    tenant,
    userId,
    roles: ['ADMIN'],
    claims: { sub: userId, org: tenant.orgId, roles: ['ADMIN'], aud: 'api', exp: 0 },
  };
}

async function processBatch(
  db: Database,
  tenant: Tenant,
  args: {
    runId: string;
    batch: Batch;
    catalog: Catalog;
    options: BillingOptions;
    numbering: NumberingRule;
    invoiceDate: string;
    userId: string;
    taxProvider: TaxProvider | null;
  },
): Promise<{ issued: number; skipped: string[] }> {
  const d = tenant.distributorId;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTenant(db, tenant, async (tx) => {
        const t0 = performance.now();
        await preferIndexes(tx);
        const input = await loadBatch(tx, d, args.batch.orgs, args.catalog);
        // Issue 9: vacation days are never charged (subscription-changes/run-effects.ts).
        await applyVacations(tx, d, input);
        const t1 = performance.now();
        let generated = generateStorable(input, args.invoiceDate, args.options, input.skipped);
        // External Tax Integration: taxes from the tax service, or the invoice stays PENDING.
        if (args.options.externalTaxIntegrationRequired)
          generated = withoutUnstorable(
            await quoteBatchTaxes(generated, input, args.catalog, args.taxProvider),
            input.skipped,
          );
        const t2 = performance.now();
        const written = await writeInvoices(tx, {
          distributorId: d,
          runId: args.runId,
          batch: input,
          generated,
          numbering: args.numbering,
          issuedAt: new Date().toISOString(),
        });
        // SPEC §4: money the clients already hold closes the new invoices at once, oldest first.
        const t3 = performance.now();
        const issuedTo = await accountsHoldingMoney(
          tx,
          d,
          generated.filter((g) => g.invoice.status === 'READY').map((g) => g.invoice.accountId),
        );
        await settleAccounts(tx, runSession(tenant, args.userId), issuedTo, args.invoiceDate, args.runId);
        runProfile.load += t1 - t0;
        runProfile.rate += t2 - t1;
        runProfile.write += t3 - t2;
        runProfile.settle += performance.now() - t3;
        runProfile.batches += 1;
        await tx
          .update(billingRuns)
          .set({
            progressDone: sql`least(${billingRuns.progressDone} + ${input.subscriptionCount}, ${billingRuns.progressTotal})`,
            invoicesCreated: sql`${billingRuns.invoicesCreated} + ${written.issued + written.pending}`,
          })
          .where(and(eq(billingRuns.distributorId, d), eq(billingRuns.id, args.runId)));
        return { issued: written.issued, skipped: input.skipped };
      });
    } catch (err) {
      // Another run issued the same invoices first: read again, the engine then finds them billed.
      if (isRetryable(err) && attempt < 3) continue;
      throw err;
    }
  }
}
