import type { Database, DatabaseKind } from '@cascade/db';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routes as defaultRoutes } from './modules';
import { createEmbedAuthorizer, embedCors } from './modules/embed';
import type { Config } from './platform/config';
import { ApiError, errorResponse, onError } from './platform/errors';
import { createLogger, type Logger, requestLog } from './platform/logging';
import { type AppEnv, allowedMethods, mountRoutes, type Route } from './platform/routes';
import { renderDocs } from './platform/routes/docs';
import { buildOpenApi } from './platform/routes/openapi';
import type { DocumentStorage } from './platform/storage';

/** No JSON request of ours comes near this; bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Hono's `bodyLimit`, asked only when the headers cannot answer: it reads `c.req.raw.body`, and on
 * Node that alone builds a full web Request with a body stream (about a tenth of a payment's CPU).
 * A declared length is checked as the middleware would; GET and HEAD carry no body; only a body of
 * unknown length (chunked, or a Request built in process) is counted as it streams.
 */
function requestBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Context<AppEnv>) =>
    errorResponse(
      c,
      new ApiError('payload_too_large', `The request body is larger than ${maxSize / 1024 / 1024} MB`),
    );
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    return Number.parseInt(length, 10) > maxSize ? Promise.resolve(tooLarge(c)) : next();
  };
}

export interface AppOptions {
  db: Database;
  dbKind: DatabaseKind;
  config: Config;
  /** The route table (default: every module's routes). Tests add their own. */
  routes?: readonly Route[];
  logger?: Logger;
  /** Where generated documents (PDFs) are kept: the Node entry's local folder; none at the edge. */
  storage?: DocumentStorage;
}

/**
 * The API as one Hono app, runtime-neutral: Node and workerd entries build it with their own
 * database and serve `app.fetch`. Everything under `/api`.
 */
export function createApp(opts: AppOptions): Hono<AppEnv> {
  const routes = opts.routes ?? defaultRoutes;
  const logger = opts.logger ?? createLogger(opts.config.logLevel);
  const app = new Hono<AppEnv>();

  app.use('*', requestLog(logger));
  app.use('/api/*', async (c, next) => {
    await next();
    // API answers are per caller and per moment; no shared caches.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });

  app.use('/api/*', requestBodyLimit(MAX_BODY_BYTES));

  // Embedded widgets on third-party pages: CORS for their routes, and their tokens' checks.
  app.use('/api/*', embedCors(opts.db));
  mountRoutes(app, routes, {
    db: opts.db,
    dbKind: opts.dbKind,
    config: opts.config,
    logger,
    storage: opts.storage,
    embed: createEmbedAuthorizer(opts.db),
  });

  let openApi: Record<string, unknown> | undefined;
  const document = () => {
    openApi ??= buildOpenApi(routes, opts.config);
    return openApi;
  };
  app.get('/api/openapi.json', (c) => c.json(document()));
  app.get('/api/docs', (c) => c.html(renderDocs(document())));

  app.notFound((c) => {
    const allowed = allowedMethods(routes, c.req.path, opts.config);
    if (allowed.length > 0) {
      return errorResponse(
        c,
        new ApiError(
          'method_not_allowed',
          `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`,
          undefined,
          { Allow: allowed.join(', ') },
        ),
      );
    }
    return errorResponse(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`));
  });
  app.onError(
    onError((err, c) =>
      logger.error('unhandled error', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        error:
          err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
      }),
    ),
  );
  return app;
}
