import {
  compilePart,
  compileStatement,
  type Database,
  mergeParts,
  part,
  pipelinedTransaction,
  type StatementPart,
  TENANT_SETTINGS,
  type Tenant,
  type Transaction,
} from '@cascade/db';
import { type SQL, sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import { type OwnerColumns, ownColumns } from '../tenancy';
import { deferredWrites, flushDeferredWrites, openDeferredWrites, writeTogether } from './deferred';

export { type DeferredWrites, deferredWrites, writeTogether } from './deferred';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY = /^[A-Za-z0-9._:-]{8,200}$/;

/** The header's value, or a 400: money-moving POSTs must carry one. */
export function requireIdempotencyKey(value: string | undefined): string {
  if (!value) {
    throw new ApiError(
      'idempotency_key_required',
      `This request moves money: send an ${IDEMPOTENCY_HEADER} header (a unique id, e.g. a UUID, reused only for retries)`,
      { [IDEMPOTENCY_HEADER]: 'Required' },
    );
  }
  if (!KEY.test(value)) {
    throw new ApiError('validation_failed', `Invalid ${IDEMPOTENCY_HEADER}`, {
      [IDEMPOTENCY_HEADER]: '8 to 200 characters: letters, digits, . _ : -',
    });
  }
  return value;
}

/** JSON with object keys sorted, so that the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a request's hash is taken of: its method, path and canonical body. */
export function requestText(method: string, path: string, body: unknown): string {
  return `${method} ${path}\n${canonicalJson(body)}`;
}

/**
 * The SHA-256 (hex) of `requestText`, as stored in `idempotency_keys.request_hash`. The request
 * path computes it in PostgreSQL (`requestHashSql`), where it costs less than WebCrypto's job here.
 */
export async function requestHash(method: string, path: string, body: unknown): Promise<string> {
  const data = new TextEncoder().encode(requestText(method, path, body));
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `requestHash` in SQL, of a `requestText` parameter. */
const requestHashSql = (text: unknown) => sql`encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;
// Compiled once, run prepared: every money-moving request, alone or in a batch (see
// `createBatches`), sends these two pipelined, for its keys. The first sets the transaction's
// tenant too (one statement fewer) and locks every key, answering those it could not lock; the
// second reads the keys already used: it runs after the locks are held, so its snapshot sees any
// key committed before. The lock names the distributor too: organization ids are unique per
// distributor only.
const setTenantAndLockKeys = compileStatement(
  sql`select ${TENANT_SETTINGS}, (select coalesce(jsonb_agg(k), '[]'::jsonb)
      from jsonb_array_elements_text(${sql.placeholder('keys')}::jsonb) as k
      where not pg_try_advisory_xact_lock(hashtext(${sql.placeholder('distributorId')}::text || ':' || ${sql.placeholder('orgId')}::text), hashtext(k))) as busy`,
);
// Per key, a lookup by the key's index (LATERAL … LIMIT 1): joined, the planner would hash the
// whole table against the list it cannot estimate.
const readKeys = compileStatement(
  sql`select k.key, i.*
    from jsonb_to_recordset(${sql.placeholder('keys')}::jsonb) as k(key text, request text)
    cross join lateral (
      select request_hash = ${requestHashSql(sql.raw('k.request'))} as "sameRequest",
        request_method as "requestMethod", request_path as "requestPath",
        status, response_status as "responseStatus", response_body as "responseBody"
      from idempotency_keys
      where distributor_id = ${sql.placeholder('distributorId')} and org_id = ${sql.placeholder('orgId')}
        and key = k.key
      limit 1) as i`,
);

/** The keys of these requests, locked and read (the two statements above, pipelined). */
async function checkKeys(
  tx: Transaction,
  tenant: Tenant,
  requests: { key: string; request: string }[],
): Promise<{ busy: Set<string>; stored: Map<string, StoredKey> }> {
  const values = { distributorId: tenant.distributorId, orgId: tenant.orgId, orgKind: tenant.orgKind };
  const [lock, found] = await Promise.all([
    setTenantAndLockKeys(tx, { ...values, keys: JSON.stringify(requests.map((r) => r.key)) }),
    readKeys(tx, { ...values, keys: JSON.stringify(requests) }),
  ]);
  return {
    busy: new Set(rowsOf<{ busy: string[] }>(lock)[0]?.busy ?? []),
    stored: new Map(rowsOf<StoredKey & { key: string }>(found).map((r) => [r.key, r])),
  };
}

/**
 * The key's row, completed with the response: a statement part compiled once, as a row list so
 * that the keys of requests sharing a transaction go in one insert (`mergeParts`).
 */
function insertKey(
  row: OwnerColumns & { key: string; method: string; path: string; request: string },
  result: { status: number; body: unknown },
): StatementPart {
  const keyRow = {
    distributor_id: row.distributorId,
    reseller_id: row.resellerId,
    org_id: row.orgId,
    key: row.key,
    request_method: row.method,
    request_path: row.path,
    request: row.request,
    response_status: result.status,
    response_body: result.body ?? null,
  };
  return part(INSERT_KEY, { rows: JSON.stringify([keyRow]) });
}
const INSERT_KEY = compilePart(
  sql`insert into idempotency_keys (distributor_id, reseller_id, org_id, key, request_method, request_path,
      request_hash, status, response_status, response_body, completed_at)
    select distributor_id, reseller_id, org_id, key, request_method, request_path,
      ${requestHashSql(sql.raw('request'))}, 'COMPLETED', response_status, response_body, now()
    from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(distributor_id text, reseller_id text,
      org_id text, key text, request_method text, request_path text, request text, response_status integer,
      response_body jsonb)`,
);

interface StoredKey {
  /** Its stored hash is the hash of this request's `requestText`. */
  sameRequest: boolean;
  requestMethod: string;
  requestPath: string;
  status: string;
  responseStatus: number | null;
  responseBody: unknown;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/** What one request of a batch comes to: its answer and what to write, or its error. */
export type BatchOutcome =
  | {
      ok: true;
      response: { status: number; body: unknown };
      /** Its writes (statement parts), sent with the keys' rows in one statement before commit. */
      writes: (SQL | StatementPart)[];
      /** Runs once the writes are written, before commit (a test hook). */
      after?: () => Promise<void>;
    }
  | { ok: false; error: unknown }
  /** Not decided here (its account was busy, say): it runs alone once the batch has committed. */
  | { ok: false; alone: true };

/**
 * A request that may share its transaction with others of its tenant and group: one statement
 * then locks and reads every request's key, and one writes them all (`mergeParts`).
 */
export interface Batchable<I = unknown> {
  /** Requests of one group (the same `runBatch`) and one tenant may share a transaction. */
  group: string;
  /** Requests with the same value never share one (the account a payment moves). */
  exclusive: string;
  input: I;
  /**
   * Reads and decides for every input, in order, with its own outcome each (a refusal is an
   * outcome, not a throw); writes nothing itself. A throw fails the batch: each request then runs
   * again alone, through `run`.
   */
  runBatch: (tx: Transaction, inputs: I[]) => Promise<BatchOutcome[]>;
}

export interface IdempotentRequest {
  db: Database;
  tenant: Tenant;
  key: string;
  method: string;
  path: string;
  body: unknown;
  /** The effect: runs in the same transaction that records the key and its response. */
  run: (tx: Transaction) => Promise<{ status: number; body: unknown }>;
  /**
   * The effect writes only through `deferredWrites` (it reads and locks, then defers): it may then
   * start before the key is checked, its reads sent with the key's.
   */
  writesOnlyDeferred?: boolean;
  /** Set: the request may share a transaction (it still runs alone, through `run`, when one fails). */
  batch?: Batchable;
}

/**
 * Runs a money-moving request at most once per (organization, key).
 *
 * The effect, the key and its stored response are written in one transaction, so either all of
 * them happen or none does (a failed request can be retried with the same key). A transaction-scoped
 * advisory lock on the key makes a concurrent duplicate, on any instance, fail fast with 409
 * instead of waiting; `inFlight` does the same within one process (PGlite has one connection, so
 * there the duplicate would otherwise queue behind the first and replay).
 */
export function createIdempotency() {
  const inFlight = new Set<string>();
  const batches = createBatches(runAlone);

  return async function runIdempotent(req: IdempotentRequest): Promise<StoredResponse> {
    const slot = `${req.tenant.distributorId}\u0000${req.tenant.orgId}\u0000${req.key}`;
    if (inFlight.has(slot)) throw inProgress();
    inFlight.add(slot);
    try {
      return await (req.batch ? batches.submit(req, req.batch) : runAlone(req));
    } finally {
      inFlight.delete(slot);
    }
  };
}

/** One request in its own transaction. */
async function runAlone(req: IdempotentRequest): Promise<StoredResponse> {
  try {
    const request = requestText(req.method, req.path, req.body);
    // BEGIN, the tenant, the key's lock and its read leave in one write (with the handler's
    // first reads when it only defers its writes); the final statement (the deferred writes
    // with the key's row) leaves with COMMIT.
    return await pipelinedTransaction(req.db, async (tx, pipelined) => {
      const keyCheck = checkKeys(tx, req.tenant, [{ key: req.key, request }]);
      openDeferredWrites(tx);
      // A handler that writes nothing before its deferred writes may start now: its reads ride
      // behind the key's. Whatever the key says, nothing it did is committed unless it is new.
      const early = pipelined && req.writesOnlyDeferred ? req.run(tx) : undefined;
      early?.catch(() => {}); // unused when the key is in progress or already used
      const { busy, stored } = await keyCheck;
      const existing = stored.get(req.key);
      // Started early, the handler may be waiting for an account the first request holds:
      // answer now and roll back behind it.
      if (busy.has(req.key)) throw inProgress(early !== undefined);
      // Rolled back (a handler started early has run), then answered: see the catch below.
      if (existing) throw storedAnswer(req, existing, early !== undefined);
      const result = await (early ?? req.run(tx));
      // The key's row goes with the writes the request deferred: one statement.
      const keyRow = insertKey(
        {
          ...(await ownColumns(tx, req.tenant)),
          key: req.key,
          method: req.method,
          path: req.path,
          request,
        },
        result,
      );
      const value = { ...result, replayed: false };
      // A test hook that must run before COMMIT (the crash test) needs the writes awaited here.
      if (deferredWrites(tx)?.after.length) {
        await flushDeferredWrites(tx, [keyRow]);
        return { value };
      }
      return { value, last: flushDeferredWrites(tx, [keyRow]) };
    });
  } catch (err) {
    if (err instanceof Replay) return err.stored;
    throw err;
  }
}

/** What a key already used answers: its stored response (`Replay`), or an error. */
function storedAnswer(req: IdempotentRequest, existing: StoredKey, rollbackInBackground = false): Error {
  if (!existing.sameRequest || existing.requestMethod !== req.method || existing.requestPath !== req.path) {
    return new ApiError(
      'idempotency_key_reused',
      `This ${IDEMPOTENCY_HEADER} was already used for a different request; use a new key for a new request`,
      { [IDEMPOTENCY_HEADER]: 'Already used for a different request' },
    );
  }
  if (existing.status !== 'COMPLETED' || existing.responseStatus === null)
    return inProgress(rollbackInBackground);
  return new Replay({ status: existing.responseStatus, body: existing.responseBody, replayed: true });
}

function inProgress(rollbackInBackground = false): ApiError {
  const err = new ApiError(
    'request_in_progress',
    `A request with this ${IDEMPOTENCY_HEADER} is still in progress; retry once it has finished`,
  );
  return Object.assign(err, { rollbackInBackground });
}

/** The stored answer of an earlier request with the key: thrown to roll back, then answered. */
class Replay extends Error {
  constructor(readonly stored: StoredResponse) {
    super('replay');
  }
}

/** postgres.js returns an array of rows, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Most requests in one shared transaction, and most such transactions at once per group. */
const BATCH_SIZE = 8;
const BATCHES_AT_ONCE = 4;

/** A request of a batch that runs alone after it (see `BatchOutcome`). */
const ALONE = Symbol('alone');

interface BatchJob {
  req: IdempotentRequest;
  batch: Batchable;
  resolve: (answer: StoredResponse) => void;
  reject: (error: unknown) => void;
}

interface BatchQueue {
  waiting: BatchJob[];
  running: number;
  /** The `exclusive` values of the jobs in running batches, and how many hold each. */
  busy: Map<string, number>;
  /** Slots held by a job run alone because its `exclusive` was busy (see `take`). */
  forced: number;
  scheduled: boolean;
}

/**
 * Group commit for batchable requests: those that arrive while their group's transactions are
 * busy wait, and the next transaction takes up to `BATCH_SIZE` of them at once (never two with the
 * same `exclusive`). It locks and reads their keys in two statements, lets the group decide for
 * all (its statements ride in the same round trip), and writes every new request's rows and key in
 * one statement, so a statement's and a commit's cost is shared. A request whose key is in use or
 * already used gets the answer it would get alone. When the transaction fails, nothing of it is
 * committed (or, were COMMIT's answer lost, the keys say what was): each request runs again alone.
 */
function createBatches(runAlone: (req: IdempotentRequest) => Promise<StoredResponse>) {
  const queues = new Map<string, BatchQueue>();

  function schedule(name: string, queue: BatchQueue): void {
    if (queue.scheduled || queue.running >= BATCHES_AT_ONCE || queue.waiting.length === 0) return;
    queue.scheduled = true;
    // After the I/O callbacks of this turn: requests that arrived together go together.
    setImmediate(() => {
      queue.scheduled = false;
      while (queue.running < BATCHES_AT_ONCE) {
        const { jobs, forced } = take(queue);
        if (jobs.length === 0) break;
        queue.running += 1;
        if (forced) queue.forced += 1;
        for (const j of jobs) hold(queue, j);
        // A job on a busy account runs alone, to wait for the account in the database (where the
        // lock passes at once to the next), holding its slot until it has finished (at most all
        // slots but one wait so); the others are decided together.
        const run = forced
          ? runAlone(jobs[0]!.req)
              .then(jobs[0]!.resolve, jobs[0]!.reject)
              .then(() => [undefined])
          : runBatch(jobs);
        void run.then((tails) => {
          queue.running -= 1;
          if (forced) queue.forced -= 1;
          // A job that runs alone after its batch keeps its account busy until it has finished.
          jobs.forEach((j, i) => {
            const tail = tails[i];
            if (tail) void tail.finally(() => release(name, queue, j));
            else release(name, queue, j);
          });
          schedule(name, queue);
        });
      }
    });
  }

  function hold(queue: BatchQueue, job: BatchJob): void {
    queue.busy.set(job.batch.exclusive, (queue.busy.get(job.batch.exclusive) ?? 0) + 1);
  }

  function release(name: string, queue: BatchQueue, job: BatchJob): void {
    const n = (queue.busy.get(job.batch.exclusive) ?? 1) - 1;
    if (n === 0) queue.busy.delete(job.batch.exclusive);
    else queue.busy.set(job.batch.exclusive, n);
    const idle = queue.running === 0 && queue.waiting.length === 0 && queue.busy.size === 0;
    if (idle && queues.get(name) === queue) queues.delete(name);
    else schedule(name, queue);
  }

  function take(queue: BatchQueue): { jobs: BatchJob[]; forced: boolean } {
    const taken: BatchJob[] = [];
    const exclusive = new Set<string>();
    const rest: BatchJob[] = [];
    for (const job of queue.waiting) {
      const x = job.batch.exclusive;
      if (taken.length < BATCH_SIZE && !exclusive.has(x) && !queue.busy.has(x)) {
        exclusive.add(x);
        taken.push(job);
      } else rest.push(job);
    }
    // Only requests on busy accounts wait: the first goes now, alone (see `schedule`); one slot
    // stays free for the others' requests.
    let forced = false;
    if (taken.length === 0 && rest.length > 0 && queue.forced < BATCHES_AT_ONCE - 1) {
      taken.push(rest.shift()!);
      forced = true;
    }
    queue.waiting = rest;
    return { jobs: taken, forced };
  }

  /**
   * Runs the jobs in one transaction and answers them; answers, per job, the promise of its run
   * alone when it runs alone after the batch (undefined for the others).
   */
  async function runBatch(jobs: BatchJob[]): Promise<(Promise<void> | undefined)[]> {
    const first = jobs[0]!;
    const tenant = first.req.tenant;
    let answers: (StoredResponse | Error | typeof ALONE)[];
    try {
      answers = await pipelinedTransaction(first.req.db, async (tx, pipelined) => {
        const requests = jobs.map((j) => requestText(j.req.method, j.req.path, j.req.body));
        const keyCheck = checkKeys(
          tx,
          tenant,
          jobs.map((j, i) => ({ key: j.req.key, request: requests[i]! })),
        );
        const decide = () =>
          first.batch.runBatch(
            tx,
            jobs.map((j) => j.batch.input),
          );
        // The group's reads ride behind the keys' (PGlite runs one statement at a time anyway).
        const early = pipelined ? decide() : undefined;
        early?.catch(() => {}); // the batch fails with the keys' error, if any
        const { busy, stored } = await keyCheck;
        const outcomes = await (early ?? decide());
        const owner = await ownColumns(tx, tenant);
        const writes: (SQL | StatementPart)[] = [];
        const after = new Set<() => Promise<void>>();
        const answers = jobs.map((job, i): StoredResponse | Error | typeof ALONE => {
          const existing = stored.get(job.req.key);
          if (busy.has(job.req.key)) return inProgress();
          if (existing) {
            const answer = storedAnswer(job.req, existing);
            return answer instanceof Replay ? answer.stored : answer;
          }
          const outcome = outcomes[i];
          if (!outcome) throw new Error('runBatch answered fewer outcomes than inputs');
          if (!outcome.ok) {
            if ('alone' in outcome) return ALONE;
            return outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
          }
          writes.push(
            ...outcome.writes,
            insertKey(
              {
                ...owner,
                key: job.req.key,
                method: job.req.method,
                path: job.req.path,
                request: requests[i]!,
              },
              outcome.response,
            ),
          );
          if (outcome.after) after.add(outcome.after);
          return { ...outcome.response, replayed: false };
        });
        if (writes.length === 0) return { value: answers };
        const written = writeTogether(tx, mergeParts(writes));
        if (after.size === 0) return { value: answers, last: written };
        await written;
        for (const fn of after) await fn();
        return { value: answers };
      });
    } catch {
      // Nothing of it was committed: each request runs again alone (its key makes that safe).
      return jobs.map((j) => runAlone(j.req).then(j.resolve, j.reject));
    }
    return answers.map((answer, i) => {
      const job = jobs[i]!;
      // Not awaited: it may wait for its account, and this batch's slot is free for others.
      if (answer === ALONE) return runAlone(job.req).then(job.resolve, job.reject);
      if (answer instanceof Error) job.reject(answer);
      else job.resolve(answer);
      return undefined;
    });
  }

  return {
    submit(req: IdempotentRequest, batch: Batchable): Promise<StoredResponse> {
      const name = `${req.tenant.distributorId}\u0000${req.tenant.orgId}\u0000${req.tenant.orgKind}\u0000${batch.group}`;
      let queue = queues.get(name);
      if (!queue) {
        queue = { waiting: [], running: 0, busy: new Map(), forced: 0, scheduled: false };
        queues.set(name, queue);
      }
      const q = queue;
      return new Promise<StoredResponse>((resolve, reject) => {
        q.waiting.push({ req, batch, resolve, reject });
        schedule(name, q);
      });
    },
  };
}
