// A typed fetch wrapper, framework-free: the apps and widgets call it, Vue only renders what it
// returns. One error shape comes back from the API ({"error":{"code","message","fields"?}}), and
// every failure, including network failures and non-JSON answers, surfaces as an ApiError.

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  /** Where the API lives, `/api` by default (same origin as the UI). */
  baseUrl?: string;
  /** Read at every request, so a token changed by sign-in or sign-out applies at once. */
  getToken?: () => string | null | undefined;
  /** Called on a 401 answer to a request that carried a token (expired or revoked session). */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof globalThis.fetch;
}

export type ApiErrorFields = Record<string, string>;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: ApiErrorFields;

  constructor(status: number, code: string, message: string, fields: ApiErrorFields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The message for one field (dotted path, as the API names it), if the API gave one. */
  field(path: string): string | undefined {
    return this.fields[path];
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'name' in error && (error as Error).name === 'AbortError'
  );
}

/** What the UI shows for any failure: the API's message, or a plain sentence. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export interface ApiClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  post<T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  put<T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  delete<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T>;
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  const tail = path.startsWith('/') ? path : `/${path}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    params.append(key, String(value));
  }
  const search = params.toString();
  return `${base}${tail}${search ? `?${search}` : ''}`;
}

/** Turns any error answer into an ApiError, whether or not it has our shape. */
export function parseErrorBody(status: number, statusText: string, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message, fields } = error as { code?: unknown; message?: unknown; fields?: unknown };
      const cleanFields: ApiErrorFields = {};
      if (typeof fields === 'object' && fields !== null) {
        for (const [key, value] of Object.entries(fields)) {
          if (typeof value === 'string') cleanFields[key] = value;
          else if (Array.isArray(value)) cleanFields[key] = value.map(String).join(' ');
        }
      }
      return new ApiError(
        status,
        typeof code === 'string' ? code : `HTTP_${status}`,
        typeof message === 'string' && message ? message : defaultMessage(status, statusText),
        cleanFields,
      );
    }
  }
  return new ApiError(status, `HTTP_${status}`, defaultMessage(status, statusText));
}

function defaultMessage(status: number, statusText: string): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return statusText || `Request failed (${status}).`;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '/api';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    const token = options.getToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }

    let response: Response;
    try {
      response = await doFetch(buildUrl(baseUrl, path, request.query), {
        method,
        headers,
        body,
        signal: request.signal,
      });
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');
    }

    const text = await response.text();
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
        if (response.ok) {
          throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an answer that is not JSON.');
        }
      }
    }

    if (!response.ok) {
      const error = parseErrorBody(response.status, response.statusText, parsed);
      if (response.status === 401 && token) options.onUnauthorized?.(error);
      throw error;
    }
    return parsed as T;
  }

  return {
    baseUrl,
    request,
    get: (path, o) => request('GET', path, o),
    post: (path, body, o) => request('POST', path, { ...o, body }),
    patch: (path, body, o) => request('PATCH', path, { ...o, body }),
    put: (path, body, o) => request('PUT', path, { ...o, body }),
    delete: (path, o) => request('DELETE', path, o),
  };
}

export * from './billing-accounts';
export * from './embed-keys';
export * from './endpoints';
export * from './types';
