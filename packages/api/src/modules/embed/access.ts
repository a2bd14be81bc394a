// The embed side of authentication: what an `embed` token may reach (its widgets' routes, from its
// page origins, while its API key stands), and which origins may call the API cross-origin.
import { type Database, embedApiKeys, queryRows, withSystem } from '@cascade/db';
import { and, eq, sql } from 'drizzle-orm';
import type { EmbedClaims } from '../../platform/auth';
import { ApiError } from '../../platform/errors';
import type { EmbedAuthorizer } from '../../platform/routes';
import { widgetsOfRoute } from './scope';

/** The union of the allowed origins of every active key, remembered briefly per database. */
const originCache = new WeakMap<Database, { origins: Promise<Set<string>>; until: number }>();
const ORIGIN_CACHE_MS = 10_000;
// Every marketplace's keys: a preflight carries no token, so no tenant is known yet.
const ACTIVE_ORIGINS = sql`select distinct unnest(allowed_origins) as origin from embed_api_keys where revoked_at is null`;

/** Forget the remembered origins (a key was created or revoked in this process). */
export function forgetEmbedOrigins(db: Database): void {
  originCache.delete(db);
}

/**
 * Whether any active API key allows `origin`: only those origins get CORS answers. Which
 * organization's list it is, is checked per request against the token's own origins.
 */
export async function isEmbedOrigin(db: Database, origin: string): Promise<boolean> {
  const now = Date.now();
  let hit = originCache.get(db);
  if (!hit || hit.until <= now) {
    const origins = withSystem(db, (tx) => queryRows<{ origin: string }>(tx, ACTIVE_ORIGINS)).then(
      (rows) => new Set(rows.map((r) => r.origin)),
    );
    hit = { origins, until: now + ORIGIN_CACHE_MS };
    originCache.set(db, hit);
    origins.catch(() => originCache.delete(db));
  }
  return (await hit.origins).has(origin);
}

/** Checks an `embed` session against the route it calls; throws the 401/403 that applies. */
export function createEmbedAuthorizer(db: Database): EmbedAuthorizer {
  return {
    async authorize({ route, session, origin }) {
      const claims = session.claims as EmbedClaims;
      const [key] = await withSystem(db, (tx) =>
        tx
          .select({ revokedAt: embedApiKeys.revokedAt, orgId: embedApiKeys.orgId })
          .from(embedApiKeys)
          .where(
            and(
              eq(embedApiKeys.distributorId, session.tenant.distributorId),
              eq(embedApiKeys.id, claims.kid),
            ),
          ),
      );
      if (!key || key.orgId !== session.tenant.orgId) {
        throw ApiError.unauthorized('Invalid token: the API key that issued it does not exist');
      }
      if (key.revokedAt) throw ApiError.unauthorized('Invalid token: the API key that issued it was revoked');
      const usable = widgetsOfRoute(route.method, route.path).filter((w) => claims.widgets.includes(w));
      if (usable.length === 0) {
        throw ApiError.forbidden(
          `This embed token is for ${claims.widgets.join(', ')}; ${route.method} ${route.path} is not part of ${claims.widgets.length === 1 ? 'it' : 'them'}`,
        );
      }
      if (!origin) {
        throw ApiError.forbidden('Embed tokens are accepted only from a web page: the request has no Origin');
      }
      if (!claims.origins.includes(origin)) {
        throw ApiError.forbidden(`This embed token may not be used from ${origin}`);
      }
    },
  };
}
