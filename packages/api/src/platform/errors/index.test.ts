import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, errorBodySchema, onError, unstorableTextError, validationError, zodFields } from '.';

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

  it("names unknown fields called like Object.prototype's members", () => {
    const r = z
      .strictObject({ a: z.string() })
      .safeParse(JSON.parse('{"a":"x","__proto__":1,"constructor":2}'));
    if (r.success) throw new Error('expected failure');
    expect(Object.keys(zodFields(r.error, 'body')).sort()).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(validationError(r.error, 'body').toBody())).error.message).toBe(
      'Invalid request body: 2 fields (__proto__, constructor)',
    );
  });

  it('names the part itself when the whole of it is wrong', () => {
    const r = z.object({ a: z.string() }).safeParse('nope');
    if (r.success) throw new Error('expected failure');
    expect(zodFields(r.error, 'body')).toEqual({ body: expect.any(String) });
  });

  it('names the first string or key PostgreSQL cannot store: U+0000 or a lone surrogate', () => {
    const nul = 'Must not contain the NUL character (U+0000)';
    expect(unstorableTextError({ a: 'x', b: [{ c: 'ok' }, { c: 'n\u0000' }] }, 'body')?.fields).toEqual({
      'b.1.c': nul,
    });
    expect(unstorableTextError({ a: 'n\u0000', b: 'n\u0000' }, 'body')?.fields).toEqual({ a: nul });
    expect(Object.keys(unstorableTextError({ m: { 'k\u0000': 1 } }, 'body')?.fields ?? {})).toEqual([
      'm.k\u0000',
    ]);
    expect(unstorableTextError('\u0000', 'query')?.fields).toHaveProperty('query');
    expect(unstorableTextError({ id: 'a\u0000' }, 'params')?.status).toBe(400);
    for (const lone of ['\ud800', 'a\udc00', '\udbffx'])
      expect(unstorableTextError({ r: lone }, 'body')?.fields).toEqual({
        r: 'Must be valid Unicode text (it holds a lone surrogate)',
      });
    expect(unstorableTextError({ a: 'x €😀', b: [1, null, { c: 'y' }] }, 'body')).toBeUndefined();
    // Deeper than the call stack: still answered (a grid's free-form filter model may nest).
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableTextError({ f: deep }, 'body')?.status).toBe(400);
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
