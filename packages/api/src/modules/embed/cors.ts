// CORS for the routes embedded widgets use, and only for those: the page origin is echoed exactly
// (never `*`, no credentials: embed tokens travel in the Authorization header, not in cookies)
// when an active API key allows it; every answer varies by Origin so no cache mixes them up.
import type { Database } from '@cascade/db';
import type { MiddlewareHandler } from 'hono';
import { ApiError, errorResponse } from '../../platform/errors';
import type { AppEnv } from '../../platform/routes';
import { isEmbedOrigin } from './access';
import { embedMethodsOfPath } from './scope';

const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, Idempotency-Key';
/** The export's file name and size are read by the widget. */
const EXPOSE_HEADERS = 'Content-Disposition, Content-Length, Idempotent-Replayed, WWW-Authenticate';
const PREFLIGHT_MAX_AGE = '600';

export function embedCors(db: Database): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const methods = embedMethodsOfPath(c.req.path);
    if (methods.length === 0) return next();
    const origin = c.req.header('Origin');
    const allowed = origin !== undefined && origin !== 'null' && (await isEmbedOrigin(db, origin));

    if (c.req.method === 'OPTIONS') {
      const asked = c.req.header('Access-Control-Request-Method');
      if (!allowed || !asked || !methods.includes(asked as (typeof methods)[number])) {
        const res = errorResponse(
          c,
          ApiError.forbidden(
            allowed
              ? `${asked ?? 'That method'} is not open to embedded widgets on ${c.req.path}`
              : `The origin ${origin ?? '(none)'} is not allowed by any API key`,
          ),
        );
        res.headers.set('Vary', 'Origin');
        return res;
      }
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
        Vary: 'Origin',
      });
    }

    await next();
    c.res.headers.append('Vary', 'Origin');
    if (allowed) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
  };
}
