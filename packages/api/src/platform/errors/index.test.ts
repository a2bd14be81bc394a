import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, errorBodySchema, onError, validationError, zodFields } from '.';

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
