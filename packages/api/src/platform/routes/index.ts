import type { Database, DatabaseKind, StatementPart, Transaction } from '@cascade/db';
import { zValidator } from '@hono/zod-validator';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { bearerToken, verifyToken } from '../auth';
import type { Config } from '../config';
import { ApiError, type RequestPart, unstorableTextError, validationError } from '../errors';
import { createIdempotency, IDEMPOTENCY_HEADER, requireIdempotencyKey } from '../idempotency';
import type { Logger, RequestLogVariables } from '../logging';
import type { DocumentStorage } from '../storage';
import {
  cachedTenantLookup,
  checkGuard,
  type RouteGuard,
  resolveSession,
  type Session,
  type TenantLookup,
  tenantRunner,
} from '../tenancy';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

/** `'public'`: no token. Otherwise a verified token, optionally limited to some roles/org kinds. */
export type RouteAuth = 'public' | RouteGuard;

export type AppEnv = { Variables: RequestLogVariables & { session?: Session } };

type AnyObject = z.ZodType<Record<string, unknown>>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets: validated input, the caller, and the ways to reach the database. */
export interface HandlerContext<P, Q, B, A extends RouteAuth> {
  params: P;
  query: Q;
  body: B;
  /** The caller (present on every non-public route). */
  session: A extends 'public' ? Session | undefined : Session;
  /** Runs `fn` in a transaction as the caller's tenant (RLS on). On money-moving routes it is the
   *  one transaction that also records the Idempotency-Key. */
  withTenant: <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>;
  /** The database itself, for platform routes that run before or outside any tenant (health, sign-in). */
  db: Database;
  dbKind: DatabaseKind;
  config: Config;
  /** Where generated documents are kept; undefined on a runtime without one (the edge). */
  storage: DocumentStorage | undefined;
  requestId: string;
  /** The raw Hono context (headers, cookies); prefer the validated fields above. */
  c: Context<AppEnv>;
}

/**
 * One row of the route table. The app, the validation, the guards, idempotency, the OpenAPI
 * document and the fuzz test are all derived from these.
 */
export interface RouteSpec<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  A extends RouteAuth,
> {
  method: Method;
  /** Hono path syntax: `/api/v1/invoice-types/:code`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: A;
  request?: { params?: P; query?: Q; body?: B };
  response: R;
  /** Success status (default 200). */
  status?: 200 | 201 | 202;
  /** Requires `Idempotency-Key`; the effect and the stored response share one transaction. */
  moneyMoving?: boolean;
  /**
   * A money-moving handler that writes only through `deferredWrites` (reads and locks, then
   * defers): it starts while the Idempotency-Key is checked, its first reads sent with the key's.
   */
  writesOnlyDeferred?: boolean;
  /**
   * A money-moving route whose requests may share one transaction with others of the caller's
   * tenant (group commit, see `Batchable`): `exclusive` names what two requests of one transaction
   * must not share (undefined: this one runs alone), `decide` reads and decides for several at
   * once without writing. A request still runs alone, through `handler`, when its batch fails.
   */
  batch?: {
    exclusive(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>, A>): string | undefined;
    decide(
      tx: Transaction,
      ctxs: HandlerContext<Out<P>, Out<Q>, Out<B>, A>[],
    ): Promise<BatchDecision<z.input<R>>[]>;
  };
  /** Mounted only when this says so (e.g. demo sign-in outside production). */
  enabled?: (config: Config) => boolean;
  handler(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>, A>): Promise<z.input<R>> | z.input<R>;
}

/** One request's part of a `batch.decide`: its answer and what to write, or its refusal. */
export type BatchDecision<T> =
  | { ok: true; out: T; writes: StatementPart[]; after?: () => Promise<void> }
  | { ok: false; error: unknown }
  /** Not decided in the batch: it runs alone, through `handler`, once the batch has committed. */
  | { ok: false; alone: true };

/** A route with its types erased, as stored in the table. */
export type Route = RouteSpec<
  AnyObject | undefined,
  AnyObject | undefined,
  z.ZodType | undefined,
  z.ZodType,
  RouteAuth
>;

/** Declares a route; the types of `handler`'s input follow from the schemas. */
export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
  const A extends RouteAuth = RouteAuth,
>(spec: RouteSpec<P, Q, B, R, A>): Route {
  return spec as unknown as Route;
}

/** Admits or refuses an `embed` session on a route (modules/embed): throws the 401/403 that applies. */
export interface EmbedAuthorizer {
  authorize(input: { route: Route; session: Session; origin: string | undefined }): Promise<void>;
}

export interface MountDeps {
  db: Database;
  dbKind: DatabaseKind;
  config: Config;
  logger: Logger;
  storage?: DocumentStorage;
  /** Without it, `embed` tokens are refused everywhere. */
  embed?: EmbedAuthorizer;
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

const validate = (part: RequestPart, target: 'param' | 'query' | 'json', schema: z.ZodType) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error as z.ZodError, part);
    const unstorable = unstorableTextError(result.data, part);
    if (unstorable) throw unstorable;
  }) as unknown as MiddlewareHandler<AppEnv>;

/** Adds every enabled route of the table to the app, each behind the same chain of checks. */
export function mountRoutes(app: Hono<AppEnv>, routes: readonly Route[], deps: MountDeps): void {
  const runIdempotent = createIdempotency();
  const lookup = cachedTenantLookup(deps.db);
  for (const route of routes) {
    if (route.enabled && !route.enabled(deps.config)) continue;
    const chain: MiddlewareHandler<AppEnv>[] = [];
    if (route.auth !== 'public') chain.push(authenticate(route, route.auth, deps, lookup));
    if (route.request?.body) chain.push(requireJsonBody);
    if (route.request?.params) chain.push(validate('params', 'param', route.request.params));
    if (route.request?.query) chain.push(validate('query', 'query', route.request.query));
    if (route.request?.body) chain.push(validate('body', 'json', route.request.body));
    const status = (route.status ?? 200) as ContentfulStatusCode;

    const handle = async (c: Context<AppEnv>) => {
      const session = c.get('session');
      const req = c.req as unknown as { valid(t: string): unknown };
      const base = {
        params: route.request?.params ? req.valid('param') : undefined,
        query: route.request?.query ? req.valid('query') : undefined,
        body: route.request?.body ? req.valid('json') : undefined,
        session,
        db: deps.db,
        dbKind: deps.dbKind,
        config: deps.config,
        storage: deps.storage,
        requestId: c.get('requestId'),
        c,
      };
      const noTenant = () => {
        throw new Error(`${route.method} ${route.path} is public: it has no tenant transaction`);
      };
      if (route.moneyMoving) {
        if (!session) throw new Error(`${route.method} ${route.path}: money-moving routes need auth`);
        const key = requireIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER));
        const exclusive = route.batch?.exclusive(base as never);
        const decide = route.batch?.decide;
        const stored = await runIdempotent({
          db: deps.db,
          tenant: session.tenant,
          key,
          method: route.method,
          path: c.req.path,
          body: base.body ?? null,
          writesOnlyDeferred: route.writesOnlyDeferred,
          batch:
            exclusive === undefined || !decide
              ? undefined
              : {
                  group: `${route.method} ${route.path}`,
                  exclusive,
                  input: base,
                  runBatch: async (tx, inputs) =>
                    (await decide(tx, inputs as never[])).map((d) =>
                      d.ok
                        ? {
                            ok: true as const,
                            response: { status, body: checkResponse(route, d.out, deps.config) },
                            writes: d.writes,
                            after: d.after,
                          }
                        : d,
                    ),
                },
          run: async (tx) => {
            const sameTx = <T>(fn: (t: Transaction) => Promise<T>) => fn(tx);
            const out = await route.handler({ ...base, withTenant: sameTx } as never);
            return { status, body: checkResponse(route, out, deps.config) };
          },
        });
        if (stored.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json(stored.body as object, stored.status as ContentfulStatusCode);
      }
      const withTenant = session ? tenantRunner(deps.db, session.tenant) : noTenant;
      const out = await route.handler({ ...base, withTenant } as never);
      // A handler may answer a Response of its own (a streamed file download).
      if (out instanceof Response) return out;
      return c.json(checkResponse(route, out, deps.config) as object, status);
    };
    // Hono's overloads type a fixed number of handlers; the chain length varies per route.
    (app as unknown as { on(m: string, p: string, ...h: MiddlewareHandler<AppEnv>[]): void }).on(
      route.method,
      route.path,
      ...chain,
      handle as MiddlewareHandler<AppEnv>,
    );
  }
}

/** Outside production the response must match its schema: drift between docs and code is a bug. */
function checkResponse(route: Route, out: unknown, config: Config): unknown {
  if (config.isProduction) return out;
  const parsed = route.response.safeParse(out);
  if (!parsed.success) {
    throw new Error(
      `${route.method} ${route.path} answered outside its response schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`,
    );
  }
  return out;
}

function authenticate(
  route: Route,
  guard: RouteGuard,
  deps: MountDeps,
  lookup: TenantLookup,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    const claims = await verifyToken(deps.config.jwtSecret, token, ['api', 'embed']);
    c.set('logOrg', claims.org);
    c.set('logUser', claims.sub);
    const session = await resolveSession(lookup, claims);
    if (claims.aud === 'embed') {
      // A third-party portal's token: only its widgets' routes, from its origins, while its key stands.
      if (!deps.embed) throw ApiError.forbidden('Embed tokens are not accepted here');
      await deps.embed.authorize({ route, session, origin: c.req.header('Origin') });
    }
    checkGuard(session, guard);
    c.set('session', session);
    await next();
  };
}

/** A route with a body takes JSON; anything else sent as a body is a 415, not a silent `{}`. */
const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('Content-Type');
  const mediaType = type?.split(';')[0]?.trim() ?? '';
  if (type !== undefined && !JSON_TYPE.test(mediaType)) {
    throw new ApiError(
      'unsupported_media_type',
      'Send the request body as JSON (Content-Type: application/json)',
    );
  }
  if (type === undefined) {
    // No Content-Type: a body must still be JSON; an empty one validates as a missing object.
    const text = await c.req.raw.clone().text();
    if (text.trim() !== '') {
      throw new ApiError(
        'unsupported_media_type',
        'Send the request body as JSON (Content-Type: application/json)',
      );
    }
  }
  await next();
};

/** Hono path → a matcher, to tell a 405 (path exists, method does not) from a 404. */
export function pathMatcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}

/** The methods the table has for a path (HEAD comes with GET). */
export function allowedMethods(routes: readonly Route[], path: string, config: Config): Method[] {
  const methods = new Set<Method>();
  for (const r of routes) {
    if (r.enabled && !r.enabled(config)) continue;
    if (pathMatcher(r.path).test(path)) methods.add(r.method);
  }
  return [...methods];
}
