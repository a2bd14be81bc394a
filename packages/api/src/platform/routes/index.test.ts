import type { Database } from '@cascade/db';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../app';
import { routes } from '../../modules';
import { loadConfig } from '../config';
import { errorBodySchema } from '../errors';
import { createLogger } from '../logging';
import { pageOf, pageQuery } from '../pagination';
import { defineRoute, pathMatcher } from '.';
import { openApiPath } from './openapi';

// No database: these requests never reach a handler that queries.
const app = createApp({
  db: {} as Database,
  dbKind: 'pglite',
  config: loadConfig({ NODE_ENV: 'test' }),
  logger: createLogger('silent'),
});

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: { name: string; in: string }[]; responses: object }>
  >;
  components: { schemas: Record<string, unknown> };
};

async function openApi(): Promise<Doc> {
  const res = await app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/** Every `$ref` in the document points at something that exists. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route of the table', async () => {
    const doc = await openApi();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
    }
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(routes.length);
  });

  it('is internally consistent: refs resolve, path parameters declared, operation ids unique', async () => {
    const doc = await openApi();
    for (const ref of refs(doc)) {
      expect(ref, ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), path).toEqual(names.sort());
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('2')),
          path,
        ).toBe(true);
      }
    }
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('describes requests and responses from the zod schemas', async () => {
    const doc = await openApi();
    const patch = doc.paths['/api/v1/invoice-types/{code}']?.patch as unknown as {
      requestBody: {
        content: { 'application/json': { schema: { properties: object; additionalProperties: boolean } } };
      };
      security: unknown[];
    };
    expect(Object.keys(patch.requestBody.content['application/json'].schema.properties)).toEqual([
      'description',
    ]);
    expect(patch.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(patch.security).toEqual([{ bearerAuth: [] }]);
    const list = doc.paths['/api/v1/organizations']?.get;
    expect(list?.parameters?.map((p) => p.name)).toEqual(['startRow', 'endRow', 'kind', 'parentId']);
  });
});

describe('reference page', () => {
  it('is self-contained HTML naming every route', async () => {
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/text\/html/);
    const html = await res.text();
    for (const route of routes) expect(html).toContain(openApiPath(route.path));
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});

describe('routing errors', () => {
  it('answers unknown paths with a 404 in the one shape', async () => {
    const res = await app.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(errorBodySchema.safeParse(await res.json()).success).toBe(true);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await app.request('/api/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET');
    expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await app.request('/api/v1/auth/demo-sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses a declared length over the limit from the header alone, and takes one within it', async () => {
    const over = await app.request('/api/v1/auth/demo-sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) },
      body: '{}',
    });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const within = await app.request('/api/v1/auth/demo-sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '2' },
      body: '{}',
    });
    expect(within.status).not.toBe(413);
  });

  it('checks the token before anything else on protected routes', async () => {
    const res = await app.request('/api/v1/organizations?startRow=-5');
    expect(res.status).toBe(401);
  });
});

describe('route table', () => {
  it('matches paths with parameters for the 405 check', () => {
    expect(pathMatcher('/api/v1/x/:id').test('/api/v1/x/abc')).toBe(true);
    expect(pathMatcher('/api/v1/x/:id').test('/api/v1/x/abc/def')).toBe(false);
    expect(pathMatcher('/api/v1/x').test('/api/v1/x/')).toBe(true);
  });

  it('validates query, params and body with the one error shape, before the handler', async () => {
    let called = 0;
    const probe = defineRoute({
      method: 'POST',
      path: '/api/v1/probe/:id',
      summary: 'probe',
      tags: ['test'],
      auth: 'public',
      request: {
        params: z.object({ id: z.string().regex(/^\d+$/) }),
        query: pageQuery(),
        body: z.strictObject({ n: z.number().int(), tags: z.array(z.string()).max(2) }),
      },
      response: pageOf(z.object({ id: z.string() })),
      handler({ params }) {
        called++;
        return { rows: [{ id: params.id }], lastRow: 1 };
      },
    });
    const probeApp = createApp({
      db: {} as Database,
      dbKind: 'pglite',
      config: loadConfig({ NODE_ENV: 'test' }),
      routes: [probe],
      logger: createLogger('silent'),
    });
    const send = (path: string, body: unknown) =>
      probeApp.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await send('/api/v1/probe/12', { n: 1, tags: [] });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ rows: [{ id: '12' }], lastRow: 1 });
    const badParam = await send('/api/v1/probe/x', { n: 1, tags: [] });
    expect(badParam.status).toBe(400);
    expect(await badParam.json()).toMatchObject({ error: { fields: { id: expect.any(String) } } });
    const badBody = await send('/api/v1/probe/1', { n: 1.5, tags: ['a', 'b', 'c'], x: 1 });
    expect((await badBody.json()) as object).toMatchObject({
      error: {
        code: 'validation_failed',
        fields: { n: expect.any(String), tags: expect.any(String), x: expect.any(String) },
      },
    });
    const badQuery = await send('/api/v1/probe/1?endRow=x', { n: 1, tags: [] });
    expect(await badQuery.json()).toMatchObject({ error: { fields: { endRow: expect.any(String) } } });
    expect(called).toBe(1);
  });
});
