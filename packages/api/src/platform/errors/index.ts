import { BillingCoreError } from '@cascade/billing-core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

/** The machine-readable codes of the one error shape; each has one HTTP status. */
export const ERROR_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  idempotency_key_required: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  request_in_progress: 409,
  unsupported_media_type: 415,
  unprocessable: 422,
  idempotency_key_reused: 422,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof ERROR_CODES;

/** `fields` maps a dotted field path (`lines.0.quantity`) to what is wrong with it. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** The zod schema of the one error shape, for the OpenAPI document and for tests. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every failure.' });

/** Every failure a handler wants the client to see: thrown, turned into the one error shape. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code];
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) },
    };
  }

  static notFound(what: string) {
    return new ApiError('not_found', `${what} not found`);
  }
  static forbidden(message = 'You are not allowed to do this') {
    return new ApiError('forbidden', message);
  }
  static unauthorized(message = 'Sign in first: send Authorization: Bearer <token>') {
    return new ApiError('unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

/** Where a request value came from; used to name a field when the whole part is wrong. */
export type RequestPart = 'params' | 'query' | 'body';

/** zod issues → `{path: message}`, every bad field named once (the first message wins). */
export function zodFields(error: z.ZodError, part?: RequestPart): Record<string, string> {
  // No prototype: a field named `__proto__`, `constructor` or `toString` is named like any other.
  const fields: Record<string, string> = Object.create(null);
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        fields[base ? `${base}.${key}` : key] ??= issue.message.startsWith('Unrecognized key')
          ? 'Unknown field: it cannot be set here'
          : issue.message;
      }
      continue;
    }
    fields[base || part || 'request'] ??= issue.message;
  }
  return fields;
}

export function validationError(error: z.ZodError, part: RequestPart): ApiError {
  return fieldsError(zodFields(error, part), part);
}

/**
 * A valid value's first string (or key) that PostgreSQL cannot store as text or jsonb: one holding
 * U+0000, or a lone UTF-16 surrogate (`"\ud800"` parses as JSON). As an error naming its field,
 * so that it is refused at the edge rather than failed in the database.
 */
export function unstorableTextError(value: unknown, part: RequestPart): ApiError | undefined {
  // Iterative: a body may nest deeper than the call stack (a grid's filter model is free-form).
  const stack: [unknown, string][] = [[value, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, path] = next;
    const problem = textProblem(item);
    if (problem) return fieldsError({ [path || part]: problem }, part);
    if (typeof item !== 'object' || item === null) continue;
    // Pushed in reverse: the first field in the request is the one named.
    for (const [key, child] of Object.entries(item).reverse()) {
      const at = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      if (keyProblem) return fieldsError({ [at]: keyProblem }, part);
      stack.push([child, at]);
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.includes('\u0000')) return 'Must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'Must be valid Unicode text (it holds a lone surrogate)';
  return undefined;
}

function fieldsError(fields: Record<string, string>, part: RequestPart): ApiError {
  const names = Object.keys(fields);
  const where = part === 'body' ? 'request body' : part === 'query' ? 'query string' : 'path';
  return new ApiError(
    'validation_failed',
    `Invalid ${where}: ${names.length === 1 ? names[0] : `${names.length} fields (${names.join(', ')})`}`,
    fields,
  );
}

/** billing-core's refusals of malformed input (400); its other refusals are of the request (422). */
const BAD_INPUT = new Set([
  'INVALID_DECIMAL',
  'TOO_MANY_DECIMALS',
  'NEGATIVE_AMOUNT',
  'INVALID_DATE',
  'UNKNOWN_CURRENCY',
]);

/**
 * A domain rule's refusal (billing-core: a code, a message, a field) in the one error shape,
 * naming the field as the request does where `fields` renames the rule's.
 */
export function domainRefusal(
  r: { code: string; message: string; field?: string | undefined },
  fields?: Readonly<Record<string, string>>,
): ApiError {
  const field = (r.field && fields?.[r.field]) ?? r.field ?? 'request';
  return new ApiError(BAD_INPUT.has(r.code) ? 'validation_failed' : 'unprocessable', r.message, {
    [field]: r.message,
  });
}

export function errorResponse(c: Context, err: ApiError): Response {
  return c.json(err.toBody(), err.status, err.headers);
}

/**
 * Hono's `onError`: ApiError as is; billing-core's refusals as 400/422; Hono's own HTTPExceptions
 * (malformed JSON, body limits) in the same shape; anything else is our bug, a 500 with no
 * internals, logged with the request id.
 */
export function onError(log: (err: unknown, c: Context) => void) {
  return (err: Error, c: Context): Response => {
    if (err instanceof ApiError) return errorResponse(c, err);
    // A rule's refusal no handler named itself (a date past the calendar's end, say): still a 4xx,
    // and logged, as it may also be our own bug (a stored value a rule refuses).
    if (err instanceof BillingCoreError) {
      log(err, c);
      return errorResponse(c, domainRefusal(err));
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 400 && /json/i.test(err.message)) {
        return errorResponse(c, new ApiError('malformed_json', 'The request body is not valid JSON'));
      }
      if (status < 500) {
        return c.json({ error: { code: httpCode(status), message: err.message || 'Bad request' } }, status);
      }
    }
    log(err, c);
    return errorResponse(c, new ApiError('internal', 'Something went wrong on our side; it has been logged'));
  };
}

function httpCode(status: number): string {
  const found = Object.entries(ERROR_CODES).find(([, s]) => s === status);
  return found ? found[0] : 'bad_request';
}

export function notFoundResponse(c: Context): Response {
  return errorResponse(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`));
}
