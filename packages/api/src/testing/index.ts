/**
 * Helpers for API tests: a fresh test database with a small, fixed organization tree, the app
 * built on it, and tokens for any caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  type Database,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  invoiceStatuses,
  invoiceTypes,
  organizations,
  type TestDatabase,
  users,
  withSystem,
} from '@cascade/db';
import { createApp } from '../app';
import { routes as defaultRoutes } from '../modules';
import { type Audience, type Role, signToken } from '../platform/auth';
import { type Config, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logging';
import type { Route } from '../platform/routes';
import type { DocumentStorage } from '../platform/storage';
import { createLocalStorage } from '../platform/storage/local';

/** Two marketplaces so that isolation is tested across distributors as well as within one. */
export const FIXTURE = {
  distributor: 'd1',
  resellerA: 'd1-ra',
  resellerB: 'd1-rb',
  customerA: 'd1-ra-c1',
  customerB: 'd1-rb-c1',
  directCustomer: 'd1-c1',
  otherDistributor: 'd2',
  otherReseller: 'd2-ra',
} as const;

type OrgRow = typeof organizations.$inferInsert;

const orgs: OrgRow[] = [
  { distributorId: 'd1', id: 'd1', kind: 'DISTRIBUTOR', name: 'Distributor One' },
  {
    distributorId: 'd1',
    id: 'd1-ra',
    kind: 'RESELLER',
    name: 'Reseller A',
    parentId: 'd1',
    resellerId: 'd1-ra',
    resellerTier: 'STANDARD',
  },
  {
    distributorId: 'd1',
    id: 'd1-rb',
    kind: 'RESELLER',
    name: 'Reseller B',
    parentId: 'd1',
    resellerId: 'd1-rb',
    resellerTier: 'LIGHT',
  },
  {
    distributorId: 'd1',
    id: 'd1-ra-c1',
    kind: 'CUSTOMER',
    name: 'Customer of A',
    parentId: 'd1-ra',
    resellerId: 'd1-ra',
  },
  {
    distributorId: 'd1',
    id: 'd1-rb-c1',
    kind: 'CUSTOMER',
    name: 'Customer of B',
    parentId: 'd1-rb',
    resellerId: 'd1-rb',
  },
  { distributorId: 'd1', id: 'd1-c1', kind: 'CUSTOMER', name: 'Direct customer', parentId: 'd1' },
  { distributorId: 'd2', id: 'd2', kind: 'DISTRIBUTOR', name: 'Distributor Two' },
  {
    distributorId: 'd2',
    id: 'd2-ra',
    kind: 'RESELLER',
    name: 'Reseller of Two',
    parentId: 'd2',
    resellerId: 'd2-ra',
    resellerTier: 'STANDARD',
  },
];

export async function seedFixture(db: Database): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.insert(organizations).values(orgs);
    await tx.insert(users).values(
      orgs.map((o) => ({
        distributorId: o.distributorId,
        resellerId: o.resellerId ?? null,
        orgId: o.id,
        id: `${o.id}-admin`,
        name: `${o.name} Admin`,
        email: `admin@${o.id}.example`,
        roles: ['ADMIN' as const],
      })),
    );
    for (const o of orgs) {
      const owner = { distributorId: o.distributorId, resellerId: o.resellerId ?? null, orgId: o.id };
      await tx
        .insert(invoiceTypes)
        .values(INVOICE_TYPES.map((code) => ({ ...owner, code, description: `${code} of ${o.id}` })));
      await tx
        .insert(invoiceStatuses)
        .values(INVOICE_STATUSES.map((code) => ({ ...owner, code, description: `${code} of ${o.id}` })));
    }
  });
}

export interface TestApi {
  app: ReturnType<typeof createApp>;
  db: TestDatabase;
  config: Config;
  /** Where the app writes documents: a fresh temporary folder unless the test passed one. */
  storage: DocumentStorage | undefined;
  /** That folder (removed by `close`), when the storage is the default one. */
  storageDir: string | undefined;
  /** A valid token for any caller. */
  token(
    org: string,
    roles?: Role[],
    opts?: { sub?: string; aud?: Audience; ttlSeconds?: number },
  ): Promise<string>;
  /** `app.request` with JSON in and out, and an optional token. */
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Another app on the same database, with other routes, environment or storage (default: this one's). */
  variant(opts: TestApiOptions): TestApi;
  close(): Promise<void>;
}

export interface TestApiOptions {
  routes?: readonly Route[];
  env?: Record<string, string>;
  /** The document storage; default a local folder in a fresh temporary directory; null: none (as at the edge). */
  storage?: DocumentStorage | null;
}

export async function createTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  await seedFixture(db.db);
  return testApiOn(db, opts, () => db.drop());
}

function testApiOn(db: TestDatabase, opts: TestApiOptions, close: () => Promise<void>): TestApi {
  const config = loadConfig({ NODE_ENV: 'test', ...opts.env });
  const storageDir =
    opts.storage === undefined ? mkdtempSync(join(tmpdir(), 'cascade-documents-')) : undefined;
  const storage = storageDir ? createLocalStorage(storageDir) : (opts.storage ?? undefined);
  const app = createApp({
    db: db.db,
    dbKind: db.kind,
    config,
    routes: opts.routes ?? defaultRoutes,
    logger: createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent'),
    storage,
  });
  return {
    app,
    db,
    config,
    storage,
    storageDir,
    token: (org, roles = ['ADMIN'], o = {}) =>
      signToken(config.jwtSecret, {
        sub: o.sub ?? `${org}-admin`,
        org,
        roles,
        aud: o.aud ?? 'api',
        ttlSeconds: o.ttlSeconds,
      }),
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.Authorization = `Bearer ${o.token}`;
      let body: string | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    // A variant shares this one's storage unless it brings its own.
    variant: (o) =>
      testApiOn(
        db,
        { ...o, storage: o.storage === undefined ? (storage ?? null) : o.storage },
        async () => {},
      ),
    async close() {
      if (storageDir) rmSync(storageDir, { recursive: true, force: true });
      await close();
    },
  };
}
