import {
  compilePart,
  compileStatement,
  type Database,
  part,
  pipelinedTransaction,
  type StatementPart,
  TENANT_SETTINGS,
  type Tenant,
  type Transaction,
} from '@cascade/db';
import { sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import { type OwnerColumns, ownColumns } from '../tenancy';
import { deferredWrites, flushDeferredWrites, openDeferredWrites } from './deferred';

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

// Compiled once, run prepared: every money-moving request sends these two, pipelined. The first
// also sets the transaction's tenant (one statement fewer). The lock names the distributor too:
// organization ids are unique per distributor only.
const setTenantAndLockKey = compileStatement(
  sql`select ${TENANT_SETTINGS}, pg_try_advisory_xact_lock(hashtext(${sql.placeholder('distributorId')}::text || ':' || ${sql.placeholder('orgId')}::text), hashtext(${sql.placeholder('key')})) as locked`,
);
/** `requestHash` in SQL, of a `requestText` parameter. */
const requestHashSql = (text: unknown) => sql`encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;
const readKey = compileStatement(
  sql`select request_hash = ${requestHashSql(sql.placeholder('request'))} as "sameRequest",
      request_method as "requestMethod", request_path as "requestPath",
      status, response_status as "responseStatus", response_body as "responseBody"
    from idempotency_keys
    where distributor_id = ${sql.placeholder('distributorId')} and org_id = ${sql.placeholder('orgId')}
      and key = ${sql.placeholder('key')}
    limit 1`,
);
/** The key's row, completed with the response: a statement part compiled once. */
function insertKey(
  row: OwnerColumns & { key: string; method: string; path: string; request: string },
  result: { status: number; body: unknown },
): StatementPart {
  return part(INSERT_KEY, { ...row, status: result.status, body: JSON.stringify(result.body ?? null) });
}
const INSERT_KEY = compilePart(
  sql`insert into idempotency_keys (distributor_id, reseller_id, org_id, key, request_method, request_path,
      request_hash, status, response_status, response_body, completed_at)
    values (${sql.placeholder('distributorId')}, ${sql.placeholder('resellerId')}, ${sql.placeholder('orgId')},
      ${sql.placeholder('key')}, ${sql.placeholder('method')}, ${sql.placeholder('path')},
      ${requestHashSql(sql.placeholder('request'))}, 'COMPLETED', ${sql.placeholder('status')},
      ${sql.placeholder('body')}::jsonb, now())`,
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

  return async function runIdempotent(req: IdempotentRequest): Promise<StoredResponse> {
    const slot = `${req.tenant.distributorId}\u0000${req.tenant.orgId}\u0000${req.key}`;
    if (inFlight.has(slot)) throw inProgress();
    inFlight.add(slot);
    try {
      const request = requestText(req.method, req.path, req.body);
      // BEGIN, the tenant, the key's lock and its read leave in one write (with the handler's
      // first reads when it only defers its writes); the final statement (the deferred writes
      // with the key's row) leaves with COMMIT.
      return await pipelinedTransaction(req.db, async (tx, pipelined) => {
        // Two statements: the key is read by the statement after the lock's, whose snapshot is
        // taken once the lock is held.
        const values = {
          distributorId: req.tenant.distributorId,
          orgId: req.tenant.orgId,
          orgKind: req.tenant.orgKind,
          key: req.key,
          request,
        };
        const keyCheck = Promise.all([setTenantAndLockKey(tx, values), readKey(tx, values)]);
        openDeferredWrites(tx);
        // A handler that writes nothing before its deferred writes may start now: its reads ride
        // behind the key's. Whatever the key says, nothing it did is committed unless it is new.
        const early = pipelined && req.writesOnlyDeferred ? req.run(tx) : undefined;
        early?.catch(() => {}); // unused when the key is in progress or already used
        const [lock, found] = await keyCheck;
        const existing = rowsOf<StoredKey>(found)[0];
        // Started early, the handler may be waiting for an account the first request holds:
        // answer now and roll back behind it.
        if (!rowsOf<{ locked: boolean }>(lock)[0]?.locked) throw inProgress(early !== undefined);
        if (existing) {
          if (
            !existing.sameRequest ||
            existing.requestMethod !== req.method ||
            existing.requestPath !== req.path
          ) {
            throw new ApiError(
              'idempotency_key_reused',
              `This ${IDEMPOTENCY_HEADER} was already used for a different request; use a new key for a new request`,
              { [IDEMPOTENCY_HEADER]: 'Already used for a different request' },
            );
          }
          if (existing.status !== 'COMPLETED' || existing.responseStatus === null)
            throw inProgress(early !== undefined);
          // Rolled back (a handler started early has run), then answered: see the catch below.
          throw new Replay({ status: existing.responseStatus, body: existing.responseBody, replayed: true });
        }
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
    } finally {
      inFlight.delete(slot);
    }
  };
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
