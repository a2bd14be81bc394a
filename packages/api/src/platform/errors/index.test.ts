import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, errorBodySchema, nulCharacterError, onError, validationError, zodFields } from '.';

describe('errors', () => {
  it('names every bad field by its dotted path', () => {
    const schema = z.strictObject({ a: z.string(), b: z.object({ c: z.array(z.number()) }) });
    const r = schema.safeParse({ a: 1, b: { c: [1, 'x'] }, extra: true });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(zodFields(r.error, 'body')).toEqual({
      a: expect.any(String),
      'b.c.1': expect.any(String),
      extra: 'Unknown field: it cannot be set here',
    });
    const err = validationError(r.error, 'body');
    expect(err.status).toBe(400);
    expect(errorBodySchema.safeParse(err.toBody()).success).toBe(true);
  });

  it('names the part itself when the whole of it is wrong', () => {
    const r = z.object({ a: z.string() }).safeParse('nope');
    if (r.success) throw new Error('expected failure');
    expect(zodFields(r.error, 'body')).toEqual({ body: expect.any(String) });
  });

  it('names the first string or key holding U+0000, which PostgreSQL cannot store', () => {
    expect(nulCharacterError({ a: 'x', b: [{ c: 'ok' }, { c: 'n\u0000' }] }, 'body')?.fields).toEqual({
      'b.1.c': 'Must not contain the NUL character (U+0000)',
    });
    expect(Object.keys(nulCharacterError({ m: { 'k\u0000': 1 } }, 'body')?.fields ?? {})).toEqual([
      'm.k\u0000',
    ]);
    expect(nulCharacterError('\u0000', 'query')?.fields).toHaveProperty('query');
    expect(nulCharacterError({ id: 'a\u0000' }, 'params')?.status).toBe(400);
    expect(nulCharacterError({ a: 'x', b: [1, null, { c: 'y' }] }, 'body')).toBeUndefined();
  });

  it('turns thrown errors into the one shape, and hides internals of 500s', async () => {
    const logged: unknown[] = [];
    const app = new Hono();
    app.get('/api', () => {
      throw new ApiError('conflict', 'taken', { name: 'Already used' });
    });
    app.get('/boom', () => {
      throw new Error('secret detail');
    });
    app.onError(onError((e) => logged.push(e)));
    const api = await app.request('/api');
    expect(api.status).toBe(409);
    expect(await api.json()).toEqual({
      error: { code: 'conflict', message: 'taken', fields: { name: 'Already used' } },
    });
    const boom = await app.request('/boom');
    expect(boom.status).toBe(500);
    const body = await boom.json();
    expect(errorBodySchema.safeParse(body).success).toBe(true);
    expect(JSON.stringify(body)).not.toContain('secret detail');
    expect(logged).toHaveLength(1);
  });
});
