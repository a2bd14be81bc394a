/**
 * The Node entry: one port for the API and the built UIs (storefront at `/`, admin at `/admin/`).
 * `pnpm start` runs it after building the UIs when needed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  type Config,
  ConfigError,
  createApp,
  createLogger,
  loadConfig,
  resumeInterruptedBillingRuns,
  startCustomerChargesScheduler,
  taxProviderFrom,
} from '@cascade/api';
import { createLocalStorage } from '@cascade/api/storage/local';
import { type DatabaseHandle, openDatabase } from '@cascade/db';
import { DEMO_EMBED_KEY, DEMO_EMBED_ORG, seedDemo } from '@cascade/db/seed';
import { type RunningPortal, startPortal } from '@cascade/third-party-portal';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { buildUis, staleUis, type UiName } from './build-ui';
import { mountSpa } from './static';

const here = dirname(fileURLToPath(import.meta.url));
export const UI_ROOTS = {
  storefront: resolve(here, '../../storefront/dist'),
  admin: resolve(here, '../../admin/dist'),
};

/** Relative DATA_DIR means relative to where `pnpm start` was typed (pnpm runs us in apps/server). */
export function dataDirOf(config: Config): string {
  if (isAbsolute(config.dataDir)) return config.dataDir;
  return resolve(process.env.INIT_CWD ?? process.cwd(), config.dataDir);
}

/** STORAGE_DIR, resolved like DATA_DIR (its default lies under DATA_DIR). */
export function storageDirOf(config: Config): string {
  if (isAbsolute(config.storageDir)) return config.storageDir;
  return resolve(process.env.INIT_CWD ?? process.cwd(), config.storageDir);
}

/** Seeds the demo marketplace when the database has none; `seedDemo` is idempotent by itself. */
async function seedIfEmpty(handle: DatabaseHandle, config: Config, portalOrigins: string[]): Promise<string> {
  // The demo portal's API key allows the portal's origins on this run's port.
  const embedKey = { pepper: config.jwtSecret, ...(portalOrigins.length ? { origins: portalOrigins } : {}) };
  const { created } = await seedDemo(handle.db, { embedKey });
  return created ? 'demo data loaded' : 'demo data already present';
}

/**
 * The third-party portal demo (issue 8) listens on PORTAL_PORT, by default PORT+1: another origin
 * than Cascade's. `off` leaves it out; PORTAL_TOKEN_TTL sets its tokens' life in seconds (tests).
 */
export function portalSettings(
  env: Record<string, string | undefined>,
  config: Config,
): { port: number; ttlSeconds?: number } | null {
  if (config.isProduction || env.PORTAL_PORT === 'off') return null;
  const port = env.PORTAL_PORT ? Number(env.PORTAL_PORT) : config.port + 1;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError({ PORTAL_PORT: `must be a port number or "off", got "${env.PORTAL_PORT}"` });
  }
  const ttl = env.PORTAL_TOKEN_TTL ? Number(env.PORTAL_TOKEN_TTL) : undefined;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 10 || ttl > 900)) {
    throw new ConfigError({
      PORTAL_TOKEN_TTL: `must be whole seconds from 10 to 900, got "${env.PORTAL_TOKEN_TTL}"`,
    });
  }
  return { port, ...(ttl ? { ttlSeconds: ttl } : {}) };
}

const portalOriginsOf = (port: number) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`];

export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Build stale UIs while the database starts (what `pnpm start` does). */
  buildUi?: boolean;
}

export async function start(
  env: Record<string, string | undefined> = process.env,
  opts: StartOptions = {},
): Promise<StartedServer> {
  const t0 = performance.now();
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);

  // The UI build and the database start-up are independent: run them side by side.
  const building = new Set<UiName>(opts.buildUi ? staleUis() : []);
  if (building.size > 0) {
    logger.info(`building the UIs in the background: ${[...building].join(', ')}`);
    void buildUis([...building], 'ignore').then((ok) => {
      building.clear();
      if (ok) logger.info('UIs built');
      else
        logger.error(
          'the UI build failed; run `pnpm --filter @cascade/storefront --filter @cascade/admin build` to see why',
        );
    });
  }
  let handle: DatabaseHandle;
  if (config.databaseUrl) {
    handle = await openDatabase({ url: config.databaseUrl });
  } else {
    const dataDir = dataDirOf(config);
    mkdirSync(dataDir, { recursive: true });
    handle = await openDatabase({ dataDir });
  }
  logger.info('database ready', {
    database: handle.kind,
    where: config.databaseUrl ? new URL(config.databaseUrl).host : dataDirOf(config),
  });
  const portalSetup = portalSettings(env, config);
  if (!config.isProduction) {
    logger.info(await seedIfEmpty(handle, config, portalSetup ? portalOriginsOf(portalSetup.port) : []));
  }

  // --- Documents (invoice and statement PDFs): a local folder, created on first write.
  const storage = createLocalStorage(storageDirOf(config));
  logger.info('document storage', { where: storage.description });
  const api = createApp({ db: handle.db, dbKind: handle.kind, config, logger, storage });
  // --- Customer Charges: the daily sync's schedule (issue 5). Every instance ticks each minute;
  // the claims live in PostgreSQL (job_runs), so each reseller is synced once per local day.
  const scheduler = startCustomerChargesScheduler(handle.db, { logger });
  // --- Billing runs left QUEUED or RUNNING by a process that died go on here; a run rescans from
  // the start and its invoices carry unique generation keys, so nothing is issued twice.
  const resumedRuns = await resumeInterruptedBillingRuns(handle.db, { taxProvider: taxProviderFrom(config) });
  if (resumedRuns.length > 0) logger.info('billing runs resumed', { runs: resumedRuns });
  // ---
  const app = new Hono();
  app.all('/api/*', (c) => api.fetch(c.req.raw));
  app.all('/api', (c) => api.fetch(c.req.raw));
  // Admin first: the storefront's catch-all would otherwise answer /admin/ routes.
  for (const [name, prefix] of [
    ['admin', '/admin/'],
    ['storefront', '/'],
  ] as const) {
    const root = UI_ROOTS[name];
    mountSpa(app, { name, prefix, root, building: () => building.has(name) });
    if (!building.has(name) && !existsSync(root)) {
      logger.warn(`${name} UI not built: ${root} is missing; run \`pnpm --filter @cascade/${name} build\``);
    }
  }
  app.notFound((c) => c.text('Not found', 404));

  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const s = serve({ fetch: app.fetch, port: config.port }, () => ready(s));
  });
  const url = `http://localhost:${config.port}`;
  // --- Embedding: the third-party portal demo, on its own port (another origin).
  let portal: RunningPortal | null = null;
  if (portalSetup) {
    try {
      portal = await startPortal({
        port: portalSetup.port,
        apiUrl: `${url}/api`,
        apiKey: DEMO_EMBED_KEY,
        userId: `${DEMO_EMBED_ORG}-admin`,
        origins: portalOriginsOf(portalSetup.port),
        ...(portalSetup.ttlSeconds ? { ttlSeconds: portalSetup.ttlSeconds } : {}),
      });
    } catch (err) {
      logger.warn('the third-party portal demo did not start', {
        port: portalSetup.port,
        error: String(err),
      });
    }
  }
  // ---
  const ms = Math.round(performance.now() - t0);
  logger.info('listening', { url, ms });
  if (config.logLevel !== 'silent') {
    process.stdout.write(
      [
        '',
        `Cascade is running (${handle.kind}, ${config.nodeEnv}), ready in ${ms} ms:`,
        `  storefront  ${url}/`,
        `  admin       ${url}/admin/`,
        `  health      ${url}/api/health`,
        `  API docs    ${url}/api/docs  (OpenAPI: ${url}/api/openapi.json)`,
        ...(portal ? [`  portal demo ${portal.url}/  (a third-party page embedding the widgets)`] : []),
        ...(building.size
          ? [`  (building ${[...building].join(' and ')}: its pages say so until done)`]
          : []),
        '',
      ].join('\n'),
    );
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await portal?.close();
      await scheduler.stop(); // Customer Charges schedule: let a running sync finish first.
      await handle.close();
    })();
    return closing;
  };
  return { url, close };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  start(process.env, { buildUi: process.argv.includes('--build-ui') }).then(
    (server) => {
      const stop = (signal: string) => {
        process.stdout.write(`\n${signal}: shutting down\n`);
        // A second signal, or a hung close, ends it regardless.
        setTimeout(() => process.exit(1), 10_000).unref();
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      process.stderr.write(
        `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
