import { EMBED_KEY_PATTERN } from '@cascade/db';
import { describe, expect, it } from 'vitest';
import { checkOrigin, newKeyPrefix, newKeySecret, parseKey, secretMatches } from './keys';

describe('API keys', () => {
  it('are made of a public prefix and 32 random bytes, and only their hash is kept', async () => {
    const made = await newKeySecret('pepper-of-the-server');
    expect(made.key).toMatch(EMBED_KEY_PATTERN);
    expect(made.key.startsWith(`${made.prefix}.`)).toBe(true);
    const parsed = parseKey(made.key);
    expect(parsed?.prefix).toBe(made.prefix);
    expect(made.secretHash).not.toContain(parsed?.secret);
    expect(await secretMatches('pepper-of-the-server', made, parsed?.secret ?? '')).toBe(true);
    // Another pepper, another salt or one changed character: no match.
    expect(await secretMatches('another-pepper', made, parsed?.secret ?? '')).toBe(false);
    expect(await secretMatches('pepper-of-the-server', { ...made, salt: '00' }, parsed?.secret ?? '')).toBe(
      false,
    );
    const other = `${(parsed?.secret ?? '').slice(0, -1)}${parsed?.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await secretMatches('pepper-of-the-server', made, other)).toBe(false);
  });

  it('have unbiased, unique prefixes', () => {
    const prefixes = Array.from({ length: 2000 }, newKeyPrefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    const counts = new Map<string, number>();
    for (const p of prefixes) for (const c of p.slice(3)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    // 24,000 characters over 36 symbols: each near 667; a modulo bias or a missing symbol shows.
    for (const n of counts.values()) expect(n).toBeGreaterThan(500);
  });

  it('are recognised only in their exact shape', () => {
    expect(parseKey(`ck_abcdefghijkl.${'a'.repeat(43)}`)).toEqual({
      prefix: 'ck_abcdefghijkl',
      secret: 'a'.repeat(43),
    });
    for (const bad of [
      '',
      'ck_abc.def',
      `ck_ABCDEFGHIJKL.${'a'.repeat(43)}`,
      `ck_abcdefghijkl.${'a'.repeat(31)}`,
      'eyJ.a.b',
    ]) {
      expect(parseKey(bad)).toBeNull();
    }
  });
});

describe('checkOrigin', () => {
  it('takes exact https origins, and http only on loopback hosts', () => {
    for (const ok of [
      'https://portal.example.com',
      'https://portal.example.com:8443',
      'http://localhost:8788',
      'http://127.0.0.1:9000',
      'http://[::1]:3000',
    ]) {
      expect(checkOrigin(ok), ok).toBeNull();
    }
    expect(checkOrigin('http://portal.example.com')).toMatch(/https/);
    expect(checkOrigin('https://portal.example.com/')).toMatch(/exactly/);
    expect(checkOrigin('https://user:pw@portal.example.com')).toMatch(/exactly/);
    expect(checkOrigin('https://PORTAL.example.com')).toMatch(/did you mean https:\/\/portal.example.com/);
    expect(checkOrigin('*')).toMatch(/origin/);
    expect(checkOrigin('https://*.example.com')).toMatch(/wildcards/);
    expect(checkOrigin('null')).toMatch(/origin/);
    expect(checkOrigin('javascript:alert(1)')).toMatch(/https/);
  });
});
