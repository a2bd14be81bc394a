import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  authApi,
  buildUrl,
  createApiClient,
  errorMessage,
  isAbortError,
  lockedCatalogApi,
  parseErrorBody,
  rowsOf,
  toSessionUser,
} from './index';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: unknown, calls: Call[] = []) {
  return vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    return new Response(text, { status, statusText: status === 200 ? 'OK' : 'Error' });
  }) as unknown as typeof fetch;
}

/** The ApiError a request fails with (the test fails if it succeeds). */
async function failure(request: Promise<unknown>): Promise<ApiError> {
  const outcome = await request.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  if (!(outcome instanceof ApiError)) throw outcome;
  return outcome;
}

describe('buildUrl', () => {
  it('joins base and path and drops empty query values', () => {
    expect(buildUrl('/api/', '/v1/x', { startRow: 0, endRow: 100, q: undefined, n: null })).toBe(
      '/api/v1/x?startRow=0&endRow=100',
    );
    expect(buildUrl('http://h:1/api', 'v1/x')).toBe('http://h:1/api/v1/x');
    expect(buildUrl('/api', '/v1/x', { q: 'a b&c' })).toBe('/api/v1/x?q=a+b%26c');
  });
});

describe('createApiClient', () => {
  it('sends the bearer token read at request time, and JSON bodies', async () => {
    const calls: Call[] = [];
    let token: string | null = 't1';
    const client = createApiClient({
      baseUrl: '/api',
      getToken: () => token,
      fetch: fakeFetch(200, { ok: 1 }, calls),
    });
    expect(await client.patch('/v1/invoice-statuses/PAID', { description: 'Settled' })).toEqual({ ok: 1 });
    token = null;
    await client.get('/v1/me');
    const [first, second] = calls;
    expect(first?.url).toBe('/api/v1/invoice-statuses/PAID');
    expect(first?.init.method).toBe('PATCH');
    expect(first?.init.body).toBe('{"description":"Settled"}');
    const headers = first?.init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer t1');
    expect(headers['Content-Type']).toBe('application/json');
    expect((second?.init.headers as Record<string, string> | undefined)?.Authorization).toBeUndefined();
  });

  it('parses the one error shape, with field messages', async () => {
    const client = createApiClient({
      fetch: fakeFetch(400, {
        error: { code: 'VALIDATION', message: 'Invalid request', fields: { description: 'Too long' } },
      }),
    });
    const error = await failure(client.patch('/v1/invoice-types/DEBIT', { description: 'x' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION', message: 'Invalid request' });
    expect(error.field('description')).toBe('Too long');
    expect(errorMessage(error)).toBe('Invalid request');
  });

  it('turns a non-JSON error into an ApiError with a plain message', async () => {
    const client = createApiClient({ fetch: fakeFetch(502, '<html>Bad gateway</html>') });
    const error = await failure(client.get('/health'));
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', fields: {} });
    expect(error.message).toMatch(/server/i);
  });

  it('rejects a non-JSON success answer', async () => {
    const client = createApiClient({ fetch: fakeFetch(200, 'not json') });
    await expect(client.get('/health')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('reports a network failure as NETWORK_ERROR', async () => {
    const client = createApiClient({
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(client.get('/health')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('lets an abort through as an AbortError', async () => {
    const controller = new AbortController();
    const client = createApiClient({
      fetch: ((_url: string, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        })) as unknown as typeof fetch,
    });
    const pending = client.get('/v1/me', { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e as ApiError);
    expect(isAbortError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it('calls onUnauthorized on a 401 to an authenticated request only', async () => {
    const onUnauthorized = vi.fn();
    const body = { error: { code: 'UNAUTHORIZED', message: 'Token expired' } };
    const withToken = createApiClient({ getToken: () => 'old', onUnauthorized, fetch: fakeFetch(401, body) });
    await expect(withToken.get('/v1/me')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    const anonymous = createApiClient({ onUnauthorized, fetch: fakeFetch(401, body) });
    await expect(anonymous.get('/v1/me')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('answers undefined for an empty success body (204)', async () => {
    const client = createApiClient({
      fetch: (async () => new Response(null, { status: 204 })) as unknown as typeof fetch,
    });
    expect(await client.delete('/v1/x')).toBeUndefined();
  });
});

describe('parseErrorBody', () => {
  it('keeps string field messages and joins arrays', () => {
    const error = parseErrorBody(400, 'Bad Request', {
      error: { code: 'VALIDATION', message: 'Bad', fields: { 'a.b': 'x', c: ['y', 'z'], d: 3 } },
    });
    expect(error.fields).toEqual({ 'a.b': 'x', c: 'y z' });
  });

  it('falls back on a message per status', () => {
    expect(parseErrorBody(403, '', { error: { code: 'FORBIDDEN' } }).message).toMatch(/not allowed/);
    expect(parseErrorBody(404, '', null).code).toBe('HTTP_404');
  });
});

describe('endpoint helpers', () => {
  it('reads rows from an array or a page', () => {
    expect(rowsOf([1, 2])).toEqual([1, 2]);
    expect(rowsOf({ rows: [3], lastRow: 1 })).toEqual([3]);
    expect(rowsOf(null)).toEqual([]);
  });

  it('reads a user from a flat or nested answer', () => {
    const flat = toSessionUser({
      id: 'u1',
      name: 'Ann',
      roles: ['ADMIN'],
      orgId: 'reseller-standard',
      orgName: 'Standard Reseller',
      orgKind: 'RESELLER',
      resellerTier: 'STANDARD',
    });
    const nested = toSessionUser({
      user: { id: 'u1', name: 'Ann', roles: ['ADMIN'] },
      organization: {
        id: 'reseller-standard',
        name: 'Standard Reseller',
        kind: 'RESELLER',
        resellerTier: 'STANDARD',
      },
    });
    expect(nested).toEqual(flat);
    expect(flat).toMatchObject({ orgKind: 'RESELLER', resellerTier: 'STANDARD', roles: ['ADMIN'] });
  });

  it('calls the auth and catalog endpoints', async () => {
    const calls: Call[] = [];
    const client = createApiClient({
      fetch: fakeFetch(
        200,
        { token: 'jwt', user: { id: 'u', name: 'U', orgKind: 'DISTRIBUTOR' }, rows: [] },
        calls,
      ),
    });
    const signedIn = await authApi(client).demoSignIn('u');
    expect(signedIn.token).toBe('jwt');
    expect(signedIn.user.orgKind).toBe('DISTRIBUTOR');
    await lockedCatalogApi(client, 'invoice-statuses').describe('PAID', 'Paid in full');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /api/v1/auth/demo-sign-in',
      'PATCH /api/v1/invoice-statuses/PAID',
    ]);
    expect(calls[0]?.init.body).toBe('{"userId":"u"}');
  });
});
