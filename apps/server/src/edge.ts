/**
 * The edge entry (workerd, `nodejs_compat`): the same app on PostgreSQL through postgres.js, whose
 * workerd build talks over `cloudflare:sockets`. No migrations here: the database is migrated by a
 * Node instance or a deploy step. Bundle with `pnpm --filter @cascade/server build:edge`.
 */
import { createApp, loadConfig } from '@cascade/api';
import { openDatabase } from '@cascade/db';

export interface EdgeEnv {
  DATABASE_URL: string;
  JWT_SECRET?: string;
  NODE_ENV?: string;
  LOG_LEVEL?: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    let config: ReturnType<typeof loadConfig>;
    try {
      config = loadConfig({
        DATABASE_URL: env.DATABASE_URL,
        JWT_SECRET: env.JWT_SECRET,
        NODE_ENV: env.NODE_ENV,
        LOG_LEVEL: env.LOG_LEVEL,
      });
      if (!config.databaseUrl)
        throw new Error('DATABASE_URL: the edge needs PostgreSQL (PGlite does not run here)');
    } catch (err) {
      console.error(err instanceof Error ? err.message : String(err));
      return Response.json(
        { error: { code: 'unavailable', message: 'The server is misconfigured; see its log' } },
        { status: 503 },
      );
    }
    // workerd ties a socket to the request that opened it: one small connection per request,
    // closed once the answer is sent (put Hyperdrive or a pooler in front in production).
    const handle = await openDatabase({ url: config.databaseUrl, migrate: false, max: 1 });
    try {
      // No document storage here (no file system): PDFs are generated per request and not kept,
      // and storage locations are changed through a Node instance.
      const app = createApp({ db: handle.db, dbKind: handle.kind, config });
      return await app.fetch(request, env, ctx as never);
    } finally {
      ctx.waitUntil(handle.close());
    }
  },
};
