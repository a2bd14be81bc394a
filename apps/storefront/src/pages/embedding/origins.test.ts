import { checkOrigin } from '@cascade/api/embed/origins';
import { describe, expect, it } from 'vitest';
import { describeOriginErrors, MAX_ORIGINS, originFieldErrors, parseOriginList } from './origins';

describe('parseOriginList (the allowed-origins textarea)', () => {
  it('takes one exact origin per line, trimming spaces and skipping blank lines', () => {
    const parsed = parseOriginList(
      '  https://portal.example.com \n\nhttps://shop.example.com:8443\r\nhttp://localhost:8788\n',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.origins).toEqual([
      'https://portal.example.com',
      'https://shop.example.com:8443',
      'http://localhost:8788',
    ]);
  });

  it('names each bad line with the API rule: no path, no slash, no wildcard, https except loopback', () => {
    const text = [
      'https://ok.example.com',
      'https://portal.example.com/',
      'https://portal.example.com/path',
      '*',
      'https://*.example.com',
      'http://portal.example.com',
      'ftp://portal.example.com',
      'portal.example.com',
      'https://user:pw@portal.example.com',
      'null',
    ].join('\n');
    const { errors } = parseOriginList(text);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(errors[0]?.message).toMatch(
      /exactly scheme:\/\/host\[:port\].*did you mean https:\/\/portal\.example\.com\?/,
    );
    expect(errors[1]?.message).toMatch(/exactly/);
    expect(errors[2]?.message).toMatch(/origin such as/);
    expect(errors[4]?.message).toMatch(/https/);
    expect(errors[5]?.message).toMatch(/https/);
    expect(errors[7]?.message).toMatch(/exactly/);
    // The very messages the API answers, line by line (a wildcard host included).
    expect(errors[3]?.message).toMatch(/wildcards match nothing/);
    for (const e of errors.filter((x) => x.line !== 5)) expect(e.message).toBe(checkOrigin(e.value));
  });

  it('allows plain http only on the loopback hosts', () => {
    for (const ok of ['http://localhost', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      expect(parseOriginList(ok).errors, ok).toEqual([]);
    }
    expect(parseOriginList('http://10.0.0.1').errors).toHaveLength(1);
  });

  it('wants at least one origin, each once, at most the API limit', () => {
    expect(parseOriginList(' \n \n').errors).toEqual([
      { line: 0, value: '', message: 'enter at least one origin' },
    ]);
    const twice = parseOriginList('https://a.example.com\nhttps://b.example.com\nhttps://a.example.com');
    expect(twice.errors).toEqual([{ line: 3, value: 'https://a.example.com', message: 'already on line 1' }]);
    const many = Array.from({ length: MAX_ORIGINS + 1 }, (_, i) => `https://p${i}.example.com`).join('\n');
    expect(parseOriginList(many).errors.map((e) => e.message)).toEqual([
      `at most ${MAX_ORIGINS} origins (21 given)`,
    ]);
    const enough = Array.from({ length: MAX_ORIGINS }, (_, i) => `https://p${i}.example.com`).join('\n');
    expect(parseOriginList(enough).errors).toEqual([]);
  });

  it('puts the errors in one sentence for the field', () => {
    expect(describeOriginErrors([])).toBeNull();
    expect(describeOriginErrors(parseOriginList('https://a.example.com\n*').errors)).toBe(
      'Line 2 (*): must be an origin such as https://portal.example.com',
    );
    expect(describeOriginErrors(parseOriginList('').errors)).toBe('Enter at least one origin');
  });

  it("maps the API's allowedOrigins.<i> field errors back to the origins sent", () => {
    const origins = ['https://a.example.com', 'https://b.example.com'];
    expect(originFieldErrors({ 'allowedOrigins.1': 'must use https://', name: 'x' }, origins)).toBe(
      'https://b.example.com: must use https://',
    );
    expect(originFieldErrors({ allowedOrigins: 'each origin once' }, origins)).toBe('Each origin once');
    expect(originFieldErrors({ name: 'Required' }, origins)).toBeNull();
  });
});
