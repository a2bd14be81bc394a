import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import { canonicalJson, requestHash, requireIdempotencyKey } from '.';

describe('idempotency helpers', () => {
  it('hashes the same body the same whatever its key order', async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(await requestHash('POST', '/p', { a: 1, b: 2 })).toBe(
      await requestHash('POST', '/p', { b: 2, a: 1 }),
    );
    expect(await requestHash('POST', '/p', { a: 1 })).not.toBe(await requestHash('POST', '/q', { a: 1 }));
  });

  it('requires a sane key', () => {
    expect(requireIdempotencyKey('0d6f4c1e-aaaa-bbbb')).toBe('0d6f4c1e-aaaa-bbbb');
    for (const bad of [undefined, '', 'short', 'has spaces in it', 'x'.repeat(201)]) {
      expect(() => requireIdempotencyKey(bad)).toThrow(ApiError);
    }
  });
});
