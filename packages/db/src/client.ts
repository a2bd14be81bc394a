import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/**
 * The one database type, whichever driver is underneath. Built without the schema: we query with
 * the SQL builder, never drizzle's relational API (`db.query`), whose builders drizzle would make
 * for every table at each transaction's start (about 45 µs of CPU per transaction).
 */
export type Database = PgDatabase<PgQueryResultHKT>;
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;

export type DatabaseKind = 'pglite' | 'postgres';
export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL: use postgres.js. Unset: PGlite. */
  url?: string;
  /** PGlite's storage folder; unset: in memory. Ignored with `url`. */
  dataDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** postgres.js pool size (default 10). */
  max?: number;
}

/** A fixed key for the advisory lock that serializes migrations across instances. */
const MIGRATION_LOCK_KEY = 7_264_113_901;

/** The committed migrations folder, resolved from this file so it works from any cwd. */
export async function migrationsFolder(): Promise<string> {
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(new URL('../drizzle', import.meta.url));
}

/**
 * Opens the database: PostgreSQL through postgres.js when `url` is set, otherwise PGlite (stored at
 * `dataDir`, or in memory). Drivers and the migrator are imported lazily so that an edge bundle
 * (postgres.js, `migrate: false`) pulls in neither PGlite nor the file system.
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const shouldMigrate = opts.migrate ?? true;
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    if (shouldMigrate) await migratePostgres(opts.url);
    const client = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      ...(onNode() ? { socket: await coalescingSocket() } : {}),
    });
    const db = drizzle({ client }) as unknown as Database;
    const { PostgresJsSession, PostgresJsTransaction } = await import('drizzle-orm/postgres-js');
    const base = (db as unknown as { session: { dialect: PgDialect; schema: unknown; options: unknown } })
      .session;
    poolSizes.set(db, opts.max ?? 10);
    pipelines.set(db, async (fn) => {
      const reserved = await client.reserve();
      // Once the transaction has ended, a statement its caller still sends must fail, never run
      // on the connection outside any transaction.
      let ended = false;
      const guarded = new Proxy(reserved, {
        get(target, property, receiver) {
          if (ended && property === 'unsafe') throw new Error('this transaction has ended');
          return Reflect.get(target, property, receiver);
        },
      });
      // BEGIN is not awaited: it leaves in the same write as the transaction's first statements.
      const begin = reserved.unsafe('begin').execute();
      begin.catch(() => {}); // its error, if any, fails the statements behind it too
      const session = new PostgresJsSession(
        guarded,
        base.dialect,
        base.schema as never,
        base.options as never,
      );
      // A reserved connection, not postgres.js's transaction object: nested transactions
      // (savepoints) are not offered here.
      const tx = new PostgresJsTransaction(
        base.dialect,
        session as never,
        base.schema as never,
      ) as unknown as Transaction;
      let outcome: Awaited<ReturnType<typeof fn>>;
      try {
        outcome = await fn(tx, true);
        await begin;
      } catch (err) {
        ended = true;
        const rollback = reserved
          .unsafe('rollback')
          .catch(() => {})
          .finally(() => reserved.release());
        if (!(err instanceof Error && (err as { rollbackInBackground?: boolean }).rollbackInBackground))
          await rollback;
        throw err;
      }
      try {
        // COMMIT follows `last` without waiting for it. Were `last` to fail, the transaction would
        // be aborted and COMMIT would roll it back: its error is what the caller gets.
        const commit = reserved.unsafe('commit').execute();
        try {
          await outcome.last;
        } catch (err) {
          await commit.catch(() => {});
          throw err;
        }
        await commit;
        return outcome.value;
      } finally {
        ended = true;
        reserved.release();
      }
    });
    return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = opts.dataDir ? await PGlite.create(opts.dataDir) : await PGlite.create();
  const pglite = drizzle({ client });
  if (shouldMigrate) {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(pglite, { migrationsFolder: await migrationsFolder() });
  }
  return { db: pglite as unknown as Database, kind: 'pglite', close: () => client.close() };
}

/** Node, not workerd (whose postgres.js build opens its own sockets through `cloudflare:sockets`). */
function onNode(): boolean {
  const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
  return (
    typeof process !== 'undefined' &&
    typeof process.versions?.node === 'string' &&
    userAgent !== 'Cloudflare-Workers'
  );
}

/**
 * postgres.js's sockets, with what one turn of the event loop writes sent in ONE write: postgres.js
 * writes a message of 1 kB or more at once, so a transaction's last statement (its rows as JSON)
 * and the COMMIT behind it took two writes, each a costly system call and a wake-up of PostgreSQL.
 * Corked on the first write of a turn, uncorked after it and postgres.js's own flush (Node's
 * `cork`/`uncork`). Connects to the URL's first host (or its Unix socket): no multi-host failover.
 */
async function coalescingSocket() {
  const net = await import('node:net');
  return (options: {
    host: string[];
    port: number[];
    path?: string;
    connect_timeout?: number | string | boolean;
  }) =>
    new Promise<import('node:net').Socket>((resolve, reject) => {
      const socket = options.path
        ? net.connect(options.path)
        : net.connect(options.port[0] ?? 5432, options.host[0] ?? 'localhost');
      // postgres.js starts its connect timer only once this promise resolves: time the connect
      // here, or an unreachable server waits for the kernel's TCP timeout (minutes). As there,
      // 0 or false is no limit.
      const seconds = Number(options.connect_timeout);
      const timer =
        seconds > 0
          ? setTimeout(() => {
              socket.destroy();
              reject(
                Object.assign(
                  new Error(`could not connect to PostgreSQL within ${seconds} s (connect_timeout)`),
                  { code: 'CONNECT_TIMEOUT' },
                ),
              );
            }, seconds * 1000)
          : undefined;
      let corked = false;
      const write = socket.write;
      socket.write = function (this: typeof socket, ...args: unknown[]) {
        if (!corked) {
          corked = true;
          this.cork();
          // postgres.js flushes its own small writes on `setImmediate` too: uncork after those the
          // same turn queues (its promise callbacks run before `nextTick`'s), in the same phase.
          process.nextTick(() =>
            setImmediate(() => {
              corked = false;
              this.uncork();
            }),
          );
        }
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as typeof socket.write;
      const failed = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', failed);
        resolve(socket);
      });
      socket.once('error', failed);
    });
}

/** What runs in a pipelined transaction: see `pipelinedTransaction`. */
export type PipelinedWork<T> = (
  tx: Transaction,
  /** True when statements sent without waiting travel together (postgres.js); false on PGlite. */
  pipelined: boolean,
) => Promise<{ value: T; last?: Promise<unknown> }>;

/** The databases opened on postgres.js, with their pipelined transaction runner. */
const pipelines = new WeakMap<Database, (fn: PipelinedWork<unknown>) => Promise<unknown>>();

/**
 * A transaction whose BEGIN leaves with its first statements and whose COMMIT leaves right behind
 * its last (`last`: sent by `fn`, not awaited), on postgres.js: drizzle's `transaction` awaits
 * BEGIN and COMMIT alone, two round trips more per transaction. `fn` must not await `last` itself.
 * When `fn` throws, the transaction is rolled back (and the caller waits for that, unless the
 * error says `rollbackInBackground`); statements sent after its end fail. On PGlite (one
 * connection, in process), a plain transaction.
 */
export async function pipelinedTransaction<T>(db: Database, fn: PipelinedWork<T>): Promise<T> {
  const pipelined = pipelines.get(db);
  if (pipelined) return (await pipelined(fn)) as T;
  return db.transaction(async (tx) => {
    const { value, last } = await fn(tx, false);
    await last;
    return value;
  });
}

/** The pool size of each database opened on postgres.js. */
const poolSizes = new WeakMap<Database, number>();

/**
 * How many transactions on `db` can run beside one that waits for them, each on its own
 * connection: the pool's size less one on postgres.js (none with a pool of one, as on the edge);
 * none on PGlite (one connection: a transaction waiting for another would wait forever).
 */
export function connectionsBeside(db: Database): number {
  return Math.max(0, (poolSizes.get(db) ?? 1) - 1);
}

/** Migrates on one dedicated connection holding a session advisory lock, so concurrent starts are safe. */
async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle({ client }), { migrationsFolder: await migrationsFolder() });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Runs raw SQL and returns its rows on either driver (`db.execute` returns an array on postgres.js
 * and `{ rows }` on PGlite).
 */
export async function queryRows<T extends Record<string, unknown>>(
  db: Database | Transaction,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
