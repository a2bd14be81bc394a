import type { MiddlewareHandler } from 'hono';
import type { LogLevel } from '../config';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line; `write` defaults to stdout (console.log works on Node and workerd). */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  const at =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (ORDER[lvl] < ORDER[level]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Variables every request carries; `org` and `user` are set once the token is verified. */
export interface RequestLogVariables {
  requestId: string;
  logOrg?: string;
  logUser?: string;
}

/**
 * Echoes a sane `X-Request-Id` (or makes one) and writes one line per request: request id,
 * method, path, status, ms, org, user.
 */
export function requestLog(logger: Logger): MiddlewareHandler<{ Variables: RequestLogVariables }> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    try {
      await next();
    } finally {
      c.res.headers.set('X-Request-Id', requestId);
      logger.info('request', {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        org: c.get('logOrg') ?? null,
        user: c.get('logUser') ?? null,
      });
    }
  };
}
